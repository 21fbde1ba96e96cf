/* midway-helper-routes.c
 *
 * Routes go in over rtnetlink, never through `ip`: no shell, no PATH, and
 * the kernel's own error for each route.  Each tunnel remembers the exact
 * routes it added (destination, prefix, interface, gateway) and deletes
 * those and only those; a route that already existed (EEXIST) is not ours
 * and is left alone.  The marker protocol lets a new helper flush what a
 * killed one could not.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "midway-error.h"
#include "midway-helper-routes.h"

#define NL_BUFFER_SIZE 32768

typedef struct {
  guint8   family;       /* AF_INET, AF_INET6 */
  guint8   dst[16];
  guint8   dst_len;
  int      oif;
  gboolean has_gateway;
  guint8   gateway[16];
} Route;

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
  gboolean         ipv4_up;
  gboolean         ipv6_up;
  gboolean         resolving;
  gboolean         resolved;
  gboolean         host_routes_done;
  gboolean         ipv4_done;
  gboolean         ipv6_done;
  GList           *server_addresses;   /* of GInetAddress */
};

G_DEFINE_FINAL_TYPE (MidwayHelperRoutes, midway_helper_routes, G_TYPE_OBJECT)

/* Netlink ------------------------------------------------------------------ */

typedef struct {
  struct nlmsghdr hdr;
  struct rtmsg    rt;
  char            attrs[256];
} RouteRequest;

static gsize
family_size (guint8 family)
{
  return family == AF_INET ? 4 : 16;
}

static void
add_attr (RouteRequest *req,
          guint16       type,
          const void   *data,
          gsize         size)
{
  struct rtattr *rta = (struct rtattr *) ((char *) req + NLMSG_ALIGN (req->hdr.nlmsg_len));

  g_assert (NLMSG_ALIGN (req->hdr.nlmsg_len) + RTA_SPACE (size) <= sizeof *req);
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH (size);
  memcpy (RTA_DATA (rta), data, size);
  req->hdr.nlmsg_len = NLMSG_ALIGN (req->hdr.nlmsg_len) + RTA_SPACE (size);
}

static int
nl_open (GError **error)
{
  struct sockaddr_nl local = { .nl_family = AF_NETLINK };
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof local) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not open a routing socket: %s", g_strerror (saved));
      return -1;
    }
  return fd;
}

static gboolean
nl_send (int              fd,
         struct nlmsghdr *hdr,
         GError         **error)
{
  struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

  if (sendto (fd, hdr, hdr->nlmsg_len, 0, (struct sockaddr *) &kernel, sizeof kernel) < 0)
    {
      int saved = errno;
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not talk to the kernel's routing: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Sends one request with NLM_F_ACK and returns the kernel's errno (0 on
 * success), or -1 with error set when the socket itself failed.  For an
 * RTM_GETROUTE, the answer is copied into reply. */
static int
nl_transact (int              fd,
             struct nlmsghdr *request,
             RouteRequest    *reply,
             GError         **error)
{
  g_autofree char *buffer = g_malloc (NL_BUFFER_SIZE);
  static guint32 seq;

  request->nlmsg_seq = ++seq;
  request->nlmsg_flags |= NLM_F_ACK;
  if (!nl_send (fd, request, error))
    return -1;

  while (TRUE)
    {
      ssize_t n = recv (fd, buffer, NL_BUFFER_SIZE, 0);
      struct nlmsghdr *hdr;

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                       "No answer from the kernel's routing: %s", g_strerror (saved));
          return -1;
        }

      for (hdr = (struct nlmsghdr *) buffer; NLMSG_OK (hdr, (guint) n); hdr = NLMSG_NEXT (hdr, n))
        {
          if (hdr->nlmsg_seq != request->nlmsg_seq)
            continue;
          if (hdr->nlmsg_type == NLMSG_ERROR)
            {
              const struct nlmsgerr *err = NLMSG_DATA (hdr);

              return -err->error;
            }
          if (hdr->nlmsg_type == RTM_NEWROUTE && reply != NULL &&
              hdr->nlmsg_len <= sizeof *reply)
            memcpy (reply, hdr, hdr->nlmsg_len);
        }
    }
}

