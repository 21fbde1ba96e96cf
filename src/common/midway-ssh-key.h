/* midway-ssh-key.h: an SSH private key kept in memory only: generated
 * (Ed25519, in-process with libgcrypt) or read from bytes, checked by the
 * real ssh-keygen, and the lines a server needs to accept it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"

G_BEGIN_DECLS

typedef enum {
  MIDWAY_SSH_KEY_ERROR_FAILED,
  MIDWAY_SSH_KEY_ERROR_INVALID,            /* not a private key, damaged, or too large */
  MIDWAY_SSH_KEY_ERROR_UNSUPPORTED,        /* not openssh-key-v1: only ssh-keygen can read it */
  MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE,   /* encrypted, and no or a wrong passphrase */
  MIDWAY_SSH_KEY_ERROR_NO_SUDO,            /* the remote command does not go through sudo */
} MidwaySshKeyError;

#define MIDWAY_SSH_KEY_ERROR (midway_ssh_key_error_quark ())
GQuark midway_ssh_key_error_quark (void);

/* Larger than any key ssh-keygen writes (a 16384-bit RSA key is ~13 KiB). */
#define MIDWAY_SSH_KEY_MAX_SIZE (32 * 1024)

#define MIDWAY_TYPE_SSH_KEY (midway_ssh_key_get_type ())
G_DECLARE_FINAL_TYPE (MidwaySshKey, midway_ssh_key, MIDWAY, SSH_KEY, GObject)

/* A fresh Ed25519 key in OpenSSH's own format, unencrypted, never written
 * anywhere.  @comment: printable, no line breaks. */
MidwaySshKey *midway_ssh_key_generate_ed25519       (const char    *comment,
                                                     GError       **error);

/* Reads an "openssh-key-v1" key (encrypted or not: its public part is in
 * the clear).  Any other PEM private key fails with
 * MIDWAY_SSH_KEY_ERROR_UNSUPPORTED: midway_ssh_key_check_async() reads those. */
MidwaySshKey *midway_ssh_key_new_from_private_data  (GBytes        *data,
                                                     GError       **error);

/* Has the real ssh-keygen load the key (`ssh-keygen -y`, the bytes through
 * an in-memory file, @passphrase on its stdin, never on a command line) and
 * finishes with the key as ssh-keygen sees it.  Any format OpenSSH reads. */
void          midway_ssh_key_check_async            (GBytes              *data,
                                                     const char          *passphrase,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
MidwaySshKey *midway_ssh_key_check_finish           (GAsyncResult        *result,
                                                     GError             **error);

const char   *midway_ssh_key_get_key_type           (MidwaySshKey  *self);
/* "" when unknown (an encrypted key not yet checked). */
const char   *midway_ssh_key_get_comment            (MidwaySshKey  *self);
gboolean      midway_ssh_key_is_encrypted           (MidwaySshKey  *self);
/* "<type> <base64>[ <comment>]", as `ssh-keygen -y` prints it. */
const char   *midway_ssh_key_get_public_line        (MidwaySshKey  *self);
/* "SHA256:<base64 without padding>", as `ssh-keygen -l` prints it. */
const char   *midway_ssh_key_get_fingerprint        (MidwaySshKey  *self);
GBytes       *midway_ssh_key_get_public_blob        (MidwaySshKey  *self);
/* The key file's bytes; the memory is wiped when the last reference goes. */
GBytes       *midway_ssh_key_dup_private_data       (MidwaySshKey  *self);

/* "midway-<profile name>", whitespace turned into "-". */
char         *midway_ssh_key_comment_for_profile    (MidwayProfile *profile);

/* The server-side lines for @profile: the authorized_keys line that lets
 * this key run only the command the helper sends, and the sudoers line
 * that lets the profile's user run only that pppd as root. */
char         *midway_ssh_key_dup_authorized_keys_line (MidwaySshKey  *self,
                                                       MidwayProfile *profile);
char         *midway_ssh_key_dup_sudoers_line       (MidwayProfile *profile,
                                                     GError       **error);

G_END_DECLS
