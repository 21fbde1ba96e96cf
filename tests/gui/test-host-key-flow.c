/* test-host-key-flow.c: the host-key flow ends with the application.
 *
 * The real application runs (g_application_run) under Xvfb; a profile
 * without a pinned key is connected, which starts the real ssh-keyscan
 * against a port here that accepts and never answers.  Once ssh-keyscan
 * is connected the application quits: its shutdown cancels the fetch, so
 * ssh-keyscan is gone long before its own 10 s timeout, and nothing is
 * shown or refused afterwards.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "midway-application.h"
#include "midway-host-key-dialog.h"
#include "midway-test-kit.h"

typedef struct {
  MidwayApplication *app;
  MidwayProfile     *profile;
  GSocket           *listener;
  GSocket           *accepted;  /* ssh-keyscan's connection */
} Run;

static gboolean
on_keyscan_connected (GSocket      *listener,
                      GIOCondition  condition,
                      gpointer      user_data)
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

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/host-key-flow/shutdown-cancels-fetch", test_shutdown_cancels_fetch);

  return g_test_run ();
}
