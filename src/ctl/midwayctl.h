/* midwayctl.h: what the parts of midwayctl share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-dbus-generated.h"
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

/* The tunnel commands' common ground (midwayctl-bus.c). */

/* Polkit may put a password dialog in front of the user, and the call
 * waits for them; the default 25 s would cut them off. */
#define MIDWAYCTL_INTERACTIVE_CALL_TIMEOUT_MS (5 * 60 * 1000)

/* How long up and down wait, unless --timeout says otherwise. */
#define MIDWAYCTL_DEFAULT_TIMEOUT_S 60

const char         *midwayctl_nonnull               (const char          *text);
const char         *midwayctl_tunnel_interface_name (void);
/* Strips the remote error prefix, and says "the helper is not available"
 * for the errors that mean so. */
void                midwayctl_tidy_dbus_error       (GError             **error);
GDBusConnection    *midwayctl_open_system_bus       (GError             **error);
/* The helper's objects; only with auto_start does this start the helper. */
GDBusObjectManager *midwayctl_open_manager          (GDBusConnection     *bus,
                                                     gboolean             auto_start,
                                                     GError             **error);
/* Runs what is already queued on the main context: see the definition. */
void                midwayctl_drain_main_context    (void);
/* Every tunnel (MidwayTunnel1, owned), sorted by profile name. */
GPtrArray          *midwayctl_list_tunnels          (GDBusObjectManager  *manager);
/* The caller's tunnel of the profile NAME (store first, then the names
 * and ids the caller's tunnels carry). */
gboolean            midwayctl_open_own_tunnel       (const char          *arg,
                                                     GDBusObjectManager **manager_out,
                                                     MidwayTunnel1      **tunnel_out,
                                                     char               **display_name_out,
                                                     GError             **error);
/* The tunnel of the system profile NAME (midwayctl down/log --system). */
gboolean            midwayctl_open_system_tunnel    (const char          *arg,
                                                     GDBusObjectManager **manager_out,
                                                     MidwayTunnel1      **tunnel_out,
                                                     char               **display_name_out,
                                                     GError             **error);
/* ListSystemProfiles' answer, aa{sv}. */
GVariant           *midwayctl_list_system_profiles  (GError             **error);
/* "The server could not be reached (ssh: connect to host …)". */
char               *midwayctl_describe_reason       (const char          *reason,
                                                     const char          *message);

/* The app's keyring entries (midwayctl-keyring.c).  The credentials a{sv}
 * of Helper1.Connect that the keyring holds for @profile, empty when it
 * holds nothing. */
GVariant *midwayctl_keyring_lookup_credentials (MidwayProfile  *profile,
                                                GError        **error);
/* The private key kept for @profile, NULL (and no error) when none is. */
GBytes   *midwayctl_keyring_lookup_private_key (MidwayProfile  *profile,
                                                GError        **error);
gboolean  midwayctl_keyring_clear              (MidwayProfile  *profile,
                                                GError        **error);

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
gboolean midwayctl_cmd_key     (int argc, char **argv, GError **error);
gboolean midwayctl_cmd_server  (int argc, char **argv, GError **error);

G_END_DECLS
