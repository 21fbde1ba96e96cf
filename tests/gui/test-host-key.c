/* test-host-key.c: fetching, showing and pinning a server's host key
 * against a real sshd started here on 127.0.0.1 with keys generated for
 * the test, under Xvfb with a real keyring and notification server
 * (run-session.sh --keyring --notifications; its private bus stands in
 * for the system bus, where a stand-in helper answers Connect).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-application.h"
#include "midway-connection-list.h"
#include "midway-error.h"
#include "midway-host-key.h"
#include "midway-host-key-dialog.h"
#include "midway-host-key-fetcher.h"
#include "midway-profile-editor.h"
#include "midway-reason.h"
#include "midway-test-kit-ui.h"

#define SSHD_PATH "/usr/sbin/sshd"
#define TUNNEL_PATH MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1"

typedef struct
{
  char *private_path;
  char *host_key;      /* "type base64", from the .pub file */
  char *fingerprint;   /* from ssh-keygen -lf */
} Key;

static char *tmp_dir;
static Key key_a;      /* what the sshd presents */
static Key key_b;      /* another server's key */
static GSubprocess *sshd;
static guint sshd_port;

/* ---- Helpers ------------------------------------------------------------ */

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static void
make_key (Key        *key,
          const char *name)
{
  g_autofree char *public_path = NULL;
  g_autofree char *public_text = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *ignored = NULL;
  g_auto(GStrv) fields = NULL;
  g_auto(GStrv) listed_fields = NULL;
  g_autoptr(GError) error = NULL;

  key->private_path = g_build_filename (tmp_dir, name, NULL);
  public_path = g_strconcat (key->private_path, ".pub", NULL);
  {
    const char * const keygen[] = {
      "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sshd@test", "-f", key->private_path, NULL
    };
    const char * const list[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", public_path, NULL };

    ignored = run (keygen);
    listed = run (list);
  }
  g_assert_true (g_file_get_contents (public_path, &public_text, NULL, &error));
  g_assert_no_error (error);
  fields = g_strsplit (g_strchomp (public_text), " ", 3);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  key->host_key = g_strdup_printf ("%s %s", fields[0], fields[1]);
  listed_fields = g_strsplit (listed, " ", 3);
  g_assert_cmpuint (g_strv_length (listed_fields), ==, 3);
  key->fingerprint = g_strdup (listed_fields[1]);
  g_assert_true (g_str_has_prefix (key->fingerprint, "SHA256:"));
}

static guint
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (sock, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A failed assertion aborts the test: its sshd must not outlive it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* A real sshd on 127.0.0.1, presenting key A.  Not starting is a failure. */
static void
start_sshd (void)
{
  g_autofree char *config = g_build_filename (tmp_dir, "sshd_config", NULL);
  g_autofree char *log = g_build_filename (tmp_dir, "sshd.log", NULL);
  g_autofree char *port = NULL;
  /* Not on the test's stdout: meson would wait for a stray sshd. */
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();

  g_assert_true (g_file_set_contents (config, "# midway test: defaults only\n", -1, &error));
  g_assert_no_error (error);

  /* As root, sshd wants its privilege separation directory; the
   * openssh-server package makes it at boot, not at install. */
  if (geteuid () == 0 && !g_file_test ("/run/sshd", G_FILE_TEST_IS_DIR))
    g_assert_cmpint (g_mkdir_with_parents ("/run/sshd", 0755), ==, 0);

  sshd_port = free_port ();
  port = g_strdup_printf ("%u", sshd_port);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  {
    const char * const argv[] = {
      SSHD_PATH, "-D", "-e", "-f", config, "-h", key_a.private_path, "-p", port,
      "-o", "ListenAddress=127.0.0.1", "-o", "PidFile=none", NULL
    };

    sshd = g_subprocess_launcher_spawnv (launcher, argv, &error);
  }
  g_assert_no_error (error);

  g_socket_client_set_timeout (client, 1);
  while (TRUE)
    {
      g_autoptr(GSocketConnection) connection = NULL;
      g_autoptr(GError) connect_error = NULL;

      connection = g_socket_client_connect_to_host (client, "127.0.0.1", sshd_port, NULL, &connect_error);
      if (connection != NULL)
        break;
      if (g_subprocess_get_identifier (sshd) == NULL || g_timer_elapsed (timer, NULL) > 10.0)
        {
          g_autofree char *text = NULL;

          g_file_get_contents (log, &text, NULL, NULL);
          g_error ("sshd did not start: %s", text != NULL ? text : "(no log)");
        }
      g_usleep (50000);
    }
}

static void
stop_sshd (void)
{
  g_subprocess_send_signal (sshd, SIGTERM);
  g_subprocess_wait (sshd, NULL, NULL);
  g_clear_object (&sshd);
}

static MidwayProfile *
new_profile (const char *name,
             guint       port,
             const char *host_key)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, name, &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "127.0.0.1", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_PORT, port_text, &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_USER, "mwsrv", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_AUTH, "agent", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST_KEY, host_key, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&profile);
}

