/* midway-password-prompt.h: asks for a profile's SSH password when it
 * connects, with "Remember in keyring".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT "connect"
#define MIDWAY_PASSWORD_PROMPT_RESPONSE_CANCEL  "cancel"

#define MIDWAY_TYPE_PASSWORD_PROMPT (midway_password_prompt_get_type ())
G_DECLARE_FINAL_TYPE (MidwayPasswordPrompt, midway_password_prompt, MIDWAY, PASSWORD_PROMPT, AdwMessageDialog)

/* @account is "user@host" as ssh will sign in; without a keyring
 * (@can_remember FALSE) the check box is off and says why. */
MidwayPasswordPrompt *midway_password_prompt_new          (GtkWindow            *parent,
                                                           const char           *profile_name,
                                                           const char           *account,
                                                           gboolean              can_remember);

/* The same for the passphrase of the profile's own key file @key_file. */
MidwayPasswordPrompt *midway_password_prompt_new_passphrase (GtkWindow  *parent,
                                                             const char *profile_name,
                                                             const char *key_file,
                                                             gboolean    can_remember);

GtkEditable          *midway_password_prompt_get_entry    (MidwayPasswordPrompt *self);
GtkCheckButton       *midway_password_prompt_get_remember (MidwayPasswordPrompt *self);

G_END_DECLS
