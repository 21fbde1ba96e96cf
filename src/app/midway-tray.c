/* midway-tray.c: the tray icon, as a StatusNotifierItem.
 *
 * The item lives at /StatusNotifierItem under the name
 * org.kde.StatusNotifierItem-PID-1 and registers with the watcher (by its
 * connection's unique name) each time a watcher appears, since hosts come
 * and go with panels.  Its menu
 * is a DbusmenuServer, rebuilt whenever a connection changes: menus are a
 * few items long, and a rebuild keeps the layout and the states in step.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <libdbusmenu-glib/server.h>

#include "midway-connection.h"
#include "midway-reason.h"
#include "midway-tray.h"
#include "midway-tray-host-check.h"

#define ITEM_PATH "/StatusNotifierItem"
#define MENU_PATH "/MenuBar"
#define WATCHER_NAME "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH "/StatusNotifierWatcher"

/* How long a watcher that had a host may be gone before the icon counts
 * as unseen: a panel that restarts (a crash, a theme or layout change)
 * comes back within it, and the app's window should not pop up for it. */
#define HOST_GRACE_S 10

static const char item_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierItem'>"
  "    <property name='Category' type='s' access='read'/>"
  "    <property name='Id' type='s' access='read'/>"
  "    <property name='Title' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='WindowId' type='i' access='read'/>"
  "    <property name='IconName' type='s' access='read'/>"
  "    <property name='IconAccessibleDesc' type='s' access='read'/>"
  "    <property name='IconThemePath' type='s' access='read'/>"
  "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "    <property name='ItemIsMenu' type='b' access='read'/>"
  "    <property name='Menu' type='o' access='read'/>"
  "    <method name='ContextMenu'><arg name='x' type='i'/><arg name='y' type='i'/></method>"
  "    <method name='Activate'><arg name='x' type='i'/><arg name='y' type='i'/></method>"
  "    <method name='SecondaryActivate'><arg name='x' type='i'/><arg name='y' type='i'/></method>"
  "    <method name='Scroll'><arg name='delta' type='i'/><arg name='orientation' type='s'/></method>"
  "    <method name='ProvideXdgActivationToken'><arg name='token' type='s'/></method>"
  "    <signal name='NewTitle'/>"
  "    <signal name='NewIcon'/>"
  "    <signal name='NewToolTip'/>"
  "    <signal name='NewStatus'><arg name='status' type='s'/></signal>"
  "  </interface>"
  "</node>";

struct _MidwayTray
{
  GObject          parent_instance;

  GListModel      *connections;
  GActionGroup    *actions;
  GPtrArray       *watched;   /* MidwayConnection whose notify:: we follow */

  GDBusConnection *bus;
  GDBusNodeInfo   *node_info;
  char            *bus_name;
  guint            registration_id;
  guint            owner_id;
  guint            watcher_id;
  GCancellable    *cancellable;
  gboolean         has_host;
  guint            host_signal_id;     /* the watcher's Host(Un)Registered */
  guint            grace_source;       /* the watcher went, while it had a host */
  char            *watcher_owner;      /* its unique name */
  char            *activation_token;   /* from the host, for the next window */

  DbusmenuServer  *menu_server;
  char            *icon_name;
};

enum
{
  PROP_0,
  PROP_CONNECTIONS,
  PROP_ACTIONS,
  PROP_HAS_HOST,
  N_PROPS
};

enum
{
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayTray, midway_tray, G_TYPE_OBJECT)

/* ---- What the icon says -------------------------------------------------- */

/* Midway's own full-colour icons, not symbolic ones: hosts recolour a
 * symbolic icon to their own idea of the foreground (or only its fills,
 * or not at all), which on a dark tray can leave it dark on dark. */
static const char *
compute_icon_name (MidwayTray *self)
{
  guint n = g_list_model_get_n_items (self->connections);
  gboolean up = FALSE, busy = FALSE, failed = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (self->connections, i);
      const char *state = midway_connection_get_state (connection);

      up |= g_str_equal (state, MIDWAY_STATE_UP);
      failed |= g_str_equal (state, MIDWAY_STATE_FAILED);
      busy |= midway_connection_get_active (connection) && !g_str_equal (state, MIDWAY_STATE_UP);
    }

  if (failed)
    return "midway-tray-error";
  if (busy)
    return "midway-tray-connecting";
  if (up)
    return "midway-tray-up";
  return "midway-tray-down";
}

