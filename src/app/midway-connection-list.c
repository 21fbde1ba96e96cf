/* midway-connection-list.c: profiles on disk joined with the helper's
 * tunnels on the system bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "midway-connection-list-private.h"
#include "midway-error.h"
#include "midway-host-key.h"
#include "midway-reason.h"


enum
{
  SIGNAL_TUNNEL_ADDED,
  SIGNAL_TUNNEL_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MidwayConnectionList, midway_connection_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* ---- GListModel --------------------------------------------------------- */

static GType
list_get_item_type (GListModel *model)
{
  return MIDWAY_TYPE_CONNECTION;
}

static guint
list_get_n_items (GListModel *model)
{
  return MIDWAY_CONNECTION_LIST (model)->connections->len;
}

static gpointer
list_get_item (GListModel *model,
               guint       position)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (model);

  if (position >= self->connections->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->connections, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = list_get_item_type;
  iface->get_n_items = list_get_n_items;
  iface->get_item = list_get_item;
}

/* ---- Tunnels ------------------------------------------------------------ */

MidwayConnection *
midway_connection_list_find (MidwayConnectionList *self,
                             const char           *profile_id)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), NULL);

  for (guint i = 0; i < self->connections->len; i++)
    {
      MidwayConnection *connection = g_ptr_array_index (self->connections, i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) == 0)
        return connection;
    }
  return NULL;
}

gboolean
midway_connection_list_tunnel_is_ours (MidwayTunnel1 *tunnel)
{
  return !midway_tunnel1_get_system (tunnel) && midway_tunnel1_get_owner (tunnel) == (guint) getuid ();
}

static void
attach_tunnel (MidwayConnectionList *self,
               MidwayTunnel1        *tunnel)
{
  MidwayConnection *connection;
  MidwayTunnel1 *current;

  /* A system profile's tunnel never stands for a profile of the user's,
   * nor the other way round, whatever ids they carry. */
  if (midway_tunnel1_get_system (tunnel))
    connection = midway_connection_list_find_system (self, midway_tunnel1_get_profile_id (tunnel));
  else
    connection = midway_connection_list_find (self, midway_tunnel1_get_profile_id (tunnel));
  if (connection == NULL)
    return;

  /* A failed tunnel lingers until dismissed; a newer one of the same
   * profile is the one that matters. */
  current = midway_connection_get_tunnel (connection);
  if (current == NULL || !midway_connection_get_active (connection))
    midway_connection_set_tunnel (connection, tunnel);
}

static void
detach_tunnel (MidwayConnectionList *self,
               MidwayTunnel1        *tunnel)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->system));

  for (guint i = 0; i < self->connections->len; i++)
    {
      MidwayConnection *connection = g_ptr_array_index (self->connections, i);

      if (midway_connection_get_tunnel (connection) == tunnel)
        midway_connection_set_tunnel (connection, NULL);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->system), i);

      if (midway_connection_get_tunnel (connection) == tunnel)
        midway_connection_set_tunnel (connection, NULL);
    }
}

static void
forget_tunnel (MidwayConnectionList *self,
               const char           *path)
{
  g_autoptr(MidwayTunnel1) announced = NULL;
  g_autofree char *announced_path = NULL;

  /* Stolen, not removed: @path may be the table's own key. */
  if (!g_hash_table_steal_extended (self->announced, path, (gpointer *) &announced_path,
                                    (gpointer *) &announced))
    return;
  detach_tunnel (self, announced);
  if (midway_connection_list_tunnel_is_ours (announced))
    g_signal_emit (self, signals[SIGNAL_TUNNEL_REMOVED], 0, announced);
}

