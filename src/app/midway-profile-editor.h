/* midway-profile-editor.h: the fields of one profile, one row per field of
 * the shared library's table, each checked as it is typed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_PROFILE_EDITOR (midway_profile_editor_get_type ())
G_DECLARE_FINAL_TYPE (MidwayProfileEditor, midway_profile_editor, MIDWAY, PROFILE_EDITOR, AdwBin)

GtkWidget     *midway_profile_editor_new             (void);

/* Shows a copy of @profile; edits never touch @profile itself. */
void           midway_profile_editor_set_profile     (MidwayProfileEditor  *self,
                                                      MidwayProfile        *profile);
/* The profile as edited so far: every field whose text is valid. */
MidwayProfile *midway_profile_editor_get_profile     (MidwayProfileEditor  *self);

/* Whether the form differs from the profile last set or marked saved. */
gboolean       midway_profile_editor_get_modified    (MidwayProfileEditor  *self);
void           midway_profile_editor_mark_saved      (MidwayProfileEditor  *self);

/* The edited profile when every field and the whole are valid; otherwise
 * NULL with the library's message, and the field it names marked. */
MidwayProfile *midway_profile_editor_check           (MidwayProfileEditor  *self,
                                                      GError              **error);

/* What the field's widget shows as the key file's text ("22", "agent",
 * "true"), and setting it through that widget, as a person would. */
void           midway_profile_editor_set_text        (MidwayProfileEditor  *self,
                                                      const char           *key,
                                                      const char           *text);
char          *midway_profile_editor_dup_text        (MidwayProfileEditor  *self,
                                                      const char           *key);

/* The row that edits @key (an AdwEntryRow for text, an AdwComboRow for
 * the sign-in method, an AdwActionRow holding a GtkSpinButton for a number
 * or a GtkSwitch for a boolean), and the label under it that shows its
 * error, which names the row by its label.  A message from typing shows
 * under the row once focus leaves it (until then the row is marked and
 * its tooltip says why); others show at once. */
GtkWidget     *midway_profile_editor_get_row         (MidwayProfileEditor  *self,
                                                      const char           *key);
GtkLabel      *midway_profile_editor_get_error_label (MidwayProfileEditor  *self,
                                                      const char           *key);

G_END_DECLS
