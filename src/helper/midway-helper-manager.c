/* midway-helper-manager.c
 *
 * Connect is the only way in.  Its order is deliberate: polkit first (an
 * unauthorised caller learns nothing, not even whether its profile was
 * valid), then validation of every byte of the profile, then, for a
 * profile that changes the network of the whole machine, polkit again
 * for change-system-network (midway-helper-system-network.c), then the
 * credentials and the per-user limit, and only then a tunnel and its
 * processes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "midway-dbus-generated.h"
#include "midway-error.h"
#include "midway-profile.h"
#include "midway-helper-authority.h"
#include "midway-helper-manager.h"
#include "midway-helper-netmon.h"
#include "midway-helper-secrets.h"
#include "midway-helper-firewall.h"
#include "midway-helper-sessions.h"
#include "midway-helper-system-network.h"
#include "midway-helper-system-profiles.h"
#include "midway-helper-netlink.h"
#include "midway-helper-tunnel.h"
#include "midway-text.h"

/* A user with this many tunnels (failed ones included) must stop or dismiss
 * one first; keeps a looping client from exhausting ptys and processes. */
#define MAX_TUNNELS_PER_USER 8
#define MAX_TUNNELS 64
/* The largest Connect a valid profile and credentials can make: every
 * field at its longest is about 17 KiB, a lent private key at most 64 KiB.
 * Anything larger is refused before polkit, so that a flood of 32 MiB
 * calls is not held in memory while polkitd decides on each.  (How many
 * calls may wait for polkit at once: midway-helper-authority.c.) */
#define MAX_CONNECT_SIZE (128 * 1024)
/* The largest credential, a lent private key, and a little. */
#define MAX_CREDENTIAL_SIZE (64 * 1024 + 64)
/* A profile name is at most 64 characters of up to 4 bytes. */
#define MAX_NAME_SIZE (64 * 4)

typedef enum
{
  CONNECT_NONE         = 0,
  /* change-system-network was granted: a fail-closed block is every user's */
  CONNECT_MACHINE_WIDE = 1 << 0,
  /* a system profile: the system's tunnel, ssh as root */
  CONNECT_SYSTEM       = 1 << 1,
} ConnectFlags;

struct _MidwayHelperManager
{
  GObject                   parent_instance;

  GDBusConnection          *connection;
  GDBusObjectManagerServer *object_manager;
  MidwayHelper1            *iface;
  MidwayHelperAuthority    *authority;
  char                     *runtime_dir;
  char                     *system_profiles_dir;
  char                     *system_key_dir;
  GPtrArray                *tunnels;     /* MidwayHelperTunnel */
  guint                     next_serial;
  MidwayHelperNetmon       *netmon;      /* one watch for every tunnel */
  MidwayHelperSessions     *sessions;    /* users' tunnels end with their last session */
  guint                     resolved_watch;
  gboolean                  resolved;    /* systemd-resolved on the bus: DNS per link */
};

enum
{
  SIGNAL_IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperManager, midway_helper_manager, G_TYPE_OBJECT)

static void
maybe_emit_idle (MidwayHelperManager *self)
{
  if (midway_helper_manager_is_idle (self))
    g_signal_emit (self, signals[SIGNAL_IDLE], 0);
}

/* Whom the session watch asks logind about: every owner of a tunnel. */
static void
sync_session_users (MidwayHelperManager *self)
{
  g_autoptr(GArray) uids = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->sessions == NULL)
    return;
  for (guint i = 0; i < self->tunnels->len; i++)
    {
      MidwayHelperTunnel *tunnel = g_ptr_array_index (self->tunnels, i);
      guint uid = midway_helper_tunnel_get_owner (tunnel);
      gboolean seen = FALSE;

      /* A system profile's tunnel is nobody's: no session's end stops it. */
      if (midway_helper_tunnel_get_system (tunnel))
        continue;

      for (guint j = 0; j < uids->len && !seen; j++)
        seen = g_array_index (uids, guint, j) == uid;
      if (!seen)
        g_array_append_val (uids, uid);
    }
  midway_helper_sessions_set_users (self->sessions, uids);
}

