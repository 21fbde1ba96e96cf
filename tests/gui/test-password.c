/* test-password.c: password sign-in from the app.  The real
 * MidwayApplication under Xvfb, a real gnome-keyring-daemon
 * (run-session.sh --keyring --display) and a stand-in helper that records
 * what Connect receives: turning the switch on asks for the password,
 * "Remember in keyring" puts it into the real keyring, the next connect
 * takes it from there without asking, and Cancel connects nothing and
 * turns the switch back off.  A key file encrypted by the real ssh-keygen
 * has its passphrase asked for the same way.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-application.h"
#include "midway-connection-row.h"
#include "midway-password-prompt.h"
#include "midway-secret-store.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"
#define PASSWORD "correct horse battery"
#define PASSPHRASE "key passphrase"

typedef struct
{
  MidwayApplication *app;
  MidwaySecretStore *store;
  GAsyncResult      *lookup;
  GPtrArray         *credentials;         /* GVariant, one per Connect */
  char              *office_id;
  char              *lab_id;
  char              *keyed_id;
  char              *key_path;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

static char *
save_profile_with (const char *name,
                   const char *auth,
                   const char *key_file)
{
  if (key_file == NULL)
    return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                     MIDWAY_FIELD_HOST, "vpn.example.org",
                                     MIDWAY_FIELD_USER, "mwsrv",
                                     MIDWAY_FIELD_AUTH, auth,
                                     MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                     NULL);
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, "vpn.example.org",
                                   MIDWAY_FIELD_USER, "mwsrv",
                                   MIDWAY_FIELD_AUTH, auth,
                                   MIDWAY_FIELD_KEY_FILE, key_file,
                                   MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                   NULL);
}

static char *
save_profile (const char *name)
{
  return save_profile_with (name, "password", NULL);
}

/* An encrypted key of the person's own, made by the real ssh-keygen. */
static char *
make_encrypted_key (void)
{
  g_autofree char *directory = g_path_get_dirname (MIDWAY_SSH_PATH);
  g_autofree char *keygen = g_build_filename (directory, "ssh-keygen", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "id_encrypted", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char *[]) { keygen, (char *) "-q", (char *) "-t", (char *) "ed25519",
                                                  (char *) "-N", (char *) PASSPHRASE, (char *) "-f", path, NULL },
                               NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  return g_steal_pointer (&path);
}

