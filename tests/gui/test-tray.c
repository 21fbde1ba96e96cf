/* test-tray.c: MidwayTray with a real StatusNotifier host: xfce4-panel's
 * systray plugin under Xvfb (run-session.sh --tray).  The menu is read
 * back with dbusmenu-dumper and clicked the way hosts do, with
 * com.canonical.dbusmenu.Event from another connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-connection.h"
#include "midway-tray.h"
#include "midway-test-kit.h"

typedef struct
{
  GPtrArray *activated;  /* "name" or "name:target" */
} Recorder;

static void
record (GSimpleAction *action,
        GVariant      *parameter,
        gpointer       user_data)
{
  Recorder *recorder = user_data;

  g_ptr_array_add (recorder->activated,
                   parameter != NULL
                     ? g_strdup_printf ("%s:%s", g_action_get_name (G_ACTION (action)),
                                        g_variant_get_string (parameter, NULL))
                     : g_strdup (g_action_get_name (G_ACTION (action))));
}

static void
record_left_click (MidwayTray *tray,
                   gpointer    user_data)
{
  g_ptr_array_add (((Recorder *) user_data)->activated, g_strdup ("left-click"));
}

static gboolean
has_host (gpointer data)
{
  return midway_tray_get_has_host (data);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
recorded (gpointer data)
{
  return ((Recorder *) data)->activated->len > 0;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static MidwayConnection *
make_connection (const char *name)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;

  midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, name, &error);
  g_assert_no_error (error);
  midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", &error);
  g_assert_no_error (error);
  return midway_connection_new (profile);
}

static GVariant *
call (GDBusConnection *bus,
      const char      *name,
      const char      *path,
      const char      *interface,
      const char      *method,
      GVariant        *parameters)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  /* Asynchronously: the item and the menu answer from this thread. */
  g_dbus_connection_call (bus, name, path, interface, method, parameters, NULL,
                          G_DBUS_CALL_FLAGS_NONE, 10000, NULL, store_result, &result);
  midway_test_spin_until (result_ready, &result, 15.0);
  reply = g_dbus_connection_call_finish (bus, result, &error);
  g_assert_no_error (error);
  return reply;
}

/* The id of the top-level menu item whose label starts with @prefix. */
static int
find_item (GVariant   *layout_reply,
           const char *prefix)
{
  g_autoptr(GVariant) layout = g_variant_get_child_value (layout_reply, 1);
  g_autoptr(GVariant) children = g_variant_get_child_value (layout, 2);

  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr(GVariant) boxed = g_variant_get_child_value (children, i);
      g_autoptr(GVariant) child = g_variant_get_variant (boxed);
      g_autoptr(GVariant) props = g_variant_get_child_value (child, 1);
      const char *label = NULL;
      int id;

      g_variant_get_child (child, 0, "i", &id);
      if (g_variant_lookup (props, "label", "&s", &label) && g_str_has_prefix (label, prefix))
        return id;
    }
  return -1;
}

/* A tray of two connections, Home and Office, whose menu's actions are
 * recorded, seen by the panel; and a connection of the host's own. */
typedef struct
{
  GListStore         *connections;
  MidwayConnection   *office;
  MidwayConnection   *home;
  GSimpleActionGroup *actions;
  MidwayTray         *tray;
  GDBusConnection    *host;
  Recorder            recorder;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  const char *plain[] = { "disconnect-all", "show-window", "show-log", "quit" };

  f->recorder.activated = g_ptr_array_new_with_free_func (g_free);
  f->connections = g_list_store_new (MIDWAY_TYPE_CONNECTION);
  f->office = make_connection ("Office");
  f->home = make_connection ("Home");
  f->actions = g_simple_action_group_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (plain); i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (plain[i], NULL);

      g_signal_connect (action, "activate", G_CALLBACK (record), &f->recorder);
      g_action_map_add_action (G_ACTION_MAP (f->actions), G_ACTION (action));
    }
  for (gsize i = 0; i < 2; i++)
    {
      g_autoptr(GSimpleAction) action = g_simple_action_new (i == 0 ? "connect" : "disconnect",
                                                             G_VARIANT_TYPE_STRING);

      g_signal_connect (action, "activate", G_CALLBACK (record), &f->recorder);
      g_action_map_add_action (G_ACTION_MAP (f->actions), G_ACTION (action));
    }
  g_list_store_append (f->connections, f->home);
  g_list_store_append (f->connections, f->office);

  f->tray = midway_tray_new (G_LIST_MODEL (f->connections), G_ACTION_GROUP (f->actions));
  midway_test_spin_until (has_host, f->tray, 15.0);
  f->host = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->host);
  g_clear_object (&f->tray);
  g_clear_object (&f->actions);
  g_clear_object (&f->home);
  g_clear_object (&f->office);
  g_clear_object (&f->connections);
  g_ptr_array_unref (f->recorder.activated);
}

