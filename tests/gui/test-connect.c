/* test-connect.c: what the app sends to Helper1.Connect: the profile a{sv}
 * and the credentials it takes from a real gnome-keyring-daemon
 * (run-session.sh --keyring; its private bus stands in for the system bus,
 * where a stand-in helper object records the call).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "midway-connection-list.h"
#include "midway-reason.h"
#include "midway-secret-store.h"
#include "midway-test-kit.h"

#define TUNNEL_PATH MIDWAY_HELPER_OBJECT_PATH "/Tunnel/7"

static const char test_key[] =
  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
  "-----END OPENSSH PRIVATE KEY-----\n";

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
  return *(GAsyncResult **) data != NULL;
}

static void
wait_for (GAsyncResult **slot)
{
  midway_test_spin_until (is_set, slot, 20.0);
}

static MidwayProfile *
save_profile (const char *auth)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;

  midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, auth, &error);
  g_assert_no_error (error);
  midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", &error);
  g_assert_no_error (error);
  midway_profile_set_from_string (profile, MIDWAY_FIELD_USER, "mwsrv", &error);
  g_assert_no_error (error);
  midway_profile_set_from_string (profile, MIDWAY_FIELD_AUTH, auth, &error);
  g_assert_no_error (error);
  if (g_str_equal (auth, "key-file"))
    {
      midway_profile_set_from_string (profile, MIDWAY_FIELD_KEY_FILE, "/home/alice/.ssh/id_ed25519", &error);
      g_assert_no_error (error);
    }
  midway_test_write_profile (profile);
  return g_steal_pointer (&profile);
}

static void
test_connect (void)
{
  g_autoptr(MidwayProfile) keyring_profile = save_profile ("keyring-key");
  g_autoptr(MidwayProfile) agent_profile = save_profile ("agent");
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(MidwaySecretStore) secrets = midway_secret_store_new ();
  g_autoptr(MidwayTestHelper) helper = midway_test_helper_new ();
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) stored_passphrase = NULL;
  g_autoptr(GAsyncResult) stored_password = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GAsyncResult) agent_connected = NULL;
  g_autoptr(GBytes) key = g_bytes_new_static (test_key, strlen (test_key));
  g_autoptr(GBytes) passphrase = g_bytes_new_static ("correct horse", 13);
  g_autoptr(GVariant) sent_key = NULL;
  g_autoptr(GVariant) expected_profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *agent_path = NULL;
  const char *sent_passphrase = NULL;
  const char *sent_sock = NULL;
  GVariant *credentials;
  gsize size;

  midway_test_helper_answer_connect (helper, TUNNEL_PATH, NULL, NULL);
  midway_test_helper_own_name (helper);

  midway_secret_store_store_async (secrets, midway_profile_get_id (keyring_profile), "keyring-key",
                                   MIDWAY_SECRET_PRIVATE_KEY, key, NULL, store_result, &stored);
  wait_for (&stored);
  midway_secret_store_store_finish (secrets, stored, &error);
  g_assert_no_error (error);
  midway_secret_store_store_async (secrets, midway_profile_get_id (keyring_profile), "keyring-key",
                                   MIDWAY_SECRET_PASSPHRASE, passphrase, NULL, store_result,
                                   &stored_passphrase);
  wait_for (&stored_passphrase);
  midway_secret_store_store_finish (secrets, stored_passphrase, &error);
  g_assert_no_error (error);
  /* Left from an earlier sign-in method: the helper would refuse it. */
  midway_secret_store_store_async (secrets, midway_profile_get_id (keyring_profile), "keyring-key",
                                   MIDWAY_SECRET_PASSWORD, passphrase, NULL, store_result,
                                   &stored_password);
  wait_for (&stored_password);
  midway_secret_store_store_finish (secrets, stored_password, &error);
  g_assert_no_error (error);

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);

  /* A key in the keyring: lent to the helper, with its passphrase, and
   * nothing else the keyring holds for the profile. */
  midway_connection_list_connect_async (list,
                                        midway_connection_list_find (list, midway_profile_get_id (keyring_profile)),
                                        secrets, NULL, store_result, &connected);
  wait_for (&connected);
  path = midway_connection_list_connect_finish (list, connected, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path, ==, TUNNEL_PATH);

  expected_profile = g_variant_ref_sink (midway_profile_to_variant (keyring_profile));
  g_assert_true (g_variant_equal (midway_test_helper_get_connect_profile (helper), expected_profile));
  credentials = midway_test_helper_get_connect_credentials (helper);
  g_assert_cmpuint (g_variant_n_children (credentials), ==, 2);
  sent_key = g_variant_lookup_value (credentials, "private-key", G_VARIANT_TYPE_BYTESTRING);
  g_assert_nonnull (sent_key);
  g_assert_cmpmem (g_variant_get_fixed_array (sent_key, &size, 1), size, test_key, strlen (test_key));
  g_assert_true (g_variant_lookup (credentials, "passphrase", "&s", &sent_passphrase));
  g_assert_cmpstr (sent_passphrase, ==, "correct horse");
  midway_test_helper_reset_connects (helper);

  /* The agent: its socket, and nothing from the keyring. */
  g_setenv ("SSH_AUTH_SOCK", "/run/user/1000/ssh-agent.socket", TRUE);
  midway_connection_list_connect_async (list,
                                        midway_connection_list_find (list, midway_profile_get_id (agent_profile)),
                                        secrets, NULL, store_result, &agent_connected);
  wait_for (&agent_connected);
  agent_path = midway_connection_list_connect_finish (list, agent_connected, &error);
  g_assert_no_error (error);
  credentials = midway_test_helper_get_connect_credentials (helper);
  g_assert_cmpuint (g_variant_n_children (credentials), ==, 1);
  g_assert_true (g_variant_lookup (credentials, "ssh-auth-sock", "&s", &sent_sock));
  g_assert_cmpstr (sent_sock, ==, "/run/user/1000/ssh-agent.socket");
  midway_test_helper_reset_connects (helper);
}