static char *
describe_tunnels (MidwayTray *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (self->connections);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (self->connections, i);
      g_autofree char *status = NULL;

      if (!g_str_equal (midway_connection_get_state (connection), MIDWAY_STATE_UP))
        continue;
      status = midway_connection_dup_status (connection);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      /* Translators: a profile name, then its state and addresses. */
      g_string_append_printf (text, _("%s: %s"), midway_connection_get_name (connection), status);
    }
  if (text->len == 0)
    g_string_append (text, _("No tunnel is up"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GVariant *
build_tooltip (MidwayTray *self)
{
  g_autofree char *text = describe_tunnels (self);

  return g_variant_new ("(sa(iiay)ss)", "", NULL, _("Midway"), text);
}

/* What a screen reader says for the icon: the app and its tunnels. */
static GVariant *
build_accessible_desc (MidwayTray *self)
{
  g_autofree char *text = describe_tunnels (self);

  /* Translators: the tray icon for screen readers, e.g.
   * "Midway: No tunnel is up". */
  return g_variant_new_take_string (g_strdup_printf (_("Midway: %s"), text));
}

/* ---- The menu ------------------------------------------------------------ */

static void
on_item_activated (DbusmenuMenuitem *item,
                   guint             timestamp,
                   gpointer          user_data)
{
  MidwayTray *self = user_data;
  const char *action = g_object_get_data (G_OBJECT (item), "midway-action");
  const char *target = g_object_get_data (G_OBJECT (item), "midway-target");

  g_action_group_activate_action (self->actions, action,
                                  target != NULL ? g_variant_new_string (target) : NULL);
}

static DbusmenuMenuitem *
add_item (MidwayTray       *self,
          DbusmenuMenuitem *root,
          const char       *label,
          const char       *action,
          const char       *target)
{
  DbusmenuMenuitem *item = dbusmenu_menuitem_new ();

  if (label == NULL)
    dbusmenu_menuitem_property_set (item, DBUSMENU_MENUITEM_PROP_TYPE, "separator");
  else
    {
      dbusmenu_menuitem_property_set (item, DBUSMENU_MENUITEM_PROP_LABEL, label);
      g_object_set_data_full (G_OBJECT (item), "midway-action", g_strdup (action), g_free);
      g_object_set_data_full (G_OBJECT (item), "midway-target", g_strdup (target), g_free);
      g_signal_connect_object (item, DBUSMENU_MENUITEM_SIGNAL_ITEM_ACTIVATED,
                               G_CALLBACK (on_item_activated), self, 0);
    }
  dbusmenu_menuitem_child_append (root, item);
  g_object_unref (item);
  return item;
}

static void
rebuild_menu (MidwayTray *self)
{
  DbusmenuMenuitem *root = dbusmenu_menuitem_new ();
  guint n = g_list_model_get_n_items (self->connections);
  gboolean any_active = FALSE;
  DbusmenuMenuitem *item;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (self->connections, i);
      gboolean active = midway_connection_get_active (connection);
      g_autofree char *status = midway_connection_dup_status (connection);
      g_autofree char *label = NULL;

      any_active |= active;
      /* Translators: a profile name and its state, in the tray menu. */
      label = g_strdup_printf (_("%s — %s"), midway_connection_get_name (connection), status);
      item = add_item (self, root, label, active ? "disconnect" : "connect",
                       midway_connection_get_id (connection));
      dbusmenu_menuitem_property_set (item, DBUSMENU_MENUITEM_PROP_TOGGLE_TYPE, DBUSMENU_MENUITEM_TOGGLE_CHECK);
      dbusmenu_menuitem_property_set_int (item, DBUSMENU_MENUITEM_PROP_TOGGLE_STATE,
                                          active ? DBUSMENU_MENUITEM_TOGGLE_STATE_CHECKED
                                                 : DBUSMENU_MENUITEM_TOGGLE_STATE_UNCHECKED);
    }

  add_item (self, root, NULL, NULL, NULL);
  item = add_item (self, root, _("Disconnect All"), "disconnect-all", NULL);
  dbusmenu_menuitem_property_set_bool (item, DBUSMENU_MENUITEM_PROP_ENABLED, any_active);
  add_item (self, root, _("Profiles…"), "profiles", NULL);
  add_item (self, root, _("Show Log"), "show-log", NULL);
  add_item (self, root, NULL, NULL, NULL);
  add_item (self, root, _("Quit"), "quit", NULL);

  dbusmenu_server_set_root (self->menu_server, root);
  g_object_unref (root);
}

static void
emit_item_signal (MidwayTray *self,
                  const char *name)
{
  if (self->registration_id == 0)
    return;
  g_dbus_connection_emit_signal (self->bus, NULL, ITEM_PATH, "org.kde.StatusNotifierItem",
                                 name, NULL, NULL);
}

static void
refresh (MidwayTray *self)
{
  const char *icon_name = compute_icon_name (self);

  rebuild_menu (self);
  if (g_strcmp0 (icon_name, self->icon_name) != 0)
    {
      g_free (self->icon_name);
      self->icon_name = g_strdup (icon_name);
      emit_item_signal (self, "NewIcon");
    }
  emit_item_signal (self, "NewToolTip");
}

static void
on_connection_notify (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  refresh (MIDWAY_TRAY (user_data));
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  MidwayTray *self = user_data;
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
  for (guint i = 0; i < n; i++)
    {
      MidwayConnection *connection = g_list_model_get_item (model, i);

      g_signal_connect (connection, "notify::status", G_CALLBACK (on_connection_notify), self);
      g_ptr_array_add (self->watched, connection);
    }
  refresh (self);
}

/* ---- org.kde.StatusNotifierItem ------------------------------------------ */

static void
item_method_call (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  MidwayTray *self = user_data;

  if (g_str_equal (method_name, "ProvideXdgActivationToken"))
    {
      /* Sent just before Activate: lets a Wayland compositor raise the
       * window that click brings up. */
      g_free (self->activation_token);
      g_variant_get (parameters, "(s)", &self->activation_token);
    }
  else if (g_str_equal (method_name, "Activate"))
    g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0);
  else if (g_str_equal (method_name, "SecondaryActivate"))
    g_action_group_activate_action (self->actions, "show-window", NULL);
  /* ContextMenu and Scroll: hosts show Menu themselves; nothing scrolls. */
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
item_get_property (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *property_name,
                   GError         **error,
                   gpointer         user_data)
{
  MidwayTray *self = user_data;

  if (g_str_equal (property_name, "Category"))
    return g_variant_new_string ("SystemServices");
  if (g_str_equal (property_name, "Id"))
    return g_variant_new_string (MIDWAY_APP_ID);
  if (g_str_equal (property_name, "Title"))
    return g_variant_new_string (_("Midway"));
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("Active");
  if (g_str_equal (property_name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (property_name, "IconName"))
    return g_variant_new_string (self->icon_name);
  if (g_str_equal (property_name, "IconAccessibleDesc"))
    return build_accessible_desc (self);
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_string ("");
  if (g_str_equal (property_name, "ToolTip"))
    return build_tooltip (self);
  if (g_str_equal (property_name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  if (g_str_equal (property_name, "Menu"))
    return g_variant_new_object_path (MENU_PATH);

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable item_vtable = {
  item_method_call,
  item_get_property,
  NULL,
  { 0 },
};

/* ---- The watcher ------------------------------------------------------- */

static void
set_has_host (MidwayTray *self,
              gboolean    has_host)
{
  g_clear_handle_id (&self->grace_source, g_source_remove);
  if (self->has_host == has_host)
    return;
  self->has_host = has_host;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_HOST]);
}

static void ask_for_host (MidwayTray *self);

/* The watcher's answer, as far as it is believed: within a grace, only
 * the watcher's StatusNotifierHostRegistered or the end of the grace
 * decide (a restarting panel owns its watcher name before its host
 * registers). */
static void
host_answer (MidwayTray *self,
             gboolean    registered)
{
  if (!registered && self->grace_source != 0)
    return;
  set_has_host (self, registered);
}

static void
host_checked_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(MidwayTray) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean shown;

  shown = midway_tray_host_check_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  host_answer (self, shown);
}

/* The watcher says there is a host: believed unless the watcher is one
 * that draws nothing (see midway-tray-host-check.c). */
static void
check_host (MidwayTray *self)
{
  midway_tray_host_check_async (self->bus, self->watcher_owner, self->cancellable,
                                host_checked_cb, g_object_ref (self));
}

static void
host_registered_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MidwayTray) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  gboolean registered;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_debug ("Cannot ask the watcher for a host: %s", error->message);
      return;
    }
  g_variant_get (reply, "(v)", &value);
  registered = g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) && g_variant_get_boolean (value);
  if (registered)
    check_host (self);
  else
    host_answer (self, FALSE);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MidwayTray) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The tray did not take the icon: %s", error->message);
      if (self->grace_source == 0)
        set_has_host (self, FALSE);
      return;
    }

  ask_for_host (self);
}

