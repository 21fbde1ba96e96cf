/* midway-profile-dialog.h: the profiles window: the list of profiles with
 * their states, and create, edit, duplicate, delete (with undo), import
 * and export.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-key-panel.h"
#include "midway-profile-editor.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_PROFILE_DIALOG (midway_profile_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MidwayProfileDialog, midway_profile_dialog, MIDWAY, PROFILE_DIALOG, AdwWindow)

/* Saves and deletes go to the store midwayctl uses, then reload @list. */
MidwayProfileDialog *midway_profile_dialog_new          (GtkApplication       *application,
                                                         MidwayConnectionList *list);

MidwayProfileEditor *midway_profile_dialog_get_editor   (MidwayProfileDialog  *self);
GtkListBox          *midway_profile_dialog_get_list     (MidwayProfileDialog  *self);
MidwayKeyPanel      *midway_profile_dialog_get_key_panel (MidwayProfileDialog *self);

/* An empty form for a new profile.  With unsaved edits shown, this and
 * midway_profile_dialog_select() first ask Save / Discard / Cancel (so
 * does closing the window). */
void                 midway_profile_dialog_new_profile  (MidwayProfileDialog  *self);
/* Quitting the application: TRUE when nothing is unsaved; otherwise
 * FALSE, and the question is asked, Save or Discard then quitting the
 * window's application. */
gboolean             midway_profile_dialog_may_quit     (MidwayProfileDialog  *self);
/* The Save / Discard / Cancel question while it is open, else NULL. */
AdwMessageDialog    *midway_profile_dialog_get_unsaved_question (MidwayProfileDialog *self);

/* Shows the saved profile @profile_id; FALSE when there is none. */
gboolean             midway_profile_dialog_select       (MidwayProfileDialog  *self,
                                                         const char           *profile_id);

/* What the Import and Export buttons do once a file is chosen. */
gboolean             midway_profile_dialog_import_file  (MidwayProfileDialog  *self,
                                                         GFile                *file,
                                                         GError              **error);
gboolean             midway_profile_dialog_export_file  (MidwayProfileDialog  *self,
                                                         GFile                *file,
                                                         GError              **error);

G_END_DECLS