/* No Secret Service on the bus (run-session.sh without --keyring): the
 * agent and a key file still connect, a keyring key cannot and says why. */
static void
test_connect_no_keyring (void)
{
  g_autoptr(MidwayProfile) keyring_profile = save_profile ("keyring-key");
  g_autoptr(MidwayProfile) key_file_profile = save_profile ("key-file");
  g_autoptr(MidwayProfile) agent_profile = save_profile ("agent");
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(MidwaySecretStore) secrets = midway_secret_store_new ();
  g_autoptr(MidwayTestHelper) helper = midway_test_helper_new ();
  g_autoptr(GError) error = NULL;
  MidwayProfile *profiles[] = { agent_profile, key_file_profile, keyring_profile };

  midway_test_helper_answer_connect (helper, TUNNEL_PATH, NULL, NULL);
  midway_test_helper_own_name (helper);

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  g_unsetenv ("SSH_AUTH_SOCK");

  for (gsize i = 0; i < G_N_ELEMENTS (profiles); i++)
    {
      g_autoptr(GAsyncResult) connected = NULL;
      g_autofree char *path = NULL;
      const char *id = midway_profile_get_id (profiles[i]);

      midway_connection_list_connect_async (list, midway_connection_list_find (list, id),
                                            secrets, NULL, store_result, &connected);
      wait_for (&connected);
      path = midway_connection_list_connect_finish (list, connected, &error);
      if (midway_profile_get_auth (profiles[i]) == MIDWAY_AUTH_KEYRING_KEY)
        {
          g_assert_error (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE);
          g_assert_null (path);
          g_assert_null (midway_test_helper_get_connect_profile (helper));
          g_clear_error (&error);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpstr (path, ==, TUNNEL_PATH);
      g_assert_nonnull (midway_test_helper_get_connect_credentials (helper));
      g_assert_cmpuint (g_variant_n_children (midway_test_helper_get_connect_credentials (helper)), ==, 0);
      midway_test_helper_reset_connects (helper);
    }
}

static gboolean
has_tunnel (gpointer data)
{
  return midway_connection_get_tunnel (data) != NULL;
}

static gboolean
is_up (gpointer data)
{
  return g_strcmp0 (midway_connection_get_state (data), MIDWAY_STATE_UP) == 0;
}

/* The helper activated by the app's first Connect: GDBusObjectManagerClient
 * hears of the new tunnel from InterfacesAdded and then again from the
 * GetManagedObjects it sends once the name has an owner, and swaps the
 * interface proxy.  The list must follow the new proxy, or the app never
 * sees the tunnel's state change (no notification, no tray update). */
static void
test_helper_activated_by_connect (void)
{
  g_autoptr(MidwayProfile) profile = save_profile ("agent");
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GDBusConnection) helper_bus = midway_test_new_bus_connection (G_BUS_TYPE_SYSTEM);
  g_autoptr(GDBusObjectManagerServer) server = g_dbus_object_manager_server_new (MIDWAY_HELPER_OBJECT_PATH);
  g_autoptr(MidwayObjectSkeleton) object = midway_object_skeleton_new (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1");
  g_autoptr(MidwayTunnel1) tunnel = midway_tunnel1_skeleton_new ();
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *owner = NULL;
  MidwayConnection *connection;

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  connection = midway_connection_list_find (list, midway_profile_get_id (profile));
  g_assert_nonnull (connection);

  /* The app watches before there is any helper. */
  midway_connection_list_watch_helper (list);
  midway_test_spin_for (500);

  /* The helper starts, takes its name and exports the tunnel at once,
   * with nothing of the client's handled in between: InterfacesAdded
   * reaches the client before its GetManagedObjects is answered. */
  midway_tunnel1_set_profile_id (tunnel, midway_profile_get_id (profile));
  midway_tunnel1_set_profile_name (tunnel, midway_profile_get_name (profile));
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_STARTING_SSH);
  midway_object_skeleton_set_tunnel1 (object, tunnel);
  g_dbus_object_manager_server_set_connection (server, helper_bus);
  reply = g_dbus_connection_call_sync (helper_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", MIDWAY_HELPER_BUS_NAME, 0),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_dbus_object_manager_server_export (server, G_DBUS_OBJECT_SKELETON (object));

  midway_test_spin_until (has_tunnel, connection, 10.0);
  /* Both the signal and the answer have been handled. */
  midway_test_spin_for (500);

  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_UP);
  midway_test_spin_until (is_up, connection, 10.0);
  /* The proxy made before the owner was known could not call the helper. */
  owner = g_dbus_proxy_get_name_owner (G_DBUS_PROXY (midway_connection_get_tunnel (connection)));
  g_assert_nonnull (owner);

  g_dbus_object_manager_server_unexport (server, MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MIDWAY_TEST_KEYRING") != NULL)
    g_test_add_func ("/connect/credentials-from-keyring", test_connect);
  else
    g_test_add_func ("/connect/no-keyring", test_connect_no_keyring);
  g_test_add_func ("/connect/helper-activated-by-connect", test_helper_activated_by_connect);

  return g_test_run ();
}
