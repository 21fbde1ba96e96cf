/* test-window-profiles.c: the main window manages profiles without the
 * tray: from an empty window, "Add Profile…" opens the editor, the saved
 * profile appears in the window, and its details page opens it again for
 * editing.  The real MidwayApplication under Xvfb with no tray, as on
 * stock GNOME (run-session.sh --display).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-application.h"
#include "midway-connection-row.h"
#include "midway-profile-dialog.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

typedef struct
{
  MidwayApplication *app;
  char              *saved_id;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

static GtkWidget *
child (MidwayWindow *window,
       const char   *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (window), MIDWAY_TYPE_WINDOW, name);

  g_assert_true (GTK_IS_WIDGET (object));
  return GTK_WIDGET (object);
}

static const char *
page (MidwayWindow *window)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (child (window, "stack")));
}

static void
type_into (MidwayProfileEditor *editor,
           const char          *key,
           const char          *text)
{
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, key)), text);
}

/* A click: the button must be there for a person to see. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  MidwayProfileDialog *profiles = midway_test_find_profile_dialog (fixture->app);
  MidwayConnectionList *connections = midway_application_get_connections (fixture->app);
  MidwayProfileEditor *editor = profiles != NULL ? midway_profile_dialog_get_editor (profiles) : NULL;
  GtkListBoxRow *row;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      /* No tray: the window shows itself, empty, with its two doors. */
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (page (window), ==, "empty");
      g_assert_null (profiles);
      g_assert_true (gtk_widget_get_mapped (child (window, "empty_import_button")));
      g_assert_true (gtk_widget_get_mapped (child (window, "add_button")));
      click (child (window, "empty_add_button"));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* An empty form for a new profile, in a window of its own. */
      if (profiles == NULL || !gtk_widget_get_mapped (GTK_WIDGET (profiles)))
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (midway_profile_get_name (midway_profile_editor_get_profile (editor)), ==, "");
      g_assert_null (midway_connection_list_find (connections,
                                                  midway_profile_get_id (midway_profile_editor_get_profile (editor))));
      type_into (editor, MIDWAY_FIELD_NAME, "Office");
      type_into (editor, MIDWAY_FIELD_HOST, "vpn.example.org");
      type_into (editor, MIDWAY_FIELD_USER, "mwsrv");
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (profiles), "profiles.save", NULL));
      fixture->saved_id = g_strdup (midway_profile_get_id (midway_profile_editor_get_profile (editor)));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      /* The main window lists it. */
      if (g_strcmp0 (page (window), "list") != 0)
        return G_SOURCE_CONTINUE;
      row = gtk_list_box_get_row_at_index (midway_window_get_list (window), 0);
      g_assert_true (MIDWAY_IS_CONNECTION_ROW (row));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Office");
      /* The header's "+" is the same door as the empty page's. */
      click (child (window, "add_button"));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 3:
      if (g_strcmp0 (midway_profile_get_id (midway_profile_editor_get_profile (editor)), fixture->saved_id) == 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (midway_profile_get_name (midway_profile_editor_get_profile (editor)), ==, "");
      /* A profile's details page has "Edit", the list has not. */
      g_assert_false (gtk_widget_get_visible (child (window, "edit_button")));
      row = gtk_list_box_get_row_at_index (midway_window_get_list (window), 0);
      gtk_widget_activate (GTK_WIDGET (row));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 4:
      if (g_strcmp0 (page (window), "details") != 0 || !gtk_widget_get_mapped (child (window, "edit_button")))
        return G_SOURCE_CONTINUE;
      click (child (window, "edit_button"));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 5:
      /* The same profiles window, on the saved profile. */
      if (g_strcmp0 (midway_profile_get_id (midway_profile_editor_get_profile (editor)), fixture->saved_id) != 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_HOST))),
                       ==, "vpn.example.org");
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (profiles)));
      g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fixture->app), "import-profile"));
      /* Quit (the tray's, or Ctrl+Q) with an unsaved edit: asked first. */
      type_into (editor, MIDWAY_FIELD_HOST, "vpn2.example.org");
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 6:
      {
        AdwMessageDialog *question = midway_profile_dialog_get_unsaved_question (profiles);
        GtkWidget *discard;

        g_assert_nonnull (question);
        discard = midway_test_find_button (GTK_WIDGET (question), adw_message_dialog_get_response_label (question, "discard"));
        g_assert_nonnull (discard);
        g_assert_true (gtk_widget_activate (discard));
      }
      /* Discard quits: g_application_run() returns. */
      fixture->done = TRUE;
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 7:
      return G_SOURCE_CONTINUE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_add_from_empty_window (void)
{
  Fixture fixture = { 0 };
  guint source;
  char *argv[] = { (char *) "midway", NULL };

  g_assert_null (g_getenv ("MIDWAY_TEST_TRAY"));
  fixture.app = midway_application_new ();
  source = g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);
  /* Still polling, waiting for the quit that came. */
  g_source_remove (source);
  g_clear_object (&fixture.app);
  g_free (fixture.saved_id);
}

/* ---- Import from the empty window ---------------------------------------- */

static GtkFileChooser *
find_chooser (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (GTK_IS_FILE_CHOOSER_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

typedef struct
{
  MidwayApplication *app;
  char              *path;
  char              *id;
  guint              step;
  guint              polls;
  gboolean           done;
} ImportFixture;

static gboolean
drive_import (gpointer user_data)
{
  ImportFixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  GtkFileChooser *chooser = find_chooser ();
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  GtkListBoxRow *row;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (page (window), ==, "empty");
      click (child (window, "empty_import_button"));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* The file chooser GTK shows where no portal runs. */
      if (chooser == NULL)
        return G_SOURCE_CONTINUE;
      g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_OPEN);
      file = g_file_new_for_path (fixture->path);
      g_assert_true (gtk_file_chooser_set_file (chooser, file, &error));
      g_assert_no_error (error);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      /* Selected once the chooser has read the folder. */
      file = chooser != NULL ? gtk_file_chooser_get_file (chooser) : NULL;
      if (file == NULL)
        return G_SOURCE_CONTINUE;
      {
        g_autofree char *chosen = g_file_get_path (file);

        g_assert_cmpstr (chosen, ==, fixture->path);
      }
      gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 3:
      if (g_strcmp0 (page (window), "list") != 0)
        return G_SOURCE_CONTINUE;
      row = gtk_list_box_get_row_at_index (midway_window_get_list (window), 0);
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Imported");
      g_assert_cmpstr (midway_connection_get_id (midway_connection_row_get_connection (MIDWAY_CONNECTION_ROW (row))),
                       ==, fixture->id);
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_import_from_empty_window (void)
{
  ImportFixture fixture = { 0 };
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "midway", NULL };

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, "Imported", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", &error));
  g_assert_no_error (error);
  fixture.path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "imported.midway", NULL);
  g_assert_true (midway_profile_save (profile, fixture.path, &error));
  g_assert_no_error (error);
  fixture.id = g_strdup (midway_profile_get_id (profile));

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive_import, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);
  g_clear_object (&fixture.app);
  g_free (fixture.path);
  g_free (fixture.id);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  /* Each run alone (-p), in a session of its own: see meson.build. */
  g_test_add_func ("/window-profiles/import-from-empty-window", test_import_from_empty_window);
  g_test_add_func ("/window-profiles/add-from-empty-window", test_add_from_empty_window);

  return g_test_run ();
}
