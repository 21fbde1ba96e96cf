/* midway-ssh-config.h: the concrete hosts of an OpenSSH client
 * configuration (ssh_config(5)), as profiles to import.
 *
 * Each alias named on a Host line (not a pattern) becomes one entry: the
 * HostName, Port, User and first IdentityFile ssh would use for it, with
 * ssh's "first value obtained wins" over every Host block that matches,
 * Include followed and Match blocks left out.  The files are untrusted:
 * sizes are bounded, bad lines are skipped with a warning, and every entry
 * is validated by the profile library before it is offered.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "midway-profile.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_SSH_CONFIG (midway_ssh_config_get_type ())
G_DECLARE_FINAL_TYPE (MidwaySshConfig, midway_ssh_config, MIDWAY, SSH_CONFIG, GObject)

/* @home_dir stands for "~" and %d, and holds the .ssh directory relative
 * Include paths are read from; NULL means g_get_home_dir(). */
MidwaySshConfig  *midway_ssh_config_new               (const char       *home_dir);

/* Reads a configuration, replacing what was read before.  Fails only when
 * the file itself cannot be read (missing, not a regular file, too large);
 * a bad line or include is a warning. */
gboolean          midway_ssh_config_load_file         (MidwaySshConfig  *self,
                                                       const char       *path,
                                                       GError          **error);
gboolean          midway_ssh_config_load_data         (MidwaySshConfig  *self,
                                                       const char       *data,
                                                       gsize             length,
                                                       GError          **error);

/* The entries in the order their aliases first appear. */
guint             midway_ssh_config_get_n_entries     (MidwaySshConfig  *self);
/* The alias, safe to display (invalid or invisible characters replaced). */
const char       *midway_ssh_config_get_alias         (MidwaySshConfig  *self,
                                                       guint             index);
/* A new reference to the entry's profile, or NULL with the library's
 * validation message ("host: …") when it does not make a valid one. */
MidwayProfile    *midway_ssh_config_dup_profile       (MidwaySshConfig  *self,
                                                       guint             index,
                                                       GError          **error);

/* What was skipped and why, each "FILE:LINE: message"; NULL-terminated. */
const char * const *midway_ssh_config_get_warnings    (MidwaySshConfig  *self);

G_END_DECLS
