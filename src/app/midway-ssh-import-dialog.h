/* midway-ssh-import-dialog.h: picks hosts of ~/.ssh/config to import as
 * profiles.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-ssh-config.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_SSH_IMPORT_DIALOG (midway_ssh_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MidwaySshImportDialog, midway_ssh_import_dialog, MIDWAY, SSH_IMPORT_DIALOG, AdwWindow)

/* One row per entry of @config; an entry that is no valid profile shows
 * why and cannot be checked.  @existing (a GListModel of MidwayConnection)
 * marks the hosts whose server, user and port a profile already has.
 * "import" is emitted when the person confirms; the dialog stays open
 * until the handler closes it. */
MidwaySshImportDialog *midway_ssh_import_dialog_new           (GtkWindow             *parent,
                                                               MidwaySshConfig       *config,
                                                               GListModel            *existing);

/* The profiles of the checked rows, in list order. */
GPtrArray             *midway_ssh_import_dialog_dup_selected  (MidwaySshImportDialog *self);

guint                  midway_ssh_import_dialog_get_n_rows    (MidwaySshImportDialog *self);
/* The row and check button of the entry shown as @alias; NULL when none. */
AdwActionRow          *midway_ssh_import_dialog_get_row       (MidwaySshImportDialog *self,
                                                               const char            *alias);
GtkCheckButton        *midway_ssh_import_dialog_get_check     (MidwaySshImportDialog *self,
                                                               const char            *alias);
/* Whether a saved profile already has the entry's server, user and port. */
gboolean               midway_ssh_import_dialog_is_imported   (MidwaySshImportDialog *self,
                                                               const char            *alias);

G_END_DECLS
