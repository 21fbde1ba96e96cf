/* midway-helper-manager.h: the helper's bus API and its tunnels.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_MANAGER (midway_helper_manager_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperManager, midway_helper_manager, MIDWAY, HELPER_MANAGER, GObject)

/* Signals: idle (): no active tunnel and no call under way. */
MidwayHelperManager *midway_helper_manager_new      (GDBusConnection     *connection,
                                                     const char          *runtime_dir,
                                                     GError             **error);
gboolean             midway_helper_manager_is_idle  (MidwayHelperManager *self);
/* Stops every tunnel now, children killed: for the helper's exit. */
void                 midway_helper_manager_shutdown (MidwayHelperManager *self);

G_END_DECLS