static gboolean
on_handle_connect (MidwayHelper1         *helper,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   Fixture               *fixture)
{
  g_ptr_array_add (fixture->credentials, g_variant_ref (credentials));
  midway_helper1_complete_connect (helper, invocation, MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1");
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static MidwayPasswordPrompt *
find_prompt (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (MIDWAY_IS_PASSWORD_PROMPT (l->data) && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget  *widget,
             GType       type,
             const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (label == NULL || g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkSwitch *
switch_of (MidwayWindow *window,
           const char   *profile_id)
{
  GtkListBox *list = midway_window_get_list (window);

  for (int i = 0; gtk_list_box_get_row_at_index (list, i) != NULL; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);

      if (g_strcmp0 (midway_connection_get_id (midway_connection_row_get_connection (MIDWAY_CONNECTION_ROW (row))),
                     profile_id) == 0)
        return GTK_SWITCH (find_widget (GTK_WIDGET (row), GTK_TYPE_SWITCH, NULL));
    }
  return NULL;
}

/* The response's own button, clicked. */
static void
click_response (MidwayPasswordPrompt *prompt,
                const char           *response)
{
  const char *label = adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (prompt), response);
  GtkWidget *button = find_widget (GTK_WIDGET (prompt), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
}

static const char *
sent_secret (GVariant   *credentials,
             const char *key)
{
  const char *password = NULL;

  g_assert_true (g_variant_lookup (credentials, key, "&s", &password));
  /* Only what password sign-in uses. */
  g_assert_cmpuint (g_variant_n_children (credentials), ==, 1);
  return password;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  MidwayPasswordPrompt *prompt = find_prompt ();
  GtkSwitch *office = window != NULL ? switch_of (window, fixture->office_id) : NULL;
  GtkSwitch *lab = window != NULL ? switch_of (window, fixture->lab_id) : NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;

  if (++fixture->polls >= 3000)  /* 15 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      if (office == NULL || !gtk_widget_get_mapped (GTK_WIDGET (office)))
        return G_SOURCE_CONTINUE;
      gtk_switch_set_active (office, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* Nothing in the keyring: asked, and nothing sent meanwhile. */
      if (prompt == NULL)
        return G_SOURCE_CONTINUE;
      g_assert_cmpuint (fixture->credentials->len, ==, 0);
      g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (prompt)), ==, "Sign In to “Office”");
      g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (prompt)), ==,
                       "The SSH password of mwsrv@vpn.example.org");
      g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (prompt),
                                                               MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT));
      g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (midway_password_prompt_get_remember (prompt))));
      gtk_editable_set_text (midway_password_prompt_get_entry (prompt), PASSWORD);
      gtk_widget_activate (GTK_WIDGET (midway_password_prompt_get_remember (prompt)));
      g_assert_true (gtk_check_button_get_active (midway_password_prompt_get_remember (prompt)));
      click_response (prompt, MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      if (fixture->credentials->len < 1)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (sent_secret (fixture->credentials->pdata[0], "password"), ==, PASSWORD);
      /* Remembered: in the real keyring, under the profile. */
      midway_secret_store_lookup_async (fixture->store, fixture->office_id, MIDWAY_SECRET_PASSWORD, NULL,
                                        store_result, &fixture->lookup);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 3:
      if (fixture->lookup == NULL)
        return G_SOURCE_CONTINUE;
      stored = midway_secret_store_lookup_finish (fixture->store, fixture->lookup, &error);
      g_clear_object (&fixture->lookup);
      g_assert_no_error (error);
      g_assert_nonnull (stored);
      g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), PASSWORD, strlen (PASSWORD));
      /* The next connect (the tray's, say) asks nothing. */
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "connect",
                                      g_variant_new_string (fixture->office_id));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 4:
      g_assert_null (prompt);
      if (fixture->credentials->len < 2)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (sent_secret (fixture->credentials->pdata[1], "password"), ==, PASSWORD);
      /* Another profile, and Cancel. */
      gtk_switch_set_active (lab, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 5:
      if (prompt == NULL)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (prompt)), ==, "Sign In to “Lab”");
      gtk_editable_set_text (midway_password_prompt_get_entry (prompt), "not sent");
      click_response (prompt, MIDWAY_PASSWORD_PROMPT_RESPONSE_CANCEL);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 6:
      if (prompt != NULL || gtk_switch_get_active (lab))
        return G_SOURCE_CONTINUE;
      g_assert_false (gtk_switch_get_state (lab));
      g_assert_cmpuint (fixture->credentials->len, ==, 2);
      midway_secret_store_lookup_async (fixture->store, fixture->lab_id, MIDWAY_SECRET_PASSWORD, NULL,
                                        store_result, &fixture->lookup);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 7:
      if (fixture->lookup == NULL)
        return G_SOURCE_CONTINUE;
      stored = midway_secret_store_lookup_finish (fixture->store, fixture->lookup, &error);
      g_clear_object (&fixture->lookup);
      g_assert_no_error (error);
      g_assert_null (stored);
      /* Key-file sign-in with an encrypted key: its passphrase. */
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "connect",
                                      g_variant_new_string (fixture->keyed_id));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 8:
      if (prompt == NULL)
        return G_SOURCE_CONTINUE;
      {
        g_autofree char *body = g_strdup_printf ("The passphrase of the key %s", fixture->key_path);

        g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (prompt)), ==, body);
      }
      gtk_editable_set_text (midway_password_prompt_get_entry (prompt), PASSPHRASE);
      gtk_widget_activate (GTK_WIDGET (midway_password_prompt_get_remember (prompt)));
      click_response (prompt, MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 9:
      if (fixture->credentials->len < 3)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (sent_secret (fixture->credentials->pdata[2], "passphrase"), ==, PASSPHRASE);
      midway_secret_store_lookup_async (fixture->store, fixture->keyed_id, MIDWAY_SECRET_PASSPHRASE, NULL,
                                        store_result, &fixture->lookup);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 10:
      if (fixture->lookup == NULL)
        return G_SOURCE_CONTINUE;
      stored = midway_secret_store_lookup_finish (fixture->store, fixture->lookup, &error);
      g_clear_object (&fixture->lookup);
      g_assert_no_error (error);
      g_assert_nonnull (stored);
      g_assert_cmpmem (g_bytes_get_data (stored, NULL), g_bytes_get_size (stored), PASSPHRASE, strlen (PASSPHRASE));
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_password (void)
{
  Fixture fixture = { 0 };
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  char *argv[] = { (char *) "midway", NULL };

  g_assert_nonnull (g_getenv ("MIDWAY_TEST_KEYRING"));
  fixture.office_id = save_profile ("Office");
  fixture.lab_id = save_profile ("Lab");
  fixture.key_path = make_encrypted_key ();
  fixture.keyed_id = save_profile_with ("Keyed", "key-file", fixture.key_path);
  fixture.credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  fixture.store = midway_secret_store_new ();

  stand_in = midway_test_helper_new ();
  g_signal_connect (midway_test_helper_get_helper1 (stand_in), "handle-connect",
                    G_CALLBACK (on_handle_connect), &fixture);
  midway_test_helper_own_name (stand_in);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);

  g_clear_object (&fixture.app);
  g_clear_object (&stand_in);
  g_clear_object (&fixture.store);
  g_ptr_array_unref (fixture.credentials);
  g_free (fixture.office_id);
  g_free (fixture.lab_id);
  g_free (fixture.keyed_id);
  g_free (fixture.key_path);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/password/prompt-remember-cancel", test_password);

  return g_test_run ();
}
