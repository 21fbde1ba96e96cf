/* midwayctl-tunnel.c: "midwayctl down" and "midwayctl log": the caller's
 * own tunnel of a profile.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-dbus-generated.h"
#include "midwayctl.h"

/* ---- down --------------------------------------------------------------- */

typedef struct
{
  GMainLoop  *loop;
  const char *path;
  gboolean    gone;
  gboolean    timed_out;
} DownWait;

static void
on_down_object_removed (GDBusObjectManager *manager,
                        GDBusObject        *object,
                        gpointer            user_data)
{
  DownWait *wait = user_data;

  if (g_str_equal (g_dbus_object_get_object_path (object), wait->path))
    {
      wait->gone = TRUE;
      g_main_loop_quit (wait->loop);
    }
}

static void
on_down_owner_changed (GObject    *object,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));
  DownWait *wait = user_data;

  /* A helper that exits takes its tunnels with it. */
  if (owner == NULL)
    {
      wait->gone = TRUE;
      g_main_loop_quit (wait->loop);
    }
}

static gboolean
on_down_timeout (gpointer user_data)
{
  DownWait *wait = user_data;

  wait->timed_out = TRUE;
  g_main_loop_quit (wait->loop);
  return G_SOURCE_REMOVE;
}

gboolean
midwayctl_cmd_down (int      argc,
                    char   **argv,
                    GError **error)
{
  gboolean no_wait = FALSE;
  gboolean system = FALSE;
  int timeout = MIDWAYCTL_DEFAULT_TIMEOUT_S;
  const GOptionEntry entries[] = {
    { "no-wait", 'n', 0, G_OPTION_ARG_NONE, &no_wait,
      N_("Return once the helper has been asked to stop the tunnel"), NULL },
    { "system", 0, 0, G_OPTION_ARG_NONE, &system,
      N_("NAME is a system profile (under /etc/midway/profiles)"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up waiting after SECS seconds (default 60, 0 waits for ever)"), N_("SECS") },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GDBusObject) still_there = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  DownWait wait = { 0 };
  gulong removed_id, owner_id;
  guint timeout_id = 0;

  if (!midwayctl_parse_options (argc, argv, "NAME", entries, 1, 1, &args, error))
    return FALSE;

  if (timeout < 0)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("--timeout must be 0 or more seconds"));
      return FALSE;
    }

  if (system ? !midwayctl_open_system_tunnel (args[0], &manager, &tunnel, &display_name, error)
             : !midwayctl_open_own_tunnel (args[0], &manager, &tunnel, &display_name, error))
    return FALSE;
  path = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)));

  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  wait.path = path;
  removed_id = g_signal_connect (manager, "object-removed", G_CALLBACK (on_down_object_removed), &wait);
  owner_id = g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_down_owner_changed), &wait);

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (tunnel), "Disconnect", NULL,
                                  G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                  MIDWAYCTL_INTERACTIVE_CALL_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    {
      midwayctl_tidy_dbus_error (error);
      g_signal_handler_disconnect (manager, removed_id);
      g_signal_handler_disconnect (manager, owner_id);
      return FALSE;
    }

  if (no_wait)
    {
      g_signal_handler_disconnect (manager, removed_id);
      g_signal_handler_disconnect (manager, owner_id);
      g_print (_("Disconnecting “%s”\n"), display_name);
      return TRUE;
    }

  midwayctl_drain_main_context ();
  still_there = g_dbus_object_manager_get_object (manager, path);
  if (!wait.gone && still_there != NULL)
    {
      if (timeout > 0)
        timeout_id = g_timeout_add_seconds ((guint) timeout, on_down_timeout, &wait);
      g_main_loop_run (loop);
      if (!wait.timed_out && timeout_id != 0)
        g_source_remove (timeout_id);
    }

  g_signal_handler_disconnect (manager, removed_id);
  g_signal_handler_disconnect (manager, owner_id);

  if (wait.timed_out)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_TIMED_OUT,
                   _("“%s” is still stopping after %d s"), display_name, timeout);
      return FALSE;
    }

  g_print (_("Disconnected “%s”\n"), display_name);
  return TRUE;
}

/* ---- log ---------------------------------------------------------------- */

gboolean
midwayctl_cmd_log (int      argc,
                   char   **argv,
                   GError **error)
{
  gboolean system = FALSE;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system,
      N_("NAME is a system profile (under /etc/midway/profiles)"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autofree char *display_name = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree const char **lines = NULL;

  if (!midwayctl_parse_options (argc, argv, "NAME", entries, 1, 1, &args, error))
    return FALSE;

  if (system ? !midwayctl_open_system_tunnel (args[0], &manager, &tunnel, &display_name, error)
             : !midwayctl_open_own_tunnel (args[0], &manager, &tunnel, &display_name, error))
    return FALSE;

  reply = g_dbus_proxy_call_sync (G_DBUS_PROXY (tunnel), "GetLog", NULL,
                                  G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                  MIDWAYCTL_INTERACTIVE_CALL_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    {
      midwayctl_tidy_dbus_error (error);
      return FALSE;
    }
  if (!g_variant_is_of_type (reply, G_VARIANT_TYPE ("(as)")))
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                   _("The helper answered GetLog with “%s” instead of “(as)”"),
                   g_variant_get_type_string (reply));
      return FALSE;
    }

  g_variant_get (reply, "(^a&s)", &lines);
  for (gsize i = 0; lines[i] != NULL; i++)
    {
      /* ssh and pppd write what the server sends them; keep a hostile
       * banner from talking to the terminal. */
      g_autofree char *shown = midwayctl_sanitize (lines[i]);

      g_print ("%s\n", shown);
    }
  return TRUE;
}
