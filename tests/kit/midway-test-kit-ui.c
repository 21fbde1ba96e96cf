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
