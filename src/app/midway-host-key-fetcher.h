/* midway-host-key-fetcher.h: asks a profile's server for its SSH host key
 * (ssh-keyscan), so that a person can check its fingerprint and pin it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_HOST_KEY_FETCHER (midway_host_key_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHostKeyFetcher, midway_host_key_fetcher, MIDWAY, HOST_KEY_FETCHER, GObject)

MidwayHostKeyFetcher *midway_host_key_fetcher_new          (void);

/* ssh-keyscan's -T: seconds to wait for the server (default 10). */
guint                 midway_host_key_fetcher_get_timeout  (MidwayHostKeyFetcher *self);
void                  midway_host_key_fetcher_set_timeout  (MidwayHostKeyFetcher *self,
                                                            guint                 seconds);

/* Fetches the key the server at the profile's host and port presents,
 * the preferred one of ed25519, ECDSA and RSA.  It finishes with the key
 * in the "host-key" field's form ("<type> <base64>"), or an error:
 * G_IO_ERROR_TIMED_OUT, G_IO_ERROR_HOST_UNREACHABLE, G_IO_ERROR_NOT_FOUND
 * (no key of those types), G_IO_ERROR_CANCELLED, MIDWAY_ERROR_SPAWN_FAILED,
 * or MIDWAY_ERROR_INVALID_PROFILE / MIDWAY_ERROR_INVALID_ARGUMENT for a
 * host that is not valid or output that is not a key. */
void                  midway_host_key_fetcher_fetch_async  (MidwayHostKeyFetcher *self,
                                                            MidwayProfile        *profile,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
char                 *midway_host_key_fetcher_fetch_finish (MidwayHostKeyFetcher *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
