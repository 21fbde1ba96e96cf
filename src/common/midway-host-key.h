/* midway-host-key.h: a server's SSH host key as a profile pins it
 * ("<type> <base64>", the known_hosts form), its fingerprint, and the
 * lines ssh-keyscan prints for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest line midway_host_key_parse_keyscan_line() looks at. */
#define MIDWAY_HOST_KEY_LINE_MAX (8192 + 64 + 300)

/* Whether @host_key is a non-empty, valid "host-key" field value; the rule
 * is the profile's own (MIDWAY_ERROR_INVALID_PROFILE, "host-key: …"). */
gboolean  midway_host_key_validate            (const char  *host_key,
                                               GError     **error);

/* "SHA256:" and the unpadded base64 of the SHA-256 of the key blob, as
 * `ssh-keygen -l` prints it.  NULL with an error for an invalid key. */
char     *midway_host_key_dup_fingerprint     (const char  *host_key,
                                               GError     **error);

/* The key type ("ssh-ed25519") of a valid host key. */
char     *midway_host_key_dup_type            (const char  *host_key);

/* Lower is preferred: ed25519, then ECDSA, then RSA, then the rest. */
guint     midway_host_key_type_rank           (const char  *host_key);

/* How ssh-keyscan and known_hosts name a server: "host" on port 22,
 * "[host]:port" otherwise. */
char     *midway_host_key_dup_known_hosts_name (const char *host,
                                                guint       port);

/* One line of ssh-keyscan's output (without its newline): "name type
 * base64", single spaces, nothing else.  The output comes from whoever
 * answers on the network, so anything else is refused with
 * MIDWAY_ERROR_INVALID_ARGUMENT and an escaped excerpt at most.  On
 * success @name and @host_key (the "type base64" part, valid for the
 * profile) are set. */
gboolean  midway_host_key_parse_keyscan_line  (const char  *line,
                                               gsize        length,
                                               char       **name,
                                               char       **host_key,
                                               GError     **error);

/* The translated sentence naming both keys after a mismatch:
 * "pinned SHA256:…, server now presents SHA256:…". */
char     *midway_host_key_describe_mismatch   (const char  *pinned_fingerprint,
                                               const char  *presented_fingerprint);

G_END_DECLS
