/* midway-helper-secrets.h: what a caller lends one connection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_SECRET_SSH_AUTH_SOCK "ssh-auth-sock"
#define MIDWAY_SECRET_PRIVATE_KEY   "private-key"
#define MIDWAY_SECRET_PASSPHRASE    "passphrase"
#define MIDWAY_SECRET_PASSWORD      "password"

typedef struct {
  char   *ssh_auth_sock;  /* agent auth: the caller's own agent socket, or NULL */
  GBytes *private_key;    /* keyring-key auth */
  char   *askpass_secret; /* the passphrase or the password, whichever the auth needs */
} MidwayHelperSecrets;

/* Validates the Connect call's credentials a{sv} against @profile: only
 * the keys the profile's auth method uses, each checked (sizes,
 * characters, an absolute agent socket path).  Whose the paths are is
 * checked later, as the caller (midway-helper-launch). */
MidwayHelperSecrets *midway_helper_secrets_new_from_variant (GVariant       *credentials,
                                                             MidwayProfile  *profile,
                                                             uid_t           caller,
                                                             GError        **error);
void                 midway_helper_secrets_free             (MidwayHelperSecrets *secrets);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayHelperSecrets, midway_helper_secrets_free)

G_END_DECLS
