/* midwayctl-bus.c: what the tunnel commands share: the bus, the helper's
 * object manager, finding the caller's tunnel, errors.
 *
 * Everything goes through one GDBusObjectManagerClient: it keeps every
 * tunnel's properties current and says when tunnels come and go, which is
 * all these commands wait on.  Only "up" may start the helper; the others
 * treat "no helper running" as "no tunnels".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>

#include "midway-dbus-generated.h"
#include "midway-error.h"
#include "midway-reason.h"
#include "midwayctl.h"

const char *
midwayctl_nonnull (const char *text)
{
  return text != NULL ? text : "";
}

const char *
midwayctl_tunnel_interface_name (void)
{
  return midway_tunnel1_interface_info ()->name;
}

/* Remote errors carry "GDBus.Error:name: " in their message; people want
 * the helper's words only.  Errors that mean "no helper" get a sentence
 * that says so. */
void
midwayctl_tidy_dbus_error (GError **error)
{
  g_autofree char *remote_name = NULL;

  if (error == NULL || *error == NULL)
    return;

  /* GLib 2.74 has no GError code for this bus error: it means polkit
   * wanted to ask the user and had no agent to do it with. */
  remote_name = g_dbus_error_get_remote_error (*error);
  if (g_strcmp0 (remote_name, "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired") == 0)
    {
      (*error)->domain = MIDWAY_ERROR;
      (*error)->code = MIDWAY_ERROR_NOT_AUTHORIZED;
    }

  if (g_dbus_error_is_remote_error (*error))
    g_dbus_error_strip_remote_error (*error);

  if (g_error_matches (*error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (*error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (*error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
      g_error_matches (*error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
      g_error_matches (*error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED))
    g_prefix_error (error, "%s ", _("The Midway helper is not available:"));
}

GDBusConnection *
midwayctl_open_system_bus (GError **error)
{
  g_autoptr(GError) local_error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &local_error);
  if (bus == NULL)
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                 _("Could not reach the system bus: %s"), local_error->message);
  return bus;
}

GDBusObjectManager *
midwayctl_open_manager (GDBusConnection *bus,
                        gboolean         auto_start,
                        GError         **error)
{
  GDBusObjectManager *manager;

  manager = midway_object_manager_client_new_sync (bus,
                                                   auto_start
                                                     ? G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_NONE
                                                     : G_DBUS_OBJECT_MANAGER_CLIENT_FLAGS_DO_NOT_AUTO_START,
                                                   MIDWAY_HELPER_BUS_NAME,
                                                   MIDWAY_HELPER_OBJECT_PATH,
                                                   NULL, error);
  midwayctl_tidy_dbus_error (error);
  return manager;
}

/* Lets the manager act on signals that arrived before a method reply we
 * waited for synchronously: a sync call returns while InterfacesAdded,
 * InterfacesRemoved and PropertiesChanged sent before the reply are still
 * queued on the main context, and a lookup right after the call would see
 * the world as it was before it. */
void
midwayctl_drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Every tunnel the helper has, as MidwayTunnel1 (refs), sorted by profile
 * name, then object path. */
static int
compare_tunnels (gconstpointer a,
                 gconstpointer b)
{
  MidwayTunnel1 *x = *(MidwayTunnel1 * const *) a;
  MidwayTunnel1 *y = *(MidwayTunnel1 * const *) b;
  int result;

  result = g_utf8_collate (midwayctl_nonnull (midway_tunnel1_get_profile_name (x)),
                           midwayctl_nonnull (midway_tunnel1_get_profile_name (y)));
  if (result == 0)
    result = g_strcmp0 (g_dbus_proxy_get_object_path (G_DBUS_PROXY (x)),
                        g_dbus_proxy_get_object_path (G_DBUS_PROXY (y)));
  return result;
}

GPtrArray *
midwayctl_list_tunnels (GDBusObjectManager *manager)
{
  GPtrArray *tunnels = g_ptr_array_new_with_free_func (g_object_unref);
  GList *objects = g_dbus_object_manager_get_objects (manager);

  for (GList *l = objects; l != NULL; l = l->next)
    {
      MidwayTunnel1 *tunnel;

      if (!MIDWAY_IS_OBJECT (l->data))
        continue;
      tunnel = midway_object_get_tunnel1 (MIDWAY_OBJECT (l->data));
      if (tunnel != NULL)
        g_ptr_array_add (tunnels, tunnel);
    }
  g_list_free_full (objects, g_object_unref);

  g_ptr_array_sort (tunnels, compare_tunnels);
  return tunnels;
}

/* The caller's tunnel for a profile id or, for a profile deleted while its
 * tunnel runs (profile_id NULL), for the name or id the tunnel carries.
 * A live tunnel wins over a failed one. */
static MidwayTunnel1 *
find_own_tunnel (GDBusObjectManager *manager,
                 const char         *profile_id,
                 const char         *name)
{
  g_autoptr(GPtrArray) tunnels = midwayctl_list_tunnels (manager);
  MidwayTunnel1 *best = NULL;
  uid_t uid = getuid ();

  for (guint i = 0; i < tunnels->len; i++)
    {
      MidwayTunnel1 *tunnel = g_ptr_array_index (tunnels, i);
      const char *tunnel_id = midwayctl_nonnull (midway_tunnel1_get_profile_id (tunnel));
      gboolean match;

      /* root's own tunnels are root's; a system profile's are nobody's */
      if (midway_tunnel1_get_owner (tunnel) != uid || midway_tunnel1_get_system (tunnel))
        continue;

      if (profile_id != NULL)
        match = g_ascii_strcasecmp (tunnel_id, profile_id) == 0;
      else
        match = g_strcmp0 (midway_tunnel1_get_profile_name (tunnel), name) == 0 ||
                g_ascii_strcasecmp (tunnel_id, name) == 0;
      if (!match)
        continue;

      if (best == NULL ||
          g_strcmp0 (midway_tunnel1_get_state (best), MIDWAY_STATE_FAILED) == 0)
        best = tunnel;
    }

  return best != NULL ? g_object_ref (best) : NULL;
}

/* The system profile NAME's tunnel, by the name it carries (compared as
 * profile names are); a live one wins over a failed one. */
gboolean
midwayctl_open_system_tunnel (const char          *arg,
                              GDBusObjectManager **manager_out,
                              MidwayTunnel1      **tunnel_out,
                              char               **display_name_out,
                              GError             **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GPtrArray) tunnels = NULL;
  MidwayTunnel1 *best = NULL;

  name = midwayctl_arg_to_utf8 (arg, error);
  if (name == NULL)
    return FALSE;
  bus = midwayctl_open_system_bus (error);
  if (bus == NULL)
    return FALSE;
  manager = midwayctl_open_manager (bus, FALSE, error);
  if (manager == NULL)
    return FALSE;

  tunnels = midwayctl_list_tunnels (manager);
  for (guint i = 0; i < tunnels->len; i++)
    {
      MidwayTunnel1 *tunnel = g_ptr_array_index (tunnels, i);

      if (!midway_tunnel1_get_system (tunnel) ||
          !midway_profile_names_equal (midwayctl_nonnull (midway_tunnel1_get_profile_name (tunnel)), name))
        continue;
      if (best == NULL || g_strcmp0 (midway_tunnel1_get_state (best), MIDWAY_STATE_FAILED) == 0)
        best = tunnel;
    }
  if (best == NULL)
    {
      g_autofree char *shown = midwayctl_sanitize (name);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_NOT_CONNECTED,
                   _("The system profile “%s” is not connected"), shown);
      return FALSE;
    }

  *display_name_out = midwayctl_sanitize (midway_tunnel1_get_profile_name (best));
  *tunnel_out = g_object_ref (best);
  *manager_out = g_steal_pointer (&manager);
  return TRUE;
}