static void
test_registered (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr(GVariant) items = NULL;
  g_autoptr(GVariant) items_value = NULL;
  const char **registered;
  gboolean found = FALSE;

  /* The panel's watcher lists the item by the unique name it registered
   * (alone or followed by the item's path), which owns its bus name. */
  items = call (f->host, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", "org.kde.StatusNotifierWatcher", "RegisteredStatusNotifierItems"));
  g_variant_get (items, "(v)", &items_value);
  registered = g_variant_get_strv (items_value, NULL);
  {
    g_autoptr(GVariant) owner = call (f->host, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                      "GetNameOwner", g_variant_new ("(s)", midway_tray_get_bus_name (f->tray)));
    const char *unique = NULL;

    g_variant_get (owner, "(&s)", &unique);
    for (gsize i = 0; registered[i] != NULL; i++)
      {
        g_test_message ("registered: %s", registered[i]);
        found |= g_str_has_prefix (registered[i], unique) &&
                 strchr ("/@", registered[i][strlen (unique)]) != NULL;
      }
  }
  g_free (registered);
  g_assert_true (found);
}

static void
test_icon_and_tooltip (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) icon = NULL;
  g_autoptr(GVariant) tooltip = NULL;
  g_autofree char *tooltip_text = NULL;
  const char *icon_name;

  /* The icon and tooltip say that nothing is up. */
  icon = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem",
               "org.freedesktop.DBus.Properties", "Get",
               g_variant_new ("(ss)", "org.kde.StatusNotifierItem", "IconName"));
  g_variant_get (icon, "(v)", &reply);
  icon_name = g_variant_get_string (reply, NULL);
  g_assert_cmpstr (icon_name, ==, "midway-tray-down");
  g_clear_pointer (&reply, g_variant_unref);
  tooltip = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem",
                  "org.freedesktop.DBus.Properties", "Get",
                  g_variant_new ("(ss)", "org.kde.StatusNotifierItem", "ToolTip"));
  g_variant_get (tooltip, "(v)", &reply);
  g_variant_get_child (reply, 3, "s", &tooltip_text);
  g_assert_cmpstr (tooltip_text, ==, "No tunnel is up");
  g_clear_pointer (&reply, g_variant_unref);
  /* And so does the description screen readers read. */
  g_clear_pointer (&tooltip, g_variant_unref);
  tooltip = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem",
                  "org.freedesktop.DBus.Properties", "Get",
                  g_variant_new ("(ss)", "org.kde.StatusNotifierItem", "IconAccessibleDesc"));
  g_variant_get (tooltip, "(v)", &reply);
  g_assert_cmpstr (g_variant_get_string (reply, NULL), ==, "Midway: No tunnel is up");
  g_clear_pointer (&reply, g_variant_unref);
}

static void
test_menu_dump (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GSubprocess) dumper = NULL;
  g_autoptr(GAsyncResult) dumped = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *name_arg = NULL;

  /* The exported menu, as dbusmenu-dumper prints it. */
  name_arg = g_strdup_printf ("--dbus-name=%s", midway_tray_get_bus_name (f->tray));
  /* The dumper prints whatever its client holds when the first layout
   * signal arrives, at times before the items' properties: ask again. */
  for (int attempt = 0; attempt < 5 && (dump == NULL || strstr (dump, "label") == NULL); attempt++)
    {
      g_clear_object (&dumper);
      g_clear_object (&dumped);
      g_clear_pointer (&dump, g_free);
      dumper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/usr/libexec/dbusmenu-dumper",
                                 name_arg, "--dbus-object=/MenuBar", NULL);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8_async (dumper, NULL, NULL, store_result, &dumped);
      midway_test_spin_until (result_ready, &dumped, 15.0);
      g_subprocess_communicate_utf8_finish (dumper, dumped, &dump, NULL, &error);
      g_assert_no_error (error);
    }
  g_test_message ("%s", dump);
  /* The dumper prints through g_print() in the C locale, so "—" and "…"
   * come out as "?": the exact labels are checked with GetLayout below. */
  g_assert_nonnull (strstr (dump, "'Home "));
  g_assert_nonnull (strstr (dump, "'Office "));
  g_assert_nonnull (strstr (dump, " Disconnected'"));
  g_assert_nonnull (strstr (dump, "'Disconnect All'"));
  g_assert_nonnull (strstr (dump, "'Profiles"));
  g_assert_nonnull (strstr (dump, "'Show Log'"));
  g_assert_nonnull (strstr (dump, "'Quit'"));
  g_assert_nonnull (strstr (dump, "'checkmark'"));
}