static void
on_user_left (MidwayHelperSessions *sessions,
              guint                 uid,
              MidwayHelperManager  *self)
{
  g_autoptr(GPtrArray) tunnels = g_ptr_array_new_with_free_func (g_object_unref);

  /* Stopping a tunnel may finish it and take it out of the array. */
  for (guint i = 0; i < self->tunnels->len; i++)
    {
      MidwayHelperTunnel *tunnel = g_ptr_array_index (self->tunnels, i);

      if (midway_helper_tunnel_get_owner (tunnel) == (uid_t) uid &&
          !midway_helper_tunnel_get_system (tunnel))
        g_ptr_array_add (tunnels, g_object_ref (tunnel));
    }
  if (tunnels->len > 0)
    g_message ("uid %u has no session left: stopping its tunnels (%u)", uid, tunnels->len);
  for (guint i = 0; i < tunnels->len; i++)
    midway_helper_tunnel_stop (g_ptr_array_index (tunnels, i));
}

static void
on_tunnel_finished (MidwayHelperTunnel  *tunnel,
                    MidwayHelperManager *self)
{
  const char *path = g_dbus_object_get_object_path (G_DBUS_OBJECT (midway_helper_tunnel_get_object (tunnel)));

  g_debug ("tunnel %s finished", path);
  g_dbus_object_manager_server_unexport (self->object_manager, path);
  g_signal_handlers_disconnect_by_data (tunnel, self);
  g_ptr_array_remove (self->tunnels, tunnel);
  sync_session_users (self);
  maybe_emit_idle (self);
}

static void
on_tunnel_activity_changed (MidwayHelperTunnel  *tunnel,
                            MidwayHelperManager *self)
{
  maybe_emit_idle (self);
}

static void
on_network_changed (MidwayHelperNetmon  *netmon,
                    guint                causes,
                    MidwayHelperManager *self)
{
  g_autoptr(GPtrArray) tunnels = g_ptr_array_new_with_free_func (g_object_unref);

  /* A tunnel that fails to reconnect may finish and leave the array. */
  for (guint i = 0; i < self->tunnels->len; i++)
    g_ptr_array_add (tunnels, g_object_ref (g_ptr_array_index (self->tunnels, i)));
  for (guint i = 0; i < tunnels->len; i++)
    midway_helper_tunnel_network_changed (g_ptr_array_index (tunnels, i),
                                          (causes & MIDWAY_HELPER_NETMON_RESUMED) != 0);
}

static MidwayHelperTunnel *
find_tunnel (MidwayHelperManager *self,
             uid_t                owner,
             gboolean             system,
             const char          *profile_id)
{
  for (guint i = 0; i < self->tunnels->len; i++)
    {
      MidwayHelperTunnel *tunnel = g_ptr_array_index (self->tunnels, i);

      if (midway_helper_tunnel_get_owner (tunnel) == owner &&
          midway_helper_tunnel_get_system (tunnel) == system &&
          g_str_equal (midway_helper_tunnel_get_profile_id (tunnel), profile_id))
        return tunnel;
    }
  return NULL;
}

static guint
count_tunnels_of (MidwayHelperManager *self,
                  uid_t                owner)
{
  guint n = 0;

  for (guint i = 0; i < self->tunnels->len; i++)
    if (midway_helper_tunnel_get_owner (g_ptr_array_index (self->tunnels, i)) == owner)
      n++;
  return n;
}

/* The caller's tunnel of this profile that has not failed, if any. */
static char *
active_tunnel_path (MidwayHelperManager *self,
                    uid_t                caller,
                    gboolean             system,
                    MidwayProfile       *profile)
{
  MidwayHelperTunnel *existing = find_tunnel (self, caller, system, midway_profile_get_id (profile));

  if (existing == NULL || !midway_helper_tunnel_is_active (existing))
    return NULL;
  return g_strdup (g_dbus_object_get_object_path (G_DBUS_OBJECT (midway_helper_tunnel_get_object (existing))));
}

