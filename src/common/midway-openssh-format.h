/* midway-openssh-format.h: OpenSSH's own private key format, in memory
 * that is wiped when freed.  The parts of midway-ssh-key.c that need no
 * libgcrypt and no ssh-keygen.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MIDWAY_ED25519_KEY_SIZE 32

/* What the clear part of a key file says. */
typedef struct {
  char    *key_type;     /* "ssh-ed25519", "ssh-rsa", … */
  GBytes  *public_blob;  /* the public key in SSH wire format */
  char    *comment;      /* NULL when encrypted or not reached */
  gboolean encrypted;
} MidwayOpensshInfo;

void     midway_openssh_info_clear      (MidwayOpensshInfo *info);

/* A GBytes over zeroed memory of @length, wiped when the last reference
 * goes; fill it through @data before anyone else sees it. */
GBytes  *midway_secret_bytes_new        (gsize              length,
                                         guint8           **data);
GBytes  *midway_secret_bytes_new_copy   (const void        *data,
                                         gsize              length);

/* MIDWAY_SSH_KEY_ERROR_INVALID unless @data names a key type (letters,
 * digits, "-_.@", at most 64) / is a comment (UTF-8 text on one line). */
gboolean midway_openssh_check_key_type  (const guint8      *data,
                                         gsize              length,
                                         GError           **error);
gboolean midway_openssh_check_comment   (const char        *comment,
                                         gsize              length,
                                         GError           **error);

/* "ssh-ed25519" and the key, in SSH wire format. */
GBytes  *midway_openssh_ed25519_blob    (const guint8       public_key[MIDWAY_ED25519_KEY_SIZE]);
/* The armored, unencrypted key file; @comment must pass the check above. */
GBytes  *midway_openssh_write_ed25519   (const guint8       public_key[MIDWAY_ED25519_KEY_SIZE],
                                         const guint8       seed[MIDWAY_ED25519_KEY_SIZE],
                                         const char        *comment,
                                         guint32            check);

/* Fills @info from an openssh-key-v1 file.  Another PEM private key fails
 * with MIDWAY_SSH_KEY_ERROR_UNSUPPORTED, anything else with _INVALID. */
gboolean midway_openssh_parse           (GBytes            *data,
                                         MidwayOpensshInfo *info,
                                         GError           **error);
/* A PEM key (not openssh-key-v1) that says it is encrypted. */
gboolean midway_openssh_is_encrypted_pem (GBytes           *data);

G_END_DECLS
