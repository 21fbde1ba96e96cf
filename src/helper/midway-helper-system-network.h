/* midway-helper-system-network.h: whether a profile changes the network
 * of the whole machine, beyond its own networks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "midway-profile.h"
#include "midway-helper-netlink.h"

G_BEGIN_DECLS

/* What the machine reaches now, as the check needs it. */
typedef struct {
  const MidwayHelperRoute *routes;      /* midway_helper_netlink_list_reached() */
  guint                    n_routes;
  const char * const      *resolvers;   /* the nameservers of /etc/resolv.conf */
  gboolean                 per_link_dns; /* systemd-resolved: DNS for a link's own domains */
} MidwayHelperMachine;

/* Pure: the key of the first field of @profile that changes what every
 * user of the machine reaches (a full tunnel, DNS for every name, a route
 * over one the machine already has, a local or peer address on a network
 * it is on), with why set to a translated sentence; NULL when the profile
 * touches only networks of its own. */
const char *midway_helper_system_network_field (MidwayProfile             *profile,
                                                const MidwayHelperMachine *machine,
                                                char                     **why);

/* The nameservers of resolv_conf (a path), "nameserver" lines only. */
GStrv       midway_helper_system_network_read_resolvers (const char *resolv_conf);

G_END_DECLS
