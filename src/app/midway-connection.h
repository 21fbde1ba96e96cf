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

G_END_DECLS
