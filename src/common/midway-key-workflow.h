/* midway-key-workflow.h: a profile's sign-in key, from and to the keyring.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-secret-store.h"
#include "midway-ssh-key.h"

G_BEGIN_DECLS

/* Where a workflow failed: the same error reads differently when the
 * keyring could not be read than when the key in it is bad. */
typedef enum {
  MIDWAY_KEY_STEP_NONE,              /* it did not fail */
  MIDWAY_KEY_STEP_READ,              /* reading the keyring */
  MIDWAY_KEY_STEP_CHECK,             /* the key itself, as read or as ssh-keygen sees it */
  MIDWAY_KEY_STEP_GENERATE,          /* making a new key */
  MIDWAY_KEY_STEP_STORE_KEY,         /* storing the private key */
  MIDWAY_KEY_STEP_STORE_PASSPHRASE,  /* storing its passphrase, the key already stored */
} MidwayKeyStep;

/* The key stored for @profile_id.  Finishes with NULL and no error when
 * the keyring holds none.  A key that is not in OpenSSH's own format (an
 * imported PEM key) is read by ssh-keygen with the passphrase stored
 * beside it. */
void          midway_key_load_async      (MidwaySecretStore   *store,
                                          const char          *profile_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MidwaySshKey *midway_key_load_finish     (GAsyncResult        *result,
                                          MidwayKeyStep       *failed_step,
                                          GError             **error);

/* A new Ed25519 key for @profile, stored in the keyring in place of any
 * key it had.  The profile's auth method is left as it is. */
void          midway_key_generate_async  (MidwaySecretStore   *store,
                                          MidwayProfile       *profile,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MidwaySshKey *midway_key_generate_finish (GAsyncResult        *result,
                                          MidwayKeyStep       *failed_step,
                                          GError             **error);

/* The private key in @data (any format OpenSSH reads), checked by
 * ssh-keygen with @passphrase and stored for @profile with that
 * passphrase when the key is encrypted.  An encrypted key without the
 * right passphrase fails with MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE and
 * stores nothing: ask, and call again. */
void          midway_key_import_async    (MidwaySecretStore   *store,
                                          MidwayProfile       *profile,
                                          GBytes              *data,
                                          const char          *passphrase,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
MidwaySshKey *midway_key_import_finish   (GAsyncResult        *result,
                                          MidwayKeyStep       *failed_step,
                                          GError             **error);

G_END_DECLS
