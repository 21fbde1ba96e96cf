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

/* Removes every route marked MIDWAY_HELPER_RTPROT: at helper start, nothing
 * can be ours but a dead predecessor's leftovers. Returns how many. */
guint               midway_helper_routes_remove_stale (GError            **error);

G_END_DECLS