static void
ask_for_host (MidwayTray *self)
{
  g_dbus_connection_call (self->bus, WATCHER_NAME, WATCHER_PATH, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", WATCHER_NAME, "IsStatusNotifierHostRegistered"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, host_registered_cb, g_object_ref (self));
}

/* A host that starts after the item registered (a panel started late,
 * or restarted) is announced by the watcher, not found by asking once. */
static void
on_host_signal (GDBusConnection *connection,
                const char      *sender,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  MidwayTray *self = MIDWAY_TRAY (user_data);

  if (g_str_equal (signal_name, "StatusNotifierHostRegistered"))
    check_host (self);
  else if (g_str_equal (signal_name, "StatusNotifierHostUnregistered"))
    ask_for_host (self);
}

static void
on_watcher_appeared (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  MidwayTray *self = user_data;

  if (self->host_signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->host_signal_id);
  g_free (self->watcher_owner);
  self->watcher_owner = g_strdup (owner);
  /* By the owner's unique name: only the watcher itself is believed. */
  self->host_signal_id = g_dbus_connection_signal_subscribe (self->bus, owner, WATCHER_NAME, NULL, WATCHER_PATH,
                                                             NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_host_signal,
                                                             self, NULL);

  /* Registered by the unique name, though the well-known one is owned
   * too: GNOME Shell's AppIndicator extension (46, Debian 12) watches an
   * item registered by a well-known name, and when that watch reports
   * the name after the item's properties were read, it clears Id and
   * Menu and fails to read them back; the icon then goes from the top
   * bar a second later, or stays without a menu.  Every watcher takes a
   * unique name as the item's service. */
  g_dbus_connection_call (self->bus, WATCHER_NAME, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", g_dbus_connection_get_unique_name (self->bus)),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, register_cb, g_object_ref (self));
}

static gboolean
on_grace_over (gpointer user_data)
{
  MidwayTray *self = MIDWAY_TRAY (user_data);

  self->grace_source = 0;
  set_has_host (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_watcher_vanished (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  MidwayTray *self = MIDWAY_TRAY (user_data);

  if (self->host_signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->host_signal_id);
  self->host_signal_id = 0;
  if (self->has_host)
    {
      /* Still shown, as far as anyone can tell, until the grace is over. */
      if (self->grace_source == 0)
        self->grace_source = g_timeout_add_seconds (HOST_GRACE_S, on_grace_over, self);
      return;
    }
  /* Notified even when there never was one: at startup this is how the
   * app learns that nobody will show the icon. */
  self->has_host = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_HOST]);
}

/* ---- API and GObject ----------------------------------------------------- */

const char *
midway_tray_get_bus_name (MidwayTray *self)
{
  g_return_val_if_fail (MIDWAY_IS_TRAY (self), NULL);

  return self->bus_name;
}

char *
midway_tray_take_activation_token (MidwayTray *self)
{
  g_return_val_if_fail (MIDWAY_IS_TRAY (self), NULL);

  return g_steal_pointer (&self->activation_token);
}

gboolean
midway_tray_get_has_host (MidwayTray *self)
{
  g_return_val_if_fail (MIDWAY_IS_TRAY (self), FALSE);

  return self->has_host;
}

static void
midway_tray_constructed (GObject *object)
{
  MidwayTray *self = MIDWAY_TRAY (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (midway_tray_parent_class)->constructed (object);

  self->icon_name = g_strdup (compute_icon_name (self));
  self->menu_server = dbusmenu_server_new (MENU_PATH);
  g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  on_items_changed (self->connections, 0, 0, g_list_model_get_n_items (self->connections), self);

  self->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (self->bus == NULL)
    {
      g_warning ("No session bus for the tray icon: %s", error->message);
      return;
    }

  self->node_info = g_dbus_node_info_new_for_xml (item_xml, &error);
  g_assert_no_error (error);
  self->registration_id = g_dbus_connection_register_object (self->bus, ITEM_PATH,
                                                             self->node_info->interfaces[0],
                                                             &item_vtable, self, NULL, &error);
  if (self->registration_id == 0)
    {
      g_warning ("Cannot export the tray icon: %s", error->message);
      return;
    }

  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-1", (int) getpid ());
  self->owner_id = g_bus_own_name_on_connection (self->bus, self->bus_name, G_BUS_NAME_OWNER_FLAGS_NONE,
                                                 NULL, NULL, NULL, NULL);
  self->watcher_id = g_bus_watch_name_on_connection (self->bus, WATCHER_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                     on_watcher_appeared, on_watcher_vanished,
                                                     self, NULL);
}

static void
midway_tray_dispose (GObject *object)
{
  MidwayTray *self = MIDWAY_TRAY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->watcher_id, g_bus_unwatch_name);
  g_clear_handle_id (&self->grace_source, g_source_remove);
  if (self->host_signal_id != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->host_signal_id);
  self->host_signal_id = 0;
  g_clear_handle_id (&self->owner_id, g_bus_unown_name);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->bus, self->registration_id);
  self->registration_id = 0;
  if (self->watched != NULL)
    {
      for (guint i = 0; i < self->watched->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
      g_ptr_array_set_size (self->watched, 0);
    }
  g_clear_object (&self->menu_server);
  g_clear_object (&self->bus);
  g_clear_object (&self->connections);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (midway_tray_parent_class)->dispose (object);
}

static void
midway_tray_finalize (GObject *object)
{
  MidwayTray *self = MIDWAY_TRAY (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);
  g_clear_pointer (&self->node_info, g_dbus_node_info_unref);
  g_clear_object (&self->cancellable);
  g_free (self->bus_name);
  g_free (self->watcher_owner);
  g_free (self->icon_name);
  g_free (self->activation_token);

  G_OBJECT_CLASS (midway_tray_parent_class)->finalize (object);
}

static void
midway_tray_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  MidwayTray *self = MIDWAY_TRAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
      break;
    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;
    case PROP_HAS_HOST:
      g_value_set_boolean (value, self->has_host);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_tray_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  MidwayTray *self = MIDWAY_TRAY (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      self->connections = g_value_dup_object (value);
      break;
    case PROP_ACTIONS:
      self->actions = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_tray_class_init (MidwayTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = midway_tray_constructed;
  object_class->dispose = midway_tray_dispose;
  object_class->finalize = midway_tray_finalize;
  object_class->get_property = midway_tray_get_property;
  object_class->set_property = midway_tray_set_property;

  properties[PROP_CONNECTIONS] =
    g_param_spec_object ("connections", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_HOST] =
    g_param_spec_boolean ("has-host", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A left click on the icon. */
  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
midway_tray_init (MidwayTray *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

MidwayTray *
midway_tray_new (GListModel   *connections,
                 GActionGroup *actions)
{
  MidwayTray *self;

  g_return_val_if_fail (G_IS_LIST_MODEL (connections), NULL);
  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  self = g_object_new (MIDWAY_TYPE_TRAY, "connections", connections, "actions", actions, NULL);
  return self;
}
