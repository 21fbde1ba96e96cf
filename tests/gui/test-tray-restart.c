/* test-tray-restart.c: a tray host that restarts does not bring up the
 * window.  The real MidwayApplication, started as at login (--hidden),
 * in xfce4-panel's tray (run-session.sh --tray); then the panel restarts
 * itself (xfce4-panel --restart), its watcher leaving the bus and coming
 * back: the item registers again, and the window never shows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <unistd.h>

#include "midway-application.h"
#include "midway-window.h"

typedef struct
{
  MidwayApplication *app;
  GDBusConnection   *bus;
  char              *item;
  char              *first_watcher;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

static gboolean
window_mapped (MidwayApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MIDWAY_IS_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

/* The watcher's unique name, or NULL while there is none. */
static char *
watcher_owner (Fixture *fixture)
{
  g_autoptr(GVariant) reply = NULL;
  char *owner = NULL;

  reply = g_dbus_connection_call_sync (fixture->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner",
                                       g_variant_new ("(s)", "org.kde.StatusNotifierWatcher"),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

/* Whether the watcher lists our item. */
static gboolean
item_registered (Fixture *fixture)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree const char **items = NULL;

  reply = g_dbus_connection_call_sync (fixture->bus, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.kde.StatusNotifierWatcher",
                                                      "RegisteredStatusNotifierItems"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(v)", &value);
  items = g_variant_get_strv (value, NULL);
  /* The name alone, or followed by the item's path. */
  for (gsize i = 0; items[i] != NULL; i++)
    if (g_str_has_prefix (items[i], fixture->item) && strchr ("/@", items[i][strlen (fixture->item)]) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *owner = NULL;
  g_autoptr(GSubprocess) restart = NULL;
  g_autoptr(GError) error = NULL;

  if (++fixture->polls >= 4000)  /* 20 s */
    g_error ("stuck at step %u", fixture->step);
  /* Never, at any step: the tray is only restarting. */
  g_assert_false (window_mapped (fixture->app));

  switch (fixture->step)
    {
    case 0:
      /* In the tray, as the app itself knows it. */
      if (!item_registered (fixture) || midway_application_get_tray (fixture->app) == NULL ||
          !midway_tray_get_has_host (midway_application_get_tray (fixture->app)))
        return G_SOURCE_CONTINUE;
      fixture->first_watcher = watcher_owner (fixture);
      g_assert_nonnull (fixture->first_watcher);
      restart = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                  "xfce4-panel", "--restart", NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait_check (restart, NULL, &error));
      g_assert_no_error (error);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* A new watcher, with our item on it again. */
      owner = watcher_owner (fixture);
      if (owner == NULL || g_str_equal (owner, fixture->first_watcher) || !item_registered (fixture))
        return G_SOURCE_CONTINUE;
      fixture->step++;
      fixture->polls = 0;
      return G_SOURCE_CONTINUE;

    case 2:
      /* The app knows its icon is shown again. */
      if (!midway_tray_get_has_host (midway_application_get_tray (fixture->app)))
        return G_SOURCE_CONTINUE;
      fixture->step++;
      fixture->polls = 0;
      return G_SOURCE_CONTINUE;

    case 3:
      /* Some time for a late "no host" to show the window, if it would. */
      if (fixture->polls < 400)  /* 2 s */
        return G_SOURCE_CONTINUE;
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_restart (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "midway", (char *) "--hidden", NULL };

  g_assert_nonnull (g_getenv ("MIDWAY_TEST_TRAY"));
  fixture.bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  /* The tray registers by its connection's unique name, this one (the
   * shared session connection). */
  fixture.item = g_strdup (g_dbus_connection_get_unique_name (fixture.bus));
  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 2, argv), ==, 0);
  g_assert_true (fixture.done);
  g_clear_object (&fixture.app);
  g_clear_object (&fixture.bus);
  g_free (fixture.item);
  g_free (fixture.first_watcher);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/tray-restart/window-stays-hidden", test_restart);

  return g_test_run ();
}
