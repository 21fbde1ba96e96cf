/* test-autostart.c: the window's "Start at Login" (win.autostart) under
 * Xvfb, writing and removing the XDG autostart entry in run-session.sh's
 * fresh $XDG_CONFIG_HOME.  That the entry's command starts midway into
 * the tray is test-app-lifecycle.sh's, with the real binary.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include <adwaita.h>

#include "midway-autostart.h"
#include "midway-connection-list.h"
#include "midway-window.h"

static char *
entry_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", "io.github.midway_vpn.Midway.desktop", NULL);
}

static gboolean
action_state (MidwayWindow *window)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), "autostart");

  g_assert_nonnull (state);
  return g_variant_get_boolean (state);
}

static void
set_action_state (MidwayWindow *window,
                  gboolean      enabled)
{
  g_action_group_change_action_state (G_ACTION_GROUP (window), "autostart", g_variant_new_boolean (enabled));
}

static void
assert_valid_desktop_file (const char *path)
{
  g_autoptr(GSubprocess) validate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  validate = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                               "desktop-file-validate", path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (validate, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (validate) || (out != NULL && *out != '\0'))
    g_error ("desktop-file-validate %s:\n%s", path, out);
}

static void
assert_exec_starts_hidden (const char *path)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *start_group = NULL;
  g_autofree char *type = NULL;
  g_auto(GStrv) argv = NULL;

  g_assert_true (g_key_file_load_from_file (entry, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  start_group = g_key_file_get_start_group (entry);
  g_assert_cmpstr (start_group, ==, G_KEY_FILE_DESKTOP_GROUP);
  exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, NULL, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (argv[0], ==, "midway");
  g_assert_true (g_strv_contains ((const char * const *) argv, "--" MIDWAY_HIDDEN_OPTION));
  type = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, NULL);
  g_assert_cmpstr (type, ==, G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
}

static void
test_toggle (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autofree char *path = entry_path ();
  MidwayWindow *window;
  GObject *menu_button;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  window = midway_window_new (NULL, G_LIST_MODEL (list));
  gtk_window_present (GTK_WINDOW (window));
  g_assert_false (action_state (window));

  /* On: a valid entry that starts midway into the tray. */
  set_action_state (window, TRUE);
  g_assert_true (action_state (window));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  assert_valid_desktop_file (path);
  assert_exec_starts_hidden (path);

  /* Off: gone. */
  set_action_state (window, FALSE);
  g_assert_false (action_state (window));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Written or removed behind its back: the menu says what is on disk
   * when it opens. */
  menu_button = gtk_widget_get_template_child (GTK_WIDGET (window), MIDWAY_TYPE_WINDOW, "menu_button");
  g_assert_true (GTK_IS_MENU_BUTTON (menu_button));
  g_assert_true (g_file_set_contents (path, "[Desktop Entry]\nType=Application\nName=Midway\nExec=midway\n", -1, NULL));
  g_assert_false (action_state (window));
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  g_assert_true (action_state (window));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));
  g_assert_cmpint (g_unlink (path), ==, 0);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  g_assert_false (action_state (window));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  /* A new window finds the entry that is there. */
  set_action_state (window, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
  window = midway_window_new (NULL, G_LIST_MODEL (list));
  g_assert_true (action_state (window));
  set_action_state (window, FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_cannot_write (void)
{
  g_autoptr(MidwayAutostart) autostart = midway_autostart_new ();
  g_autofree char *directory = g_build_filename (g_get_user_config_dir (), "autostart", NULL);
  g_autoptr(GError) error = NULL;

  /* A file where the directory should be: said, not swallowed. */
  g_rmdir (directory);  /* left empty by /autostart/toggle */
  g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (directory, "", 0, NULL));
  g_assert_false (midway_autostart_set_enabled (autostart, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, directory));
  g_assert_false (midway_autostart_get_enabled (autostart));
  g_clear_error (&error);

  /* Off when it is not on is no error. */
  g_assert_true (midway_autostart_set_enabled (autostart, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (directory), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/autostart/toggle", test_toggle);
  g_test_add_func ("/autostart/cannot-write", test_cannot_write);

  return g_test_run ();
}
