/* midway-helper-system-profiles.h: the profiles an administrator deploys
 * under $sysconfdir/midway/profiles/.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <sys/types.h>

#include <glib.h>

#include "midway-profile.h"

G_BEGIN_DECLS

/* Where a system profile's key file must be: root's, under here. */
#define MIDWAY_HELPER_SYSTEM_DIR          MIDWAY_SYSCONFDIR "/midway"
#define MIDWAY_HELPER_SYSTEM_PROFILES_DIR MIDWAY_SYSCONFDIR "/midway/profiles"

/* Checks one file as a system profile: a name of [A-Za-z0-9_-] and
 * ".midway", opened without following a symlink, a regular file of
 * @owner that neither group nor others may write, of the common key file
 * format, signing in with a key file under @key_dir that is @owner's,
 * mode 0600 or 0400 and no symlink, with a pinned host key.  Its id is
 * made from the file name, so that it is the same at each read.  The
 * error says what is wrong, for the journal. */
MidwayProfile *midway_helper_system_profile_load  (const char  *dir,
                                                   const char  *file_name,
                                                   const char  *key_dir,
                                                   uid_t        owner,
                                                   GError     **error);
/* Every system profile of @dir that passes, ordered by name; each file
 * that does not gets one line in the journal naming it and why.  A
 * missing directory is no profile. */
GPtrArray     *midway_helper_system_profiles_list (const char  *dir,
                                                   const char  *key_dir,
                                                   uid_t        owner);
/* The profile called @name (as users' names compare), or NotFound. */
MidwayProfile *midway_helper_system_profiles_find (const char  *dir,
                                                   const char  *key_dir,
                                                   uid_t        owner,
                                                   const char  *name,
                                                   GError     **error);

G_END_DECLS