static void
announce_tunnel (MidwayConnectionList *self,
                 MidwayTunnel1        *tunnel)
{
  const char *path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel));
  MidwayTunnel1 *announced = g_hash_table_lookup (self->announced, path);

  /* The user's own tunnels, and the machine's for its system profiles;
   * other users' are theirs. */
  if (announced == tunnel ||
      !(midway_connection_list_tunnel_is_ours (tunnel) || midway_tunnel1_get_system (tunnel)))
    return;
  /* A new proxy for a path already told of: the old one is dead (see
   * on_interface_added), so everyone lets go of it first. */
  if (announced != NULL)
    forget_tunnel (self, path);
  g_hash_table_insert (self->announced, g_strdup (path), g_object_ref (tunnel));
  attach_tunnel (self, tunnel);
  /* The notifier's business is the user's own tunnels. */
  if (midway_connection_list_tunnel_is_ours (tunnel))
    g_signal_emit (self, signals[SIGNAL_TUNNEL_ADDED], 0, tunnel);
}

static void
on_object_added (GDBusObjectManager *manager,
                 GDBusObject        *object,
                 gpointer            user_data)
{
  MidwayConnectionList *self = user_data;
  g_autoptr(MidwayTunnel1) tunnel = midway_object_get_tunnel1 (MIDWAY_OBJECT (object));

  if (tunnel != NULL)
    announce_tunnel (self, tunnel);
}

static void
on_object_removed (GDBusObjectManager *manager,
                   GDBusObject        *object,
                   gpointer            user_data)
{
  forget_tunnel (user_data, g_dbus_object_get_object_path (object));
}

/* GDBusObjectManagerClient learns of a tunnel twice when the first
 * Connect activates the helper: from InterfacesAdded, and again from the
 * GetManagedObjects it sends once the name has an owner.  The second time
 * it puts a new proxy in the object's place and says so only here; the
 * first proxy gets no PropertiesChanged ever again (and was made before
 * the owner was known, so it cannot call the helper either). */
static void
on_interface_added (GDBusObjectManager *manager,
                    GDBusObject        *object,
                    GDBusInterface     *interface,
                    gpointer            user_data)
{
  if (MIDWAY_IS_TUNNEL1 (interface))
    announce_tunnel (user_data, MIDWAY_TUNNEL1 (interface));
}

static void
on_interface_removed (GDBusObjectManager *manager,
                      GDBusObject        *object,
                      GDBusInterface     *interface,
                      gpointer            user_data)
{
  MidwayConnectionList *self = user_data;
  const char *path = g_dbus_object_get_object_path (object);

  if (MIDWAY_IS_TUNNEL1 (interface) && g_hash_table_lookup (self->announced, path) == (gpointer) interface)
    forget_tunnel (self, path);
}

void
midway_connection_list_attach_all_tunnels (MidwayConnectionList *self)
{
  g_autolist(GDBusObject) objects = NULL;

  if (self->manager == NULL)
    return;

  objects = g_dbus_object_manager_get_objects (self->manager);
  for (GList *l = objects; l != NULL; l = l->next)
    {
      g_autoptr(MidwayTunnel1) tunnel = midway_object_get_tunnel1 (MIDWAY_OBJECT (l->data));

      if (tunnel != NULL && (midway_connection_list_tunnel_is_ours (tunnel) || midway_tunnel1_get_system (tunnel)))
        attach_tunnel (self, tunnel);
    }
}

static void
manager_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(MidwayConnectionList) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autolist(GDBusObject) objects = NULL;

  self->manager = midway_object_manager_client_new_for_bus_finish (result, &error);
  if (self->manager == NULL)
    {
      /* Without a system bus there are no tunnels to show, but the
       * profiles still are. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot follow the helper's tunnels: %s", error->message);
      return;
    }

  g_signal_connect_object (self->manager, "object-added", G_CALLBACK (on_object_added), self, 0);
  g_signal_connect_object (self->manager, "object-removed", G_CALLBACK (on_object_removed), self, 0);
  g_signal_connect_object (self->manager, "interface-added", G_CALLBACK (on_interface_added), self, 0);
  g_signal_connect_object (self->manager, "interface-removed", G_CALLBACK (on_interface_removed), self, 0);

  objects = g_dbus_object_manager_get_objects (self->manager);
  for (GList *l = objects; l != NULL; l = l->next)
    on_object_added (self->manager, l->data, self);
  midway_connection_list_watch_system (self);
}

void
midway_connection_list_watch_helper (MidwayConnectionList *self)
{
  g_return_if_fail (MIDWAY_IS_CONNECTION_LIST (self));

  if (self->manager != NULL)
    return;

  /* Not auto-started: looking must not start a root daemon.  The client
   * follows the name, so tunnels show up once the helper is activated. */
  midway_object_manager_client_new_for_bus (G_BUS_TYPE_SYSTEM,
                                            G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                            MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                                            self->cancellable, manager_ready_cb, g_object_ref (self));
}

