/* midway-helper-server-path.c
 *
 * A tunnel's ssh connection lives on the path the kernel chose when it
 * connected: an interface, a gateway, a source address.  When the network
 * changes, the question is whether that path is still the one the kernel
 * would take; if not, the connection is as good as dead, and waiting for
 * LCP echoes to say so only makes the user wait.
 *
 * The kernel is asked for the whole answer (RTM_GETROUTE, as `ip route
 * get`), so policy rules, metrics and the tunnels' own routes count as they
 * do for the connection itself.  That is also what keeps the tunnel's own
 * doings from looking like a change: the path is recorded when the link
 * comes up, before the tunnel's routes go in; its host route to the server
 * then pins that very path, and its networks through ppp lose to the host
 * route by prefix length.  Its ppp interface and the peer's address route
 * are nothing the server's path uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "midway-helper-netlink.h"
#include "midway-helper-server-path.h"

struct _MidwayHelperServerPath
{
  GObject          parent_instance;

  char            *host;
  GList           *addresses;       /* of GInetAddress, in the resolver's order */
  GCancellable    *cancellable;
  gboolean         has_recorded;
  MidwayHelperPath recorded;
};

G_DEFINE_FINAL_TYPE (MidwayHelperServerPath, midway_helper_server_path, G_TYPE_OBJECT)

/* Pure ------------------------------------------------------------------------ */

static char *
bytes_to_string (guint8 family,
                 const guint8 *bytes)
{
  g_autoptr(GInetAddress) address =
    g_inet_address_new_from_bytes (bytes, family == AF_INET ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);

  return g_inet_address_to_string (address);
}

char *
midway_helper_path_describe (const MidwayHelperPath *path)
{
  g_autofree char *gateway = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!path->routed)
    return g_strdup ("no route");
  if (!path->has_gateway)
    return g_strdup (path->ifname);
  gateway = bytes_to_string (path->family, path->gateway);
  return g_strdup_printf ("%s via %s", path->ifname, gateway);
}

/* Only what the connection depends on: another interface, another gateway,
 * or its source address gone.  A new preferred source next to the old one
 * (a fresh IPv6 privacy address, a second IPv4 address) leaves it alone. */
static gboolean
path_moved (const MidwayHelperPath *recorded,
            const MidwayHelperPath *now)
{
  if (recorded->routed != now->routed)
    return TRUE;
  if (!now->routed)
    return FALSE;
  if (recorded->family != now->family || recorded->oif != now->oif ||
      recorded->has_gateway != now->has_gateway)
    return TRUE;
  if (now->has_gateway && memcmp (recorded->gateway, now->gateway, sizeof now->gateway) != 0)
    return TRUE;
  return now->source_gone;
}

static char *
describe_move (const MidwayHelperPath *recorded,
               const MidwayHelperPath *now)
{
  g_autofree char *server = bytes_to_string (recorded->family, recorded->destination);
  g_autofree char *before = midway_helper_path_describe (recorded);
  g_autofree char *after = midway_helper_path_describe (now);

  if (g_str_equal (before, after) && now->source_gone && recorded->has_source)
    {
      g_autofree char *source = bytes_to_string (recorded->family, recorded->source);

      return g_strdup_printf ("path to %s changed: %s lost the address %s", server, before, source);
    }
  return g_strdup_printf ("path to %s changed: %s -> %s", server, before, after);
}