static gboolean
connect_authorized (MidwayHelperManager   *self,
                    GDBusMethodInvocation *invocation,
                    uid_t                  caller,
                    MidwayProfile         *profile,
                    ConnectFlags           flags,
                    char                 **object_path,
                    GError               **error)
{
  gboolean system = (flags & CONNECT_SYSTEM) != 0;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(MidwayHelperSecrets) secrets = NULL;
  g_autoptr(MidwayHelperUser) user = NULL;
  g_autoptr(MidwayHelperTunnel) tunnel = NULL;
  g_autofree char *path = NULL;
  MidwayHelperTunnel *existing;

  /* A system profile's key is root's own file, read by ssh as root: the
   * caller lends nothing, and whoever starts it, it is the system's. */
  if (system)
    {
      caller = 0;
      credentials = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
    }
  else
    credentials = g_variant_get_child_value (g_dbus_method_invocation_get_parameters (invocation), 1);

  *object_path = active_tunnel_path (self, caller, system, profile);
  if (*object_path != NULL)
    return TRUE;
  existing = find_tunnel (self, caller, system, midway_profile_get_id (profile));

  secrets = midway_helper_secrets_new_from_variant (credentials, profile, caller, error);
  if (secrets == NULL)
    return FALSE;

  /* A failed tunnel of the same profile is replaced by the new attempt. */
  if (existing != NULL)
    midway_helper_tunnel_stop (existing);

  if (count_tunnels_of (self, caller) >= MAX_TUNNELS_PER_USER || self->tunnels->len >= MAX_TUNNELS)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                   _("Too many tunnels: stop one first"));
      return FALSE;
    }

  user = midway_helper_user_lookup (caller, error);
  if (user == NULL)
    return FALSE;

  path = g_strdup_printf (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/%u", ++self->next_serial);
  tunnel = midway_helper_tunnel_new (self->next_serial, path, self->runtime_dir, profile,
                                     g_steal_pointer (&user), g_steal_pointer (&secrets),
                                     self->authority);
  if (system)
    midway_helper_tunnel_set_system (tunnel);
  else if ((flags & CONNECT_MACHINE_WIDE) != 0)
    midway_helper_tunnel_set_machine_wide (tunnel, TRUE);
  g_signal_connect (tunnel, "finished", G_CALLBACK (on_tunnel_finished), self);
  g_signal_connect (tunnel, "activity-changed", G_CALLBACK (on_tunnel_activity_changed), self);
  g_ptr_array_add (self->tunnels, g_object_ref (tunnel));
  sync_session_users (self);
  /* Exported before it starts, so that a client sees every state change. */
  g_dbus_object_manager_server_export (self->object_manager, midway_helper_tunnel_get_object (tunnel));

  if (!midway_helper_tunnel_start (tunnel, error))
    {
      g_dbus_object_manager_server_unexport (self->object_manager, path);
      g_signal_handlers_disconnect_by_data (tunnel, self);
      g_ptr_array_remove (self->tunnels, tunnel);
      sync_session_users (self);
      return FALSE;
    }

  if (system)
    g_message ("system profile \"%s\" started as tunnel %s", midway_profile_get_name (profile), path);
  else
    g_message ("uid %u started tunnel %s for profile %s", (guint) caller, path,
               midway_profile_get_id (profile));
  *object_path = g_steal_pointer (&path);
  return TRUE;
}

static void
finish_connect (MidwayHelperManager   *self,
                GDBusMethodInvocation *invocation,
                uid_t                  caller,
                MidwayProfile         *profile,
                ConnectFlags           flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (!connect_authorized (self, invocation, caller, profile, flags, &path, &error))
    g_dbus_method_invocation_return_gerror (invocation, error);
  else if ((flags & CONNECT_SYSTEM) != 0)
    midway_helper1_complete_connect_system_profile (self->iface, invocation, path);
  else
    midway_helper1_complete_connect (self->iface, invocation, path);
  maybe_emit_idle (self);
}