static void
route_request_init (RouteRequest *req,
                    guint16       type,
                    guint16       flags,
                    const Route  *route)
{
  memset (req, 0, sizeof *req);
  req->hdr.nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg));
  req->hdr.nlmsg_type = type;
  req->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
  req->rt.rtm_family = route->family;
  req->rt.rtm_dst_len = route->dst_len;
  req->rt.rtm_table = RT_TABLE_MAIN;
  req->rt.rtm_protocol = MIDWAY_HELPER_RTPROT;
  req->rt.rtm_type = RTN_UNICAST;
  /* Routes through a gateway are "universe"; a point-to-point link or a
   * directly reachable server is on the link. */
  req->rt.rtm_scope = route->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  add_attr (req, RTA_DST, route->dst, family_size (route->family));
  add_attr (req, RTA_OIF, &route->oif, sizeof route->oif);
  if (route->has_gateway)
    add_attr (req, RTA_GATEWAY, route->gateway, family_size (route->family));
}

static char *
route_to_string (const Route *route)
{
  g_autoptr(GInetAddress) dst = g_inet_address_new_from_bytes (route->dst,
    route->family == AF_INET ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_autofree char *dst_text = g_inet_address_to_string (dst);
  char ifname[IF_NAMESIZE] = "?";

  if_indextoname ((unsigned) route->oif, ifname);
  if (route->has_gateway)
    {
      g_autoptr(GInetAddress) gw = g_inet_address_new_from_bytes (route->gateway,
        route->family == AF_INET ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
      g_autofree char *gw_text = g_inet_address_to_string (gw);

      return g_strdup_printf ("%s/%u via %s dev %s", dst_text, route->dst_len, gw_text, ifname);
    }
  return g_strdup_printf ("%s/%u dev %s", dst_text, route->dst_len, ifname);
}

/* Asks the kernel which route it would take to address now.  "No route"
 * in any of its forms (none, unreachable, prohibit, blackhole) is
 * G_IO_ERROR_NETWORK_UNREACHABLE; anything else went wrong with the socket. */
static gboolean
lookup (int                      fd,
        guint8                   family,
        const guint8            *address,
        MidwayHelperRouteLookup *result,
        GError                 **error)
{
  RouteRequest req;
  RouteRequest reply;
  struct rtattr *rta;
  gsize size = family_size (family);
  int len;
  int err;

  memset (result, 0, sizeof *result);
  result->family = family;

  memset (&req, 0, sizeof req);
  req.hdr.nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg));
  req.hdr.nlmsg_type = RTM_GETROUTE;
  req.hdr.nlmsg_flags = NLM_F_REQUEST;
  req.rt.rtm_family = family;
  req.rt.rtm_dst_len = family == AF_INET ? 32 : 128;
  add_attr (&req, RTA_DST, address, size);

  memset (&reply, 0, sizeof reply);
  err = nl_transact (fd, &req.hdr, &reply, error);
  if (err < 0)
    return FALSE;
  if (err > 0 || reply.hdr.nlmsg_type != RTM_NEWROUTE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE,
                   "No route to the server: %s", g_strerror (err > 0 ? err : ENOENT));
      return FALSE;
    }

  result->type = reply.rt.rtm_type;
  len = (int) reply.hdr.nlmsg_len - (int) NLMSG_LENGTH (sizeof (struct rtmsg));
  for (rta = RTM_RTA (&reply.rt); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    {
      if (rta->rta_type == RTA_OIF && RTA_PAYLOAD (rta) >= sizeof (int))
        memcpy (&result->oif, RTA_DATA (rta), sizeof (int));
      else if (rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD (rta) >= size)
        {
          result->has_gateway = TRUE;
          memcpy (result->gateway, RTA_DATA (rta), size);
        }
      else if (rta->rta_type == RTA_PREFSRC && RTA_PAYLOAD (rta) >= size)
        {
          result->has_source = TRUE;
          memcpy (result->source, RTA_DATA (rta), size);
        }
    }

  if (result->oif == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "No route to the server");
      return FALSE;
    }
  return TRUE;
}

