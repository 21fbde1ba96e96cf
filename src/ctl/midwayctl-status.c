/* midwayctl-status.c: "midwayctl status" and "midwayctl monitor": every
 * tunnel the helper has, now and as it changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib-unix.h>

#include "midway-dbus-generated.h"
#include "midway-reason.h"
#include "midwayctl.h"

/* ---- status ------------------------------------------------------------- */

static char *
owner_name (guint uid)
{
  struct passwd entry, *result = NULL;
  char buffer[4096];

  if (getpwuid_r ((uid_t) uid, &entry, buffer, sizeof buffer, &result) == 0 && result != NULL)
    return g_strdup (result->pw_name);
  return NULL;
}

static char *
format_duration (gint64 seconds)
{
  gint64 days = seconds / 86400;
  gint64 rest = seconds % 86400;
  g_autofree char *clock = g_strdup_printf ("%02d:%02d:%02d", (int) (rest / 3600),
                                            (int) (rest / 60 % 60), (int) (rest % 60));

  if (days == 0)
    return g_steal_pointer (&clock);
  /* TRANSLATORS: an uptime: "2 days, 01:02:03" */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day, %s", "%d days, %s", (gulong) days),
                          (int) days, clock);
}

static gint64
uptime_seconds (MidwayTunnel1 *tunnel)
{
  guint64 since = midway_tunnel1_get_connected_since (tunnel);
  gint64 now = g_get_real_time ();

  if (since == 0 || g_strcmp0 (midway_tunnel1_get_state (tunnel), MIDWAY_STATE_UP) != 0)
    return -1;
  if ((gint64) since > now)
    return 0;
  return (now - (gint64) since) / G_USEC_PER_SEC;
}

typedef struct
{
  const char *label;
  char       *value;
} StatusField;

static void
print_tunnel (MidwayTunnel1 *tunnel)
{
  g_autofree char *name = midwayctl_sanitize (midway_tunnel1_get_profile_name (tunnel));
  g_autofree char *state = midwayctl_sanitize (midway_tunnel1_get_state (tunnel));
  const char *reason = midwayctl_nonnull (midway_tunnel1_get_last_reason (tunnel));
  g_autofree char *user = owner_name (midway_tunnel1_get_owner (tunnel));
  gint64 uptime = uptime_seconds (tunnel);
  guint64 next_retry = midway_tunnel1_get_next_retry (tunnel);
  StatusField fields[12];
  guint n = 0;
  gsize column = 0;

  g_print ("%s — %s (%s)\n", name, state, midway_state_describe (state));

  if (*midwayctl_nonnull (midway_tunnel1_get_interface (tunnel)) != '\0')
    {
      fields[n].label = _("Interface:");
      fields[n++].value = midwayctl_sanitize (midway_tunnel1_get_interface (tunnel));
    }
  if (*midwayctl_nonnull (midway_tunnel1_get_local_address (tunnel)) != '\0' ||
      *midwayctl_nonnull (midway_tunnel1_get_remote_address (tunnel)) != '\0')
    {
      g_autofree char *local = midwayctl_sanitize (midway_tunnel1_get_local_address (tunnel));
      g_autofree char *remote = midwayctl_sanitize (midway_tunnel1_get_remote_address (tunnel));

      fields[n].label = _("Addresses:");
      fields[n++].value = g_strdup_printf ("%s ⇄ %s", local, remote);
    }
  if (uptime >= 0)
    {
      fields[n].label = _("Uptime:");
      fields[n++].value = format_duration (uptime);
    }
  {
    g_autofree char *rx = g_format_size (midway_tunnel1_get_rx_bytes (tunnel));
    g_autofree char *tx = g_format_size (midway_tunnel1_get_tx_bytes (tunnel));

    fields[n].label = _("Traffic:");
    fields[n++].value = g_strdup_printf (_("%s received, %s sent"), rx, tx);
  }
  fields[n].label = _("Reconnects:");
  fields[n++].value = g_strdup_printf ("%u", midway_tunnel1_get_reconnect_count (tunnel));
  fields[n].label = _("Owner:");
  fields[n++].value = user != NULL
                        ? g_strdup_printf ("%s (%u)", user, midway_tunnel1_get_owner (tunnel))
                        : g_strdup_printf ("%u", midway_tunnel1_get_owner (tunnel));
  if (*reason != '\0')
    {
      g_autofree char *code = midwayctl_sanitize (reason);

      fields[n].label = _("Last reason:");
      fields[n++].value = g_strdup_printf ("%s (%s)", midway_reason_describe (reason), code);
    }
  if (g_strcmp0 (midway_tunnel1_get_state (tunnel), MIDWAY_STATE_RECONNECTING) == 0)
    {
      gint64 in = ((gint64) next_retry - g_get_real_time ()) / G_USEC_PER_SEC;

      fields[n].label = _("Next attempt:");
      /* NextRetry 0 while reconnecting: no route to the server yet. */
      fields[n++].value = next_retry == 0 ? g_strdup (_("when the network is back"))
                                          : g_strdup_printf (_("in %d s"), (int) MAX (in, 0));
    }
  g_assert (n <= G_N_ELEMENTS (fields));

  for (guint i = 0; i < n; i++)
    column = MAX (column, midwayctl_text_width (fields[i].label));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GString) line = g_string_new ("    ");

      g_string_append (line, fields[i].label);
      for (gsize w = midwayctl_text_width (fields[i].label); w < column + 1; w++)
        g_string_append_c (line, ' ');
      g_string_append (line, fields[i].value);
      g_print ("%s\n", line->str);
      g_free (fields[i].value);
    }
}

