/* midway-helper-routes.h: a tunnel's routes, installed over rtnetlink.
 *
 * Every route Midway installs carries MIDWAY_HELPER_RTPROT as its routing
 * protocol ("proto 77" in `ip route`), in the main table, so that a helper
 * that starts after a crash can find and remove what its predecessor left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-log.h"

G_BEGIN_DECLS

/* Not in iproute2's rt_protos nor used by any routing daemon we know of;
 * 77 is 'M'. */
#define MIDWAY_HELPER_RTPROT 77

#define MIDWAY_TYPE_HELPER_ROUTES (midway_helper_routes_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperRoutes, midway_helper_routes, MIDWAY, HELPER_ROUTES, GObject)

MidwayHelperRoutes *midway_helper_routes_new          (MidwayProfile      *profile,
                                                       MidwayHelperLog    *log);
/* Installs the profile's networks (or, for a full tunnel, 0.0.0.0/1 and
 * 128.0.0.0/1, and ::/1 and 8000::/1 with IPv6) through ifname, after a host
 * route to the ssh server through the path it uses now.  The server name
 * is resolved first, without blocking; failures are logged, the link stays
 * up. */
void                midway_helper_routes_apply        (MidwayHelperRoutes *self,
                                                       const char         *ifname);
/* The same for the IPv6 networks, once IPv6CP is up: before that the
 * interface has no IPv6 and the kernel refuses routes through it. */
void                midway_helper_routes_apply_ipv6   (MidwayHelperRoutes *self,
                                                       const char         *ifname);
/* Removes exactly what apply() installed, and cancels an apply() under way. */
void                midway_helper_routes_remove       (MidwayHelperRoutes *self);

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

/* Fails with G_IO_ERROR_NETWORK_UNREACHABLE when there is no route of any
 * use (none, or unreachable, prohibit, blackhole), with another error when
 * the kernel could not be asked.  A fail-closed block's own unreachable
 * routes do not count: behind them, the answer is the main table's route
 * that the block hides (see midway-helper-routes.c). */
gboolean            midway_helper_routes_lookup       (GInetAddress            *address,
                                                       MidwayHelperRouteLookup *result,
                                                       GError                 **error);

/* One route as Midway adds and removes it; shared with the fail-closed
 * block (midway-helper-block.c). */
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

/* The networks a profile sends through its tunnel, both families: for a
 * full tunnel the halves 0.0.0.0/1, 128.0.0.0/1, ::/1 and 8000::/1 first,
 * then those of "routes". */
GStrv               midway_helper_routes_get_networks (MidwayProfile     *profile);
/* A network of the profile ("10.99.0.0/24") as an RTN_UNICAST route with no
 * interface yet. */
gboolean            midway_helper_routes_parse_network (const char       *text,
                                                        MidwayHelperRoute *route);
/* The host route apply() installs for the ssh server: address through the
 * path it takes now (past a fail-closed block, see lookup).  Returns 0 when
 * added (pinned filled in), EEXIST when it was there already (not the
 * caller's), another errno or -1 when not added; logged. */
int                 midway_helper_routes_pin_server   (GInetAddress      *address,
                                                       MidwayHelperLog   *log,
                                                       MidwayHelperRoute *pinned);
/* Add and delete one route, marked MIDWAY_HELPER_RTPROT: the kernel's
 * errno (0: done; EEXIST on add: there already, not ours; ESRCH on delete:
 * gone already), or -1 when the socket failed; failures are logged. */
int                 midway_helper_routes_add          (const MidwayHelperRoute *route,
                                                       MidwayHelperLog         *log);
int                 midway_helper_routes_delete       (const MidwayHelperRoute *route,
                                                       MidwayHelperLog         *log);

/* Removes every route marked MIDWAY_HELPER_RTPROT: at helper start, nothing
 * can be ours but a dead predecessor's leftovers. Returns how many. */
guint               midway_helper_routes_remove_stale (GError            **error);

G_END_DECLS
