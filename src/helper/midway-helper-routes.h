/* midway-helper-routes.h: a tunnel's routes, installed over rtnetlink
 * (midway-helper-netlink.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-log.h"
#include "midway-helper-netlink.h"

G_BEGIN_DECLS

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

/* The networks a profile sends through its tunnel, both families: for a
 * full tunnel the halves 0.0.0.0/1, 128.0.0.0/1, ::/1 and 8000::/1 first,
 * then those of "routes". */
GStrv               midway_helper_routes_get_networks (MidwayProfile     *profile);
/* A network of the profile ("10.99.0.0/24") as an RTN_UNICAST route with no
 * interface yet. */
gboolean            midway_helper_routes_parse_network (const char       *text,
                                                        MidwayHelperRoute *route);
/* The host route apply() installs for the ssh server: address through the
 * path it takes now (past a fail-closed block, see
 * midway_helper_netlink_lookup()).  Returns 0 when
 * added (pinned filled in), EEXIST when it was there already (not the
 * caller's), another errno or -1 when not added; logged. */
int                 midway_helper_routes_pin_server   (GInetAddress      *address,
                                                       MidwayHelperLog   *log,
                                                       MidwayHelperRoute *pinned);

G_END_DECLS
