/* midway-helper-netlink.h: routes added, deleted and looked up over
 * rtnetlink.
 *
 * Every route Midway installs carries MIDWAY_HELPER_RTPROT as its routing
 * protocol ("proto 77" in `ip route`), in the main table, so that a helper
 * that starts after a crash can find and remove what its predecessor left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-helper-log.h"

G_BEGIN_DECLS

/* Not in iproute2's rt_protos nor used by any routing daemon we know of;
 * 77 is 'M'. */
#define MIDWAY_HELPER_RTPROT 77

/* What the kernel answers to a route look-up (RTM_GETROUTE, as `ip route
 * get`): the interface, gateway and source address a new connection to that
 * address would use, and the route's type (RTN_LOCAL for one of our own
 * addresses). */
typedef struct {
  guint8   family;       /* AF_INET, AF_INET6 */
  guint8   type;         /* RTN_UNICAST, RTN_LOCAL, ... */
  int      oif;
  gboolean has_gateway;
  guint8   gateway[16];
  gboolean has_source;
  guint8   source[16];
} MidwayHelperRouteLookup;

/* One route as Midway adds and removes it; shared by a tunnel's routes
 * (midway-helper-routes.c) and the fail-closed block
 * (midway-helper-block.c). */
typedef struct {
  guint8   family;       /* AF_INET, AF_INET6 */
  guint8   type;         /* RTN_UNICAST, or RTN_UNREACHABLE (no oif, no gateway) */
  guint8   dst[16];
  guint8   dst_len;
  int      oif;
  gboolean has_gateway;
  guint8   gateway[16];
  guint32  priority;     /* the metric; 0: the kernel's default */
} MidwayHelperRoute;

/* Fails with G_IO_ERROR_NETWORK_UNREACHABLE when there is no route of any
 * use (none, or unreachable, prohibit, blackhole), with another error when
 * the kernel could not be asked.  A fail-closed block's own unreachable
 * routes do not count: behind them, the answer is the main table's route
 * that the block hides (see midway-helper-netlink.c). */
gboolean            midway_helper_netlink_lookup       (GInetAddress            *address,
                                                        MidwayHelperRouteLookup *result,
                                                        GError                 **error);

/* Add and delete one route, marked MIDWAY_HELPER_RTPROT: the kernel's
 * errno (0: done; EEXIST on add: there already, not ours; ESRCH on delete:
 * gone already), or -1 when the socket failed; failures are logged. */
int                 midway_helper_netlink_add          (const MidwayHelperRoute *route,
                                                        MidwayHelperLog         *log);
int                 midway_helper_netlink_delete       (const MidwayHelperRoute *route,
                                                        MidwayHelperLog         *log);

/* Removes every route marked MIDWAY_HELPER_RTPROT: at helper start, nothing
 * can be ours but a dead predecessor's leftovers. Returns how many. */
guint               midway_helper_netlink_remove_stale (GError                 **error);

/* The same on a routing socket the caller opened, for several routes in a
 * row.  open() returns the socket or -1 with error set; the caller closes
 * it.  route_delete() logs only what is not already gone, and sets error
 * when it returns -1. */
int                 midway_helper_netlink_open         (GError                 **error);
int                 midway_helper_netlink_route_add    (int                      fd,
                                                        const MidwayHelperRoute *route,
                                                        MidwayHelperLog         *log);
int                 midway_helper_netlink_route_delete (int                      fd,
                                                        const MidwayHelperRoute *route,
                                                        MidwayHelperLog         *log,
                                                        GError                 **error);
/* The host route (address/32 or /128) along the path the kernel takes to
 * address now, past a fail-closed block: its interface and gateway. */
gboolean            midway_helper_netlink_lookup_path  (int                      fd,
                                                        guint8                   family,
                                                        const guint8            *address,
                                                        MidwayHelperRoute       *host_route,
                                                        GError                 **error);

/* Every route by which the machine reaches something now, both
 * families: the main table's unicast routes (connected ones, via a
 * gateway, the default) and the local table's addresses of this machine
 * (type RTN_LOCAL), as MidwayHelperRoute.  A fail-closed block's
 * unreachable routes are not among them.  NULL with error set when the
 * kernel could not be asked. */
GArray             *midway_helper_netlink_list_reached (GError                 **error);

G_END_DECLS
