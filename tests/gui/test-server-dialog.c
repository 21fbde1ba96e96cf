/* test-server-dialog.c: "Set Up Server…" from the profiles dialog under
 * Xvfb.  What can run without a server: input refused before anything
 * starts, the script for an administrator on the clipboard and the
 * profile saved as it leaves it, and a server that cannot be reached
 * (a real ssh against a closed port) reported with the password already
 * gone from its entry and the profile untouched.  The runs against a real
 * server are the e2e scenarios server-*.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-connection-list.h"
#include "midway-profile-dialog.h"
#include "midway-profile-editor.h"
#include "midway-secret-store.h"
#include "midway-server-dialog.h"
#include "midway-ssh-key.h"
#include "midway-test-kit.h"

#define PUBLIC_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"

static MidwayServerDialog *
find_server_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  MidwayServerDialog *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MIDWAY_IS_SERVER_DIALOG (window))
        found = MIDWAY_SERVER_DIALOG (window);
    }
  return found;
}

static char *
saved_path (MidwayProfile *profile)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *name = g_strconcat (midway_profile_get_id (profile), ".midway", NULL);

  return g_build_filename (directory, name, NULL);
}

static gboolean
not_busy (gpointer data)
{
  return !midway_server_dialog_is_busy (data);
}

/* Each test starts with no stored profile: an earlier test's "Office"
 * would make this one's a second profile of that name, which is refused. */
static void
clear_store (void)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);

      if (g_str_has_suffix (name, ".midway"))
        g_assert_no_errno (g_unlink (path));
    }
}

/* A profile for HOST:PORT signing in with AUTH (key-file: a key file
 * whose .pub exists), shown in a profiles dialog; the "Set Up Server…"
 * action saves it and opens the assistant. */
static MidwayServerDialog *
open_assistant_with (MidwayProfileDialog **dialog_out,
                     MidwayProfile       **profile_out,
                     const char           *host,
                     const char           *port,
                     const char           *auth)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autofree char *key = g_build_filename (ssh_dir, "id_vpn", NULL);
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *pub_line = g_strconcat (PUBLIC_KEY, " alice@laptop\n", NULL);
  MidwayProfileDialog *dialog;
  MidwayServerDialog *server_dialog;

  g_assert_cmpint (g_mkdir_with_parents (ssh_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (pub, pub_line, -1, &error));
  g_assert_true (midway_profile_set_from_string (profile, "name", "Office", &error));
  g_assert_true (midway_profile_set_from_string (profile, "host", host, &error));
  g_assert_true (midway_profile_set_from_string (profile, "port", port, &error));
  g_assert_true (midway_profile_set_from_string (profile, "user", "alice", &error));
  g_assert_true (midway_profile_set_from_string (profile, "auth", auth, &error));
  if (g_str_equal (auth, "key-file"))
    g_assert_true (midway_profile_set_from_string (profile, "key-file", key, &error));
  g_assert_true (midway_profile_set_from_string (profile, "local-address", "10.66.0.1", &error));
  g_assert_true (midway_profile_set_from_string (profile, "remote-address", "10.66.0.2", &error));
  g_assert_no_error (error);

  clear_store ();
  g_assert_true (midway_connection_list_load (list, &error));
  dialog = midway_profile_dialog_new (NULL, list);
  midway_profile_editor_set_profile (midway_profile_dialog_get_editor (dialog), profile);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_null (find_server_dialog ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.server-setup", NULL));
  server_dialog = find_server_dialog ();
  g_assert_nonnull (server_dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (server_dialog)) == GTK_WINDOW (dialog));

  *dialog_out = dialog;
  *profile_out = g_steal_pointer (&profile);
  return server_dialog;
}

static MidwayServerDialog *
open_assistant (MidwayProfileDialog **dialog_out,
                MidwayProfile       **profile_out,
                const char           *host,
                const char           *port)
{
  return open_assistant_with (dialog_out, profile_out, host, port, "key-file");
}