static void
test_menu_clicks (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *expected = NULL;
  int office_id, quit_id;

  /* What a host does when the menu opens and an item is clicked. */
  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/MenuBar", "com.canonical.dbusmenu",
                "AboutToShow", g_variant_new ("(i)", 0));
  g_clear_pointer (&reply, g_variant_unref);
  layout = call (f->host, midway_tray_get_bus_name (f->tray), "/MenuBar", "com.canonical.dbusmenu",
                 "GetLayout", g_variant_new ("(ii^as)", 0, -1, (const char *[]) { NULL }));
  office_id = find_item (layout, "Office — Disconnected");
  g_assert_cmpint (find_item (layout, "Home — Disconnected"), >, 0);
  g_assert_cmpint (find_item (layout, "Profiles…"), >, 0);
  quit_id = find_item (layout, "Quit");
  g_assert_cmpint (office_id, >, 0);
  g_assert_cmpint (quit_id, >, 0);

  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/MenuBar", "com.canonical.dbusmenu",
                "Event", g_variant_new ("(isvu)", office_id, "clicked", g_variant_new_int32 (0), 0u));
  g_clear_pointer (&reply, g_variant_unref);
  midway_test_spin_until (recorded, &f->recorder, 15.0);
  g_assert_cmpuint (f->recorder.activated->len, ==, 1);
  expected = g_strconcat ("connect:", midway_connection_get_id (f->office), NULL);
  g_assert_cmpstr (g_ptr_array_index (f->recorder.activated, 0), ==, expected);
  g_ptr_array_set_size (f->recorder.activated, 0);

  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/MenuBar", "com.canonical.dbusmenu",
                "EventGroup",
                g_variant_new_parsed ("([(%i, 'clicked', <0>, uint32 0)],)", quit_id));
  g_clear_pointer (&reply, g_variant_unref);
  midway_test_spin_until (recorded, &f->recorder, 15.0);
  g_assert_cmpstr (g_ptr_array_index (f->recorder.activated, 0), ==, "quit");
}

static void
test_activate (Fixture      *f,
               gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;

  /* Activate, as a host sends it on a left click. */
  g_signal_connect (f->tray, "activate", G_CALLBACK (record_left_click), &f->recorder);
  g_ptr_array_set_size (f->recorder.activated, 0);
  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem", "org.kde.StatusNotifierItem",
                "Activate", g_variant_new ("(ii)", 10, 10));
  g_clear_pointer (&reply, g_variant_unref);
  midway_test_spin_until (recorded, &f->recorder, 15.0);
  g_assert_cmpstr (g_ptr_array_index (f->recorder.activated, 0), ==, "left-click");
  g_signal_handlers_disconnect_by_data (f->tray, &f->recorder);
}

static void
test_activation_token (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GVariant) reply = NULL;

  /* A Wayland host hands over its activation token before the click;
   * the window that click shows gets it, once. */
  g_assert_null (midway_tray_take_activation_token (f->tray));
  g_ptr_array_set_size (f->recorder.activated, 0);
  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem", "org.kde.StatusNotifierItem",
                "ProvideXdgActivationToken", g_variant_new ("(s)", "token-from-the-host"));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f->host, midway_tray_get_bus_name (f->tray), "/StatusNotifierItem", "org.kde.StatusNotifierItem",
                "SecondaryActivate", g_variant_new ("(ii)", 10, 10));
  g_clear_pointer (&reply, g_variant_unref);
  midway_test_spin_until (recorded, &f->recorder, 15.0);
  g_assert_cmpstr (g_ptr_array_index (f->recorder.activated, 0), ==, "show-window");
  {
    g_autofree char *token = midway_tray_take_activation_token (f->tray);

    g_assert_cmpstr (token, ==, "token-from-the-host");
  }
  g_assert_null (midway_tray_take_activation_token (f->tray));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MIDWAY_TEST_TRAY") == NULL)
    g_error ("run under run-session.sh --tray: a real StatusNotifier host is needed");

  g_test_add ("/tray/registers", Fixture, NULL, fixture_set_up, test_registered, fixture_tear_down);
  g_test_add ("/tray/icon-and-tooltip", Fixture, NULL, fixture_set_up, test_icon_and_tooltip, fixture_tear_down);
  g_test_add ("/tray/menu-dump", Fixture, NULL, fixture_set_up, test_menu_dump, fixture_tear_down);
  g_test_add ("/tray/menu-clicks", Fixture, NULL, fixture_set_up, test_menu_clicks, fixture_tear_down);
  g_test_add ("/tray/activate", Fixture, NULL, fixture_set_up, test_activate, fixture_tear_down);
  g_test_add ("/tray/activation-token", Fixture, NULL, fixture_set_up, test_activation_token, fixture_tear_down);

  return g_test_run ();
}
