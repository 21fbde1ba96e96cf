/* midway-helper-runtime-dir.h: a tunnel's runtime directory
 * (/run/midway/tunnel-N) and the files ssh is given in it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-helper-secrets.h"

G_BEGIN_DECLS

#define MIDWAY_HELPER_KNOWN_HOSTS_FILE "known_hosts"
#define MIDWAY_HELPER_IDENTITY_FILE "identity"
#define MIDWAY_HELPER_ASKPASS_FILE "askpass"

#define MIDWAY_TYPE_HELPER_RUNTIME_DIR (midway_helper_runtime_dir_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperRuntimeDir, midway_helper_runtime_dir, MIDWAY, HELPER_RUNTIME_DIR, GObject)

/* Nothing is created yet.  Files written "owned by the user" get uid and
 * gid. */
MidwayHelperRuntimeDir *midway_helper_runtime_dir_new            (const char                 *path,
                                                                  uid_t                       uid,
                                                                  gid_t                       gid);
const char             *midway_helper_runtime_dir_get_path       (MidwayHelperRuntimeDir     *self);
/* Creates the directory, which must not exist yet, and opens it. */
gboolean                midway_helper_runtime_dir_create         (MidwayHelperRuntimeDir     *self,
                                                                  GError                    **error);
gboolean                midway_helper_runtime_dir_write_file     (MidwayHelperRuntimeDir     *self,
                                                                  const char                 *name,
                                                                  const void                 *data,
                                                                  gsize                       size,
                                                                  gboolean                    owned_by_user,
                                                                  GError                    **error);
/* The private key and the askpass secret, those of secrets that are set. */
gboolean                midway_helper_runtime_dir_write_secrets  (MidwayHelperRuntimeDir     *self,
                                                                  const MidwayHelperSecrets  *secrets,
                                                                  GError                    **error);
void                    midway_helper_runtime_dir_remove_secrets (MidwayHelperRuntimeDir     *self);
/* Removes the files and the directory, and closes it; again, or before
 * create(), it does nothing.  Dispose does it too. */
void                    midway_helper_runtime_dir_remove         (MidwayHelperRuntimeDir     *self);

G_END_DECLS
