/* midway-helper-block.h: a fail-closed tunnel's block.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-log.h"

G_BEGIN_DECLS

/* Above any metric a real route gets (IPv4 routes through ppp have 0,
 * IPv6 ones the kernel's 1024, DHCP and RA routes a few hundred or
 * thousand): the tunnel's own routes to the same networks always win. */
#define MIDWAY_HELPER_BLOCK_METRIC 0x7ffffff0u

#define MIDWAY_TYPE_HELPER_BLOCK (midway_helper_block_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperBlock, midway_helper_block, MIDWAY, HELPER_BLOCK, GObject)

MidwayHelperBlock *midway_helper_block_new    (MidwayProfile     *profile,
                                               MidwayHelperLog   *log);
/* At each attempt's start.  The first time: pins a host route to the ssh
 * server through its path now, then makes each of the profile's networks
 * (a full tunnel: both halves of IPv4 and of IPv6) unreachable.  After
 * that: pins the server again, through whatever path it takes now. */
void               midway_helper_block_apply  (MidwayHelperBlock *self);
/* Lifts the block, then the pins.  Also done by dispose. */
void               midway_helper_block_remove (MidwayHelperBlock *self);

G_END_DECLS
