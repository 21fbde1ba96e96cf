/* midway-helper-netlink.c
 *
 * Routes go in over rtnetlink, never through `ip`: no shell, no PATH, and
 * the kernel's own error for each route.  Every route is marked
 * MIDWAY_HELPER_RTPROT, so that a new helper can flush what a killed one
 * could not.
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
#include "midway-helper-netlink.h"

#define NL_BUFFER_SIZE 32768

typedef MidwayHelperRoute Route;

/* Netlink ------------------------------------------------------------------ */

typedef struct
{
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

int
midway_helper_netlink_open (GError **error)
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
  req->rt.rtm_type = route->type == RTN_UNREACHABLE ? RTN_UNREACHABLE : RTN_UNICAST;
  /* Routes through a gateway are "universe"; a point-to-point link or a
   * directly reachable server is on the link.  An unreachable route has
   * neither, and is "universe" as `ip route add unreachable` makes it. */
  req->rt.rtm_scope = route->has_gateway || route->type == RTN_UNREACHABLE
    ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  add_attr (req, RTA_DST, route->dst, family_size (route->family));
  if (route->type != RTN_UNREACHABLE)
    add_attr (req, RTA_OIF, &route->oif, sizeof route->oif);
  if (route->has_gateway)
    add_attr (req, RTA_GATEWAY, route->gateway, family_size (route->family));
  if (route->priority != 0)
    add_attr (req, RTA_PRIORITY, &route->priority, sizeof route->priority);
}

static char *
route_to_string (const Route *route)
{
  g_autoptr(GInetAddress) dst = g_inet_address_new_from_bytes (route->dst,
                                                               route->family == AF_INET ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_autofree char *dst_text = g_inet_address_to_string (dst);
  char ifname[IF_NAMESIZE] = "?";

  if (route->type == RTN_UNREACHABLE)
    return g_strdup_printf ("unreachable %s/%u metric %u", dst_text, route->dst_len, route->priority);
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

/* Calls each for every route of family the kernel lists (RTM_GETROUTE
 * dump), all tables.  FALSE with error set when the socket failed. */
static gboolean
nl_dump_routes (int fd,
                guint8 family,
                void ( *each ) (struct nlmsghdr *hdr, gpointer user_data),
                gpointer user_data,
                GError **error)
{
  g_autofree char *buffer = NULL;
  struct
  {
    struct nlmsghdr hdr;
    struct rtmsg    rt;
  } dump = { 0 };
  static guint32 dump_seq;

  dump.hdr.nlmsg_len = NLMSG_LENGTH (sizeof (struct rtmsg));
  dump.hdr.nlmsg_type = RTM_GETROUTE;
  dump.hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  /* Apart from nl_transact()'s numbers, so that a late answer to one is
   * never taken for the other. */
  dump.hdr.nlmsg_seq = 0x80000000u | ++dump_seq;
  dump.rt.rtm_family = family;
  if (!nl_send (fd, &dump.hdr, error))
    return FALSE;

  buffer = g_malloc (NL_BUFFER_SIZE);
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
                       "Could not list routes: %s", g_strerror (saved));
          return FALSE;
        }
      for (hdr = (struct nlmsghdr *) buffer; NLMSG_OK (hdr, (guint) n); hdr = NLMSG_NEXT (hdr, n))
        {
          if (hdr->nlmsg_seq != dump.hdr.nlmsg_seq)
            continue;
          if (hdr->nlmsg_type == NLMSG_DONE || hdr->nlmsg_type == NLMSG_ERROR)
            return TRUE;
          if (hdr->nlmsg_type == RTM_NEWROUTE && hdr->nlmsg_len >= NLMSG_LENGTH (sizeof (struct rtmsg)))
            each (hdr, user_data);
        }
    }
}

/* What the machine reaches --------------------------------------------------- */

typedef struct
{
  guint8  family;
  GArray *routes;
} ReachedSearch;

