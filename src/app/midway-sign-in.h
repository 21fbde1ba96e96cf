/* midway-sign-in.h: what a profile's sign-in needs from the person at
 * connect time: its SSH password, or its key file's passphrase, unless
 * the keyring holds it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "midway-profile.h"
#include "midway-secret-store.h"

G_BEGIN_DECLS

/* Asks when needed (a MidwayPasswordPrompt transient for @parent), and
 * stores the answer in the keyring when the person says so. */
void      midway_sign_in_async  (MidwaySecretStore    *secrets,
                                 MidwayProfile        *profile,
                                 GtkWindow            *parent,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
/* TRUE with *@given the credentials a{sv} typed in ("password" or
 * "passphrase"), or NULL when nothing had to be asked.  FALSE with
 * G_IO_ERROR_CANCELLED when the person cancelled, or the keyring's error. */
gboolean  midway_sign_in_finish (GAsyncResult         *result,
                                 GVariant            **given,
                                 GError              **error);

G_END_DECLS
