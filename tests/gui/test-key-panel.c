/* test-key-panel.c: the profiles dialog's "Sign-in key" group under Xvfb,
 * against a real gnome-keyring (run-session.sh --keyring --display): keys
 * made and imported through the panel's actions, read back from the
 * keyring through MidwaySecretStore and judged by the real ssh-keygen; and
 * no file in the session's home, XDG or temporary directories holding the
 * private key.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-connection-list.h"
#include "midway-profile-dialog.h"
#include "midway-secret-store.h"
#include "midway-test-kit-ui.h"

#define PASSPHRASE "correct horse battery"

static void
wait_until_idle (MidwayKeyPanel *panel)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  /* One turn first: an action may only just have started its round trip. */
  g_main_context_iteration (NULL, FALSE);
  while (midway_key_panel_get_busy (panel))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
assert_key_text (GtkWidget  *row,
                 const char *text)
{
  GtkLabel *label = midway_test_find_label (row, text);
  PangoAttrList *attributes;
  PangoAttrIterator *iterator;
  PangoAttrInt *hyphens;

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "monospace"));
  g_assert_cmpint (gtk_label_get_wrap_mode (label), ==, PANGO_WRAP_WORD_CHAR);
  attributes = gtk_label_get_attributes (label);
  g_assert_nonnull (attributes);
  iterator = pango_attr_list_get_iterator (attributes);
  hyphens = (PangoAttrInt *) pango_attr_iterator_get (iterator, PANGO_ATTR_INSERT_HYPHENS);
  g_assert_nonnull (hyphens);
  g_assert_false (hyphens->value);
  pango_attr_iterator_destroy (iterator);
}

/* The message dialog the panel put up, once it is there. */
static AdwMessageDialog *
wait_for_message_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GList) windows = gtk_window_list_toplevels ();

      for (GList *l = windows; l != NULL; l = l->next)
        if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
          return l->data;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* What a click on a response button does: the response, then the close. */
static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

typedef struct
{
  GBytes  *bytes;
  GError  *error;
  gboolean done;
} Lookup;

static void
on_lookup (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Lookup *lookup = user_data;

  lookup->bytes = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &lookup->error);
  lookup->done = TRUE;
}

/* Straight from the keyring, not through the panel; NULL when empty. */
static GBytes *
keyring_lookup_maybe (const char      *profile_id,
                      MidwaySecretKind kind)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  Lookup lookup = { 0 };

  midway_secret_store_lookup_async (store, profile_id, kind, NULL, on_lookup, &lookup);
  while (!lookup.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (lookup.error);
  return lookup.bytes;
}

static GBytes *
keyring_lookup (const char      *profile_id,
                MidwaySecretKind kind)
{
  GBytes *bytes = keyring_lookup_maybe (profile_id, kind);

  g_assert_nonnull (bytes);
  return bytes;
}

typedef struct
{
  char    *text;
  gboolean done;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;
  g_autoptr(GError) error = NULL;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
  read->done = TRUE;
}

static char *
clipboard_text (GtkWidget *widget)
{
  ClipboardRead read = { 0 };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL, on_clipboard_read, &read);
  while (!read.done)
    g_main_context_iteration (NULL, TRUE);
  return read.text;
}

/* Does any regular file under @directory hold @needle? */
static gboolean
tree_contains (const char *directory,
               GBytes     *needle)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (path, needle))
            return TRUE;
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !g_file_get_contents (path, &contents, &length, NULL))
        continue;
      if (memmem (contents, length, g_bytes_get_data (needle, NULL), g_bytes_get_size (needle)) != NULL)
        {
          g_printerr ("# %s holds the private key\n", path);
          return TRUE;
        }
    }
  return FALSE;
}

/* Neither the key file's text nor the raw Ed25519 seed is anywhere on disk
 * where the session writes. */
