/* midway-helper-logind.h: logind's Manager signals, from logind only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MIDWAY_HELPER_LOGIND_NAME    "org.freedesktop.login1"
#define MIDWAY_HELPER_LOGIND_PATH    "/org/freedesktop/login1"
#define MIDWAY_HELPER_LOGIND_MANAGER "org.freedesktop.login1.Manager"

#define MIDWAY_TYPE_HELPER_LOGIND (midway_helper_logind_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperLogind, midway_helper_logind, MIDWAY, HELPER_LOGIND, GObject)

/* Signals:
 *   manager-signal::MEMBER (const char *member, GVariant *parameters):
 *     logind's Manager sent MEMBER (SessionRemoved, UserRemoved,
 *     PrepareForSleep, ...), from the unique name that owns logind's
 *     name at the time; anything else with the same member and path is
 *     dropped.  Never emitted while logind is not on the bus. */
MidwayHelperLogind *midway_helper_logind_new            (GDBusConnection    *system_bus);
GDBusConnection    *midway_helper_logind_get_connection (MidwayHelperLogind *self);
/* logind's unique name, for calls to it; NULL while it is not running. */
const char         *midway_helper_logind_get_owner      (MidwayHelperLogind *self);

G_END_DECLS
