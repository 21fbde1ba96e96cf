/* app-driver.c: the front end's own connection and notification code, run
 * without a window in the UML guest (tests/e2e/scenario-app-notify.sh).
 *
 *   app-driver [--stop-file PATH] [--timeout SECS] PROFILE
 *   app-driver --system [--stop-file PATH] [--timeout SECS] NAME
 *
 * Loads the caller's profiles as the app does, follows the helper's tunnels
 * with MidwayConnectionList, hands each of the caller's tunnels to a
 * MidwayNotifier (which sends Notify on the session bus) and connects
 * PROFILE (a name or an id) through midway_connection_list_connect_async
 * with a MidwaySecretStore, so the keyring lookup, the Connect call and the
 * notifications are the app's very code paths.  Every state the tunnel
 * reports is printed, for the scenario's log.
 *
 * With --system, NAME is a system profile: the driver prints the system
 * profiles the list gets from the helper each time it changes, connects
 * NAME through midway_connection_list_connect_system_async once it is
 * listed, and prints each state of NAME's entry, the one the window's
 * "System" row shows (tests/security/scenario-system-profiles.sh).
 *
 * Runs until PATH exists, SIGTERM or SIGINT (exit 0), the connect fails
 * (exit 1), or SECS (default 240) pass (exit 3).  Usage errors exit 2.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "midway-connection-list.h"
#include "midway-notifier.h"
#include "midway-secret-store.h"

typedef struct
{
  GMainLoop            *loop;
  int                   status;
  const char           *stop_file;
  MidwayNotifier       *notifier;
  /* --system */
  MidwayConnectionList *list;
  const char           *system_name;
  gboolean              system_connecting;
  MidwayConnection     *system_entry;  /* weak: the list keeps it */
  char                 *system_state;
} Driver;

static void
say (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

/* Line-buffered with a time stamp, so the log lines up with the
 * notification server's and the scenario's. */
static void
say (const char *format,
     ...)
{
  g_autofree char *line = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S.%f");
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  printf ("app-driver %s: %s\n", stamp, line);
  fflush (stdout);
}

static void
quit (Driver *driver,
      int     status)
{
  driver->status = status;
  g_main_loop_quit (driver->loop);
}

static void
on_tunnel_properties_changed (GDBusProxy *proxy,
                              GVariant   *changed,
                              GStrv       invalidated,
                              gpointer    user_data)
{
  MidwayTunnel1 *tunnel = MIDWAY_TUNNEL1 (proxy);

  if (g_variant_lookup (changed, "State", "&s", NULL))
    say ("tunnel %s: state %s, last reason %s, interface %s",
         g_dbus_proxy_get_object_path (proxy), midway_tunnel1_get_state (tunnel),
         midway_tunnel1_get_last_reason (tunnel), midway_tunnel1_get_interface (tunnel));
}

/* What MidwayApplication does with the list's signals. */
static void
on_tunnel_added (MidwayConnectionList *list,
                 MidwayTunnel1        *tunnel,
                 Driver               *driver)
{
  say ("tunnel %s added, state %s", g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)),
       midway_tunnel1_get_state (tunnel));
  g_signal_connect (tunnel, "g-properties-changed", G_CALLBACK (on_tunnel_properties_changed), NULL);
  midway_notifier_watch (driver->notifier, tunnel);
}

static void
on_tunnel_removed (MidwayConnectionList *list,
                   MidwayTunnel1        *tunnel,
                   Driver               *driver)
{
  say ("tunnel %s removed", g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)));
  midway_notifier_unwatch (driver->notifier, tunnel);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Driver *driver = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = midway_connection_list_connect_finish (MIDWAY_CONNECTION_LIST (source), result, &error);
  if (path == NULL)
    {
      say ("connect failed: %s", error->message);
      quit (driver, 1);
      return;
    }
  say ("connect returned %s", path);
}

static void
on_system_entry_notify (GObject    *object,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  Driver *driver = user_data;
  const char *state = midway_connection_get_state (MIDWAY_CONNECTION (object));

  if (g_strcmp0 (state, driver->system_state) == 0)
    return;
  g_free (driver->system_state);
  driver->system_state = g_strdup (state);
  say ("system profile %s: %s", driver->system_name, state);
}

/* Each reload makes new entries: the one for NAME is followed anew. */
static void
on_system_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   gpointer    user_data)
{
  Driver *driver = user_data;
  g_autoptr(GString) names = g_string_new ("");
  guint n = g_list_model_get_n_items (model);
  MidwayConnection *wanted = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", midway_connection_get_name (connection));
      if (g_strcmp0 (midway_connection_get_name (connection), driver->system_name) == 0)
        wanted = connection;  /* the list keeps its reference */
    }
  say ("system profiles: %s", names->str);
  if (wanted == NULL || wanted == driver->system_entry)
    return;

  if (driver->system_entry != NULL)
    g_signal_handlers_disconnect_by_data (driver->system_entry, driver);
  g_set_weak_pointer (&driver->system_entry, wanted);
  g_signal_connect (wanted, "notify::status", G_CALLBACK (on_system_entry_notify), driver);
  on_system_entry_notify (G_OBJECT (wanted), NULL, driver);
  if (!driver->system_connecting)
    {
      driver->system_connecting = TRUE;
      say ("connecting system profile %s (%s)", driver->system_name, midway_connection_get_id (wanted));
      midway_connection_list_connect_system_async (driver->list, wanted, NULL, connect_cb, driver);
    }
}

