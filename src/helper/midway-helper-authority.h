/* midway-helper-authority.h: who is calling, and may they.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define MIDWAY_ACTION_CONNECT              "io.github.midway_vpn.Midway.connect"
#define MIDWAY_ACTION_MANAGE_OWN_TUNNEL    "io.github.midway_vpn.Midway.manage-own-tunnel"
#define MIDWAY_ACTION_MANAGE_OTHER_TUNNELS "io.github.midway_vpn.Midway.manage-other-tunnels"
#define MIDWAY_ACTION_CHANGE_SYSTEM_NETWORK "io.github.midway_vpn.Midway.change-system-network"
#define MIDWAY_ACTION_CONNECT_SYSTEM_PROFILE "io.github.midway_vpn.Midway.connect-system-profile"

#define MIDWAY_TYPE_HELPER_AUTHORITY (midway_helper_authority_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperAuthority, midway_helper_authority, MIDWAY, HELPER_AUTHORITY, GObject)

MidwayHelperAuthority *midway_helper_authority_new              (GError               **error);

/* The D-Bus handlers own their invocation (transfer full) and pass an extra
 * reference as @user_data; the callback returns through the invocation,
 * which consumes one reference, and drops the other with g_autoptr.
 *
 * Finds the caller's uid from the bus (never from a PID), then asks polkit
 * about the caller's bus name: @action_id when the caller is @owner, else
 * @other_action_id.  Pass owner = (uid_t) -1 and other_action_id = NULL
 * when the call concerns no existing object. */
void                   midway_helper_authority_authorize_async  (MidwayHelperAuthority  *self,
                                                                 GDBusMethodInvocation  *invocation,
                                                                 const char             *action_id,
                                                                 const char             *other_action_id,
                                                                 uid_t                   owner,
                                                                 GAsyncReadyCallback     callback,
                                                                 gpointer                user_data);
/* Checks under way, for everything that waits for them to end. */
guint                  midway_helper_authority_get_n_pending    (MidwayHelperAuthority  *self);
gboolean               midway_helper_authority_authorize_finish (MidwayHelperAuthority  *self,
                                                                 GAsyncResult           *result,
                                                                 uid_t                  *caller_uid,
                                                                 GError                **error);

G_END_DECLS
