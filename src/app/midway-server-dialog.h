/* midway-server-dialog.h: "Set Up Server…", the assistant that runs
 * midwayctl server's code (MidwayServerSetup) for one profile and shows
 * each step with its result.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_SERVER_DIALOG (midway_server_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MidwayServerDialog, midway_server_dialog, MIDWAY, SERVER_DIALOG, AdwWindow)

/* Emits "profile-changed" (MidwayProfile *) with the profile as a
 * successful setup or remove (or "Copy Script") leaves it; the caller
 * saves it. */
MidwayServerDialog *midway_server_dialog_new                (GtkWindow          *parent,
                                                             MidwayProfile      *profile);

/* For the tests: the rows, the steps shown and the status line. */
GtkEditable        *midway_server_dialog_get_lan_row        (MidwayServerDialog *self);
GtkSwitch          *midway_server_dialog_get_gateway_switch (MidwayServerDialog *self);
GtkEditable        *midway_server_dialog_get_password_row   (MidwayServerDialog *self);
GtkEditable        *midway_server_dialog_get_identity_row   (MidwayServerDialog *self);
GtkListBox         *midway_server_dialog_get_steps          (MidwayServerDialog *self);
GtkLabel           *midway_server_dialog_get_status         (MidwayServerDialog *self);
/* TRUE while a run is under way. */
gboolean            midway_server_dialog_is_busy            (MidwayServerDialog *self);

G_END_DECLS
