/* app-driver.c: the front end's own connection and notification code, run
 * without a window in the UML guest (tests/e2e/scenario-app-notify.sh).
 *
 *   app-driver [--stop-file PATH] [--timeout SECS] PROFILE
 *
 * Loads the caller's profiles as the app does, follows the helper's tunnels
 * with MidwayConnectionList, hands each of the caller's tunnels to a
 * MidwayNotifier (which sends Notify on the session bus) and connects
 * PROFILE (a name or an id) through midway_connection_list_connect_async
 * with a MidwaySecretStore, so the keyring lookup, the Connect call and the
 * notifications are the app's very code paths.  Every state the tunnel
 * reports is printed, for the scenario's log.
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

typedef struct {
  GMainLoop            *loop;
  int                   status;
  const char           *stop_file;
  MidwayNotifier       *notifier;
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
  const GOptionEntry entries[] = {
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
  secrets = midway_secret_store_new ();
  notifier = midway_notifier_new ();
  list = midway_connection_list_new ();
  driver.loop = loop;
  driver.stop_file = stop_file;
  driver.notifier = notifier;

  g_signal_connect (list, "tunnel-added", G_CALLBACK (on_tunnel_added), &driver);
  g_signal_connect (list, "tunnel-removed", G_CALLBACK (on_tunnel_removed), &driver);
  if (!midway_connection_list_load (list, &error))
    {
      g_printerr ("app-driver: cannot read the profiles: %s\n", error->message);
      return 1;
    }
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

  if (stop_file != NULL)
    g_timeout_add (100, stop_file_cb, &driver);
  g_unix_signal_add (SIGTERM, signal_cb, &driver);
  g_unix_signal_add (SIGINT, signal_cb, &driver);
  g_timeout_add_seconds (timeout_s, timeout_cb, &driver);

  g_main_loop_run (loop);
  say ("exiting with status %d", driver.status);
  return driver.status;
}