static char *
profile_path (MidwayProfile *profile)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *name = g_strconcat (midway_profile_get_id (profile), ".midway", NULL);

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  return g_build_filename (directory, name, NULL);
}

static char *
saved_host_key (MidwayProfile *profile)
{
  g_autofree char *path = profile_path (profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) loaded = midway_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  return g_strdup (midway_profile_get_host_key (loaded));
}

static MidwayHostKeyDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MIDWAY_IS_HOST_KEY_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return MIDWAY_HOST_KEY_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
no_dialog_shown (gpointer data)
{
  return find_dialog () == NULL;
}

static MidwayHostKeyDialog *
wait_for_dialog (void)
{
  midway_test_spin_until (dialog_shown, NULL, 30.0);
  return find_dialog ();
}

/* Clicks the response's own button, as a person would. */
static void
respond (MidwayHostKeyDialog *dialog,
         const char          *response)
{
  const char *label;
  GtkWidget *button;

  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), response));
  label = adw_message_dialog_get_response_label (ADW_MESSAGE_DIALOG (dialog), response);
  button = midway_test_find_button (GTK_WIDGET (dialog), label);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate (button));
  midway_test_spin_until (no_dialog_shown, NULL, 30.0);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* ---- Fetcher ------------------------------------------------------------ */

static char *
fetch (MidwayProfile *profile,
       guint          timeout_s,
       GError       **error)
{
  g_autoptr(MidwayHostKeyFetcher) fetcher = midway_host_key_fetcher_new ();
  g_autoptr(GAsyncResult) result = NULL;

  midway_host_key_fetcher_set_timeout (fetcher, timeout_s);
  midway_host_key_fetcher_fetch_async (fetcher, profile, NULL, store_result, &result);
  midway_test_spin_until (is_set, &result, 30.0);
  return midway_host_key_fetcher_fetch_finish (fetcher, result, error);
}

