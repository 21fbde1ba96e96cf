/* midway-notifier.h: desktop notifications for tunnel state changes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-dbus-generated.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_NOTIFIER (midway_notifier_get_type ())
G_DECLARE_FINAL_TYPE (MidwayNotifier, midway_notifier, MIDWAY, NOTIFIER, GObject)

MidwayNotifier *midway_notifier_new             (void);

/* Drops and restores of one tunnel closer together than this fold into a
 * single "unstable" message (default 30000 ms). */
guint           midway_notifier_get_fold_window (MidwayNotifier *self);
void            midway_notifier_set_fold_window (MidwayNotifier *self,
                                                 guint           milliseconds);

/* Follows the tunnel's state until unwatched or finalized.  Signals
 * "show-log" and "retry" carry the tunnel whose failure message offered
 * them. */
void            midway_notifier_watch           (MidwayNotifier *self,
                                                 MidwayTunnel1  *tunnel);
void            midway_notifier_unwatch         (MidwayNotifier *self,
                                                 MidwayTunnel1  *tunnel);

/* Replaces ssh's line in the failure message of @tunnel with @detail (the
 * app's own finding, such as both host key fingerprints), and shows it
 * again if the tunnel has failed.  Cleared when the tunnel moves on. */
void            midway_notifier_set_failure_detail (MidwayNotifier *self,
                                                    MidwayTunnel1  *tunnel,
                                                    const char     *detail);

/* A Connect that was refused before any tunnel existed: one notification
 * per profile, replaced by the next refusal, closed when withdrawn (a
 * tunnel for the profile appeared).  Clicking it emits "show-profile".
 * A failed tunnel's bubble outlives its tunnel the same way, its Retry
 * then emitting "retry-profile"; other bubbles close with their tunnel. */
void            midway_notifier_show_refusal     (MidwayNotifier *self,
                                                  const char     *profile_id,
                                                  const char     *summary,
                                                  const char     *body);
void            midway_notifier_withdraw_refusal (MidwayNotifier *self,
                                                  const char     *profile_id);

G_END_DECLS
