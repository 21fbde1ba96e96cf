/* midway-helper-sessions.h: when a user's last logind session ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

#include "midway-helper-logind.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_SESSIONS (midway_helper_sessions_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperSessions, midway_helper_sessions, MIDWAY, HELPER_SESSIONS, GObject)

/* Signals:
 *   user-left (guint uid): logind removed the user, or removed a session
 *     and the user has none left that is online or active.  Only users
 *     that midway_helper_sessions_watch_user() named are asked about. */
MidwayHelperSessions *midway_helper_sessions_new          (MidwayHelperLogind   *logind);
/* Users the caller has something of (their tunnels); a session's end
 * makes the watcher ask logind about these, and about no one else. */
void                  midway_helper_sessions_set_users    (MidwayHelperSessions *self,
                                                           GArray               *uids);

G_END_DECLS
