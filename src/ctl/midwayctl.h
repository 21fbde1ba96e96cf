/* midwayctl.h: what the parts of midwayctl share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"

G_BEGIN_DECLS

/* Exit statuses.  Scripts branch on these: they are documented in
 * midwayctl(1) and in --help, and never change meaning. */
typedef enum {
  MIDWAYCTL_EXIT_OK             = 0,
  MIDWAYCTL_EXIT_FAILURE        = 1,  /* helper unreachable, not connected, I/O */
  MIDWAYCTL_EXIT_USAGE          = 2,
  MIDWAYCTL_EXIT_PROFILE        = 3,  /* invalid, unknown or clashing profile */
  MIDWAYCTL_EXIT_NOT_AUTHORIZED = 4,
  MIDWAYCTL_EXIT_TUNNEL_FAILED  = 5,
  MIDWAYCTL_EXIT_TIMEOUT        = 6,
} MidwayctlExit;

/* Failures that midwayctl itself detects.  Each command returns a GError and
 * main() turns it into the message and the exit status in one place. */
typedef enum {
  MIDWAYCTL_ERROR_FAILED,
  MIDWAYCTL_ERROR_USAGE,
  MIDWAYCTL_ERROR_PROFILE,        /* not found, ambiguous, already exists, unusable */
  MIDWAYCTL_ERROR_NOT_CONNECTED,
  MIDWAYCTL_ERROR_TUNNEL_FAILED,
  MIDWAYCTL_ERROR_TIMED_OUT,
} MidwayctlError;

#define MIDWAYCTL_ERROR (midwayctl_error_quark ())
GQuark midwayctl_error_quark (void);

/* A command: argv[0] is the command name; options are still in argv. */
typedef gboolean (*MidwayctlCommandFunc) (int argc, char **argv, GError **error);

/* Parses a command's options (adding --help, whose text comes from the
 * command table) and returns its positional arguments, as given, in
 * *positional.  Checks their count. */
gboolean   midwayctl_parse_options    (int                  argc,
                                       char               **argv,
                                       const char          *parameter_string,
                                       const GOptionEntry  *entries,
                                       guint                min_positional,
                                       guint                max_positional,
                                       char              ***positional,
                                       GError             **error);

/* A positional argument as UTF-8 (profile names are UTF-8 whatever the
 * locale says). */
char      *midwayctl_arg_to_utf8      (const char          *arg,
                                       GError             **error);

/* Text from outside (the bus, ssh, files) made safe for a terminal:
 * control characters become visible escapes instead of acting. */
char      *midwayctl_sanitize         (const char          *text);

/* Terminal column width of UTF-8 text. */
gsize      midwayctl_text_width       (const char          *text);

/* Reads a whole file ("-": standard input), at most max_size bytes (else
 * G_IO_ERROR_MESSAGE_TOO_LARGE), NUL-terminated. */
char      *midwayctl_read_file        (const char          *path,
                                       gsize                max_size,
                                       gsize               *length,
                                       GError             **error);

/* Writes all of data to stdout, unconverted (JSON and profile files are
 * UTF-8 by definition). */
gboolean   midwayctl_write_stdout     (const char          *data,
                                       gsize                length,
                                       GError             **error);

/* JSON output (midwayctl-json.c).  No json-glib: the output is small and
 * flat, and only the string escaping needs care. */
void       midwayctl_json_string      (GString             *out,
                                       const char          *text);
void       midwayctl_json_member      (GString             *out,
                                       gboolean            *first,
                                       const char          *key);
void       midwayctl_json_variant     (GString             *out,
                                       GVariant            *value);

/* The profile store (midwayctl-store.c). */
typedef struct {
  char          *path;
  MidwayProfile *profile;
} MidwayctlStored;

void             midwayctl_stored_free      (MidwayctlStored *stored);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayctlStored, midwayctl_stored_free)

char            *midwayctl_store_dir        (void);
/* Every readable profile, sorted by name; unreadable files are reported on
 * stderr and skipped.  A missing directory is an empty store. */
GPtrArray       *midwayctl_store_load       (GError          **error);
/* Looks NAME up by exact name, then by id.  Borrowed from @profiles. */
MidwayctlStored *midwayctl_store_find       (GPtrArray        *profiles,
                                             const char       *name_or_id,
                                             GError          **error);
MidwayProfile   *midwayctl_store_lookup     (const char       *name_or_id,
                                             GError          **error);

/* Commands. */
gboolean midwayctl_cmd_list    (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_import  (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_export  (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_remove  (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_up      (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_down    (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_status  (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_log     (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_monitor (int argc, char **argv, GError **error);

G_END_DECLS
