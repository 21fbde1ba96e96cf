/* midway-host-key-dialog.h: a server's host key shown to a person: to
 * trust and pin it, or, after a mismatch, as a loud error naming both keys.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The responses (AdwMessageDialog::response). */
#define MIDWAY_HOST_KEY_RESPONSE_PIN    "pin"
#define MIDWAY_HOST_KEY_RESPONSE_CANCEL "cancel"
#define MIDWAY_HOST_KEY_RESPONSE_CLOSE  "close"

#define MIDWAY_TYPE_HOST_KEY_DIALOG (midway_host_key_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHostKeyDialog, midway_host_key_dialog, MIDWAY, HOST_KEY_DIALOG, AdwMessageDialog)

/* Asks whether to trust @host_key for @host and @port: "pin" or "cancel"
 * (also what closing it answers).  NULL if @host_key is not a valid key. */
MidwayHostKeyDialog *midway_host_key_dialog_new_confirm  (GtkWindow   *parent,
                                                          const char  *host,
                                                          guint        port,
                                                          const char  *host_key,
                                                          GError     **error);

/* After a host-key-mismatch: the key the profile pins and the one the
 * server presents now (NULL if it could not be fetched, @fetch_error then
 * says why).  Its only response is "close": re-pinning is never offered. */
MidwayHostKeyDialog *midway_host_key_dialog_new_mismatch (GtkWindow   *parent,
                                                          const char  *host,
                                                          guint        port,
                                                          const char  *pinned_key,
                                                          const char  *presented_key,
                                                          const char  *fetch_error);

/* The key shown (the presented one after a mismatch), or NULL. */
const char          *midway_host_key_dialog_get_host_key    (MidwayHostKeyDialog *self);
const char          *midway_host_key_dialog_get_fingerprint (MidwayHostKeyDialog *self);

G_END_DECLS
