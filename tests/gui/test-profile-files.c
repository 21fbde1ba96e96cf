/* test-profile-files.c: the running app follows the profile files.  The
 * real MidwayApplication under Xvfb (run-session.sh --display), and the
 * real midwayctl importing and removing profiles behind its back: the
 * window's rows follow, and so does an open profiles window.
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
  const char        *midwayctl;
  char              *import_path;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

/* The names the window's rows show, in order, comma-separated. */
static char *
row_names (MidwayWindow *window)
{
  GtkListBox *list = midway_window_get_list (window);
  g_autoptr(GString) names = g_string_new (NULL);

  for (int i = 0; gtk_list_box_get_row_at_index (list, i) != NULL; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      if (names->len > 0)
        g_string_append_c (names, ',');
      g_string_append (names, adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* midwayctl as a person runs it, to its end. */
static void
midwayctl (Fixture    *fixture,
           const char *command,
           const char *argument)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              fixture->midwayctl, command, argument, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  MidwayProfileDialog *profiles = midway_test_find_profile_dialog (fixture->app);
  g_autofree char *names = window != NULL ? row_names (window) : NULL;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u, rows: %s", fixture->step, names);

  switch (fixture->step)
    {
    case 0:
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || g_strcmp0 (names, "Alpha") != 0)
        return G_SOURCE_CONTINUE;
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "profiles", NULL);
      midwayctl (fixture, "import", fixture->import_path);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* Imported behind the app's back: a row of its own, in both windows. */
      if (g_strcmp0 (names, "Alpha,Beta") != 0)
        return G_SOURCE_CONTINUE;
      g_assert_nonnull (profiles);
      g_assert_nonnull (gtk_list_box_get_row_at_index (midway_profile_dialog_get_list (profiles), 1));
      /* The profiles window still has the profile it showed selected. */
      g_assert_true (gtk_list_box_get_selected_row (midway_profile_dialog_get_list (profiles)) ==
                     gtk_list_box_get_row_at_index (midway_profile_dialog_get_list (profiles), 0));
      midwayctl (fixture, "remove", "Alpha");
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      if (g_strcmp0 (names, "Beta") != 0)
        return G_SOURCE_CONTINUE;
      g_assert_null (gtk_list_box_get_row_at_index (midway_profile_dialog_get_list (profiles), 1));
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_follows_files (void)
{
  Fixture fixture = { 0 };
  g_autoptr(MidwayProfile) alpha = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "midway", NULL };

  fixture.midwayctl = g_getenv ("MIDWAY_TEST_MIDWAYCTL");
  g_assert_nonnull (fixture.midwayctl);
  g_assert_true (midway_profile_set_from_string (alpha, MIDWAY_FIELD_NAME, "Alpha", &error));
  g_assert_true (midway_profile_set_from_string (alpha, MIDWAY_FIELD_HOST, "vpn.example.org", &error));
  g_assert_no_error (error);
  midway_test_write_profile (alpha);
  fixture.import_path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "beta.midway", NULL);
  g_assert_true (g_file_set_contents (fixture.import_path, "[Midway Profile]\nname=Beta\nhost=lab.example.net\n",
                                      -1, &error));
  g_assert_no_error (error);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);
  g_clear_object (&fixture.app);
  g_free (fixture.import_path);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/profile-files/midwayctl-import-remove", test_follows_files);

  return g_test_run ();
}