static void
test_refused_input (void)
{
  g_autoptr(MidwayProfile) profile = NULL;
  MidwayProfileDialog *dialog = NULL;
  MidwayServerDialog *server_dialog = open_assistant (&dialog, &profile, "vpn.example.org", "22");
  g_autofree char *path = saved_path (profile);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  gtk_editable_set_text (midway_server_dialog_get_lan_row (server_dialog), "10.99.0.1/24");
  gtk_editable_set_text (midway_server_dialog_get_password_row (server_dialog), "secret-pw");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server_dialog), "server.setup", NULL));

  g_assert_false (midway_server_dialog_is_busy (server_dialog));
  g_assert_cmpstr (gtk_label_get_text (midway_server_dialog_get_status (server_dialog)), ==,
                   "--lan: “10.99.0.1/24” is not a canonical IPv4 network (such as 192.168.1.0/24)");
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (midway_server_dialog_get_steps (server_dialog))));
  /* Nothing started, so the password stays for the corrected run. */
  g_assert_cmpstr (gtk_editable_get_text (midway_server_dialog_get_password_row (server_dialog)), ==, "secret-pw");
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  gtk_window_destroy (GTK_WINDOW (server_dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardRead;

static void
clipboard_read_done (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static gboolean
read_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static void
test_copy_script (void)
{
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(MidwayProfile) saved = NULL;
  g_autoptr(GError) error = NULL;
  MidwayProfileDialog *dialog = NULL;
  MidwayServerDialog *server_dialog = open_assistant (&dialog, &profile, "vpn.example.org", "22");
  g_autofree char *path = saved_path (profile);
  ClipboardRead read = { NULL, FALSE };

  gtk_editable_set_text (midway_server_dialog_get_lan_row (server_dialog), "10.99.0.0/24, 192.168.7.0/24");
  gtk_switch_set_active (midway_server_dialog_get_gateway_switch (server_dialog), TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server_dialog), "server.copy-script", NULL));

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (server_dialog)), NULL,
                                 clipboard_read_done, &read);
  midway_test_spin_until (read_done, &read, 10.0);
  g_assert_nonnull (read.text);
  g_assert_true (g_str_has_prefix (read.text, "#!/bin/sh\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_ACTION='setup'\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_USER='alice'\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_LANS='10.99.0.0/24 192.168.7.0/24'\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_GATEWAY='yes'\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_KEY='" PUBLIC_KEY " midway-alice'\n"));
  g_assert_nonnull (strstr (read.text, "\nMW_VIA_SUDO='no'\n"));
  g_free (read.text);

  /* Saved as the script leaves it: the server's peers file, its addresses. */
  saved = midway_profile_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_profile_get_remote_command (saved), ==, "sudo -n pppd call midway-alice-79c9151e");
  g_assert_cmpstr (midway_profile_get_local_address (saved), ==, "");
  g_assert_cmpstr (midway_profile_get_remote_address (saved), ==, "");
  g_assert_cmpstr (midway_profile_get_name (saved), ==, "Office");

  gtk_window_destroy (GTK_WINDOW (server_dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
store_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
stored (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

/* A keyring-key profile: the script carries the line for the public half
 * of the key in the keyring, as a run over ssh would put in place. */
static void
test_copy_script_keyring (void)
{
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GBytes) private_key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = NULL;
  g_autofree char *expected = NULL;
  MidwayProfileDialog *dialog = NULL;
  MidwayServerDialog *server_dialog;
  ClipboardRead read = { NULL, FALSE };

  server_dialog = open_assistant_with (&dialog, &profile, "vpn.example.org", "22", "keyring-key");
  key = midway_ssh_key_generate_ed25519 ("laptop", &error);
  g_assert_no_error (error);
  private_key = midway_ssh_key_dup_private_data (key);
  midway_secret_store_store_async (store, midway_profile_get_id (profile), "Office",
                                   MIDWAY_SECRET_PRIVATE_KEY, private_key, NULL, store_done, &result);
  midway_test_spin_until (stored, &result, 30.0);
  g_assert_true (midway_secret_store_store_finish (store, result, &error));
  g_assert_no_error (error);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server_dialog), "server.copy-script", NULL));
  midway_test_spin_until (not_busy, server_dialog, 30.0);
  g_assert_cmpstr (gtk_label_get_text (midway_server_dialog_get_status (server_dialog)), ==,
                   "The script is on the clipboard: run it as root on the server (sh FILE). The profile now uses what it sets up.");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (server_dialog)), NULL,
                                 clipboard_read_done, &read);
  midway_test_spin_until (read_done, &read, 10.0);
  g_assert_nonnull (read.text);
  words = g_strsplit (midway_ssh_key_get_public_line (key), " ", 3);
  expected = g_strdup_printf ("\nMW_KEY='%s %s midway-alice'\n", words[0], words[1]);
  g_assert_nonnull (strstr (read.text, expected));
  g_assert_nonnull (strstr (read.text, "\nMW_USER='alice'\n"));
  /* The public half only: nothing of the private key. */
  g_assert_null (strstr (read.text, "PRIVATE KEY"));
  g_free (read.text);

  gtk_window_destroy (GTK_WINDOW (server_dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_unreachable (void)
{
  g_autoptr(MidwayProfile) profile = NULL;
  MidwayProfileDialog *dialog = NULL;
  /* Port 1 on the loopback: nothing listens, ssh is refused at once. */
  MidwayServerDialog *server_dialog = open_assistant (&dialog, &profile, "127.0.0.1", "1");
  g_autofree char *path = saved_path (profile);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const char *status;

  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  gtk_editable_set_text (midway_server_dialog_get_lan_row (server_dialog), "10.99.0.0/24");
  gtk_editable_set_text (midway_server_dialog_get_password_row (server_dialog), "secret-pw");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (server_dialog), "server.setup", NULL));
  g_assert_true (midway_server_dialog_is_busy (server_dialog));
  g_assert_cmpstr (gtk_editable_get_text (midway_server_dialog_get_password_row (server_dialog)), ==, "");

  midway_test_spin_until (not_busy, server_dialog, 30.0);
  status = gtk_label_get_text (midway_server_dialog_get_status (server_dialog));
  g_test_message ("status: %s", status);
  g_assert_true (g_str_has_prefix (status, "Could not run the setup on the server (ssh or sudo failed: "));
  g_assert_nonnull (strstr (status, "127.0.0.1"));
  g_assert_nonnull (strstr (status, "Connection refused"));
  g_assert_null (strstr (status, "secret-pw"));
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (midway_server_dialog_get_steps (server_dialog))));
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  gtk_window_destroy (GTK_WINDOW (server_dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/server-dialog/refused-input", test_refused_input);
  g_test_add_func ("/server-dialog/copy-script", test_copy_script);
  g_test_add_func ("/server-dialog/copy-script-keyring", test_copy_script_keyring);
  g_test_add_func ("/server-dialog/unreachable", test_unreachable);

  return g_test_run ();
}
