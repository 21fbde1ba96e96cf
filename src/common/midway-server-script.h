/* midway-server-script.h: the POSIX sh script that sets up, checks or
 * removes a server's half of Midway, and the strict reader of what it
 * prints.  Pure functions: no I/O, so the tests can give them anything.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MIDWAY_SERVER_ACTION_SETUP,
  MIDWAY_SERVER_ACTION_CHECK,
  MIDWAY_SERVER_ACTION_REMOVE,
} MidwayServerAction;

typedef struct {
  MidwayServerAction  action;
  const char         *user;        /* the server account: [a-z_][a-z0-9_-]{0,31} */
  const char *const  *lans;        /* canonical IPv4 networks, or NULL */
  gboolean            gateway;     /* the client's default route goes through the server */
  const char *const  *dns;         /* IPv4 servers pppd offers (ms-dns), or NULL */
  const char         *public_key;  /* "TYPE BASE64" for authorized_keys, or NULL */
  gboolean            ipv6;        /* the pppd command line ends in +ipv6 */
  gboolean            via_sudo;    /* run through sudo by the account itself (else by root, --print) */
} MidwayServerParams;

/* The whole script, its parameters checked (MIDWAY_ERROR_INVALID_ARGUMENT
 * naming the bad one) and written as single-quoted sh words. */
char       *midway_server_script_build         (const MidwayServerParams *params,
                                                GError                  **error);

const char *midway_server_action_to_string     (MidwayServerAction        action);

/* The name the script gives the files and pppd command line of one
 * client: "midway-USER-KEYID" for a known public key (KEYID: the first 8
 * hex digits of the SHA-256 of its blob), so that each client key of an
 * account has its own address pair; "midway-USER" without one. */
char       *midway_server_peer_name            (const char               *user,
                                                const char               *public_key);
/* "sudo -n pppd call " and that name: the profile's remote command after setup. */
char       *midway_server_remote_command       (const char               *user,
                                                const char               *public_key);

typedef enum {
  MIDWAY_SERVER_STEP_OK,
  MIDWAY_SERVER_STEP_CHANGED,
  MIDWAY_SERVER_STEP_REMOVED,
  MIDWAY_SERVER_STEP_MISSING,
  MIDWAY_SERVER_STEP_WRONG,
  MIDWAY_SERVER_STEP_FAILED,
  MIDWAY_SERVER_STEP_SKIPPED,
} MidwayServerStepStatus;

typedef struct {
  const char             *name;    /* one of the script's fixed step names */
  MidwayServerStepStatus  status;
} MidwayServerStep;

/* What the server said, each record checked against the few forms the
 * script prints: anything else is refused, never shown or acted on. */
typedef struct {
  GArray   *steps;            /* MidwayServerStep, in order */
  char     *pool;             /* "A.B.C.0/24" */
  char     *server_address;   /* inside the pool */
  char     *client_address;   /* the next address after server_address */
  char     *firewall;         /* "nft", "iptables", "iptables-legacy" or "none" */
  gboolean  begun;
  gboolean  ended;
  gboolean  ok;               /* "end ok", and no step failed, missing or wrong */
} MidwayServerReport;

MidwayServerReport *midway_server_report_new        (void);
void                midway_server_report_free       (MidwayServerReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayServerReport, midway_server_report_free)

/* One line, without its newline.  MIDWAY_ERROR_FAILED for a line the
 * script never prints (the message names the line number, not its text). */
gboolean    midway_server_report_add_line      (MidwayServerReport       *report,
                                                const char               *line,
                                                GError                  **error);
/* The whole standard output: lines, a begin, an end, at most 1 MiB. */
gboolean    midway_server_report_parse         (MidwayServerReport       *report,
                                                const char               *data,
                                                gsize                     length,
                                                GError                  **error);

/* "the sudoers drop-in", translated; NULL for an unknown name. */
const char *midway_server_step_describe        (const char               *name);
const char *midway_server_step_status_describe (MidwayServerStepStatus    status);

G_END_DECLS