static void
assert_nowhere_on_disk (GBytes *private_data)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree guchar *binary = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) seed = NULL;
  g_autoptr(GBytes) line = NULL;
  const char *roots[] = {
    g_get_home_dir (), g_get_user_config_dir (), g_get_user_data_dir (), g_get_user_cache_dir (),
    g_get_user_state_dir (), g_get_user_runtime_dir (), g_getenv ("MIDWAY_TEST_TMPDIR"),
  };
  gsize binary_length;
  const guint8 *found;

  key = midway_ssh_key_new_from_private_data (private_data, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_bytes_get_data (private_data, NULL), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 5);
  /* The fourth line of base64 is past the public part: secret bytes. */
  line = g_bytes_new (lines[4], strlen (lines[4]));
  body = g_strjoinv ("", lines + 1);
  *strstr (body, "-----END") = '\0';
  binary = g_base64_decode (body, &binary_length);
  /* The 64-byte private field (seed || public key): its length, then it. */
  found = memmem (binary, binary_length, "\0\0\0\x40", 4);
  g_assert_nonnull (found);
  seed = g_bytes_new (found + 4, 32);

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_assert_nonnull (roots[i]);
      g_assert_false (tree_contains (roots[i], private_data));
      g_assert_false (tree_contains (roots[i], line));
      g_assert_false (tree_contains (roots[i], seed));
    }
}

/* ssh-keygen -y on the key read back, in a file made for it and gone after. */
static char *
keygen_public_line (GBytes     *private_data,
                    const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "verify-key", NULL);
  char *line;

  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (private_data, NULL),
                                           g_bytes_get_size (private_data), G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  g_assert_no_error (error);
  if (passphrase != NULL)
    line = midway_test_run ((const char *[]) { keygen, "-y", "-P", passphrase, "-f", path, NULL });
  else
    line = midway_test_run ((const char *[]) { keygen, "-y", "-f", path, NULL });
  g_unlink (path);
  return line;
}

static const char *
subtitle (AdwActionRow *row)
{
  return adw_action_row_get_subtitle (row);
}

