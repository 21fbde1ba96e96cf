/* midway-helper-scope.h: a user's child of the helper in a systemd scope.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_SCOPE (midway_helper_scope_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperScope, midway_helper_scope, MIDWAY, HELPER_SCOPE, GObject)

/* @pid waits (in midway-helper-launch) until a byte arrives on the other
 * end of @release_fd, which the scope takes.  A @held one also waits for
 * midway_helper_scope_release(). */
MidwayHelperScope *midway_helper_scope_new   (GPid               pid,
                                              uid_t              uid,
                                              int                release_fd,
                                              gboolean           held);
/* Where systemd runs, moves @pid into a transient scope in the user's
 * slice; then, or at once without systemd, releases it (a held one once
 * midway_helper_scope_release() was called too).  Never blocks: the
 * helper's own system bus connection is there already. */
void               midway_helper_scope_start (MidwayHelperScope *self);
/* Lifts the hold of a held scope. */
void               midway_helper_scope_release (MidwayHelperScope *self);
/* Stops the scope, if there is one: systemd kills whatever is left in its
 * cgroup, setsid or not.  Never blocks. */
void               midway_helper_scope_stop  (MidwayHelperScope *self);
/* The scope's unit name, or NULL when there is none (yet). */
const char        *midway_helper_scope_get_unit (MidwayHelperScope *self);

G_END_DECLS