/* ---- Profiles ----------------------------------------------------------- */

char *
midway_connection_list_dup_directory (void)
{
  return g_build_filename (g_get_user_config_dir (), "midway", "profiles", NULL);
}

static int
compare_connections (gconstpointer a,
                     gconstpointer b)
{
  MidwayConnection *ca = *(MidwayConnection * const *) a;
  MidwayConnection *cb = *(MidwayConnection * const *) b;
  g_autofree char *ka = g_utf8_collate_key (midway_connection_get_name (ca), -1);
  g_autofree char *kb = g_utf8_collate_key (midway_connection_get_name (cb), -1);
  int result = strcmp (ka, kb);

  return result != 0 ? result : g_strcmp0 (midway_connection_get_id (ca), midway_connection_get_id (cb));
}

gboolean
midway_connection_list_load (MidwayConnectionList *self,
                             GError              **error)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *entry;
  guint removed;

  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), FALSE);

  dir = g_dir_open (directory, 0, &local_error);
  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(MidwayProfile) profile = NULL;
      g_autoptr(GError) profile_error = NULL;

      if (!g_str_has_suffix (entry, PROFILE_SUFFIX))
        continue;
      path = g_build_filename (directory, entry, NULL);
      profile = midway_profile_new_from_file (path, &profile_error);
      if (profile == NULL)
        {
          g_warning ("Skipping %s: %s", path, profile_error->message);
          continue;
        }
      g_ptr_array_add (loaded, midway_connection_new (profile));
    }
  g_ptr_array_sort (loaded, compare_connections);

  removed = self->connections->len;
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  self->connections = g_steal_pointer (&loaded);
  midway_connection_list_attach_all_tunnels (self);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->connections->len);
  return TRUE;
}

/* ---- Following the files ------------------------------------------------ */

static gboolean
reload_cb (gpointer user_data)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (user_data);
  g_autoptr(GError) error = NULL;

  self->reload_source = 0;
  if (!midway_connection_list_load (self, &error))
    g_warning ("Cannot read the profiles: %s", error->message);
  return G_SOURCE_REMOVE;
}

static void
on_directory_changed (GFileMonitor     *monitor,
                      GFile            *file,
                      GFile            *other_file,
                      GFileMonitorEvent event,
                      gpointer          user_data)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (user_data);

  /* midway_profile_save() writes a temporary file and renames it: the
   * events of one save, or of an import of many, come in a burst. */
  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (self->reload_source == 0)
    self->reload_source = g_timeout_add (100, reload_cb, self);
}

gboolean
midway_connection_list_watch_directory (MidwayConnectionList *self,
                                        GError              **error)
{
  g_autofree char *path = midway_connection_list_dup_directory ();
  g_autoptr(GFile) directory = g_file_new_for_path (path);

  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), FALSE);

  if (self->monitor != NULL)
    return TRUE;
  /* There, so that there is something to watch before the first profile. */
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  self->monitor = g_file_monitor_directory (directory, G_FILE_MONITOR_WATCH_MOVES, NULL, error);
  if (self->monitor == NULL)
    return FALSE;
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (on_directory_changed), self, 0);
  return TRUE;
}

/* ---- Connect ------------------------------------------------------------ */

typedef struct
{
  GVariant        *profile;
  MidwayAuthMethod auth;
  gboolean         agent;
  gboolean         needs_keyring;   /* the key or password lives only there */
  GVariant        *given;           /* a{sv} the person typed in, or NULL */
} ConnectData;