static void
test_fetcher (void)
{
  g_autoptr(MidwayProfile) profile = new_profile ("Fetch", sshd_port, "");
  g_autoptr(MidwayProfile) closed = new_profile ("Closed", free_port (), "");
  g_autoptr(GError) error = NULL;
  g_autofree char *host_key = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *none = NULL;

  /* The sshd's own key, and ssh-keygen's fingerprint of it. */
  host_key = fetch (profile, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (host_key, ==, key_a.host_key);
  fingerprint = midway_host_key_dup_fingerprint (host_key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fingerprint, ==, key_a.fingerprint);

  /* Nobody listening. */
  none = fetch (closed, 10, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
  g_clear_error (&error);
}

/* A port that accepts connections and never says a word. */
static void
test_fetcher_timeout (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autofree char *host_key = NULL;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (sock, any, TRUE, &error));
  g_assert_true (g_socket_listen (sock, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  profile = new_profile ("Silent", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), "");

  host_key = fetch (profile, 1, &error);
  g_assert_null (host_key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* ---- Editor ------------------------------------------------------------- */

static gboolean
is_sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static void
test_editor (void)
{
  g_autoptr(MidwayProfile) profile = new_profile ("Editor", sshd_port, "");
  GtkWidget *window = gtk_window_new ();
  MidwayProfileEditor *editor = MIDWAY_PROFILE_EDITOR (midway_profile_editor_new ());
  GtkWidget *row;
  GtkWidget *button;
  MidwayHostKeyDialog *dialog;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (editor));
  midway_profile_editor_set_profile (editor, profile);
  gtk_window_present (GTK_WINDOW (window));

  row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_HOST_KEY);
  button = midway_test_find_named (row, "fetch-host-key");
  g_assert_true (GTK_IS_BUTTON (button));
  /* Only the host key's row has one. */
  g_assert_null (midway_test_find_named (midway_profile_editor_get_row (editor, MIDWAY_FIELD_HOST), "fetch-host-key"));

  /* Cancel: the field stays empty. */
  g_assert_true (gtk_widget_activate (button));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (midway_host_key_dialog_get_fingerprint (dialog), ==, key_a.fingerprint);
  g_assert_cmpstr (midway_host_key_dialog_get_host_key (dialog), ==, key_a.host_key);
  respond (dialog, MIDWAY_HOST_KEY_RESPONSE_CANCEL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  g_assert_false (midway_profile_editor_get_modified (editor));
  g_assert_cmpstr (midway_profile_get_host_key (midway_profile_editor_get_profile (editor)), ==, "");

  /* Trust and pin: the field holds the sshd's key. */
  midway_test_spin_until (is_sensitive, button, 30.0);
  g_assert_true (gtk_widget_activate (button));
  dialog = wait_for_dialog ();
  respond (dialog, MIDWAY_HOST_KEY_RESPONSE_PIN);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, key_a.host_key);
  g_assert_cmpstr (midway_profile_get_host_key (midway_profile_editor_get_profile (editor)), ==, key_a.host_key);
  /* A pinned key is an unsaved change until saved. */
  g_assert_true (midway_profile_editor_get_modified (editor));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- The app's connect path --------------------------------------------- */

/* The stand-in helper (its Connect answered, or failing the tunnel as
 * ssh does on a changed key) and the notifications the app sends. */
static MidwayTestHelper *helper;
static GAsyncQueue *notify_calls;   /* GDBusMessage */
static GDBusConnection *monitor;
static MidwayApplication *app;

static void
helper_start (void)
{
  notify_calls = g_async_queue_new_full (g_object_unref);
  monitor = midway_test_monitor_notify (notify_calls);
  helper = midway_test_helper_new ();
  midway_test_helper_answer_connect (helper, TUNNEL_PATH, NULL, NULL);
  midway_test_helper_own_name (helper);
}

/* What the helper does when ssh says the key is not the pinned one. */
static void
helper_fail_with (const char *reason)
{
  midway_test_helper_answer_connect (helper, TUNNEL_PATH, reason, "Host key verification failed.");
  midway_test_helper_reset_connects (helper);
}

static MidwayApplication *
get_app (void)
{
  g_autoptr(GError) error = NULL;

  if (app != NULL)
    return app;
  app = midway_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

static void
reload (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (midway_connection_list_load (midway_application_get_connections (get_app ()), &error));
  g_assert_no_error (error);
}

static void
connect_action (MidwayProfile *profile)
{
  g_action_group_activate_action (G_ACTION_GROUP (get_app ()), "connect",
                                  g_variant_new_string (midway_profile_get_id (profile)));
}

static gboolean
connected (gpointer data)
{
  return midway_test_helper_get_n_connects (helper) >= GPOINTER_TO_UINT (data);
}

static void
test_first_connect (void)
{
  g_autoptr(MidwayProfile) profile = new_profile ("First", sshd_port, "");
  g_autofree char *after_cancel = NULL;
  g_autofree char *after_pin = NULL;
  const char *sent = NULL;
  MidwayHostKeyDialog *dialog;

  midway_test_write_profile (profile);
  reload ();
  helper_fail_with (NULL);

  /* No pinned key: the key is shown first, and nothing is connected. */
  connect_action (profile);
  dialog = wait_for_dialog ();
  g_assert_cmpuint (midway_test_helper_get_n_connects (helper), ==, 0);
  g_assert_cmpstr (midway_host_key_dialog_get_fingerprint (dialog), ==, key_a.fingerprint);
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), MIDWAY_HOST_KEY_RESPONSE_CLOSE));

  /* Cancel: still nothing connected, nothing pinned. */
  respond (dialog, MIDWAY_HOST_KEY_RESPONSE_CANCEL);
  midway_test_spin_for (500);
  g_assert_cmpuint (midway_test_helper_get_n_connects (helper), ==, 0);
  after_cancel = saved_host_key (profile);
  g_assert_cmpstr (after_cancel, ==, "");

  /* Trust and pin: the file holds the key, then Connect carries it. */
  connect_action (profile);
  dialog = wait_for_dialog ();
  g_assert_cmpuint (midway_test_helper_get_n_connects (helper), ==, 0);
  respond (dialog, MIDWAY_HOST_KEY_RESPONSE_PIN);
  midway_test_spin_until (connected, GUINT_TO_POINTER (1), 30.0);
  after_pin = saved_host_key (profile);
  g_assert_cmpstr (after_pin, ==, key_a.host_key);
  g_assert_true (g_variant_lookup (midway_test_helper_get_connect_profile (helper), MIDWAY_FIELD_HOST_KEY, "&s", &sent));
  g_assert_cmpstr (sent, ==, key_a.host_key);

  /* Pinned now: the next connect asks nothing. */
  connect_action (profile);
  midway_test_spin_until (connected, GUINT_TO_POINTER (2), 30.0);
  g_assert_null (find_dialog ());
}

typedef struct
{
  const char *a;
  const char *b;
  char       *found;
} BodyWait;

static gboolean
notified_both (gpointer data)
{
  BodyWait *wait = data;
  GDBusMessage *next;

  while ((next = g_async_queue_try_pop (notify_calls)) != NULL)
    {
      g_autoptr(GDBusMessage) message = next;
      const char *body = NULL;

      g_variant_get_child (g_dbus_message_get_body (message), 4, "&s", &body);
      if (strstr (body, wait->a) != NULL && strstr (body, wait->b) != NULL)
        {
          wait->found = g_strdup (body);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_mismatch (void)
{
  /* Pinned: key B; the sshd presents key A. */
  g_autoptr(MidwayProfile) profile = new_profile ("Changed", sshd_port, key_b.host_key);
  g_autofree char *expected = midway_host_key_describe_mismatch (key_b.fingerprint, key_a.fingerprint);
  g_autofree char *after = NULL;
  BodyWait wait = { key_b.fingerprint, key_a.fingerprint, NULL };
  g_autoptr(GError) error = NULL;
  MidwayHostKeyDialog *dialog;
  const char *body;

  midway_test_write_profile (profile);
  reload ();
  helper_fail_with (MIDWAY_REASON_HOST_KEY_MISMATCH);

  connect_action (profile);
  midway_test_spin_until (connected, GUINT_TO_POINTER (1), 30.0);

  /* The loud error names both fingerprints and offers no re-pin. */
  dialog = wait_for_dialog ();
  body = adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog));
  if (strstr (body, expected) == NULL)
    g_error ("“%s” does not name both keys as “%s”", body, expected);
  g_assert_cmpstr (midway_host_key_dialog_get_fingerprint (dialog), ==, key_a.fingerprint);
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), MIDWAY_HOST_KEY_RESPONSE_PIN));

  /* So does the failure notification. */
  midway_test_spin_until (notified_both, &wait, 30.0);
  g_assert_nonnull (strstr (wait.found, expected));
  g_free (wait.found);

  respond (dialog, MIDWAY_HOST_KEY_RESPONSE_CLOSE);

  /* Not even when asked to without clearing the old key first. */
  g_assert_false (midway_connection_list_pin_host_key (midway_application_get_connections (get_app ()),
                                                       midway_profile_get_id (profile), key_a.host_key,
                                                       &error));
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED);

  /* Never re-pinned: the file still holds key B. */
  after = saved_host_key (profile);
  g_assert_cmpstr (after, ==, key_b.host_key);
  g_assert_cmpuint (midway_test_helper_get_n_connects (helper), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_getenv ("MIDWAY_TEST_KEYRING") == NULL || g_getenv ("MIDWAY_TEST_NOTIFICATIONS") == NULL)
    g_error ("run under run-session.sh --keyring --notifications");

  tmp_dir = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "host-key", NULL);
  g_assert_cmpint (g_mkdir_with_parents (tmp_dir, 0700), ==, 0);
  make_key (&key_a, "host-key-a");
  make_key (&key_b, "host-key-b");
  g_assert_cmpstr (key_a.fingerprint, !=, key_b.fingerprint);
  start_sshd ();
  helper_start ();

  g_test_add_func ("/host-key/fetcher", test_fetcher);
  g_test_add_func ("/host-key/fetcher-timeout", test_fetcher_timeout);
  g_test_add_func ("/host-key/editor", test_editor);
  g_test_add_func ("/host-key/first-connect", test_first_connect);
  g_test_add_func ("/host-key/mismatch", test_mismatch);

  status = g_test_run ();

  g_clear_object (&app);
  g_clear_object (&helper);
  g_dbus_connection_close_sync (monitor, NULL, NULL);
  g_clear_object (&monitor);
  g_async_queue_unref (notify_calls);
  stop_sshd ();
  return status;
}