/* The field of profile that needs change-system-network, with why, or
 * NULL.  The machine's routes are read now, at each Connect: what the
 * profile would override is what the machine reaches at this moment. */
static const char *
system_network_field (MidwayHelperManager *self,
                      MidwayProfile       *profile,
                      char               **why,
                      GError             **error)
{
  g_autoptr(GArray) routes = NULL;
  g_auto(GStrv) resolvers = NULL;
  MidwayHelperMachine machine = { 0 };

  routes = midway_helper_netlink_list_reached (error);
  if (routes == NULL)
    return NULL;
  resolvers = midway_helper_system_network_read_resolvers ("/etc/resolv.conf");
  machine.routes = (const MidwayHelperRoute *) (gpointer) routes->data;
  machine.n_routes = routes->len;
  machine.resolvers = (const char * const *) resolvers;
  machine.per_link_dns = self->resolved;
  return midway_helper_system_network_field (profile, &machine, why);
}

static void
on_system_network_authorized (GObject      *source,
                              GAsyncResult *result,
                              gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MidwayHelperManager *self = g_object_get_data (G_OBJECT (invocation), "midway-manager");
  MidwayProfile *profile = g_object_get_data (G_OBJECT (invocation), "midway-profile");
  const char *why = g_object_get_data (G_OBJECT (invocation), "midway-system-network");
  g_autoptr(GError) error = NULL;
  uid_t caller;

  if (!midway_helper_authority_authorize_finish (MIDWAY_HELPER_AUTHORITY (source), result, &caller, &error))
    {
      /* The field first, as an invalid profile names it; a limit is
       * passed on as it is. */
      if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED))
        g_dbus_method_invocation_return_error (invocation, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                                               _("%s; this changes the network of every user and "
                                                 "needs the authorization %s"),
                                               why, MIDWAY_ACTION_CHANGE_SYSTEM_NETWORK);
      else
        g_dbus_method_invocation_return_gerror (invocation, error);
      maybe_emit_idle (self);
      return;
    }

  /* What was granted changes every user's network, and so may its
   * fail-closed block: a per-user block would let the others' traffic
   * out in the clear over the routes the tunnel took from them. */
  g_message ("uid %u may change the network of the machine: %s", (guint) caller, why);
  finish_connect (self, invocation, caller, profile, CONNECT_MACHINE_WIDE);
}

static void
on_connect_authorized (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MidwayHelperManager *self = g_object_get_data (G_OBJECT (invocation), "midway-manager");
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) profile_variant = g_variant_get_child_value (parameters, 0);
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *why = NULL;
  const char *field;
  uid_t caller;

  if (!midway_helper_authority_authorize_finish (MIDWAY_HELPER_AUTHORITY (source), result, &caller, &error) ||
      (profile = midway_profile_new_from_variant (profile_variant, &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      maybe_emit_idle (self);
      return;
    }

  /* The caller's running tunnel is returned as it is, without asking
   * again for what it was already granted. */
  path = active_tunnel_path (self, caller, FALSE, profile);
  if (path != NULL)
    {
      midway_helper1_complete_connect (self->iface, invocation, path);
      maybe_emit_idle (self);
      return;
    }

  field = system_network_field (self, profile, &why, &error);
  if (field == NULL && error != NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      maybe_emit_idle (self);
      return;
    }
  if (field == NULL)
    {
      finish_connect (self, invocation, caller, profile, CONNECT_NONE);
      return;
    }

  g_object_set_data_full (G_OBJECT (invocation), "midway-profile",
                          g_steal_pointer (&profile), g_object_unref);
  g_object_set_data_full (G_OBJECT (invocation), "midway-system-network",
                          g_steal_pointer (&why), g_free);
  midway_helper_authority_authorize_async (self->authority, invocation,
                                           MIDWAY_ACTION_CHANGE_SYSTEM_NETWORK,
                                           NULL, (uid_t) -1, on_system_network_authorized,
                                           g_object_ref (invocation));
}

/* A request past MAX_CONNECT_SIZE is refused before polkit, but with the
 * field named, as validation after polkit would have named it: the
 * profile's own check, which reads sizes before content and touches no
 * file, or the credential that alone is larger than any valid one.  This
 * tells a caller polkit would refuse no more than that its oversized
 * request is invalid, which it knows. */
static void
return_oversized (GDBusMethodInvocation *invocation)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(GVariant) profile_variant = g_variant_get_child_value (parameters, 0);
  g_autoptr(GVariant) credentials = g_variant_get_child_value (parameters, 1);
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *next;

  profile = midway_profile_new_from_variant (profile_variant, &error);
  if (profile == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  g_variant_iter_init (&iter, credentials);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &next))
    {
      g_autoptr(GVariant) value = next;

      if (g_variant_get_size (value) > MAX_CREDENTIAL_SIZE)
        {
          g_autofree char *shown = midway_text_sanitize_line (key, 64);

          g_dbus_method_invocation_return_error (invocation, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                                                 _("%s: is too long"), shown);
          return;
        }
    }

  g_dbus_method_invocation_return_error (invocation, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                                         _("The request is larger than any valid profile "
                                           "and credentials (%u KiB)"),
                                         (guint) (MAX_CONNECT_SIZE / 1024));
}

