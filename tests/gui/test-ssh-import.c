/* test-ssh-import.c: "Import from SSH Configuration…" in the profiles
 * dialog under Xvfb, reading $HOME/.ssh/config of the throwaway HOME that
 * run-session.sh --display makes, and writing to the profile store in its
 * $XDG_CONFIG_HOME.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-connection-list.h"
#include "midway-connection-row.h"
#include "midway-profile-dialog.h"
#include "midway-ssh-import-dialog.h"
#include "midway-test-kit-ui.h"

#define SSH_CONFIG \
  "# written by test-ssh-import\n" \
  "Host office\n" \
  "  HostName vpn.example.org\n" \
  "  User mwsrv\n" \
  "  Port 2222\n" \
  "  IdentityFile ~/.ssh/id_office\n" \
  "Host lab lab2\n" \
  "  HostName=lab.example.net\n" \
  "Host already\n" \
  "  HostName old.example.com\n" \
  "  User bob\n" \
  "  Port 2200\n" \
  "Host broken\n" \
  "  HostName -oProxyCommand=x\n" \
  "Host *.example.org\n" \
  "  User wild\n" \
  "Host *\n" \
  "  Port 2201\n"

static guint
count_files (void)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static MidwaySshImportDialog *
find_import_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  MidwaySshImportDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MIDWAY_IS_SSH_IMPORT_DIALOG (window))
        {
          g_assert_null (found);
          found = MIDWAY_SSH_IMPORT_DIALOG (window);
        }
    }
  return found;
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static MidwayProfile *
find_by_name (MidwayConnectionList *list,
              const char           *name)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (G_LIST_MODEL (list), i);
      MidwayProfile *profile = midway_connection_get_profile (connection);

      if (g_strcmp0 (midway_profile_get_name (profile), name) == 0)
        return profile;
    }
  return NULL;
}

/* The saved file, read back as the helper and midwayctl would. */
static MidwayProfile *
load_saved (MidwayProfile *profile)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *name = g_strconcat (midway_profile_get_id (profile), ".midway", NULL);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  MidwayProfile *loaded;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = midway_profile_new_from_file (path, &error);
  g_assert_no_error (error);
  return loaded;
}

