/* midway-state.h: what the app remembers between runs, in
 * $XDG_STATE_HOME/midway/state (GSettings would need a schema installed).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *midway_state_dup_path          (void);

/* The profile id the tray's left click connects; NULL when none was
 * remembered or the file cannot be read. */
char     *midway_state_load_last_used    (void);
gboolean  midway_state_save_last_used    (const char  *profile_id,
                                          GError     **error);

/* The profiles "Connect Automatically at Login" is on for. */
GStrv     midway_state_load_autoconnect  (void);
gboolean  midway_state_set_autoconnect   (const char  *profile_id,
                                          gboolean     autoconnect,
                                          GError     **error);

G_END_DECLS