/* The system profiles the helper lists (aa{sv}), or NULL with @error. */
GVariant *
midwayctl_list_system_profiles (GError **error)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;

  bus = midwayctl_open_system_bus (error);
  if (bus == NULL)
    return NULL;
  reply = g_dbus_connection_call_sync (bus, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                                       midway_helper1_interface_info ()->name, "ListSystemProfiles",
                                       NULL, G_VARIANT_TYPE ("(aa{sv})"), G_DBUS_CALL_FLAGS_NONE,
                                       -1, NULL, error);
  if (reply == NULL)
    {
      midwayctl_tidy_dbus_error (error);
      return NULL;
    }
  return g_variant_get_child_value (reply, 0);
}

/* The caller's tunnel for NAME, for down and log.  NAME is looked up in the
 * store first; a profile removed while connected is still found by what
 * the tunnel carries. */
gboolean
midwayctl_open_own_tunnel (const char          *arg,
                           GDBusObjectManager **manager_out,
                           MidwayTunnel1      **tunnel_out,
                           char               **display_name_out,
                           GError             **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;

  name = midwayctl_arg_to_utf8 (arg, error);
  if (name == NULL)
    return FALSE;

  profile = midwayctl_store_lookup (name, &lookup_error);
  if (profile == NULL && !g_error_matches (lookup_error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }

  bus = midwayctl_open_system_bus (profile != NULL ? error : NULL);
  if (bus != NULL)
    manager = midwayctl_open_manager (bus, FALSE, profile != NULL ? error : NULL);
  if (manager == NULL)
    {
      /* Without a stored profile, "no such profile" says more than a bus
       * error would. */
      if (profile == NULL)
        g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }

  tunnel = find_own_tunnel (manager, profile != NULL ? midway_profile_get_id (profile) : NULL, name);
  if (tunnel == NULL)
    {
      if (profile == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&lookup_error));
        }
      else
        {
          g_autofree char *shown = midwayctl_sanitize (midway_profile_get_name (profile));

          g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_NOT_CONNECTED,
                       _("“%s” is not connected"), shown);
        }
      return FALSE;
    }

  *display_name_out = midwayctl_sanitize (profile != NULL
                                            ? midway_profile_get_name (profile)
                                            : midway_tunnel1_get_profile_name (tunnel));
  *manager_out = g_steal_pointer (&manager);
  *tunnel_out = g_steal_pointer (&tunnel);
  return TRUE;
}

/* "The server could not be reached (ssh: connect to host …)". */
char *
midwayctl_describe_reason (const char *reason,
                           const char *message)
{
  g_autofree char *shown_message = midwayctl_sanitize (message);
  const char *words = midway_reason_describe (reason);

  if (*shown_message != '\0')
    return g_strdup_printf ("%s (%s)", words, shown_message);
  return g_strdup (words);
}