static void
collect_reached (struct nlmsghdr *hdr,
                 gpointer         user_data)
{
  ReachedSearch *search = user_data;
  const struct rtmsg *rt = NLMSG_DATA (hdr);
  gsize size = family_size (search->family);
  guint32 table = rt->rtm_table;
  Route route = { 0 };
  struct rtattr *rta;
  int len = (int) hdr->nlmsg_len - (int) NLMSG_LENGTH (sizeof (struct rtmsg));

  if (rt->rtm_family != search->family || (rt->rtm_flags & RTM_F_CLONED) ||
      rt->rtm_dst_len > size * 8)
    return;
  /* A fail-closed block reaches nothing: it only holds a tunnel's own
   * networks, and its replacement must not count as overriding it. */
  if (rt->rtm_type == RTN_UNREACHABLE && rt->rtm_protocol == MIDWAY_HELPER_RTPROT)
    return;
  if (rt->rtm_type != RTN_UNICAST && rt->rtm_type != RTN_LOCAL)
    return;

  route.family = search->family;
  route.type = rt->rtm_type;
  route.dst_len = rt->rtm_dst_len;
  for (rta = RTM_RTA (rt); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    {
      if (rta->rta_type == RTA_TABLE && RTA_PAYLOAD (rta) >= sizeof table)
        memcpy (&table, RTA_DATA (rta), sizeof table);
      else if (rta->rta_type == RTA_DST && RTA_PAYLOAD (rta) >= size)
        memcpy (route.dst, RTA_DATA (rta), size);
      else if (rta->rta_type == RTA_OIF && RTA_PAYLOAD (rta) >= sizeof route.oif)
        memcpy (&route.oif, RTA_DATA (rta), sizeof route.oif);
      else if (rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD (rta) >= size)
        {
          route.has_gateway = TRUE;
          memcpy (route.gateway, RTA_DATA (rta), size);
        }
      else if (rta->rta_type == RTA_PRIORITY && RTA_PAYLOAD (rta) >= sizeof route.priority)
        memcpy (&route.priority, RTA_DATA (rta), sizeof route.priority);
    }

  /* The main table's routes, and the local table's addresses of this
   * machine (an address with no network of its own is only there). */
  if ((route.type == RTN_UNICAST && table == RT_TABLE_MAIN) ||
      (route.type == RTN_LOCAL && table == RT_TABLE_LOCAL))
    g_array_append_val (search->routes, route);
}

GArray *
midway_helper_netlink_list_reached (GError **error)
{
  g_autoptr(GArray) routes = g_array_new (FALSE, TRUE, sizeof (Route));
  static const guint8 families[] = { AF_INET, AF_INET6 };
  int fd;

  fd = midway_helper_netlink_open (error);
  if (fd < 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      ReachedSearch search = { families[i], routes };

      if (!nl_dump_routes (fd, families[i], collect_reached, &search, error))
        {
          close (fd);
          return NULL;
        }
    }
  close (fd);
  return g_steal_pointer (&routes);
}

/* Looking past a fail-closed block ------------------------------------------ */

/* The best route of the main table for one address, as the kernel picks it
 * there: the longest prefix, then the lowest metric. */
typedef struct
{
  gboolean found;
  guint8   dst_len;
  guint32  priority;
  guint8   type;
  guint8   protocol;
  int      oif;
  gboolean has_gateway;
  guint8   gateway[16];
  gboolean has_source;
  guint8   source[16];
} BestRoute;

typedef struct
{
  guint8        family;
  const guint8 *address;
  BestRoute     with_block;     /* every route: what the kernel sees */
  BestRoute     without_block;  /* Midway's unreachable routes left out */
} BestSearch;

static gboolean
prefix_covers (const guint8 *prefix,
               guint         len,
               const guint8 *address)
{
  guint bytes = len / 8;
  guint bits = len % 8;

  if (memcmp (prefix, address, bytes) != 0)
    return FALSE;
  return bits == 0 || ((prefix[bytes] ^ address[bytes]) & (0xff00 >> bits) & 0xff) == 0;
}

static void
consider (BestRoute       *best,
          const BestRoute *candidate)
{
  if (best->found &&
      (candidate->dst_len < best->dst_len ||
       (candidate->dst_len == best->dst_len && candidate->priority >= best->priority)))
    return;
  *best = *candidate;
  best->found = TRUE;
}

static void
consider_route (struct nlmsghdr *hdr,
                gpointer         user_data)
{
  BestSearch *search = user_data;
  const struct rtmsg *rt = NLMSG_DATA (hdr);
  gsize size = family_size (search->family);
  guint32 table = rt->rtm_table;
  BestRoute candidate = { 0 };
  guint8 dst[16] = { 0 };
  struct rtattr *rta;
  int len = (int) hdr->nlmsg_len - (int) NLMSG_LENGTH (sizeof (struct rtmsg));

  if (rt->rtm_family != search->family || (rt->rtm_flags & (RTM_F_CLONED | RTNH_F_DEAD)) ||
      rt->rtm_dst_len > size * 8)
    return;
  switch (rt->rtm_type)
    {
    case RTN_UNICAST:
    case RTN_UNREACHABLE:
    case RTN_PROHIBIT:
    case RTN_BLACKHOLE:
    case RTN_THROW:
      break;
    default:
      return;
    }

  candidate.dst_len = rt->rtm_dst_len;
  candidate.type = rt->rtm_type;
  candidate.protocol = rt->rtm_protocol;
  for (rta = RTM_RTA (rt); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
    {
      if (rta->rta_type == RTA_TABLE && RTA_PAYLOAD (rta) >= sizeof table)
        memcpy (&table, RTA_DATA (rta), sizeof table);
      else if (rta->rta_type == RTA_DST && RTA_PAYLOAD (rta) >= size)
        memcpy (dst, RTA_DATA (rta), size);
      else if (rta->rta_type == RTA_PRIORITY && RTA_PAYLOAD (rta) >= sizeof candidate.priority)
        memcpy (&candidate.priority, RTA_DATA (rta), sizeof candidate.priority);
      else if (rta->rta_type == RTA_OIF && RTA_PAYLOAD (rta) >= sizeof candidate.oif)
        memcpy (&candidate.oif, RTA_DATA (rta), sizeof candidate.oif);
      else if (rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD (rta) >= size)
        {
          candidate.has_gateway = TRUE;
          memcpy (candidate.gateway, RTA_DATA (rta), size);
        }
      else if (rta->rta_type == RTA_PREFSRC && RTA_PAYLOAD (rta) >= size)
        {
          candidate.has_source = TRUE;
          memcpy (candidate.source, RTA_DATA (rta), size);
        }
      else if (rta->rta_type == RTA_MULTIPATH && RTA_PAYLOAD (rta) >= sizeof (struct rtnexthop) &&
               candidate.oif == 0)
        {
          /* The first of several ways out is as good as any to pin. */
          const struct rtnexthop *nh = RTA_DATA (rta);
          int nh_len = (int) MIN (nh->rtnh_len, RTA_PAYLOAD (rta)) - (int) RTNH_LENGTH (0);
          struct rtattr *nh_rta;

          candidate.oif = nh->rtnh_ifindex;
          for (nh_rta = RTNH_DATA (nh); RTA_OK (nh_rta, nh_len); nh_rta = RTA_NEXT (nh_rta, nh_len))
            if (nh_rta->rta_type == RTA_GATEWAY && RTA_PAYLOAD (nh_rta) >= size)
              {
                candidate.has_gateway = TRUE;
                memcpy (candidate.gateway, RTA_DATA (nh_rta), size);
              }
        }
    }

  if (table != RT_TABLE_MAIN || !prefix_covers (dst, candidate.dst_len, search->address) ||
      (candidate.type == RTN_UNICAST && candidate.oif == 0))
    return;
  consider (&search->with_block, &candidate);
  if (!(candidate.protocol == MIDWAY_HELPER_RTPROT && candidate.type == RTN_UNREACHABLE))
    consider (&search->without_block, &candidate);
}

/* The kernel said "unreachable" (EHOSTUNREACH: a route of that type won).
 * If that route is one of a fail-closed block's, the path that matters is
 * the one the kernel would take without the block: that is where the ssh
 * server's host route is to be pinned, and what tells "offline" from
 * "blocked".  A full tunnel's halves cover the server, and once its
 * pinned host route is gone with an old uplink, the plain look-up would
 * say "no route" for ever.
 *
 * The block is never lifted to ask the kernel: even for a moment, traffic
 * would go out in the clear.  Instead the main table is read and its best
 * route for the address found as the kernel finds it, without the block.
 * Policy rules and other tables are not looked at; for the server's path
 * behind a block, the main table is what the pinned host route joins. */
static gboolean
lookup_past_block (int                      fd,
                   guint8                   family,
                   const guint8            *address,
                   MidwayHelperRouteLookup *result)
{
  g_autoptr(GError) error = NULL;
  BestSearch search = { .family = family, .address = address };
  const BestRoute *best = &search.without_block;

  if (!nl_dump_routes (fd, family, consider_route, &search, &error))
    {
      g_debug ("route look-up past the block failed: %s", error->message);
      return FALSE;
    }
  if (!search.with_block.found || search.with_block.protocol != MIDWAY_HELPER_RTPROT ||
      search.with_block.type != RTN_UNREACHABLE ||
      !best->found || best->type != RTN_UNICAST)
    return FALSE;

  result->type = RTN_UNICAST;
  result->oif = best->oif;
  result->has_gateway = best->has_gateway;
  memcpy (result->gateway, best->gateway, sizeof result->gateway);
  result->has_source = best->has_source;
  memcpy (result->source, best->source, sizeof result->source);
  return TRUE;
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
  if (err == EHOSTUNREACH && lookup_past_block (fd, family, address, result))
    return TRUE;
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
gboolean
midway_helper_netlink_lookup_path (int           fd,
                                   guint8        family,
                                   const guint8 *address,
                                   Route        *host_route,
                                   GError      **error)
{
  MidwayHelperRouteLookup result;

  memset (host_route, 0, sizeof *host_route);
  host_route->family = family;
  host_route->type = RTN_UNICAST;
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
midway_helper_netlink_lookup (GInetAddress            *address,
                              MidwayHelperRouteLookup *result,
                              GError                 **error)
{
  guint8 family;
  gboolean ok;
  int fd;

  g_return_val_if_fail (G_IS_INET_ADDRESS (address), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  family = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  fd = midway_helper_netlink_open (error);
  if (fd < 0)
    return FALSE;
  ok = lookup (fd, family, g_inet_address_to_bytes (address), result, error);
  close (fd);
  return ok;
}

/* Installing and removing ---------------------------------------------------- */

/* Returns 0 (added), the kernel's errno, or -1 when the socket failed;
 * logged in each case.  EEXIST means the same route was there already:
 * not ours, and left alone. */
int
midway_helper_netlink_route_add (int              fd,
                                 const Route     *route,
                                 MidwayHelperLog *log)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = route_to_string (route);
  RouteRequest req;
  int err;

  route_request_init (&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, route);
  err = nl_transact (fd, &req.hdr, NULL, &error);
  if (err == 0)
    midway_helper_log_appendf (log, "helper", "route added: %s", text);
  else if (err == EEXIST)
    midway_helper_log_appendf (log, "helper", "route %s exists already, left alone", text);
  else
    midway_helper_log_appendf (log, "helper", "could not add route %s: %s", text,
                               err < 0 ? error->message : g_strerror (err));
  return err;
}

/* Returns the kernel's errno (0: removed) or -1 when the socket failed.
 * Routes through an interface vanish with it (ESRCH, or ENODEV for its
 * index): gone is what we want, and not logged. */
int
midway_helper_netlink_route_delete (int              fd,
                                    const Route     *route,
                                    MidwayHelperLog *log,
                                    GError         **error)
{
  g_autofree char *text = route_to_string (route);
  RouteRequest req;
  int err;

  route_request_init (&req, RTM_DELROUTE, 0, route);
  err = nl_transact (fd, &req.hdr, NULL, error);
  if (err > 0 && err != ESRCH && err != ENODEV)
    midway_helper_log_appendf (log, "helper", "could not remove route %s: %s",
                               text, g_strerror (err));
  return err;
}

int
midway_helper_netlink_add (const MidwayHelperRoute *route,
                           MidwayHelperLog         *log)
{
  g_autoptr(GError) error = NULL;
  int fd;
  int err;

  g_return_val_if_fail (route != NULL, -1);

  fd = midway_helper_netlink_open (&error);
  if (fd < 0)
    {
      midway_helper_log_appendf (log, "helper", "%s", error->message);
      return -1;
    }
  err = midway_helper_netlink_route_add (fd, route, log);
  close (fd);
  return err;
}

int
midway_helper_netlink_delete (const MidwayHelperRoute *route,
                              MidwayHelperLog         *log)
{
  g_autoptr(GError) error = NULL;
  int fd;
  int err;

  g_return_val_if_fail (route != NULL, -1);

  fd = midway_helper_netlink_open (&error);
  if (fd < 0)
    {
      midway_helper_log_appendf (log, "helper", "%s", error->message);
      return -1;
    }
  err = midway_helper_netlink_route_delete (fd, route, log, &error);
  if (err < 0)
    midway_helper_log_appendf (log, "helper", "route not removed: %s", error->message);
  close (fd);
  return err;
}

static void
collect_stale (struct nlmsghdr *hdr,
               gpointer         user_data)
{
  const struct rtmsg *rt = NLMSG_DATA (hdr);

  /* Every type: a fail-closed block's unreachable routes too.  A killed
   * helper's block stays until the next one starts, and then goes: with
   * no helper to reconnect, nothing is going to lift it otherwise. */
  if (rt->rtm_protocol == MIDWAY_HELPER_RTPROT)
    g_ptr_array_add (user_data, g_memdup2 (hdr, hdr->nlmsg_len));
}

guint
midway_helper_netlink_remove_stale (GError **error)
{
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  guint removed = 0;
  int fd;

  fd = midway_helper_netlink_open (error);
  if (fd < 0)
    return 0;

  /* Collected first and deleted after the dump: changing the table while
   * the kernel walks it could skip entries. */
  if (!nl_dump_routes (fd, AF_UNSPEC, collect_stale, stale, error))
    {
      close (fd);
      return 0;
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