static gboolean
stop_file_cb (gpointer user_data)
{
  Driver *driver = user_data;

  if (!g_file_test (driver->stop_file, G_FILE_TEST_EXISTS))
    return G_SOURCE_CONTINUE;
  say ("%s exists: stopping", driver->stop_file);
  quit (driver, 0);
  return G_SOURCE_REMOVE;
}

static gboolean
signal_cb (gpointer user_data)
{
  Driver *driver = user_data;

  say ("signalled: stopping");
  quit (driver, 0);
  return G_SOURCE_CONTINUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Driver *driver = user_data;

  say ("timed out");
  quit (driver, 3);
  return G_SOURCE_REMOVE;
}

/* Until the stop file, a signal, a failed connect or the timeout. */
static int
run (Driver *driver,
     int     timeout_s)
{
  if (driver->stop_file != NULL)
    g_timeout_add (100, stop_file_cb, driver);
  g_unix_signal_add (SIGTERM, signal_cb, driver);
  g_unix_signal_add (SIGINT, signal_cb, driver);
  g_timeout_add_seconds (timeout_s, timeout_cb, driver);

  g_main_loop_run (driver->loop);
  say ("exiting with status %d", driver->status);
  g_signal_handlers_disconnect_by_data (midway_connection_list_get_system (driver->list), driver);
  if (driver->system_entry != NULL)
    g_signal_handlers_disconnect_by_data (driver->system_entry, driver);
  g_clear_weak_pointer (&driver->system_entry);
  g_free (driver->system_state);
  return driver->status;
}

static MidwayConnection *
find_profile (MidwayConnectionList *list,
              const char           *wanted)
{
  GListModel *model = G_LIST_MODEL (list);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_strcmp0 (midway_connection_get_name (connection), wanted) == 0 ||
          g_strcmp0 (midway_connection_get_id (connection), wanted) == 0)
        return connection;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *stop_file = NULL;
  int timeout_s = 240;
  gboolean system = FALSE;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system, "Connect the system profile NAME", NULL },
    { "stop-file", 0, 0, G_OPTION_ARG_FILENAME, &stop_file, "Stop once PATH exists", "PATH" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout_s, "Give up after SECS (exit 3)", "SECS" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("PROFILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwaySecretStore) secrets = NULL;
  g_autoptr(MidwayConnectionList) list = NULL;
  g_autoptr(MidwayNotifier) notifier = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  MidwayConnection *connection;
  Driver driver = { 0 };

  /* As main.c: the notifier's texts are gettext'd (the scenario runs this
   * with LC_ALL=C and checks the untranslated ones). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || timeout_s <= 0)
    {
      g_printerr ("app-driver: %s\n", error != NULL ? error->message : "usage: app-driver [OPTION...] PROFILE");
      return 2;
    }

  loop = g_main_loop_new (NULL, FALSE);
  list = midway_connection_list_new ();
  driver.loop = loop;
  driver.stop_file = stop_file;
  driver.list = list;

  g_signal_connect (list, "tunnel-added", G_CALLBACK (on_tunnel_added), &driver);
  g_signal_connect (list, "tunnel-removed", G_CALLBACK (on_tunnel_removed), &driver);
  if (!midway_connection_list_load (list, &error))
    {
      g_printerr ("app-driver: cannot read the profiles: %s\n", error->message);
      return 1;
    }
  if (system)
    {
      /* Nothing is lent and nothing told: the keyring and the notifier
       * (and so a session bus) play no part. */
      driver.system_name = argv[1];
      g_signal_connect (midway_connection_list_get_system (list), "items-changed",
                        G_CALLBACK (on_system_changed), &driver);
      midway_connection_list_watch_helper (list);
      return run (&driver, timeout_s);
    }

  secrets = midway_secret_store_new ();
  notifier = midway_notifier_new ();
  driver.notifier = notifier;
  midway_connection_list_watch_helper (list);

  connection = find_profile (list, argv[1]);
  if (connection == NULL)
    {
      g_autofree char *directory = midway_connection_list_dup_directory ();

      g_printerr ("app-driver: no profile “%s” in %s\n", argv[1], directory);
      return 2;
    }

  say ("connecting %s (%s)", midway_connection_get_name (connection), midway_connection_get_id (connection));
  midway_connection_list_connect_async (list, connection, secrets, NULL, connect_cb, &driver);
  return run (&driver, timeout_s);
}