/* One tunnel as a JSON object; the schema is in midwayctl(1). */
static void
tunnel_to_json (GString       *out,
                MidwayTunnel1 *tunnel)
{
  g_autofree char *user = owner_name (midway_tunnel1_get_owner (tunnel));
  gint64 uptime = uptime_seconds (tunnel);
  gboolean first = TRUE;

  g_string_append_c (out, '{');
  midwayctl_json_member (out, &first, "object-path");
  midwayctl_json_string (out, g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)));
  midwayctl_json_member (out, &first, "profile-id");
  midwayctl_json_string (out, midway_tunnel1_get_profile_id (tunnel));
  midwayctl_json_member (out, &first, "profile-name");
  midwayctl_json_string (out, midway_tunnel1_get_profile_name (tunnel));
  midwayctl_json_member (out, &first, "owner");
  g_string_append_printf (out, "%u", midway_tunnel1_get_owner (tunnel));
  midwayctl_json_member (out, &first, "owner-name");
  if (user != NULL)
    midwayctl_json_string (out, user);
  else
    g_string_append (out, "null");
  midwayctl_json_member (out, &first, "state");
  midwayctl_json_string (out, midway_tunnel1_get_state (tunnel));
  midwayctl_json_member (out, &first, "interface");
  midwayctl_json_string (out, midway_tunnel1_get_interface (tunnel));
  midwayctl_json_member (out, &first, "local-address");
  midwayctl_json_string (out, midway_tunnel1_get_local_address (tunnel));
  midwayctl_json_member (out, &first, "remote-address");
  midwayctl_json_string (out, midway_tunnel1_get_remote_address (tunnel));
  midwayctl_json_member (out, &first, "connected-since");
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, midway_tunnel1_get_connected_since (tunnel));
  midwayctl_json_member (out, &first, "uptime");
  if (uptime >= 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, uptime);
  else
    g_string_append (out, "null");
  midwayctl_json_member (out, &first, "rx-bytes");
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, midway_tunnel1_get_rx_bytes (tunnel));
  midwayctl_json_member (out, &first, "tx-bytes");
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, midway_tunnel1_get_tx_bytes (tunnel));
  midwayctl_json_member (out, &first, "reconnect-count");
  g_string_append_printf (out, "%u", midway_tunnel1_get_reconnect_count (tunnel));
  midwayctl_json_member (out, &first, "last-reason");
  midwayctl_json_string (out, midway_tunnel1_get_last_reason (tunnel));
  midwayctl_json_member (out, &first, "last-message");
  midwayctl_json_string (out, midway_tunnel1_get_last_message (tunnel));
  midwayctl_json_member (out, &first, "next-retry");
  g_string_append_printf (out, "%" G_GUINT64_FORMAT, midway_tunnel1_get_next_retry (tunnel));
  g_string_append_c (out, '}');
}

gboolean
midwayctl_cmd_status (int      argc,
                      char   **argv,
                      GError **error)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON (schema in midwayctl(1))"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GPtrArray) tunnels = NULL;
  g_autofree char *owner = NULL;

  if (!midwayctl_parse_options (argc, argv, "", entries, 0, 0, NULL, error))
    return FALSE;

  bus = midwayctl_open_system_bus (error);
  if (bus == NULL)
    return FALSE;
  /* Asking must not start the helper: no helper means no tunnels. */
  manager = midwayctl_open_manager (bus, FALSE, error);
  if (manager == NULL)
    return FALSE;
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));
  tunnels = midwayctl_list_tunnels (manager);

  if (json)
    {
      g_autoptr(GString) out = g_string_new ("{");
      gboolean first = TRUE;

      midwayctl_json_member (out, &first, "helper-running");
      g_string_append (out, owner != NULL ? "true" : "false");
      midwayctl_json_member (out, &first, "tunnels");
      g_string_append_c (out, '[');
      for (guint i = 0; i < tunnels->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, "\n  ");
          tunnel_to_json (out, g_ptr_array_index (tunnels, i));
        }
      g_string_append (out, tunnels->len > 0 ? "\n]}\n" : "]}\n");
      return midwayctl_write_stdout (out->str, out->len, error);
    }

  if (tunnels->len == 0)
    {
      g_print ("%s\n", _("No tunnels."));
      return TRUE;
    }

  for (guint i = 0; i < tunnels->len; i++)
    {
      if (i > 0)
        g_print ("\n");
      print_tunnel (g_ptr_array_index (tunnels, i));
    }
  return TRUE;
}