static void
test_key_panel (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) replaced = NULL;
  g_autoptr(GBytes) passphrase = NULL;
  g_autoptr(GBytes) file_bytes = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *profile_id = NULL;
  g_autofree char *public_line = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *import_path = NULL;
  g_autofree char *import_pub = NULL;
  g_autofree char *out = NULL;
  g_autofree char *fingerprint_line = NULL;
  g_autoptr(MidwaySshKey) read_back = NULL;
  g_autoptr(MidwayProfile) saved = NULL;
  g_autoptr(GFile) import_file = NULL;
  MidwayProfileDialog *dialog;
  MidwayProfileEditor *editor;
  MidwayKeyPanel *panel;
  AdwMessageDialog *message;
  GtkWidget *auth_row;
  char *contents = NULL;

  g_assert_nonnull (g_getenv ("MIDWAY_TEST_KEYRING"));
  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  dialog = midway_profile_dialog_new (NULL, list);
  editor = midway_profile_dialog_get_editor (dialog);
  panel = midway_profile_dialog_get_key_panel (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  /* A saved profile with nothing in the keyring. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.new", NULL));
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_NAME)), "Office VPN");
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_HOST)), "vpn.example.org");
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_USER)), "mwsrv");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.save", NULL));
  profile_id = g_strdup (midway_profile_get_id (midway_profile_editor_get_profile (editor)));
  g_assert_nonnull (midway_connection_list_find (list, profile_id));
  wait_until_idle (panel);
  g_assert_null (midway_key_panel_get_key (panel));
  g_assert_cmpstr (subtitle (midway_key_panel_get_key_row (panel)), ==, "No key stored for this profile");
  /* Nothing to copy yet. */
  gtk_widget_activate_action (GTK_WIDGET (panel), "key.copy-public", NULL);
  g_assert_null (strstr (gtk_label_get_text (midway_key_panel_get_status_label (panel)), "copied"));
  /* The sudoers line needs no key. */
  g_assert_cmpstr (subtitle (midway_key_panel_get_sudoers_row (panel)), ==,
                   "mwsrv ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth");

  /* Generate: the key goes to the keyring and the profile uses it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.generate", NULL));
  wait_until_idle (panel);
  g_assert_nonnull (midway_key_panel_get_key (panel));
  auth_row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_AUTH);
  g_assert_true (ADW_IS_COMBO_ROW (auth_row));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (auth_row))), ==,
                   "Key in the keyring");
  g_assert_cmpint (midway_profile_get_auth (midway_profile_editor_get_profile (editor)), ==,
                   MIDWAY_AUTH_KEYRING_KEY);
  /* A change of the form like typing: closing asks first, and Cancel
   * keeps the window and the form. */
  g_assert_true (midway_profile_editor_get_modified (editor));
  gtk_window_close (GTK_WINDOW (dialog));
  message = wait_for_message_dialog ();
  g_assert_true (message == midway_profile_dialog_get_unsaved_question (dialog));
  respond (message, "cancel");
  g_assert_null (midway_profile_dialog_get_unsaved_question (dialog));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (auth_row))), ==,
                   "Key in the keyring");

  stored = keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (stored, NULL), "-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  assert_nowhere_on_disk (stored);

  /* A key ssh-keygen accepts, whose public line is the one shown. */
  public_line = keygen_public_line (stored, NULL);
  g_assert_true (g_str_has_prefix (public_line, "ssh-ed25519 "));
  g_assert_true (g_str_has_suffix (public_line, " midway-Office-VPN"));
  g_assert_cmpstr (subtitle (midway_key_panel_get_public_row (panel)), ==, public_line);
  read_back = midway_ssh_key_new_from_private_data (stored, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (subtitle (midway_key_panel_get_key_row (panel)),
                                   midway_ssh_key_get_fingerprint (read_back)));

  /* The server's lines name the profile's user and carry the key. */
  expected = g_strdup_printf ("restrict,command=\"sudo -n pppd nodetach notty noauth\" %s", public_line);
  g_assert_cmpstr (subtitle (midway_key_panel_get_authorized_keys_row (panel)), ==, expected);
  g_assert_nonnull (strstr (subtitle (midway_key_panel_get_sudoers_row (panel)), "mwsrv "));
  /* They follow the profile as it is edited. */
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_USER)), "tunnel");
  g_assert_cmpstr (subtitle (midway_key_panel_get_sudoers_row (panel)), ==,
                   "tunnel ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth");
  gtk_editable_set_text (GTK_EDITABLE (midway_profile_editor_get_row (editor, MIDWAY_FIELD_USER)), "mwsrv");

  midway_test_save_screenshot (GTK_WIDGET (panel), "key-panel.png");
  midway_test_save_screenshot (GTK_WIDGET (dialog), "key-panel-dialog.png");

  /* Copy buttons put exactly those lines on the clipboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.copy-public", NULL));
  copied = clipboard_text (GTK_WIDGET (panel));
  g_assert_cmpstr (copied, ==, public_line);
  /* The button says so itself, with a tick. */
  {
    GtkWidget *button = midway_test_find_action_button (GTK_WIDGET (panel), "key.copy-public");

    g_assert_nonnull (button);
    g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (button)), ==, "object-select-symbolic");
    g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "Public key copied");
  }
  /* Keys in a fixed-width font, and no hyphen added where one wraps. */
  assert_key_text (GTK_WIDGET (midway_key_panel_get_public_row (panel)), public_line);
  assert_key_text (GTK_WIDGET (midway_key_panel_get_key_row (panel)),
                   subtitle (midway_key_panel_get_key_row (panel)));
  g_clear_pointer (&copied, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.copy-authorized-keys", NULL));
  copied = clipboard_text (GTK_WIDGET (panel));
  g_assert_cmpstr (copied, ==, expected);
  g_clear_pointer (&copied, g_free);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.copy-sudoers", NULL));
  copied = clipboard_text (GTK_WIDGET (panel));
  g_assert_cmpstr (copied, ==, "mwsrv ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth");

  /* Saved: the profile signs in with the keyring's key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.save", NULL));
  saved = midway_profile_copy (midway_connection_get_profile (midway_connection_list_find (list, profile_id)));
  g_assert_cmpint (midway_profile_get_auth (saved), ==, MIDWAY_AUTH_KEYRING_KEY);

  /* Shown again, the panel finds the key in the keyring. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.new", NULL));
  wait_until_idle (panel);
  g_assert_null (midway_key_panel_get_key (panel));
  g_assert_true (midway_profile_dialog_select (dialog, profile_id));
  wait_until_idle (panel);
  g_assert_nonnull (midway_key_panel_get_key (panel));
  g_assert_cmpstr (subtitle (midway_key_panel_get_public_row (panel)), ==, public_line);

  /* Replacing asks first; "Cancel" keeps the key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.generate", NULL));
  message = wait_for_message_dialog ();
  respond (message, "cancel");
  wait_until_idle (panel);
  replaced = keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_true (g_bytes_equal (replaced, stored));
  g_clear_pointer (&replaced, g_bytes_unref);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "key.generate", NULL));
  message = wait_for_message_dialog ();
  respond (message, "replace");
  wait_until_idle (panel);
  replaced = keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_false (g_bytes_equal (replaced, stored));
  g_clear_pointer (&public_line, g_free);
  public_line = keygen_public_line (replaced, NULL);
  g_assert_cmpstr (subtitle (midway_key_panel_get_public_row (panel)), ==, public_line);
  assert_nowhere_on_disk (replaced);

  /* Import a passphrase-protected key: asked for, a wrong one refused. */
  import_path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "id_import", NULL);
  out = midway_test_run ((const char *[]) { keygen, "-q", "-t", "ed25519", "-N", PASSPHRASE, "-C", "imported@laptop",
                                            "-f", import_path, NULL });
  import_file = g_file_new_for_path (import_path);
  midway_key_panel_import_file (panel, import_file);
  message = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_body (message), ==, "The key is protected by a passphrase");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (message)), "not it");
  respond (message, "unlock");
  message = wait_for_message_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_body (message), ==, "The passphrase is wrong");
  gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (message)), PASSPHRASE);
  respond (message, "unlock");
  wait_until_idle (panel);
  g_assert_nonnull (midway_key_panel_get_key (panel));

  /* The keyring holds the file's bytes and the passphrase; the file is as it was. */
  g_assert_true (g_file_get_contents (import_path, &contents, NULL, NULL));
  file_bytes = g_bytes_new_take (contents, strlen (contents));
  g_clear_pointer (&stored, g_bytes_unref);
  stored = keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_true (g_bytes_equal (stored, file_bytes));
  passphrase = keyring_lookup (profile_id, MIDWAY_SECRET_PASSPHRASE);
  g_assert_cmpmem (g_bytes_get_data (passphrase, NULL), g_bytes_get_size (passphrase), PASSPHRASE, strlen (PASSPHRASE));
  import_pub = g_strconcat (import_path, ".pub", NULL);
  g_clear_pointer (&public_line, g_free);
  public_line = keygen_public_line (stored, PASSPHRASE);
  g_assert_cmpstr (public_line, ==, subtitle (midway_key_panel_get_public_row (panel)));
  g_assert_true (g_str_has_suffix (public_line, " imported@laptop"));
  fingerprint_line = midway_test_run ((const char *[]) { keygen, "-l", "-E", "sha256", "-f", import_pub, NULL });
  g_assert_nonnull (strstr (fingerprint_line, midway_ssh_key_get_fingerprint (midway_key_panel_get_key (panel))));

  /* A delete that is undone keeps the profile's keyring entries, and so
   * does one whose undo window is still open; once the delete stands
   * (here: the dialog closes), they go with the profile. */
  g_assert_true (midway_profile_dialog_select (dialog, profile_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.delete", NULL));
  g_assert_null (midway_connection_list_find (list, profile_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.undo-delete", NULL));
  g_assert_nonnull (midway_connection_list_find (list, profile_id));
  g_bytes_unref (keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY));
  g_assert_true (midway_profile_dialog_select (dialog, profile_id));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.delete", NULL));
  g_bytes_unref (keyring_lookup (profile_id, MIDWAY_SECRET_PRIVATE_KEY));
  g_bytes_unref (keyring_lookup (profile_id, MIDWAY_SECRET_PASSPHRASE));

  gtk_window_destroy (GTK_WINDOW (dialog));

  for (guint i = 0; ; i++)
    {
      g_autoptr(GBytes) left = keyring_lookup_maybe (profile_id, MIDWAY_SECRET_PRIVATE_KEY);
      g_autoptr(GBytes) left_passphrase = keyring_lookup_maybe (profile_id, MIDWAY_SECRET_PASSPHRASE);

      if (left == NULL && left_passphrase == NULL)
        break;
      g_assert_cmpuint (i, <, 100);
      g_usleep (100 * 1000);
    }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/key-panel/generate-import", test_key_panel);

  return g_test_run ();
}
