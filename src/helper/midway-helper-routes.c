/* midway-helper-routes.c
 *
 * Each tunnel remembers the exact routes it added (destination, prefix,
 * interface, gateway) and deletes those and only those; a route that
 * already existed (EEXIST) is not ours and is left alone.  The routes
 * themselves go in over rtnetlink (midway-helper-netlink.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "midway-helper-routes.h"

typedef MidwayHelperRoute Route;

struct _MidwayHelperRoutes
{
  GObject          parent_instance;

  MidwayProfile   *profile;
  MidwayHelperLog *log;
  char            *ifname;
  GArray          *installed;   /* of Route, in the order added */
  GCancellable    *cancellable;

  /* IPCP and IPv6CP come up in either order, and the server's name may
   * still be resolving: each part goes in once what it needs is there. */
  gboolean ipv4_up;
  gboolean ipv6_up;
  gboolean resolving;
  gboolean resolved;
  gboolean host_routes_done;
  gboolean ipv4_done;
  gboolean ipv6_done;
  GList   *server_addresses;           /* of GInetAddress */
};

G_DEFINE_FINAL_TYPE (MidwayHelperRoutes, midway_helper_routes, G_TYPE_OBJECT)

/* Installing and removing ---------------------------------------------------- */

static void
add_route (MidwayHelperRoutes *self,
           int                 fd,
           const Route        *route)
{
  if (midway_helper_netlink_route_add (fd, route, self->log) == 0)
    g_array_append_val (self->installed, *route);
}

static gboolean
network_route (const char *text,
               int         oif,
               Route      *route)
{
  guint family, prefix;

  memset (route, 0, sizeof *route);
  /* The profile was validated; this only fails on a bug. */
  if (!midway_profile_parse_network (text, &family, route->dst, &prefix))
    return FALSE;
  route->family = family == 4 ? AF_INET : AF_INET6;
  route->type = RTN_UNICAST;
  route->dst_len = (guint8) prefix;
  route->oif = oif;
  return TRUE;
}

GStrv
midway_helper_routes_get_networks (MidwayProfile *profile)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) networks = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  /* Two halves rather than a new default route: they win over the
   * existing default by prefix length, and that default is never touched,
   * so it is there as it was when the tunnel goes. */
  if (midway_profile_get_full_tunnel (profile))
    {
      g_strv_builder_add (builder, "0.0.0.0/1");
      g_strv_builder_add (builder, "128.0.0.0/1");
      g_strv_builder_add (builder, "::/1");
      g_strv_builder_add (builder, "8000::/1");
    }
  networks = g_strsplit (midway_profile_get_routes (profile), ",", -1);
  for (guint i = 0; networks[i] != NULL; i++)
    if (*networks[i] != '\0')
      g_strv_builder_add (builder, networks[i]);
  return g_strv_builder_end (builder);
}

gboolean
midway_helper_routes_parse_network (const char        *text,
                                    MidwayHelperRoute *route)
{
  g_return_val_if_fail (text != NULL && route != NULL, FALSE);

  return network_route (text, 0, route);
}

static void
install_networks (MidwayHelperRoutes *self,
                  int                 fd,
                  int                 oif,
                  guint8              family)
{
  g_auto(GStrv) networks = midway_helper_routes_get_networks (self->profile);
  Route route;

  for (guint i = 0; networks[i] != NULL; i++)
    if (network_route (networks[i], oif, &route) && route.family == family)
      add_route (self, fd, &route);
}

/* The ssh connection must keep its path, or it would be carried by the
 * tunnel it carries (or, behind a fail-closed block, go nowhere). */
static int
pin_server (int              fd,
            GInetAddress    *address,
            int              avoid_oif,
            MidwayHelperLog *log,
            Route           *route)
{
  guint8 family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  g_autoptr(GError) error = NULL;

  if (g_inet_address_get_is_loopback (address))
    return -1;
  if (!midway_helper_netlink_lookup_path (fd, family, g_inet_address_to_bytes (address), route, &error))
    {
      midway_helper_log_appendf (log, "helper", "%s", error->message);
      return -1;
    }
  if (route->oif == avoid_oif)
    return -1;
  return midway_helper_netlink_route_add (fd, route, log);
}

int
midway_helper_routes_pin_server (GInetAddress      *address,
                                 MidwayHelperLog   *log,
                                 MidwayHelperRoute *pinned)
{
  g_autoptr(GError) error = NULL;
  int fd;
  int err;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), -1);
  g_return_val_if_fail (pinned != NULL, -1);

  fd = midway_helper_netlink_open (&error);
  if (fd < 0)
    {
      midway_helper_log_appendf (log, "helper", "%s", error->message);
      return -1;
    }
  err = pin_server (fd, address, 0, log, pinned);
  close (fd);
  return err;
}

static void
install_host_routes (MidwayHelperRoutes *self,
                     int                 fd,
                     int                 oif)
{
  Route route;

  /* A fail-closed block's pin to the same path gives EEXIST here, and
   * stays the block's. */
  for (GList *l = self->server_addresses; l != NULL; l = l->next)
    if (pin_server (fd, l->data, oif, self->log, &route) == 0)
      g_array_append_val (self->installed, route);
}

