/* midway-helper-tunnel.h: one tunnel, its attempts and its D-Bus object.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-authority.h"
#include "midway-helper-process.h"
#include "midway-helper-secrets.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_TUNNEL (midway_helper_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperTunnel, midway_helper_tunnel, MIDWAY, HELPER_TUNNEL, GObject)

/* Signals:
 *   finished (): stopped or dismissed and nothing of it runs any more; the
 *     manager unexports it.
 *   activity-changed (): it became active (starting, up, reconnecting) or
 *     inactive (failed, stopped), for the manager's idle exit. */
MidwayHelperTunnel  *midway_helper_tunnel_new              (guint                  serial,
                                                            const char            *object_path,
                                                            const char            *runtime_dir,
                                                            MidwayProfile         *profile,
                                                            MidwayHelperUser      *user,
                                                            MidwayHelperSecrets   *secrets,
                                                            MidwayHelperAuthority *authority);
GDBusObjectSkeleton *midway_helper_tunnel_get_object       (MidwayHelperTunnel    *self);
uid_t                midway_helper_tunnel_get_owner        (MidwayHelperTunnel    *self);
const char          *midway_helper_tunnel_get_profile_id   (MidwayHelperTunnel    *self);
/* Before start: a system profile's tunnel (owned by the system, its
 * block machine-wide, managed by connect-system-profile). */
void                 midway_helper_tunnel_set_system       (MidwayHelperTunnel    *self);
gboolean             midway_helper_tunnel_get_system       (MidwayHelperTunnel    *self);
/* Before start: a fail-closed block for every user, not the owner's
 * alone (change-system-network was granted). */
void                 midway_helper_tunnel_set_machine_wide (MidwayHelperTunnel    *self,
                                                            gboolean               machine_wide);
gboolean             midway_helper_tunnel_is_active        (MidwayHelperTunnel    *self);
gboolean             midway_helper_tunnel_start            (MidwayHelperTunnel    *self,
                                                            GError               **error);
/* Stops (reason stopped-by-user), or dismisses a failed tunnel. */
void                 midway_helper_tunnel_stop             (MidwayHelperTunnel    *self);
/* Helper exit: children killed now, "finished" emitted before it returns. */
void                 midway_helper_tunnel_kill             (MidwayHelperTunnel    *self);
/* The network may have changed (resumed: the machine woke from sleep): a
 * link or attempt whose path to the server moved reconnects at once, one
 * waiting to retry tries now, and with no route at all it waits for one. */
void                 midway_helper_tunnel_network_changed  (MidwayHelperTunnel    *self,
                                                            gboolean               resumed);

G_END_DECLS
