/* test-host-key-flow.c: the host-key flow ends with the application.
 *
 * The real application runs (g_application_run) under Xvfb; a profile
 * without a pinned key is connected, which starts the real ssh-keyscan
 * against a port here that accepts and never answers.  Once ssh-keyscan
 * is connected the application quits: its shutdown cancels the fetch, so
 * ssh-keyscan is gone long before its own 10 s timeout, and nothing is
 * shown or refused afterwards.  The same with a real sshd here, quit while
 * its key is shown for trusting: the dialog closes and nothing is pinned.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-application.h"
#include "midway-host-key-dialog.h"
#include "midway-test-kit.h"

#define SSHD_PATH "/usr/sbin/sshd"

typedef struct
{
  MidwayApplication *app;
  MidwayProfile     *profile;
  GSocket           *listener;
  GSocket           *accepted;  /* ssh-keyscan's connection */
  gboolean           dialog_seen;
} Run;

static gboolean
on_keyscan_connected (GSocket     *listener,
                      GIOCondition condition,
                      gpointer     user_data)
{
  Run *run = user_data;
  g_autoptr(GError) error = NULL;

  run->accepted = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (run->accepted, FALSE);
  g_application_quit (G_APPLICATION (run->app));
  return G_SOURCE_REMOVE;
}

static void
on_activate (GApplication *application,
             gpointer      user_data)
{
  Run *run = user_data;
  g_autoptr(GSource) source = g_socket_create_source (run->listener, G_IO_IN, NULL);

  g_source_set_callback (source, G_SOURCE_FUNC (on_keyscan_connected), run, NULL);
  g_source_attach (source, NULL);
  g_action_group_activate_action (G_ACTION_GROUP (application), "connect",
                                  g_variant_new_string (midway_profile_get_id (run->profile)));
}

/* ssh-keyscan's end of the connection closed (its greeting read and
 * dropped on the way). */
static gboolean
keyscan_gone (gpointer data)
{
  Run *run = data;
  g_autoptr(GError) error = NULL;
  char buffer[256];
  gssize n;

  while ((n = g_socket_receive (run->accepted, buffer, sizeof buffer, NULL, &error)) > 0)
    ;
  if (n == 0)
    return TRUE;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  return FALSE;
}

static void
test_shutdown_cancels_fetch (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *port = NULL;
  Run run = { NULL };
  MidwayConnection *connection;
  gint64 quit_time;

  run.listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (run.listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (run.listener, &error));
  bound = g_socket_get_local_address (run.listener, &error);
  g_assert_no_error (error);
  port = g_strdup_printf ("%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  run.profile = midway_profile_new ();
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_NAME, "Silent", &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_HOST, "127.0.0.1", &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_PORT, port, &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_USER, "tunnel", &error));
  g_assert_no_error (error);
  midway_test_write_profile (run.profile);

  run.app = midway_application_new ();
  g_signal_connect (run.app, "activate", G_CALLBACK (on_activate), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 0, NULL), ==, 0);
  quit_time = g_get_monotonic_time ();
  g_assert_nonnull (run.accepted);

  /* ssh-keyscan would wait 10 s for the silent server. */
  midway_test_spin_until (keyscan_gone, &run, 5.0);
  g_test_message ("ssh-keyscan gone %.2f s after quitting", (g_get_monotonic_time () - quit_time) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - quit_time, <, 5 * G_USEC_PER_SEC);

  /* Nothing came of the fetch: no dialog, no refusal on the row. */
  midway_test_spin_for (200);
  for (GList *l = gtk_window_list_toplevels (); l != NULL; l = g_list_delete_link (l, l))
    g_assert_false (MIDWAY_IS_HOST_KEY_DIALOG (l->data));
  connection = midway_connection_list_find (midway_application_get_connections (run.app),
                                            midway_profile_get_id (run.profile));
  g_assert_nonnull (connection);
  g_assert_null (midway_connection_get_refusal (connection));

  g_clear_object (&run.accepted);
  g_clear_object (&run.listener);
  g_clear_object (&run.profile);
  g_clear_object (&run.app);
}

/* ---- Quit while the key is shown ---------------------------------------- */

/* @shown: only one that is on screen. */
static MidwayHostKeyDialog *
find_dialog (gboolean shown)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (MIDWAY_IS_HOST_KEY_DIALOG (window) && (!shown || gtk_widget_get_visible (GTK_WIDGET (window))))
        return MIDWAY_HOST_KEY_DIALOG (window);
    }
  return NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog (TRUE) == NULL;
}