/* ---- monitor ------------------------------------------------------------ */

typedef struct
{
  GMainLoop *loop;
  gboolean   json;
  gboolean   helper_running;  /* as last reported, or as found at the start */
  GError    *error;
} Monitor;

/* One event, one line, flushed: scripts read this through a pipe. */
static void
monitor_emit (Monitor       *monitor,
              const char    *event,
              MidwayTunnel1 *tunnel,
              const char    *state,
              const char    *reason,
              const char    *message)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  if (monitor->json)
    {
      g_autoptr(GString) out = g_string_new ("{");
      g_autofree char *time = g_date_time_format_iso8601 (now);
      gboolean first = TRUE;

      midwayctl_json_member (out, &first, "time");
      midwayctl_json_string (out, time);
      midwayctl_json_member (out, &first, "event");
      midwayctl_json_string (out, event);
      if (tunnel != NULL)
        {
          midwayctl_json_member (out, &first, "object-path");
          midwayctl_json_string (out, g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)));
          midwayctl_json_member (out, &first, "profile-id");
          midwayctl_json_string (out, midway_tunnel1_get_profile_id (tunnel));
          midwayctl_json_member (out, &first, "profile-name");
          midwayctl_json_string (out, midway_tunnel1_get_profile_name (tunnel));
          midwayctl_json_member (out, &first, "owner");
          g_string_append_printf (out, "%u", midway_tunnel1_get_owner (tunnel));
          midwayctl_json_member (out, &first, "state");
          midwayctl_json_string (out, state);
          midwayctl_json_member (out, &first, "reason");
          midwayctl_json_string (out, reason);
          midwayctl_json_member (out, &first, "message");
          midwayctl_json_string (out, message);
        }
      g_string_append (out, "}\n");
      midwayctl_write_stdout (out->str, out->len, NULL);
    }
  else
    {
      g_autofree char *time = g_date_time_format (now, "%Y-%m-%d %H:%M:%S");
      g_autoptr(GString) line = g_string_new (time);

      /* Columns: time, name, state, then the reason as its code (what
       * scripts grep for) and in words, then the technical message. */
      g_string_append (line, "  ");
      if (tunnel != NULL)
        {
          g_autofree char *name = midwayctl_sanitize (midway_tunnel1_get_profile_name (tunnel));
          g_autofree char *shown_state = midwayctl_sanitize (state);

          g_string_append_printf (line, "“%s”  ", name);
          if (g_str_equal (event, "tunnel-added"))
            g_string_append_printf (line, _("tunnel added, %s"), shown_state);
          else if (g_str_equal (event, "tunnel-removed"))
            g_string_append (line, _("tunnel removed"));
          else
            g_string_append (line, shown_state);

          if (g_str_equal (event, "state-changed") && *midwayctl_nonnull (reason) != '\0')
            {
              g_autofree char *code = midwayctl_sanitize (reason);
              g_autofree char *why = midwayctl_describe_reason (reason, message);

              g_string_append_printf (line, "  %s: %s", code, why);
            }
          else if (*midwayctl_nonnull (message) != '\0')
            {
              g_autofree char *shown_message = midwayctl_sanitize (message);

              g_string_append_printf (line, "  (%s)", shown_message);
            }
        }
      else if (g_str_equal (event, "helper-started"))
        g_string_append (line, _("Midway helper started"));
      else
        g_string_append (line, _("Midway helper stopped"));

      g_print ("%s\n", line->str);
    }

  if (fflush (stdout) != 0 && monitor->error == NULL)
    {
      /* The reader went away: nobody is listening any more. */
      monitor->error = g_error_new (G_IO_ERROR, g_io_error_from_errno (errno),
                                    _("Could not write to standard output: %s"), g_strerror (errno));
      g_main_loop_quit (monitor->loop);
    }
}

static MidwayTunnel1 *
object_tunnel (GDBusObject *object)
{
  return MIDWAY_IS_OBJECT (object) ? midway_object_peek_tunnel1 (MIDWAY_OBJECT (object)) : NULL;
}

static void
on_monitor_object_added (GDBusObjectManager *manager,
                         GDBusObject        *object,
                         gpointer            user_data)
{
  MidwayTunnel1 *tunnel = object_tunnel (object);

  if (tunnel != NULL)
    monitor_emit (user_data, "tunnel-added", tunnel, midway_tunnel1_get_state (tunnel),
                  midway_tunnel1_get_last_reason (tunnel), "");
}