MidwayHelperNetAction
midway_helper_path_decide (MidwayHelperNetState    state,
                           const MidwayHelperPath *recorded,
                           const MidwayHelperPath *now,
                           gboolean                resumed,
                           char                  **why)
{
  g_return_val_if_fail (now != NULL, MIDWAY_HELPER_NET_KEEP);
  g_return_val_if_fail (why != NULL && *why == NULL, MIDWAY_HELPER_NET_KEEP);

  switch (state)
    {
    case MIDWAY_HELPER_NET_RUNNING:
      /* After a sleep the server has likely given up on us, and NAT on
       * the way has forgotten the connection, whatever the path. */
      if (resumed)
        {
          *why = g_strdup ("the machine woke from sleep");
          return MIDWAY_HELPER_NET_RECONNECT;
        }
      if (recorded != NULL && path_moved (recorded, now))
        {
          *why = describe_move (recorded, now);
          return MIDWAY_HELPER_NET_RECONNECT;
        }
      return MIDWAY_HELPER_NET_KEEP;

    case MIDWAY_HELPER_NET_WAITING:
      if (!now->routed)
        {
          g_autofree char *server = bytes_to_string (now->family, now->destination);

          *why = g_strdup_printf ("no route to %s", server);
          return MIDWAY_HELPER_NET_WAIT_FOR_ROUTE;
        }
      if (resumed)
        {
          *why = g_strdup ("the machine woke from sleep");
          return MIDWAY_HELPER_NET_RETRY_NOW;
        }
      /* The attempt that failed may have failed because of the old path:
       * the new one deserves a try now rather than after the backoff. */
      if (recorded != NULL && path_moved (recorded, now))
        {
          *why = describe_move (recorded, now);
          return MIDWAY_HELPER_NET_RETRY_NOW;
        }
      return MIDWAY_HELPER_NET_KEEP;

    case MIDWAY_HELPER_NET_OFFLINE:
      if (now->routed)
        {
          g_autofree char *server = bytes_to_string (now->family, now->destination);
          g_autofree char *path = midway_helper_path_describe (now);

          *why = g_strdup_printf ("a route to %s appeared: %s", server, path);
          return MIDWAY_HELPER_NET_RETRY_NOW;
        }
      return MIDWAY_HELPER_NET_KEEP;

    default:
      g_return_val_if_reached (MIDWAY_HELPER_NET_KEEP);
    }
}

/* Asking the kernel ----------------------------------------------------------- */

/* FALSE when the kernel could not be asked: nothing is known then, and
 * nothing must be concluded. */
static gboolean
lookup_path (GInetAddress           *address,
             const MidwayHelperPath *recorded,
             MidwayHelperPath       *path)
{
  g_autoptr(GError) error = NULL;
  MidwayHelperRouteLookup result;

  memset (path, 0, sizeof *path);
  path->family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  memcpy (path->destination, g_inet_address_to_bytes (address), g_inet_address_get_native_size (address));

  if (!midway_helper_netlink_lookup (address, &result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
        {
          g_debug ("route look-up failed: %s", error->message);
          return FALSE;
        }
      return TRUE;
    }

  path->routed = TRUE;
  path->oif = result.oif;
  if (if_indextoname ((unsigned) result.oif, path->ifname) == NULL)
    g_snprintf (path->ifname, sizeof path->ifname, "#%d", result.oif);
  path->has_gateway = result.has_gateway;
  memcpy (path->gateway, result.gateway, sizeof path->gateway);
  path->has_source = result.has_source;
  memcpy (path->source, result.source, sizeof path->source);

  /* The address the connection came from, taken away (DHCP gave another
   * one, the network was left): the path may look the same, the
   * connection is dead all the same. */
  if (recorded != NULL && recorded->routed && recorded->has_source &&
      recorded->family == path->family)
    {
      g_autoptr(GInetAddress) source =
        g_inet_address_new_from_bytes (recorded->source, g_inet_address_get_family (address));
      g_autoptr(GError) local_error = NULL;
      MidwayHelperRouteLookup local;

      if (midway_helper_netlink_lookup (source, &local, &local_error))
        path->source_gone = local.type != RTN_LOCAL;
      else
        path->source_gone = g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE);
    }
  return TRUE;
}

static GInetAddress *
recorded_address (MidwayHelperServerPath *self)
{
  for (GList *l = self->addresses; l != NULL && self->has_recorded; l = l->next)
    if (memcmp (g_inet_address_to_bytes (l->data), self->recorded.destination,
                g_inet_address_get_native_size (l->data)) == 0)
      return l->data;
  return NULL;
}

/* The path of the recorded address if it still has one, else of the first
 * address that does (ssh would use it), else "no route". */
static gboolean
current_path (MidwayHelperServerPath *self,
              gboolean                against_recorded,
              MidwayHelperPath       *path)
{
  const MidwayHelperPath *recorded = against_recorded && self->has_recorded ? &self->recorded : NULL;
  GInetAddress *first = recorded != NULL ? recorded_address (self) : NULL;
  MidwayHelperPath none = { 0 };
  gboolean have_none = FALSE;

  if (first != NULL)
    {
      if (!lookup_path (first, recorded, path))
        return FALSE;
      if (path->routed)
        return TRUE;
      none = *path;
      have_none = TRUE;
    }

  for (GList *l = self->addresses; l != NULL; l = l->next)
    {
      if (l->data == first)
        continue;
      if (!lookup_path (l->data, recorded, path))
        return FALSE;
      if (path->routed)
        return TRUE;
      if (!have_none)
        {
          none = *path;
          have_none = TRUE;
        }
    }

  if (!have_none)
    return FALSE;
  *path = none;
  return TRUE;
}