static gboolean
on_handle_connect (MidwayHelper1         *iface,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   MidwayHelperManager   *self)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);

  if (g_variant_get_size (parameters) > MAX_CONNECT_SIZE)
    {
      return_oversized (invocation);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_object_set_data_full (G_OBJECT (invocation), "midway-manager",
                          g_object_ref (self), g_object_unref);
  /* The callback gets a reference of its own; the handler's goes with
   * the invocation's completion. */
  midway_helper_authority_authorize_async (self->authority, invocation, MIDWAY_ACTION_CONNECT,
                                           NULL, (uid_t) -1, on_connect_authorized,
                                           g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Re-read at each call: what configuration management put there or took
 * away counts at once.  No polkit: which profiles the machine has is no
 * secret from its users, and nothing secret is in the answer. */
static gboolean
on_handle_list_system_profiles (MidwayHelper1         *iface,
                                GDBusMethodInvocation *invocation,
                                MidwayHelperManager   *self)
{
  g_autoptr(GPtrArray) profiles = NULL;
  GVariantBuilder builder;

  profiles = midway_helper_system_profiles_list (self->system_profiles_dir, self->system_key_dir, 0);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < profiles->len; i++)
    {
      g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (g_ptr_array_index (profiles, i)));
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sv}"));
      g_variant_iter_init (&iter, asv);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          /* where root keeps the machine's key is nobody else's business */
          if (!g_str_equal (key, "key-file"))
            g_variant_builder_add (&builder, "{sv}", key, value);
          g_variant_unref (value);
        }
      g_variant_builder_close (&builder);
    }
  midway_helper1_complete_list_system_profiles (iface, invocation, g_variant_builder_end (&builder));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_connect_system_profile_authorized (GObject      *source,
                                      GAsyncResult *result,
                                      gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MidwayHelperManager *self = g_object_get_data (G_OBJECT (invocation), "midway-manager");
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  const char *name = NULL;
  uid_t caller;

  g_variant_get (parameters, "(&s)", &name);
  if (!midway_helper_authority_authorize_finish (MIDWAY_HELPER_AUTHORITY (source), result, &caller, &error) ||
      (profile = midway_helper_system_profiles_find (self->system_profiles_dir, self->system_key_dir,
                                                     0, name, &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      maybe_emit_idle (self);
      return;
    }

  /* The administrator deployed it: what change-system-network guards is
   * granted by the file, not asked of the caller. */
  g_message ("uid %u connects system profile \"%s\"", (guint) caller, midway_profile_get_name (profile));
  finish_connect (self, invocation, caller, profile, CONNECT_SYSTEM | CONNECT_MACHINE_WIDE);
}

static gboolean
on_handle_connect_system_profile (MidwayHelper1         *iface,
                                  GDBusMethodInvocation *invocation,
                                  const char            *name,
                                  MidwayHelperManager   *self)
{
  if (strlen (name) > MAX_NAME_SIZE)
    {
      g_dbus_method_invocation_return_error (invocation, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                                             _("name: is too long"));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_object_set_data_full (G_OBJECT (invocation), "midway-manager",
                          g_object_ref (self), g_object_unref);
  midway_helper_authority_authorize_async (self->authority, invocation,
                                           MIDWAY_ACTION_CONNECT_SYSTEM_PROFILE,
                                           NULL, (uid_t) -1, on_connect_system_profile_authorized,
                                           g_object_ref (invocation));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
midway_helper_manager_dispose (GObject *object)
{
  MidwayHelperManager *self = MIDWAY_HELPER_MANAGER (object);

  if (self->tunnels != NULL)
    midway_helper_manager_shutdown (self);
  if (self->netmon != NULL)
    g_signal_handlers_disconnect_by_data (self->netmon, self);
  g_clear_object (&self->netmon);
  g_clear_handle_id (&self->resolved_watch, g_bus_unwatch_name);
  if (self->sessions != NULL)
    g_signal_handlers_disconnect_by_data (self->sessions, self);
  g_clear_object (&self->sessions);
  if (self->iface != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->object_manager);
  g_clear_object (&self->authority);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (midway_helper_manager_parent_class)->dispose (object);
}

static void
midway_helper_manager_finalize (GObject *object)
{
  MidwayHelperManager *self = MIDWAY_HELPER_MANAGER (object);

  g_clear_pointer (&self->tunnels, g_ptr_array_unref);
  g_free (self->runtime_dir);
  g_free (self->system_profiles_dir);
  g_free (self->system_key_dir);

  G_OBJECT_CLASS (midway_helper_manager_parent_class)->finalize (object);
}

static void
midway_helper_manager_class_init (MidwayHelperManagerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_manager_dispose;
  object_class->finalize = midway_helper_manager_finalize;

  signals[SIGNAL_IDLE] =
    g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
midway_helper_manager_init (MidwayHelperManager *self)
{
  self->tunnels = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
on_resolved_appeared (GDBusConnection *connection,
                      const char      *name,
                      const char      *owner,
                      gpointer         user_data)
{
  MidwayHelperManager *self = user_data;

  self->resolved = TRUE;
}

static void
on_resolved_vanished (GDBusConnection *connection,
                      const char      *name,
                      gpointer         user_data)
{
  MidwayHelperManager *self = user_data;

  self->resolved = FALSE;
}

/* A helper killed with SIGKILL leaves its runtime directories behind (its
 * children died with it); the next one starts from a clean slate. */
static gboolean
prepare_runtime_dir (const char *runtime_dir,
                     GError    **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  /* 0711: a user opens the files ssh is told about, but cannot list
   * whose tunnels there are. */
  if (g_mkdir_with_parents (runtime_dir, 0711) != 0 || g_chmod (runtime_dir, 0711) != 0)
    {
      int saved = errno;
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not create %s: %s", runtime_dir, g_strerror (saved));
      return FALSE;
    }

  dir = g_dir_open (runtime_dir, 0, error);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *sub = g_build_filename (runtime_dir, name, NULL);
      g_autoptr(GDir) inner = NULL;
      const char *file;

      if (!g_str_has_prefix (name, "tunnel-") || !g_file_test (sub, G_FILE_TEST_IS_DIR) ||
          g_file_test (sub, G_FILE_TEST_IS_SYMLINK))
        continue;
      inner = g_dir_open (sub, 0, NULL);
      while (inner != NULL && (file = g_dir_read_name (inner)) != NULL)
        {
          g_autofree char *path = g_build_filename (sub, file, NULL);
          g_unlink (path);
        }
      g_rmdir (sub);
    }
  return TRUE;
}

MidwayHelperManager *
midway_helper_manager_new (GDBusConnection *connection,
                           const char      *runtime_dir,
                           GError         **error)
{
  g_autoptr(MidwayHelperManager) self = NULL;
  g_autoptr(MidwayHelperLogind) logind = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);

  if (!prepare_runtime_dir (runtime_dir, error))
    return NULL;
  /* a killed predecessor's routes; not fatal, a tunnel can still
   * come up next to them. */
  {
    g_autoptr(GError) routes_error = NULL;
    g_autoptr(GError) firewall_error = NULL;
    guint n_stale = midway_helper_netlink_remove_stale (&routes_error);

    if (routes_error != NULL)
      g_warning ("Stale routes not removed: %s", routes_error->message);
    else if (n_stale > 0)
      g_message ("Removed %u stale routes of a previous helper", n_stale);
    n_stale = midway_helper_firewall_remove_stale (&firewall_error);
    if (firewall_error != NULL)
      g_warning ("Stale fail-closed blocks not removed: %s", firewall_error->message);
    else if (n_stale > 0)
      g_message ("Removed %u stale fail-closed blocks of a previous helper", n_stale);
  }

  self = g_object_new (MIDWAY_TYPE_HELPER_MANAGER, NULL);
  self->connection = g_object_ref (connection);
  self->runtime_dir = g_strdup (runtime_dir);
  self->system_profiles_dir = g_strdup (MIDWAY_HELPER_SYSTEM_PROFILES_DIR);
  self->system_key_dir = g_strdup (MIDWAY_HELPER_SYSTEM_DIR);
  self->authority = midway_helper_authority_new (error);
  if (self->authority == NULL)
    return NULL;

  self->iface = midway_helper1_skeleton_new ();
  midway_helper1_set_version (self->iface, PACKAGE_VERSION);
  g_signal_connect (self->iface, "handle-connect", G_CALLBACK (on_handle_connect), self);
  g_signal_connect (self->iface, "handle-list-system-profiles",
                    G_CALLBACK (on_handle_list_system_profiles), self);
  g_signal_connect (self->iface, "handle-connect-system-profile",
                    G_CALLBACK (on_handle_connect_system_profile), self);
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->iface), connection,
                                         MIDWAY_HELPER_OBJECT_PATH, error))
    return NULL;

  self->object_manager = g_dbus_object_manager_server_new (MIDWAY_HELPER_OBJECT_PATH);
  g_dbus_object_manager_server_set_connection (self->object_manager, connection);

  self->resolved_watch = g_bus_watch_name_on_connection (connection, "org.freedesktop.resolve1",
                                                         G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                         on_resolved_appeared, on_resolved_vanished,
                                                         self, NULL);

  logind = midway_helper_logind_new (connection);
  self->sessions = midway_helper_sessions_new (logind);
  g_signal_connect (self->sessions, "user-left", G_CALLBACK (on_user_left), self);

  self->netmon = midway_helper_netmon_new (logind);
  g_signal_connect (self->netmon, "changed", G_CALLBACK (on_network_changed), self);

  return g_steal_pointer (&self);
}

gboolean
midway_helper_manager_is_idle (MidwayHelperManager *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_MANAGER (self), FALSE);

  if (self->authority != NULL && midway_helper_authority_get_n_pending (self->authority) > 0)
    return FALSE;
  for (guint i = 0; i < self->tunnels->len; i++)
    if (midway_helper_tunnel_is_active (g_ptr_array_index (self->tunnels, i)))
      return FALSE;
  return TRUE;
}

void
midway_helper_manager_shutdown (MidwayHelperManager *self)
{
  g_autoptr(GPtrArray) tunnels = NULL;

  g_return_if_fail (MIDWAY_IS_HELPER_MANAGER (self));

  /* Killing a tunnel removes it from self->tunnels. */
  tunnels = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->tunnels->len; i++)
    g_ptr_array_add (tunnels, g_object_ref (g_ptr_array_index (self->tunnels, i)));
  for (guint i = 0; i < tunnels->len; i++)
    midway_helper_tunnel_kill (g_ptr_array_index (tunnels, i));
}