/* The path the kernel takes to address now: its interface and gateway. */
static gboolean
lookup_path (int           fd,
             guint8        family,
             const guint8 *address,
             Route        *host_route,
             GError      **error)
{
  MidwayHelperRouteLookup result;

  memset (host_route, 0, sizeof *host_route);
  host_route->family = family;
  memcpy (host_route->dst, address, family_size (family));
  host_route->dst_len = family == AF_INET ? 32 : 128;

  if (!lookup (fd, family, address, &result, error))
    return FALSE;
  host_route->oif = result.oif;
  host_route->has_gateway = result.has_gateway;
  memcpy (host_route->gateway, result.gateway, sizeof host_route->gateway);
  return TRUE;
}

gboolean
midway_helper_routes_lookup (GInetAddress            *address,
                             MidwayHelperRouteLookup *result,
                             GError                 **error)
{
  guint8 family;
  gboolean ok;
  int fd;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  fd = nl_open (error);
  if (fd < 0)
    return FALSE;
  ok = lookup (fd, family, g_inet_address_to_bytes (address), result, error);
  close (fd);
  return ok;
}

/* Installing and removing ---------------------------------------------------- */

static void
add_route (MidwayHelperRoutes *self,
           int                 fd,
           const Route        *route)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = route_to_string (route);
  RouteRequest req;
  int err;

  route_request_init (&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route);
  err = nl_transact (fd, &req.hdr, NULL, &error);
  if (err == 0)
    {
      g_array_append_val (self->installed, *route);
      midway_helper_log_appendf (self->log, "helper", "route added: %s", text);
    }
  else if (err == EEXIST)
    midway_helper_log_appendf (self->log, "helper", "route %s exists already, left alone", text);
  else
    midway_helper_log_appendf (self->log, "helper", "could not add route %s: %s", text,
                               err < 0 ? error->message : g_strerror (err));
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
  route->dst_len = (guint8) prefix;
  route->oif = oif;
  return TRUE;
}

static void
install_networks (MidwayHelperRoutes *self,
                  int                 fd,
                  int                 oif,
                  guint8              family)
{
  static const char * const ipv4_halves[] = { "0.0.0.0/1", "128.0.0.0/1", NULL };
  static const char * const ipv6_halves[] = { "::/1", "8000::/1", NULL };
  g_auto(GStrv) networks = NULL;
  Route route;

  /* Two halves rather than a new default route: they win over the
   * existing default by prefix length, and that default is never touched,
   * so it is there as it was when the tunnel goes. */
  if (midway_profile_get_full_tunnel (self->profile))
    {
      const char * const *halves = family == AF_INET ? ipv4_halves : ipv6_halves;

      for (guint i = 0; halves[i] != NULL; i++)
        if (network_route (halves[i], oif, &route))
          add_route (self, fd, &route);
    }

  networks = g_strsplit (midway_profile_get_routes (self->profile), ",", -1);
  for (guint i = 0; networks[i] != NULL; i++)
    if (*networks[i] != '\0' && network_route (networks[i], oif, &route) &&
        route.family == family)
      add_route (self, fd, &route);
}

