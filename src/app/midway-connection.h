/* midway-connection.h: one profile and, while it has one, its tunnel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-dbus-generated.h"
#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_CONNECTION (midway_connection_get_type ())
G_DECLARE_FINAL_TYPE (MidwayConnection, midway_connection, MIDWAY, CONNECTION, GObject)

MidwayConnection *midway_connection_new         (MidwayProfile    *profile);

MidwayProfile    *midway_connection_get_profile (MidwayConnection *self);
const char       *midway_connection_get_id      (MidwayConnection *self);
const char       *midway_connection_get_name    (MidwayConnection *self);

/* NULL while the helper has no tunnel for the profile. */
MidwayTunnel1    *midway_connection_get_tunnel  (MidwayConnection *self);
void              midway_connection_set_tunnel  (MidwayConnection *self,
                                                 MidwayTunnel1    *tunnel);

/* The tunnel's State, or "stopped" without one. */
const char       *midway_connection_get_state   (MidwayConnection *self);
/* Whether a tunnel is on its way up, up, or retrying. */
gboolean          midway_connection_get_active  (MidwayConnection *self);
/* One translated line for people: the state, and the addresses while up
 * or the reason after a failure. */
char             *midway_connection_dup_status  (MidwayConnection *self);

/* Why the last Connect was refused before any tunnel existed, in plain
 * words, or NULL; part of the status line until a tunnel appears. */
void              midway_connection_set_refusal (MidwayConnection *self,
                                                 const char       *words);
const char       *midway_connection_get_refusal (MidwayConnection *self);

/* The tunnel's link, as the helper reports it; "" or 0 without a tunnel
 * or while the link is not up.  Each has a property of the same name
 * ("local-address", "rx-bytes"...) that is notified when the helper says
 * it changed: the counters every few seconds while traffic flows. */
const char       *midway_connection_get_interface       (MidwayConnection *self);
const char       *midway_connection_get_local_address   (MidwayConnection *self);
const char       *midway_connection_get_remote_address  (MidwayConnection *self);
/* CLOCK_REALTIME in µs (g_get_real_time()) when the link last came up. */
gint64            midway_connection_get_connected_since (MidwayConnection *self);
guint64           midway_connection_get_rx_bytes        (MidwayConnection *self);
guint64           midway_connection_get_tx_bytes        (MidwayConnection *self);
guint             midway_connection_get_reconnect_count (MidwayConnection *self);
/* A reason code (midway-reason.h) and its technical detail, or "". */
const char       *midway_connection_get_last_reason     (MidwayConnection *self);
const char       *midway_connection_get_last_message    (MidwayConnection *self);
/* CLOCK_REALTIME in µs of the next attempt while reconnecting, else 0. */
gint64            midway_connection_get_next_retry      (MidwayConnection *self);

/* Tunnel1.GetLog: the last lines ssh, pppd and the helper wrote for the
 * tunnel, oldest first.  Fails with G_IO_ERROR_NOT_CONNECTED without a
 * tunnel; polkit may ask first. */
void              midway_connection_get_log_async       (MidwayConnection     *self,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
GStrv             midway_connection_get_log_finish      (MidwayConnection     *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
