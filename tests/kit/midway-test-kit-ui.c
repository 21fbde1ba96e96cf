/* midway-test-kit-ui.c: see midway-test-kit-ui.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-test-kit-ui.h"

MidwayWindow *
midway_test_find_window (MidwayApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MIDWAY_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

MidwayProfileDialog *
midway_test_find_profile_dialog (MidwayApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MIDWAY_IS_PROFILE_DIALOG (l->data))
      return l->data;
  return NULL;
}

void
midway_test_save_screenshot (GtkWidget  *widget,
                             const char *name)
{
  const char *directory = g_getenv ("MIDWAY_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (directory == NULL)
    return;
  /* A few frames, so that the widgets have been drawn once. */
  midway_test_spin_for (500);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

GtkWidget *
midway_test_find_widget (GtkWidget    *root,
                         gboolean (   *match ) (GtkWidget    *widget,
                                                gconstpointer data),
                         gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = midway_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget    *widget,
                    gconstpointer label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

GtkWidget *
midway_test_find_button (GtkWidget  *root,
                         const char *label)
{
  return midway_test_find_widget (root, is_button_labelled, label);
}

static gboolean
is_action_button (GtkWidget    *widget,
                  gconstpointer action_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0;
}

GtkWidget *
midway_test_find_action_button (GtkWidget  *root,
                                const char *action_name)
{
  return midway_test_find_widget (root, is_action_button, action_name);
}

static gboolean
is_named (GtkWidget    *widget,
          gconstpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

GtkWidget *
midway_test_find_named (GtkWidget  *root,
                        const char *name)
{
  return midway_test_find_widget (root, is_named, name);
}

static gboolean
is_label_with (GtkWidget    *widget,
               gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

GtkLabel *
midway_test_find_label (GtkWidget  *root,
                        const char *text)
{
  GtkWidget *found = midway_test_find_widget (root, is_label_with, text);

  return found != NULL ? GTK_LABEL (found) : NULL;
}

static gboolean
is_switch (GtkWidget    *widget,
           gconstpointer data)
{
  return GTK_IS_SWITCH (widget);
}

GtkSwitch *
midway_test_find_switch (GtkWidget *root)
{
  GtkWidget *found = midway_test_find_widget (root, is_switch, NULL);

  return found != NULL ? GTK_SWITCH (found) : NULL;
}

void
midway_test_wait_for_layout (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 frame = gdk_frame_clock_get_frame_counter (clock);

  g_assert_nonnull (clock);
  /* Two frames, since the one under way may have laid out before the
   * change. Each is asked for: a window with nothing new to draw draws
   * no frame, and waiting for one that nobody asked for only ends when
   * a deadline does. No deadline of our own either: on a loaded machine
   * a frame takes long, and meson's timeout bounds the test. */
  while (gdk_frame_clock_get_frame_counter (clock) < frame + 2)
    {
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
      g_main_context_iteration (NULL, TRUE);
    }
}
