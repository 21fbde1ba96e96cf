/* midway-connection-list-system.c: the administrator's system profiles,
 * as the helper lists them, each with the machine's tunnel for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-connection-list-private.h"

#define SYSTEM_PROFILES_DIRECTORY MIDWAY_SYSCONFDIR "/midway/profiles"

GListModel *
midway_connection_list_get_system (MidwayConnectionList *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), NULL);

  return G_LIST_MODEL (self->system);
}

/* The profile as the app can hold it: the helper leaves out the key
 * file's path, without which a key-file profile does not parse, and the
 * app has no use for how root signs in. */
static MidwayConnection *
system_connection_new (GVariant *listed)
{
  g_autoptr(GVariant) shown = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  GVariantDict dict;

  g_variant_dict_init (&dict, listed);
  g_variant_dict_remove (&dict, MIDWAY_FIELD_AUTH);
  g_variant_dict_remove (&dict, MIDWAY_FIELD_KEY_FILE);
  shown = g_variant_ref_sink (g_variant_dict_end (&dict));
  profile = midway_profile_new_from_variant (shown, &error);
  if (profile == NULL)
    {
      g_warning ("Skipping a system profile: %s", error->message);
      return NULL;
    }
  return midway_connection_new (profile);
}

static void
system_profiles_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MidwayConnectionList) self = user_data;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) profiles = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  GVariant *listed;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* No helper, or one without system profiles: the list stays as it
       * was, and the next helper to appear is asked again. */
      g_debug ("No system profiles: %s", error->message);
      return;
    }

  profiles = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, profiles);
  while ((listed = g_variant_iter_next_value (&iter)) != NULL)
    {
      MidwayConnection *connection = system_connection_new (listed);

      if (connection != NULL)
        g_ptr_array_add (loaded, connection);
      g_variant_unref (listed);
    }
  g_list_store_splice (self->system, 0, g_list_model_get_n_items (G_LIST_MODEL (self->system)),
                       loaded->pdata, loaded->len);
  midway_connection_list_attach_all_tunnels (self);
}

/* Asks the helper for the system profiles.  It is started for that only
 * where the administrator has put profile files: on other machines
 * looking still starts no root daemon. */
static void
load_system_profiles (MidwayConnectionList *self)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *owner = NULL;
  GDBusCallFlags flags = G_DBUS_CALL_FLAGS_NO_AUTO_START;
  const char *entry;

  if (self->manager == NULL)
    return;

  dir = g_dir_open (SYSTEM_PROFILES_DIRECTORY, 0, NULL);
  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, PROFILE_SUFFIX))
      {
        flags = G_DBUS_CALL_FLAGS_NONE;
        break;
      }

  /* The last file went while no helper runs: nothing left to ask about. */
  owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (self->manager));
  if (flags == G_DBUS_CALL_FLAGS_NO_AUTO_START && owner == NULL)
    {
      g_list_store_remove_all (self->system);
      return;
    }

  g_dbus_connection_call (g_dbus_object_manager_client_get_connection (G_DBUS_OBJECT_MANAGER_CLIENT (self->manager)),
                          MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                          "io.github.midway_vpn.Midway.Helper1", "ListSystemProfiles",
                          NULL, G_VARIANT_TYPE ("(aa{sv})"), flags, -1,
                          self->cancellable, system_profiles_cb, g_object_ref (self));
}

static gboolean
reload_system_cb (gpointer user_data)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (user_data);

  self->system_source = 0;
  load_system_profiles (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_system_reload (MidwayConnectionList *self)
{
  /* A burst of file events (a deployment writes several) is read once. */
  if (self->system_source == 0)
    self->system_source = g_timeout_add (100, reload_system_cb, self);
}

static void
on_system_directory_changed (GFileMonitor     *monitor,
                             GFile            *file,
                             GFile            *other_file,
                             GFileMonitorEvent event,
                             gpointer          user_data)
{
  schedule_system_reload (MIDWAY_CONNECTION_LIST (user_data));
}

/* A helper that appears (activated by anyone) is asked: the list it
 * gives is the one that counts. */
static void
on_name_owner_changed (GObject    *object,
                       GParamSpec *pspec,
                       gpointer    user_data)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));

  if (owner != NULL)
    schedule_system_reload (MIDWAY_CONNECTION_LIST (user_data));
}

void
midway_connection_list_watch_system (MidwayConnectionList *self)
{
  g_autoptr(GFile) directory = g_file_new_for_path (SYSTEM_PROFILES_DIRECTORY);
  g_autoptr(GError) error = NULL;

  g_signal_connect_object (self->manager, "notify::name-owner", G_CALLBACK (on_name_owner_changed), self, 0);
  /* Watched even while missing: the administrator may create it later. */
  self->system_monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->system_monitor != NULL)
    g_signal_connect_object (self->system_monitor, "changed", G_CALLBACK (on_system_directory_changed), self, 0);
  else
    g_debug ("Not following %s: %s", SYSTEM_PROFILES_DIRECTORY, error->message);
  load_system_profiles (self);
}

MidwayConnection *
midway_connection_list_find_system (MidwayConnectionList *self,
                                    const char           *profile_id)
{
  guint n;

  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->system));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->system), i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) == 0)
        return connection;  /* the store keeps its reference */
    }
  return NULL;
}

static void
connect_system_bus_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GDBusConnection) bus = NULL;
  GError *error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (bus, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                          "io.github.midway_vpn.Midway.Helper1", "ConnectSystemProfile",
                          g_variant_new ("(s)", (const char *) g_task_get_task_data (task)),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          -1, g_task_get_cancellable (task), midway_connection_list_connect_call_cb, task);
}

void
midway_connection_list_connect_system_async (MidwayConnectionList *self,
                                             MidwayConnection     *connection,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (MIDWAY_IS_CONNECTION_LIST (self));
  g_return_if_fail (MIDWAY_IS_CONNECTION (connection));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_connection_list_connect_system_async);
  /* By name: the helper looks it up in its own files, with its own rules. */
  g_task_set_task_data (task, g_strdup (midway_connection_get_name (connection)), g_free);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, connect_system_bus_cb, task);
}
