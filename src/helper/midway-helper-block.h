/* midway-helper-block.h: a fail-closed tunnel's block.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <sys/types.h>

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-log.h"

G_BEGIN_DECLS

/* Above any metric a real route gets (IPv4 routes through ppp have 0,
 * IPv6 ones the kernel's 1024, DHCP and RA routes a few hundred or
 * thousand): the tunnel's own routes to the same networks always win. */
#define MIDWAY_HELPER_BLOCK_METRIC 0x7ffffff0u

/* How long a tunnel that gave up (state failed) keeps its block: as long
 * as the helper's idle exit would have kept it alone, whoever else has
 * tunnels. */
#define MIDWAY_HELPER_BLOCK_FAILED_HOLD_S 60

#define MIDWAY_TYPE_HELPER_BLOCK (midway_helper_block_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperBlock, midway_helper_block, MIDWAY, HELPER_BLOCK, GObject)

/* Blocks UID's traffic only, unless made machine-wide. */
MidwayHelperBlock *midway_helper_block_new    (MidwayProfile     *profile,
                                               uid_t              uid,
                                               MidwayHelperLog   *log);
/* For the admin action and system profiles: every user's traffic, by
 * unreachable routes.  FALSE by default; set before the first apply. */
void               midway_helper_block_set_machine_wide (MidwayHelperBlock *self,
                                                         gboolean           machine_wide);
gboolean           midway_helper_block_get_machine_wide (MidwayHelperBlock *self);
/* At each attempt's start.  Per user: puts the block in place, written
 * again whenever the server's name resolves.  Machine-wide, the first time: pins a host route to the ssh
 * server through its path now, then makes each of the profile's networks
 * (a full tunnel: both halves of IPv4 and of IPv6) unreachable.  After
 * that: pins the server again, through whatever path it takes now. */
void               midway_helper_block_apply  (MidwayHelperBlock *self);
/* Lifts the block, then the pins; CALLBACK runs once nothing of it is
 * left (a per-user block's firewall rules go in the firewall's worker).
 * Also done by dispose, with nobody waiting. */
void               midway_helper_block_remove_async  (MidwayHelperBlock   *self,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
void               midway_helper_block_remove_finish (MidwayHelperBlock   *self,
                                                      GAsyncResult        *result);

G_END_DECLS