static void
install_host_routes (MidwayHelperRoutes *self,
                     int                 fd,
                     int                 oif)
{
  Route route;

  /* The ssh connection must keep its path, or it would be carried by the
   * tunnel it carries. */
  for (GList *l = self->server_addresses; l != NULL; l = l->next)
    {
      GInetAddress *address = l->data;
      guint8 family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
      g_autoptr(GError) error = NULL;

      if (g_inet_address_get_is_loopback (address))
        continue;
      if (!lookup_path (fd, family, g_inet_address_to_bytes (address), &route, &error))
        {
          midway_helper_log_appendf (self->log, "helper", "%s", error->message);
          continue;
        }
      if (route.oif == oif)
        continue;
      add_route (self, fd, &route);
    }
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
  fd = nl_open (&error);
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

  fd = nl_open (&error);
  /* Last in, first out: the host route to the server goes only after
   * nothing can pull the ssh connection into the tunnel. */
  for (guint i = self->installed->len; fd >= 0 && i > 0; i--)
    {
      const Route *route = &g_array_index (self->installed, Route, i - 1);
      g_autofree char *text = route_to_string (route);
      RouteRequest req;
      int err;

      route_request_init (&req, RTM_DELROUTE, 0, route);
      err = nl_transact (fd, &req.hdr, NULL, &error);
      /* Routes through the ppp interface vanish with it (ESRCH, or ENODEV
       * for its index): gone is what we want. */
      if (err > 0 && err != ESRCH && err != ENODEV)
        midway_helper_log_appendf (self->log, "helper", "could not remove route %s: %s",
                                   text, g_strerror (err));
      if (err < 0)
        break;
    }
  if (error != NULL)
    midway_helper_log_appendf (self->log, "helper", "routes not removed: %s", error->message);
  if (fd >= 0)
    close (fd);
  g_array_set_size (self->installed, 0);
}

guint
midway_helper_routes_remove_stale (GError **error)
{
  g_autofree char *buffer = NULL;
  g_autoptr(GPtrArray) stale = NULL;
  struct {
    struct nlmsghdr hdr;
    struct rtmsg    rt;
  } dump = { 0 };
  gboolean done = FALSE;
  guint removed = 0;
  int fd;

  fd = nl_open (error);
  if (fd < 0)
    return 0;

  dump.hdr.nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg));
  dump.hdr.nlmsg_type = RTM_GETROUTE;
  dump.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  dump.hdr.nlmsg_seq = 1;
  dump.rt.rtm_family = AF_UNSPEC;
  if (!nl_send (fd, &dump.hdr, error))
    {
      close (fd);
      return 0;
    }

  /* Collected first and deleted after the dump: changing the table while
   * the kernel walks it could skip entries. */
  stale = g_ptr_array_new_with_free_func (g_free);
  buffer = g_malloc (NL_BUFFER_SIZE);
  while (!done)
    {
      ssize_t n = recv (fd, buffer, NL_BUFFER_SIZE, 0);
      struct nlmsghdr *hdr;

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                       "Could not list routes: %s", g_strerror (saved));
          close (fd);
          return 0;
        }
      for (hdr = (struct nlmsghdr *) buffer; NLMSG_OK (hdr, (guint) n); hdr = NLMSG_NEXT (hdr, n))
        {
          const struct rtmsg *rt = NLMSG_DATA (hdr);

          if (hdr->nlmsg_type == NLMSG_DONE || hdr->nlmsg_type == NLMSG_ERROR)
            {
              done = TRUE;
              break;
            }
          if (hdr->nlmsg_type == RTM_NEWROUTE && rt->rtm_protocol == MIDWAY_HELPER_RTPROT)
            g_ptr_array_add (stale, g_memdup2 (hdr, hdr->nlmsg_len));
        }
    }

  /* The kernel's own description of each route, sent back as a delete,
   * matches exactly that route. */
  for (guint i = 0; i < stale->len; i++)
    {
      struct nlmsghdr *hdr = g_ptr_array_index (stale, i);
      g_autoptr(GError) local_error = NULL;

      hdr->nlmsg_type = RTM_DELROUTE;
      hdr->nlmsg_flags = NLM_F_REQUEST;
      if (nl_transact (fd, hdr, NULL, &local_error) == 0)
        removed++;
    }

  close (fd);
  return removed;
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
