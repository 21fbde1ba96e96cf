/* midway-autostart.h: whether midway starts at login, as the user's XDG
 * autostart entry $XDG_CONFIG_HOME/autostart/io.github.midway_vpn.Midway.desktop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The option the entry starts midway with: into the tray, its window
 * shown only when no tray host would show the icon. */
#define MIDWAY_HIDDEN_OPTION "hidden"

#define MIDWAY_TYPE_AUTOSTART (midway_autostart_get_type ())
G_DECLARE_FINAL_TYPE (MidwayAutostart, midway_autostart, MIDWAY, AUTOSTART, GObject)

/* The entry under g_get_user_config_dir(), read as it is then. */
MidwayAutostart *midway_autostart_new         (void);

const char      *midway_autostart_get_path    (MidwayAutostart  *self);

/* Whether the entry exists: asked of the file system each time, since
 * the user (or a session settings tool) may remove it behind our back. */
gboolean         midway_autostart_get_enabled (MidwayAutostart  *self);

/* Writes or removes the entry.  Removing one that is not there is no
 * error. */
gboolean         midway_autostart_set_enabled (MidwayAutostart  *self,
                                               gboolean          enabled,
                                               GError          **error);

G_END_DECLS
