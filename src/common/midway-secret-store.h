/* midway-secret-store.h: the keyring entries of a profile (private key,
 * passphrase, password), kept by the Secret Service under Midway's own
 * schema and looked up by profile id.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"

G_BEGIN_DECLS

typedef enum {
  MIDWAY_SECRET_PRIVATE_KEY,  /* an OpenSSH private key, as bytes */
  MIDWAY_SECRET_PASSPHRASE,   /* the passphrase of that key */
  MIDWAY_SECRET_PASSWORD,     /* the SSH password of the profile's user */
} MidwaySecretKind;

typedef enum {
  MIDWAY_SECRET_STORE_ERROR_FAILED,
  MIDWAY_SECRET_STORE_ERROR_NO_SERVICE,  /* no Secret Service on the session bus */
  MIDWAY_SECRET_STORE_ERROR_LOCKED,      /* the keyring stayed locked */
} MidwaySecretStoreError;

#define MIDWAY_SECRET_STORE_ERROR (midway_secret_store_error_quark ())
GQuark midway_secret_store_error_quark (void);

#define MIDWAY_TYPE_SECRET_STORE (midway_secret_store_get_type ())
G_DECLARE_FINAL_TYPE (MidwaySecretStore, midway_secret_store, MIDWAY, SECRET_STORE, GObject)

MidwaySecretStore *midway_secret_store_new                     (void);

const char        *midway_secret_kind_to_string                (MidwaySecretKind     kind);

void               midway_secret_store_store_async             (MidwaySecretStore   *self,
                                                                const char          *profile_id,
                                                                const char          *profile_name,
                                                                MidwaySecretKind     kind,
                                                                GBytes              *secret,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean           midway_secret_store_store_finish            (MidwaySecretStore   *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Finishes with NULL and no error when nothing is stored. */
void               midway_secret_store_lookup_async            (MidwaySecretStore   *self,
                                                                const char          *profile_id,
                                                                MidwaySecretKind     kind,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
GBytes            *midway_secret_store_lookup_finish           (MidwaySecretStore   *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* Removes every entry of the profile (all kinds). */
void               midway_secret_store_clear_async             (MidwaySecretStore   *self,
                                                                const char          *profile_id,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean           midway_secret_store_clear_finish            (MidwaySecretStore   *self,
                                                                GAsyncResult        *result,
                                                                GError             **error);

/* The credentials a{sv} of Helper1.Connect ("private-key" ay, "passphrase" s,
 * "password" s) with whatever the keyring holds for the profile; an empty
 * dictionary when it holds nothing. */
void               midway_secret_store_lookup_credentials_async (MidwaySecretStore  *self,
                                                                 const char         *profile_id,
                                                                 GCancellable       *cancellable,
                                                                 GAsyncReadyCallback callback,
                                                                 gpointer            user_data);
GVariant          *midway_secret_store_lookup_credentials_finish (MidwaySecretStore *self,
                                                                  GAsyncResult      *result,
                                                                  GError           **error);

/* Only the entries of @credentials that @auth signs in with.  The
 * keyring keeps what a profile held under an earlier sign-in method (a
 * password, then a generated key), and the helper refuses a credential
 * the profile's method does not use. */
GVariant          *midway_secret_store_filter_credentials        (GVariant          *credentials,
                                                                  MidwayAuthMethod   auth);

G_END_DECLS
