/* midway-key-panel.h: the "Sign-in key" group of the profiles dialog: a key
 * made or imported straight into the keyring, its public line, and the
 * lines the server needs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-profile-editor.h"
#include "midway-ssh-key.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_KEY_PANEL (midway_key_panel_get_type ())
G_DECLARE_FINAL_TYPE (MidwayKeyPanel, midway_key_panel, MIDWAY, KEY_PANEL, AdwBin)

GtkWidget    *midway_key_panel_new                    (void);

/* The editor whose profile the panel serves; its "auth" row is set to
 * "keyring-key" once a key is stored. */
void          midway_key_panel_set_editor             (MidwayKeyPanel *self,
                                                       MidwayProfileEditor *editor);
/* Call after every midway_profile_editor_set_profile(): looks up the key
 * stored for the editor's profile. */
void          midway_key_panel_reload                 (MidwayKeyPanel *self);

/* What the Import button does once a file is chosen (asks for a passphrase
 * when the key has one). */
void          midway_key_panel_import_file            (MidwayKeyPanel *self,
                                                       GFile          *file);

/* TRUE while the keyring or ssh-keygen is at work. */
gboolean      midway_key_panel_get_busy               (MidwayKeyPanel *self);
/* The key stored for the profile, NULL when there is none. */
MidwaySshKey *midway_key_panel_get_key                (MidwayKeyPanel *self);

/* The rows showing the key's fingerprint and public line, the
 * authorized_keys line and the sudoers line (in their subtitles), and the
 * label with the last message. */
AdwActionRow *midway_key_panel_get_key_row            (MidwayKeyPanel *self);
AdwActionRow *midway_key_panel_get_public_row         (MidwayKeyPanel *self);
AdwActionRow *midway_key_panel_get_authorized_keys_row (MidwayKeyPanel *self);
AdwActionRow *midway_key_panel_get_sudoers_row        (MidwayKeyPanel *self);
GtkLabel     *midway_key_panel_get_status_label       (MidwayKeyPanel *self);

G_END_DECLS