static void
record (MidwayHelperServerPath *self)
{
  MidwayHelperPath path;

  self->has_recorded = current_path (self, FALSE, &path);
  if (self->has_recorded)
    self->recorded = path;
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MidwayHelperServerPath) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  /* Offline, the name may not resolve either: the last addresses known are
   * still the best guess of where the server is. */
  if (addresses != NULL)
    {
      g_resolver_free_addresses (self->addresses);
      self->addresses = addresses;
    }
  record (self);
}

void
midway_helper_server_path_start (MidwayHelperServerPath *self)
{
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;

  g_return_if_fail (MIDWAY_IS_HELPER_SERVER_PATH (self));

  literal = g_inet_address_new_from_string (self->host);
  if (literal != NULL)
    {
      if (self->addresses == NULL)
        self->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      record (self);
      return;
    }

  /* Until the name answers, the previous attempt's path stands. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, self->host, self->cancellable,
                                   on_resolved, g_object_ref (self));
}

void
midway_helper_server_path_record (MidwayHelperServerPath *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_SERVER_PATH (self));

  record (self);
}

gboolean
midway_helper_server_path_is_server (MidwayHelperServerPath *self,
                                     const char             *address)
{
  g_autoptr(GInetAddress) wanted = NULL;

  g_return_val_if_fail (MIDWAY_IS_HELPER_SERVER_PATH (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  wanted = g_inet_address_new_from_string (address);
  if (wanted == NULL)
    return FALSE;
  for (GList *l = self->addresses; l != NULL; l = l->next)
    if (g_inet_address_equal (l->data, wanted))
      return TRUE;
  return FALSE;
}

gboolean
midway_helper_server_path_is_offline (MidwayHelperServerPath *self)
{
  MidwayHelperPath path;

  g_return_val_if_fail (MIDWAY_IS_HELPER_SERVER_PATH (self), FALSE);

  return current_path (self, FALSE, &path) && !path.routed;
}

MidwayHelperNetAction
midway_helper_server_path_check (MidwayHelperServerPath *self,
                                 MidwayHelperNetState    state,
                                 gboolean                resumed,
                                 char                  **why)
{
  MidwayHelperPath now;

  g_return_val_if_fail (MIDWAY_IS_HELPER_SERVER_PATH (self), MIDWAY_HELPER_NET_KEEP);

  if (!current_path (self, TRUE, &now))
    {
      /* Nothing known about the path (a name not resolved yet): only a
       * resume, which needs no path to mean something, is acted on. */
      if (!resumed || state == MIDWAY_HELPER_NET_OFFLINE)
        return MIDWAY_HELPER_NET_KEEP;
      *why = g_strdup ("the machine woke from sleep");
      return state == MIDWAY_HELPER_NET_RUNNING ? MIDWAY_HELPER_NET_RECONNECT : MIDWAY_HELPER_NET_RETRY_NOW;
    }
  return midway_helper_path_decide (state, self->has_recorded ? &self->recorded : NULL, &now, resumed, why);
}

/* GObject --------------------------------------------------------------------- */

static void
midway_helper_server_path_dispose (GObject *object)
{
  MidwayHelperServerPath *self = MIDWAY_HELPER_SERVER_PATH (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (midway_helper_server_path_parent_class)->dispose (object);
}

static void
midway_helper_server_path_finalize (GObject *object)
{
  MidwayHelperServerPath *self = MIDWAY_HELPER_SERVER_PATH (object);

  g_resolver_free_addresses (self->addresses);
  g_free (self->host);

  G_OBJECT_CLASS (midway_helper_server_path_parent_class)->finalize (object);
}

static void
midway_helper_server_path_class_init (MidwayHelperServerPathClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_server_path_dispose;
  object_class->finalize = midway_helper_server_path_finalize;
}

static void
midway_helper_server_path_init (MidwayHelperServerPath *self)
{
}

MidwayHelperServerPath *
midway_helper_server_path_new (const char *host)
{
  MidwayHelperServerPath *self;

  g_return_val_if_fail (host != NULL, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_SERVER_PATH, NULL);
  self->host = g_strdup (host);
  return self;
}