static void
try_install (MidwayHelperRoutes *self)
{
  g_autoptr(GError) error = NULL;
  int oif;
  int fd;

  if (!self->resolved || self->ifname == NULL)
    return;
  if (self->host_routes_done &&
      (!self->ipv4_up || self->ipv4_done) && (!self->ipv6_up || self->ipv6_done))
    return;

  oif = (int) if_nametoindex (self->ifname);
  if (oif == 0)
    {
      midway_helper_log_appendf (self->log, "helper", "routes not added: %s is gone", self->ifname);
      return;
    }
  fd = midway_helper_netlink_open (&error);
  if (fd < 0)
    {
      midway_helper_log_appendf (self->log, "helper", "routes not added: %s", error->message);
      return;
    }

  if (!self->host_routes_done)
    install_host_routes (self, fd, oif);
  self->host_routes_done = TRUE;
  if (self->ipv4_up && !self->ipv4_done)
    install_networks (self, fd, oif, AF_INET);
  self->ipv4_done = self->ipv4_up;
  if (self->ipv6_up && !self->ipv6_done)
    install_networks (self, fd, oif, AF_INET6);
  self->ipv6_done = self->ipv6_up;
  close (fd);
}

static void
on_server_resolved (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MidwayHelperRoutes) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  self->resolving = FALSE;
  if (addresses == NULL)
    {
      /* Without the server's address, the networks could swallow the ssh
       * connection: install nothing rather than risk a loop. */
      midway_helper_log_appendf (self->log, "helper", "routes not added: %s", error->message);
      return;
    }
  self->server_addresses = addresses;
  self->resolved = TRUE;
  try_install (self);
}

static void
apply (MidwayHelperRoutes *self,
       const char         *ifname)
{
  const char *host;
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;

  if (*midway_profile_get_routes (self->profile) == '\0' &&
      !midway_profile_get_full_tunnel (self->profile))
    return;

  if (g_strcmp0 (self->ifname, ifname) != 0)
    {
      g_free (self->ifname);
      self->ifname = g_strdup (ifname);
    }

  if (self->resolved)
    {
      try_install (self);
      return;
    }
  if (self->resolving)
    return;

  host = midway_profile_get_host (self->profile);
  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      self->server_addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      self->resolved = TRUE;
      try_install (self);
      return;
    }

  /* The same resolver ssh used a moment ago, so normally a cache hit. */
  self->resolving = TRUE;
  self->cancellable = g_cancellable_new ();
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, self->cancellable,
                                   on_server_resolved, g_object_ref (self));
}

void
midway_helper_routes_apply (MidwayHelperRoutes *self,
                            const char         *ifname)
{
  g_return_if_fail (MIDWAY_IS_HELPER_ROUTES (self));
  g_return_if_fail (ifname != NULL);

  self->ipv4_up = TRUE;
  apply (self, ifname);
}

void
midway_helper_routes_apply_ipv6 (MidwayHelperRoutes *self,
                                 const char         *ifname)
{
  g_return_if_fail (MIDWAY_IS_HELPER_ROUTES (self));
  g_return_if_fail (ifname != NULL);

  self->ipv6_up = TRUE;
  apply (self, ifname);
}

void
midway_helper_routes_remove (MidwayHelperRoutes *self)
{
  g_autoptr(GError) error = NULL;
  int fd = -1;

  g_return_if_fail (MIDWAY_IS_HELPER_ROUTES (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_resolver_free_addresses (g_steal_pointer (&self->server_addresses));
  self->ipv4_up = self->ipv6_up = FALSE;
  self->resolving = self->resolved = FALSE;
  self->host_routes_done = self->ipv4_done = self->ipv6_done = FALSE;
  g_clear_pointer (&self->ifname, g_free);

  if (self->installed->len == 0)
    return;

  fd = midway_helper_netlink_open (&error);
  /* Last in, first out: the host route to the server goes only after
   * nothing can pull the ssh connection into the tunnel. */
  for (guint i = self->installed->len; fd >= 0 && i > 0; i--)
    if (midway_helper_netlink_route_delete (fd, &g_array_index (self->installed, Route, i - 1), self->log, &error) < 0)
      break;
  if (error != NULL)
    midway_helper_log_appendf (self->log, "helper", "routes not removed: %s", error->message);
  if (fd >= 0)
    close (fd);
  g_array_set_size (self->installed, 0);
}

/* GObject ------------------------------------------------------------------- */

static void
midway_helper_routes_dispose (GObject *object)
{
  MidwayHelperRoutes *self = MIDWAY_HELPER_ROUTES (object);

  if (self->installed != NULL)
    midway_helper_routes_remove (self);
  G_OBJECT_CLASS (midway_helper_routes_parent_class)->dispose (object);
}

static void
midway_helper_routes_finalize (GObject *object)
{
  MidwayHelperRoutes *self = MIDWAY_HELPER_ROUTES (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->log);
  g_clear_pointer (&self->ifname, g_free);
  g_clear_pointer (&self->installed, g_array_unref);
  G_OBJECT_CLASS (midway_helper_routes_parent_class)->finalize (object);
}

static void
midway_helper_routes_class_init (MidwayHelperRoutesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_routes_dispose;
  object_class->finalize = midway_helper_routes_finalize;
}

static void
midway_helper_routes_init (MidwayHelperRoutes *self)
{
  self->installed = g_array_new (FALSE, TRUE, sizeof (Route));
}

MidwayHelperRoutes *
midway_helper_routes_new (MidwayProfile   *profile,
                          MidwayHelperLog *log)
{
  MidwayHelperRoutes *self;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (MIDWAY_IS_HELPER_LOG (log), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_ROUTES, NULL);
  self->profile = g_object_ref (profile);
  self->log = g_object_ref (log);
  return self;
}
