/* mock-helper.c: a stand-in for midway-helper on a private bus, for testing
 * midwayctl's D-Bus side without root, ssh or pppd.
 *
 * It implements the real API with the generated skeletons and plays a
 * script chosen by the profile's host:
 *   up.test       starting-ssh → negotiating-ppp → up
 *   fail.test     starting-ssh → failed (host-key-mismatch)
 *   flaky.test    starting-ssh → reconnecting (server-unreachable) → … → up
 *   slow.test     starting-ssh → reconnecting, for ever
 *   denied.test   Connect fails with NotAuthorized
 * Like the real helper, it sets the properties before it emits
 * StateChanged, so the signal reaches clients before PropertiesChanged.
 * GetLog returns what the tunnel went through, credentials included.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib-unix.h>

#include "midway-error.h"
#include "midway-profile.h"
#include "midway-reason.h"
#include "midway-test-helper.h"

#define STEP_MS 100

typedef struct
{
  MidwayTunnel1 *iface;
  char          *path;
  char          *host;
  GPtrArray     *log;
  guint          step;
  guint          source;
  gboolean       stopping;
} MockTunnel;

static MidwayTestHelper *stand_in;
static GPtrArray *tunnels;
static guint next_serial;

static void
mock_tunnel_free (MockTunnel *tunnel)
{
  g_clear_handle_id (&tunnel->source, g_source_remove);
  g_clear_object (&tunnel->iface);
  g_free (tunnel->path);
  g_free (tunnel->host);
  g_ptr_array_unref (tunnel->log);
  g_free (tunnel);
}

static void
set_state (MockTunnel *tunnel,
           const char *state,
           const char *reason,
           const char *message)
{
  if (*reason != '\0')
    midway_tunnel1_set_last_reason (tunnel->iface, reason);
  midway_tunnel1_set_state (tunnel->iface, state);
  g_ptr_array_add (tunnel->log, g_strdup_printf ("helper: state %s %s", state, reason));
  midway_tunnel1_emit_state_changed (tunnel->iface, state, reason, message);
}

static void
set_up (MockTunnel *tunnel)
{
  midway_tunnel1_set_interface (tunnel->iface, "ppp7");
  midway_tunnel1_set_local_address (tunnel->iface, "10.66.0.1");
  midway_tunnel1_set_remote_address (tunnel->iface, "10.66.0.2");
  midway_tunnel1_set_connected_since (tunnel->iface, (guint64) (g_get_real_time () - (gint64) 3723 * G_USEC_PER_SEC));
  midway_tunnel1_set_rx_bytes (tunnel->iface, 123456);
  midway_tunnel1_set_tx_bytes (tunnel->iface, 654321);
  midway_tunnel1_set_next_retry (tunnel->iface, 0);
  set_state (tunnel, MIDWAY_STATE_UP, "", "");
}

static void
remove_tunnel (MockTunnel *tunnel)
{
  midway_test_helper_unexport_tunnel (stand_in, tunnel->path);
  g_ptr_array_remove (tunnels, tunnel);
}

static gboolean
on_step (gpointer user_data)
{
  MockTunnel *tunnel = user_data;
  guint step = tunnel->step++;

  tunnel->source = 0;

  if (tunnel->stopping)
    {
      set_state (tunnel, MIDWAY_STATE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
      remove_tunnel (tunnel);
      return G_SOURCE_REMOVE;
    }

  if (g_str_equal (tunnel->host, "up.test"))
    {
      if (step == 0)
        set_state (tunnel, MIDWAY_STATE_NEGOTIATING_PPP, "", "");
      else
        {
          set_up (tunnel);
          return G_SOURCE_REMOVE;
        }
    }
  else if (g_str_equal (tunnel->host, "fail.test"))
    {
      set_state (tunnel, MIDWAY_STATE_FAILED, MIDWAY_REASON_HOST_KEY_MISMATCH,
                 "Host key verification failed.");
      return G_SOURCE_REMOVE;
    }
  else if (g_str_equal (tunnel->host, "flaky.test"))
    {
      switch (step)
        {
        case 0:
          midway_tunnel1_set_next_retry (tunnel->iface, (guint64) g_get_real_time () + G_USEC_PER_SEC);
          /* The ESC checks that midwayctl never sends it to a terminal. */
          set_state (tunnel, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_SERVER_UNREACHABLE,
                     "ssh: connect to host flaky.test port 22: Connection refused\033[0m");
          break;
        case 1:
          midway_tunnel1_set_reconnect_count (tunnel->iface, 1);
          set_state (tunnel, MIDWAY_STATE_STARTING_SSH, "", "");
          break;
        case 2:
          set_state (tunnel, MIDWAY_STATE_NEGOTIATING_PPP, "", "");
          break;
        default:
          set_up (tunnel);
          return G_SOURCE_REMOVE;
        }
    }
  else if (g_str_equal (tunnel->host, "slow.test"))
    {
      set_state (tunnel, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_SERVER_UNREACHABLE,
                 "ssh: connect to host slow.test port 22: No route to host");
      return G_SOURCE_REMOVE;
    }

  tunnel->source = g_timeout_add (STEP_MS, on_step, tunnel);
  return G_SOURCE_REMOVE;
}

static gboolean
on_dismiss (gpointer user_data)
{
  MockTunnel *tunnel = user_data;

  tunnel->source = 0;
  remove_tunnel (tunnel);
  return G_SOURCE_REMOVE;
}

