/* midway-helper-address-check.h: whether the addresses a peer gave the
 * link can be used on this machine.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One IPv4 address of one interface, as getifaddrs() lists it. */
typedef struct {
  char     ifname[16];
  guint8   address[4];
  guint    prefix_length;
  gboolean point_to_point;
  guint8   peer[4];           /* point_to_point: the other end */
} MidwayHelperIfAddress;

/* Every IPv4 address of every interface now. */
GArray   *midway_helper_if_addresses_get         (void);

/* Pure: FALSE, with why set, when local is an address of another
 * interface, lies in the network of one (a connected route: another host
 * on that network), or is the other end of another point-to-point link.
 * The interface own_ifname (the link itself) does not count. */
gboolean  midway_helper_local_address_is_free    (const char                  *local,
                                                  const char                  *own_ifname,
                                                  const MidwayHelperIfAddress *addresses,
                                                  guint                        n_addresses,
                                                  char                       **why);

G_END_DECLS