/* A failed assertion aborts the test: its sshd must not outlive it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
sshd_answers (gpointer data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  g_socket_client_set_timeout (client, 1);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", GPOINTER_TO_UINT (data), NULL, NULL);
  return connection != NULL;
}

/* A real sshd on 127.0.0.1 with a key made for it; its port. */
static GSubprocess *
start_sshd (guint *port)
{
  g_autofree char *dir = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "host-key-flow", NULL);
  g_autofree char *key = g_build_filename (dir, "host-key", NULL);
  g_autofree char *config = g_build_filename (dir, "sshd_config", NULL);
  g_autofree char *log = g_build_filename (dir, "sshd.log", NULL);
  g_autofree char *port_text = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *sshd;
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  {
    const char * const keygen[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) keygen, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }
  g_assert_true (g_file_set_contents (config, "# midway test: defaults only\n", -1, &error));
  g_assert_no_error (error);
  /* As root, sshd wants its privilege separation directory. */
  if (geteuid () == 0 && !g_file_test ("/run/sshd", G_FILE_TEST_IS_DIR))
    g_assert_cmpint (g_mkdir_with_parents ("/run/sshd", 0755), ==, 0);

  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (probe, any, FALSE, &error));
  bound = g_socket_get_local_address (probe, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_clear_object (&probe);
  port_text = g_strdup_printf ("%u", *port);

  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  {
    const char * const argv[] = {
      SSHD_PATH, "-D", "-e", "-f", config, "-h", key, "-p", port_text,
      "-o", "ListenAddress=127.0.0.1", "-o", "PidFile=none", NULL
    };

    sshd = g_subprocess_launcher_spawnv (launcher, argv, &error);
  }
  g_assert_no_error (error);
  midway_test_spin_until (sshd_answers, GUINT_TO_POINTER (*port), 10.0);
  return sshd;
}

static void
on_toplevels_changed (GListModel *toplevels,
                      guint       position,
                      guint       removed,
                      guint       added,
                      gpointer    user_data)
{
  Run *run = user_data;

  /* Made, and presented in the same turn, before the loop sees the quit. */
  if (find_dialog (FALSE) != NULL)
    {
      g_signal_handlers_disconnect_by_func (toplevels, on_toplevels_changed, run);
      run->dialog_seen = TRUE;
      g_application_quit (G_APPLICATION (run->app));
    }
}

static void
on_activate_trust (GApplication *application,
                   gpointer      user_data)
{
  Run *run = user_data;

  g_signal_connect (gtk_window_get_toplevels (), "items-changed", G_CALLBACK (on_toplevels_changed), run);
  g_action_group_activate_action (G_ACTION_GROUP (application), "connect",
                                  g_variant_new_string (midway_profile_get_id (run->profile)));
}

static void
test_shutdown_closes_dialog (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) sshd = NULL;
  g_autofree char *port = NULL;
  guint sshd_port = 0;
  Run run = { NULL };
  MidwayConnection *connection;

  sshd = start_sshd (&sshd_port);
  port = g_strdup_printf ("%u", sshd_port);
  run.profile = midway_profile_new ();
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_NAME, "Shown", &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_HOST, "127.0.0.1", &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_PORT, port, &error));
  g_assert_true (midway_profile_set_from_string (run.profile, MIDWAY_FIELD_USER, "tunnel", &error));
  g_assert_no_error (error);
  midway_test_write_profile (run.profile);

  run.app = midway_application_new ();
  g_signal_connect (run.app, "activate", G_CALLBACK (on_activate_trust), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (run.app), 0, NULL), ==, 0);
  g_assert_true (run.dialog_seen);

  /* The unanswered dialog went with the application, and pinned nothing. */
  midway_test_spin_until (no_dialog, NULL, 5.0);
  midway_test_spin_for (200);
  connection = midway_connection_list_find (midway_application_get_connections (run.app),
                                            midway_profile_get_id (run.profile));
  g_assert_nonnull (connection);
  g_assert_cmpstr (midway_profile_get_host_key (midway_connection_get_profile (connection)), ==, "");
  g_assert_null (midway_connection_get_refusal (connection));

  g_subprocess_send_signal (sshd, SIGTERM);
  g_subprocess_wait (sshd, NULL, NULL);
  g_clear_object (&run.profile);
  g_clear_object (&run.app);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/host-key-flow/shutdown-cancels-fetch", test_shutdown_cancels_fetch);
  g_test_add_func ("/host-key-flow/shutdown-closes-dialog", test_shutdown_closes_dialog);

  return g_test_run ();
}
