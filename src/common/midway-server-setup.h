/* midway-server-setup.h: runs the server script (midway-server-script.h)
 * over ssh, as the profile's account, with root through sudo.  Used by
 * "midwayctl server" and meant for the app's assistant alike.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-server-script.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_SERVER_SETUP (midway_server_setup_get_type ())
G_DECLARE_FINAL_TYPE (MidwayServerSetup, midway_server_setup, MIDWAY, SERVER_SETUP, GObject)

MidwayServerSetup  *midway_server_setup_new                 (MidwayProfile        *profile,
                                                             MidwayServerAction    action);
void                midway_server_setup_set_lans            (MidwayServerSetup    *self,
                                                             const char *const    *lans);
void                midway_server_setup_set_gateway         (MidwayServerSetup    *self,
                                                             gboolean              gateway);
void                midway_server_setup_set_dns             (MidwayServerSetup    *self,
                                                             const char *const    *dns);
/* "TYPE BASE64" of the profile's key, for its authorized_keys line. */
void                midway_server_setup_set_public_key      (MidwayServerSetup    *self,
                                                             const char           *public_key);
/* Sign in with this key file instead of the profile's own sign-in: once
 * setup has restricted the profile's key to pppd, it can run nothing else. */
void                midway_server_setup_set_identity_file   (MidwayServerSetup    *self,
                                                             const char           *path);
/* The private key of a keyring-key profile, lent to ssh for the session
 * through a file of the user's own in the runtime directory. */
void                midway_server_setup_set_identity_data   (MidwayServerSetup    *self,
                                                             GBytes               *private_key);
/* Written to sudo only when it prompts; never stored or put in argv or env. */
void                midway_server_setup_set_sudo_password   (MidwayServerSetup    *self,
                                                             GBytes               *password);

/* The script, for sudo over ssh or (via_sudo FALSE) for root by hand. */
char               *midway_server_setup_build_script        (MidwayServerSetup    *self,
                                                             gboolean              via_sudo,
                                                             GError              **error);

void                midway_server_setup_run_async           (MidwayServerSetup    *self,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* The server's report once the script ran to its end (report->ok says
 * whether every step is in place); NULL with an error when ssh, sudo or
 * the server's output failed first. */
MidwayServerReport *midway_server_setup_run_finish          (MidwayServerSetup    *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);
/* What the server wrote to standard error, control characters escaped;
 * for a person to read, never interpreted. */
const char         *midway_server_setup_get_server_messages (MidwayServerSetup    *self);

/* A copy of a password whose memory is wiped when the last reference goes. */
GBytes             *midway_server_password_new              (const char           *text,
                                                             gsize                 length);

/* "TYPE BASE64" of the key the profile signs in with: a key-file's FILE.pub,
 * or the public half of @keyring_private_key for a keyring-key profile.
 * NULL when it cannot be known (agent or password sign-in, no .pub). */
char               *midway_server_public_key_for_profile    (MidwayProfile        *profile,
                                                             GBytes               *keyring_private_key);

/* The profile as setup leaves it (remote command "sudo -n pppd call
 * midway-USER", addresses left to the server), or as remove leaves it. */
gboolean            midway_server_setup_apply_to_profile    (MidwayServerSetup    *self,
                                                             MidwayProfile        *profile,
                                                             GError              **error);

G_END_DECLS