static void
on_monitor_object_removed (GDBusObjectManager *manager,
                           GDBusObject        *object,
                           gpointer            user_data)
{
  MidwayTunnel1 *tunnel = object_tunnel (object);

  if (tunnel != NULL)
    monitor_emit (user_data, "tunnel-removed", tunnel, midway_tunnel1_get_state (tunnel),
                  midway_tunnel1_get_last_reason (tunnel), "");
}

static void
on_monitor_signal (GDBusObjectManagerClient *manager,
                   GDBusObjectProxy         *object_proxy,
                   GDBusProxy               *interface_proxy,
                   const char               *sender_name,
                   const char               *signal_name,
                   GVariant                 *parameters,
                   gpointer                  user_data)
{
  const char *state, *reason, *message;

  if (!MIDWAY_IS_TUNNEL1 (interface_proxy) ||
      !g_str_equal (signal_name, "StateChanged") ||
      !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;

  g_variant_get (parameters, "(&s&s&s)", &state, &reason, &message);
  monitor_emit (user_data, "state-changed", MIDWAY_TUNNEL1 (interface_proxy), state, reason, message);
}

static void
on_monitor_owner_changed (GObject    *object,
                          GParamSpec *pspec,
                          gpointer    user_data)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));
  Monitor *monitor = user_data;

  /* The manager also notifies on its way to a new owner (none first,
   * then the new one): only a real change is news. */
  if ((owner != NULL) == monitor->helper_running)
    return;
  monitor->helper_running = owner != NULL;
  monitor_emit (monitor, owner != NULL ? "helper-started" : "helper-stopped", NULL, NULL, NULL, NULL);
}

static void
on_monitor_bus_closed (GDBusConnection *bus,
                       gboolean         remote_peer_vanished,
                       GError          *error,
                       gpointer         user_data)
{
  Monitor *monitor = user_data;

  if (monitor->error == NULL)
    monitor->error = g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                                  _("Lost the connection to the system bus"));
  g_main_loop_quit (monitor->loop);
}

static gboolean
on_monitor_quit_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

gboolean
midwayctl_cmd_monitor (int      argc,
                       char   **argv,
                       GError **error)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object per line (schema in midwayctl(1))"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *owner = NULL;
  Monitor monitor = { 0 };

  if (!midwayctl_parse_options (argc, argv, "", entries, 0, 0, NULL, error))
    return FALSE;

  bus = midwayctl_open_system_bus (error);
  if (bus == NULL)
    return FALSE;
  /* Report a lost bus as a failure rather than be killed by SIGTERM. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);

  /* Watching must not start the helper; the manager notices when it
   * starts later and reports its tunnels then. */
  manager = midwayctl_open_manager (bus, FALSE, error);
  if (manager == NULL)
    return FALSE;

  loop = g_main_loop_new (NULL, FALSE);
  monitor.loop = loop;
  monitor.json = json;
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (manager));
  monitor.helper_running = owner != NULL;

  g_signal_connect (manager, "object-added", G_CALLBACK (on_monitor_object_added), &monitor);
  g_signal_connect (manager, "object-removed", G_CALLBACK (on_monitor_object_removed), &monitor);
  g_signal_connect (manager, "interface-proxy-signal", G_CALLBACK (on_monitor_signal), &monitor);
  g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_monitor_owner_changed), &monitor);
  g_signal_connect (bus, "closed", G_CALLBACK (on_monitor_bus_closed), &monitor);
  g_unix_signal_add (SIGINT, on_monitor_quit_signal, &monitor);
  g_unix_signal_add (SIGTERM, on_monitor_quit_signal, &monitor);

  /* The manager's match rules went to the bus before its first call
   * returned, so from here on no change is missed: a script that starts
   * a monitor waits for this line (on stderr, where it stays out of the
   * events) before it changes anything. */
  g_printerr ("%s\n", _("Watching Midway's tunnels; Ctrl+C stops."));

  g_main_loop_run (loop);

  /* From here on a second signal must not kill us while we exit: timeout(1)
   * sends one to its child and another to the child's process group, and
   * an ASan build spends a while in its leak check at exit.  GLib's sources
   * stay: removing them would put back the default action, and a signal
   * delivered to one of GLib's threads before we ignore it would kill us.
   * sigaction is process-wide, so ignoring replaces GLib's handler in one
   * step. */
  signal (SIGINT, SIG_IGN);
  signal (SIGTERM, SIG_IGN);
  g_signal_handlers_disconnect_by_data (manager, &monitor);
  g_signal_handlers_disconnect_by_data (bus, &monitor);

  if (monitor.error != NULL)
    {
      g_propagate_error (error, monitor.error);
      return FALSE;
    }
  return TRUE;
}
