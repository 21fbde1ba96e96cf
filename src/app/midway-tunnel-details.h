/* midway-tunnel-details.h: one connection's tunnel in full: its state,
 * addresses, uptime, byte counts, last problem and log.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_TUNNEL_DETAILS (midway_tunnel_details_get_type ())
G_DECLARE_FINAL_TYPE (MidwayTunnelDetails, midway_tunnel_details, MIDWAY, TUNNEL_DETAILS, AdwBin)

GtkWidget        *midway_tunnel_details_new            (void);

/* NULL shows nothing. */
MidwayConnection *midway_tunnel_details_get_connection (MidwayTunnelDetails *self);
void              midway_tunnel_details_set_connection (MidwayTunnelDetails *self,
                                                        MidwayConnection    *connection);

/* Asks the helper for the log again. */
void              midway_tunnel_details_reload_log     (MidwayTunnelDetails *self);

/* Whether the once-a-second uptime clock runs: only while shown and the
 * link is up, so that an idle app never wakes up. */
gboolean          midway_tunnel_details_get_ticking    (MidwayTunnelDetails *self);

/* "Connect Automatically at Login" for the connection shown. */
GtkSwitch *midway_tunnel_details_get_autoconnect_switch (MidwayTunnelDetails *self);

G_END_DECLS