static gboolean
list_box_shows (GtkListBox *box,
                const char *name)
{
  for (int i = 0; gtk_list_box_get_row_at_index (box, i) != NULL; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (box, i);
      MidwayConnection *connection = midway_connection_row_get_connection (MIDWAY_CONNECTION_ROW (row));

      if (g_strcmp0 (midway_profile_get_name (midway_connection_get_profile (connection)), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
ssh_config_path (void)
{
  return g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
}

/* Without a ~/.ssh/config there is nothing to choose from, and it says so. */
static void
test_no_config (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ssh_config_path ();
  g_autofree char *expected = NULL;
  MidwayProfileDialog *dialog;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (midway_connection_list_load (list, &error));
  dialog = midway_profile_dialog_new (NULL, list);
  gtk_window_present (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.import-ssh-config", NULL));
  g_assert_null (find_import_dialog ());
  expected = g_strdup_printf ("Not imported: Cannot read %s: No such file or directory", path);
  g_assert_true (has_label (GTK_WIDGET (dialog), expected));
  g_assert_cmpuint (count_files (), ==, 0);

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_import (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(MidwayProfile) existing = midway_profile_new ();
  g_autoptr(MidwayProfile) office_saved = NULL;
  g_autoptr(MidwayProfile) lab_saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = ssh_config_path ();
  g_autofree char *ssh_dir = g_path_get_dirname (path);
  g_autofree char *key = NULL;
  MidwaySshImportDialog *import_dialog;
  MidwayProfileDialog *dialog;
  MidwayProfile *office;
  MidwayProfile *lab;
  AdwActionRow *row;

  g_assert_cmpint (g_mkdir_with_parents (ssh_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (path, SSH_CONFIG, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);

  /* A profile for the server "already" names, saved before. */
  g_assert_true (midway_profile_set_from_string (existing, MIDWAY_FIELD_NAME, "Old server", &error));
  g_assert_true (midway_profile_set_from_string (existing, MIDWAY_FIELD_HOST, "old.example.com", &error));
  g_assert_true (midway_profile_set_from_string (existing, MIDWAY_FIELD_USER, "bob", &error));
  g_assert_true (midway_profile_set_from_string (existing, MIDWAY_FIELD_PORT, "2200", &error));
  g_assert_no_error (error);
  midway_test_write_profile (existing);

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  dialog = midway_profile_dialog_new (NULL, list);
  gtk_window_present (GTK_WINDOW (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.import-ssh-config", NULL));
  import_dialog = find_import_dialog ();
  g_assert_nonnull (import_dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (import_dialog)) == GTK_WINDOW (dialog));

  /* Every concrete alias, no pattern. */
  g_assert_cmpuint (midway_ssh_import_dialog_get_n_rows (import_dialog), ==, 5);
  g_assert_nonnull (midway_ssh_import_dialog_get_row (import_dialog, "office"));
  g_assert_nonnull (midway_ssh_import_dialog_get_row (import_dialog, "lab"));
  g_assert_nonnull (midway_ssh_import_dialog_get_row (import_dialog, "lab2"));
  g_assert_null (midway_ssh_import_dialog_get_row (import_dialog, "*"));
  g_assert_null (midway_ssh_import_dialog_get_row (import_dialog, "*.example.org"));
  row = midway_ssh_import_dialog_get_row (import_dialog, "office");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "mwsrv@vpn.example.org:2222");

  /* Marked as imported: same server, user and port. */
  g_assert_true (midway_ssh_import_dialog_is_imported (import_dialog, "already"));
  g_assert_false (midway_ssh_import_dialog_is_imported (import_dialog, "office"));
  row = midway_ssh_import_dialog_get_row (import_dialog, "already");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Already imported: bob@old.example.com:2200");

  /* Refused by the profile rules, with their message, and not checkable. */
  row = midway_ssh_import_dialog_get_row (import_dialog, "broken");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Cannot be imported: host: must not start with “-”");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (midway_ssh_import_dialog_get_check (import_dialog, "broken"))));

  /* Nothing is checked at first. */
  for (guint i = 0; i < 5; i++)
    {
      static const char * const aliases[] = { "office", "lab", "lab2", "already", "broken" };

      g_assert_false (gtk_check_button_get_active (midway_ssh_import_dialog_get_check (import_dialog, aliases[i])));
    }

  /* Two checked, one by activating its row as a click would. */
  gtk_widget_activate (GTK_WIDGET (midway_ssh_import_dialog_get_row (import_dialog, "office")));
  g_assert_true (gtk_check_button_get_active (midway_ssh_import_dialog_get_check (import_dialog, "office")));
  gtk_check_button_set_active (midway_ssh_import_dialog_get_check (import_dialog, "lab"), TRUE);
  midway_test_save_screenshot (GTK_WIDGET (import_dialog), "ssh-import-dialog.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (import_dialog), "ssh-import.import", NULL));

  /* The import dialog is gone, the files are there. */
  g_assert_null (find_import_dialog ());
  g_assert_true (has_label (GTK_WIDGET (dialog), "Imported 2 profiles"));
  g_assert_cmpuint (count_files (), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);

  office = find_by_name (list, "office");
  g_assert_nonnull (office);
  office_saved = load_saved (office);
  g_assert_true (midway_profile_equal (office_saved, office));
  g_assert_cmpstr (midway_profile_get_host (office_saved), ==, "vpn.example.org");
  g_assert_cmpuint (midway_profile_get_port (office_saved), ==, 2222);
  g_assert_cmpstr (midway_profile_get_user (office_saved), ==, "mwsrv");
  g_assert_cmpint (midway_profile_get_auth (office_saved), ==, MIDWAY_AUTH_KEY_FILE);
  key = g_build_filename (g_get_home_dir (), ".ssh", "id_office", NULL);
  g_assert_cmpstr (midway_profile_get_key_file (office_saved), ==, key);

  lab = find_by_name (list, "lab");
  g_assert_nonnull (lab);
  lab_saved = load_saved (lab);
  g_assert_true (midway_profile_equal (lab_saved, lab));
  g_assert_cmpstr (midway_profile_get_host (lab_saved), ==, "lab.example.net");
  g_assert_cmpuint (midway_profile_get_port (lab_saved), ==, 2201);
  g_assert_cmpstr (midway_profile_get_user (lab_saved), ==, "");
  g_assert_cmpint (midway_profile_get_auth (lab_saved), ==, MIDWAY_AUTH_AGENT);
  g_assert_cmpstr (midway_profile_get_id (lab_saved), !=, midway_profile_get_id (office_saved));

  g_assert_null (find_by_name (list, "lab2"));
  g_assert_null (find_by_name (list, "broken"));
  g_assert_true (list_box_shows (midway_profile_dialog_get_list (dialog), "office"));
  g_assert_true (list_box_shows (midway_profile_dialog_get_list (dialog), "lab"));
  g_assert_true (list_box_shows (midway_profile_dialog_get_list (dialog), "Old server"));

  /* Opened again: what was just imported is marked now. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.import-ssh-config", NULL));
  import_dialog = find_import_dialog ();
  g_assert_nonnull (import_dialog);
  g_assert_true (midway_ssh_import_dialog_is_imported (import_dialog, "office"));
  g_assert_true (midway_ssh_import_dialog_is_imported (import_dialog, "lab"));
  /* lab2 is the same server as lab. */
  g_assert_true (midway_ssh_import_dialog_is_imported (import_dialog, "lab2"));
  gtk_window_destroy (GTK_WINDOW (import_dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ssh-import/no-config", test_no_config);
  g_test_add_func ("/ssh-import/import", test_import);

  return g_test_run ();
}
