/* midway-tray-host-check.h: whether a StatusNotifierWatcher's "a host is
 * registered" can be believed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void     midway_tray_host_check_async  (GDBusConnection     *bus,
                                        const char          *watcher_owner,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);

gboolean midway_tray_host_check_finish (GAsyncResult        *result,
                                        GError             **error);

G_END_DECLS