static gboolean
handle_disconnect (MidwayTunnel1         *iface,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  MockTunnel *tunnel = user_data;

  midway_tunnel1_complete_disconnect (iface, invocation);

  if (g_str_equal (midway_tunnel1_get_state (iface), MIDWAY_STATE_FAILED))
    {
      /* Not from inside the skeleton's own signal emission. */
      tunnel->stopping = TRUE;
      g_clear_handle_id (&tunnel->source, g_source_remove);
      tunnel->source = g_idle_add (on_dismiss, tunnel);
      return TRUE;
    }

  if (!tunnel->stopping)
    {
      tunnel->stopping = TRUE;
      g_clear_handle_id (&tunnel->source, g_source_remove);
      set_state (tunnel, MIDWAY_STATE_STOPPING, MIDWAY_REASON_STOPPED_BY_USER, "");
      tunnel->source = g_timeout_add (STEP_MS, on_step, tunnel);
    }
  return TRUE;
}

static gboolean
handle_get_log (MidwayTunnel1         *iface,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  MockTunnel *tunnel = user_data;
  g_autoptr(GPtrArray) lines = g_ptr_array_new ();

  for (guint i = 0; i < tunnel->log->len; i++)
    g_ptr_array_add (lines, g_ptr_array_index (tunnel->log, i));
  g_ptr_array_add (lines, NULL);
  midway_tunnel1_complete_get_log (iface, invocation, (const char * const *) lines->pdata);
  return TRUE;
}

static gboolean
handle_connect (MidwayHelper1         *helper,
                GDBusMethodInvocation *invocation,
                GVariant              *profile_variant,
                GVariant              *credentials,
                gpointer               user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  MockTunnel *tunnel;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  profile = midway_profile_new_from_variant (profile_variant, &error);
  if (profile == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }

  if (g_str_equal (midway_profile_get_host (profile), "denied.test"))
    {
      g_dbus_method_invocation_return_error_literal (invocation, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                                                     "Not authorized to connect");
      return TRUE;
    }

  for (guint i = 0; i < tunnels->len; i++)
    {
      tunnel = g_ptr_array_index (tunnels, i);
      if (g_str_equal (midway_tunnel1_get_profile_id (tunnel->iface), midway_profile_get_id (profile)))
        {
          if (!g_str_equal (midway_tunnel1_get_state (tunnel->iface), MIDWAY_STATE_FAILED))
            {
              midway_helper1_complete_connect (helper, invocation, tunnel->path);
              return TRUE;
            }
          remove_tunnel (tunnel);
          break;
        }
    }

  tunnel = g_new0 (MockTunnel, 1);
  tunnel->path = g_strdup_printf (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/%u", ++next_serial);
  tunnel->host = g_strdup (midway_profile_get_host (profile));
  tunnel->log = g_ptr_array_new_with_free_func (g_free);
  tunnel->iface = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (tunnel->iface, midway_profile_get_id (profile));
  midway_tunnel1_set_profile_name (tunnel->iface, midway_profile_get_name (profile));
  midway_tunnel1_set_owner (tunnel->iface, getuid ());
  midway_tunnel1_set_state (tunnel->iface, MIDWAY_STATE_STARTING_SSH);
  midway_tunnel1_set_last_reason (tunnel->iface, "");
  midway_tunnel1_set_interface (tunnel->iface, "");
  midway_tunnel1_set_local_address (tunnel->iface, "");
  midway_tunnel1_set_remote_address (tunnel->iface, "");
  g_signal_connect (tunnel->iface, "handle-disconnect", G_CALLBACK (handle_disconnect), tunnel);
  g_signal_connect (tunnel->iface, "handle-get-log", G_CALLBACK (handle_get_log), tunnel);

  g_variant_iter_init (&iter, credentials);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        g_ptr_array_add (tunnel->log, g_strdup_printf ("credential %s=%s", key,
                                                       g_variant_get_string (value, NULL)));
      else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
        {
          /* A digest, so that a test can tell which key came over without
           * the key itself ending up in a log. */
          gsize length;
          const guint8 *bytes = g_variant_get_fixed_array (value, &length, 1);
          g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, length);

          g_ptr_array_add (tunnel->log, g_strdup_printf ("credential %s of type ay sha256 %s",
                                                         key, digest));
        }
      else
        g_ptr_array_add (tunnel->log, g_strdup_printf ("credential %s of type %s", key,
                                                       g_variant_get_type_string (value)));
      g_variant_unref (value);
    }
  g_ptr_array_add (tunnel->log, g_strdup ("ssh: a line with a tab\there and an escape \033]0;pwned\007"));

  g_ptr_array_add (tunnels, tunnel);
  midway_test_helper_export_tunnel (stand_in, tunnel->path, tunnel->iface);
  tunnel->source = g_timeout_add (STEP_MS, on_step, tunnel);

  midway_helper1_complete_connect (helper, invocation, tunnel->path);
  return TRUE;
}

static gboolean
on_quit (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  MidwayHelper1 *helper;

  midway_error_quark ();

  tunnels = g_ptr_array_new_with_free_func ((GDestroyNotify) mock_tunnel_free);
  /* As the real helper does: the manager's own path carries Helper1 and
   * the ObjectManager; tunnels are objects below it.  Not getting the
   * name (another helper has it) ends the program. */
  stand_in = midway_test_helper_new ();
  helper = midway_test_helper_get_helper1 (stand_in);
  midway_helper1_set_version (helper, PACKAGE_VERSION);
  g_signal_connect (helper, "handle-connect", G_CALLBACK (handle_connect), NULL);
  midway_test_helper_own_name (stand_in);

  g_unix_signal_add (SIGTERM, on_quit, loop);
  g_unix_signal_add (SIGINT, on_quit, loop);
  g_main_loop_run (loop);

  g_ptr_array_unref (tunnels);
  g_object_unref (stand_in);
  return 0;
}