static void
connect_data_free (ConnectData *data)
{
  g_clear_pointer (&data->profile, g_variant_unref);
  g_clear_pointer (&data->given, g_variant_unref);
  g_free (data);
}

void
midway_connection_list_connect_call_cb (GObject      *source,
                                        GAsyncResult *result,
                                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  GError *error = NULL;
  char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  g_variant_get (reply, "(o)", &path);
  g_task_return_pointer (task, path, g_free);
}

static void
connect_bus_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GDBusConnection) bus = NULL;
  GVariant *credentials = g_object_get_data (G_OBJECT (task), "credentials");
  GError *error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_dbus_connection_call (bus, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                          "io.github.midway_vpn.Midway.Helper1", "Connect",
                          g_variant_new ("(@a{sv}@a{sv})", data->profile, credentials),
                          G_VARIANT_TYPE ("(o)"),
                          G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                          -1, g_task_get_cancellable (task), midway_connection_list_connect_call_cb, task);
}

static void
connect_credentials_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  ConnectData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) stored = NULL;
  g_autoptr(GVariant) filtered = NULL;
  GError *error = NULL;
  GVariantDict dict;
  const char *sock = g_getenv ("SSH_AUTH_SOCK");

  stored = midway_secret_store_lookup_credentials_finish (MIDWAY_SECRET_STORE (source), result, &error);
  /* The agent and a key file sign in without the keyring (it could only
   * add a passphrase), so a desktop without one still connects them. */
  if (stored == NULL && (!data->needs_keyring || data->given != NULL) &&
      g_error_matches (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE))
    {
      g_clear_error (&error);
      stored = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
    }
  if (stored == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  filtered = midway_secret_store_filter_credentials (stored, data->auth);
  g_variant_dict_init (&dict, filtered);
  /* Typed in just now: it wins over what the keyring holds. */
  if (data->given != NULL)
    {
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_iter_init (&iter, data->given);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
        g_variant_dict_insert_value (&dict, key, value);
    }
  if (data->agent && sock != NULL && *sock != '\0' && g_utf8_validate (sock, -1, NULL))
    g_variant_dict_insert (&dict, "ssh-auth-sock", "s", sock);
  g_object_set_data_full (G_OBJECT (task), "credentials",
                          g_variant_ref_sink (g_variant_dict_end (&dict)),
                          (GDestroyNotify) g_variant_unref);

  g_bus_get (G_BUS_TYPE_SYSTEM, g_task_get_cancellable (task), connect_bus_cb, task);
}

void
midway_connection_list_connect_async (MidwayConnectionList *self,
                                      MidwayConnection     *connection,
                                      MidwaySecretStore    *secrets,
                                      GCancellable         *cancellable,
                                      GAsyncReadyCallback   callback,
                                      gpointer              user_data)
{
  midway_connection_list_connect_with_async (self, connection, secrets, NULL, cancellable, callback, user_data);
}

void
midway_connection_list_connect_with_async (MidwayConnectionList *self,
                                           MidwayConnection     *connection,
                                           MidwaySecretStore    *secrets,
                                           GVariant             *given,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data)
{
  MidwayProfile *profile;
  GTask *task;
  ConnectData *data;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MIDWAY_IS_CONNECTION_LIST (self));
  g_return_if_fail (MIDWAY_IS_CONNECTION (connection));
  g_return_if_fail (MIDWAY_IS_SECRET_STORE (secrets));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_connection_list_connect_async);

  profile = midway_connection_get_profile (connection);
  if (!midway_profile_validate (profile, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  data = g_new0 (ConnectData, 1);
  data->profile = g_variant_ref_sink (midway_profile_to_variant (profile));
  data->auth = midway_profile_get_auth (profile);
  data->agent = data->auth == MIDWAY_AUTH_AGENT;
  data->needs_keyring = midway_profile_get_auth (profile) == MIDWAY_AUTH_KEYRING_KEY ||
                        midway_profile_get_auth (profile) == MIDWAY_AUTH_PASSWORD;
  data->given = given != NULL ? g_variant_ref_sink (given) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) connect_data_free);

  midway_secret_store_lookup_credentials_async (secrets, midway_profile_get_id (profile), cancellable,
                                                connect_credentials_cb, task);
}

char *
midway_connection_list_connect_finish (MidwayConnectionList *self,
                                       GAsyncResult         *result,
                                       GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Host key ---------------------------------------------------------- */

gboolean
midway_connection_list_pin_host_key (MidwayConnectionList *self,
                                     const char           *profile_id,
                                     const char           *host_key,
                                     GError              **error)
{
  MidwayConnection *connection;
  g_autoptr(MidwayProfile) pinned = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  const char *current;

  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (self), FALSE);
  g_return_val_if_fail (profile_id != NULL, FALSE);
  g_return_val_if_fail (host_key != NULL, FALSE);

  connection = midway_connection_list_find (self, profile_id);
  if (connection == NULL)
    {
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_FOUND, _("This profile no longer exists"));
      return FALSE;
    }
  if (!midway_host_key_validate (host_key, error))
    return FALSE;

  current = midway_profile_get_host_key (midway_connection_get_profile (connection));
  if (*current != '\0' && strcmp (current, host_key) != 0)
    {
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                           _("This profile already pins another host key; clear it in the profile first"));
      return FALSE;
    }

  pinned = midway_profile_copy (midway_connection_get_profile (connection));
  if (!midway_profile_set_from_string (pinned, MIDWAY_FIELD_HOST_KEY, host_key, error))
    return FALSE;

  directory = midway_connection_list_dup_directory ();
  name = g_strconcat (profile_id, PROFILE_SUFFIX, NULL);
  path = g_build_filename (directory, name, NULL);
  /* A hand-written file under another name would be left beside a second
   * copy of the profile, and loaded twice. */
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("Cannot pin the host key: the profile is not stored as %s; save it from the profiles window first"),
                   path);
      return FALSE;
    }
  if (!midway_profile_save (pinned, path, error))
    return FALSE;
  return midway_connection_list_load (self, error);
}

/* ---- GObject ------------------------------------------------------------ */

static void
midway_connection_list_dispose (GObject *object)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->manager);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  g_clear_handle_id (&self->system_source, g_source_remove);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  if (self->system_monitor != NULL)
    g_file_monitor_cancel (self->system_monitor);
  g_clear_object (&self->system_monitor);
  if (self->system != NULL)
    g_list_store_remove_all (self->system);
  if (self->connections != NULL)
    g_ptr_array_set_size (self->connections, 0);

  G_OBJECT_CLASS (midway_connection_list_parent_class)->dispose (object);
}

static void
midway_connection_list_finalize (GObject *object)
{
  MidwayConnectionList *self = MIDWAY_CONNECTION_LIST (object);

  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->announced, g_hash_table_unref);
  g_clear_object (&self->system);

  G_OBJECT_CLASS (midway_connection_list_parent_class)->finalize (object);
}

static void
midway_connection_list_class_init (MidwayConnectionListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_connection_list_dispose;
  object_class->finalize = midway_connection_list_finalize;

  /* The caller's own tunnels coming and going, for the notifier. */
  signals[SIGNAL_TUNNEL_ADDED] =
    g_signal_new ("tunnel-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MIDWAY_TYPE_TUNNEL1);
  signals[SIGNAL_TUNNEL_REMOVED] =
    g_signal_new ("tunnel-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MIDWAY_TYPE_TUNNEL1);
}

static void
midway_connection_list_init (MidwayConnectionList *self)
{
  self->connections = g_ptr_array_new_with_free_func (g_object_unref);
  self->system = g_list_store_new (MIDWAY_TYPE_CONNECTION);
  self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->cancellable = g_cancellable_new ();
}

MidwayConnectionList *
midway_connection_list_new (void)
{
  return g_object_new (MIDWAY_TYPE_CONNECTION_LIST, NULL);
}
