/* midway-helper-diagnosis.h: why an attempt ended, from what its processes left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* pppd 2.4.9's exit statuses (pppd(8), "EXIT STATUS"). */
typedef enum {
  MIDWAY_PPPD_EXIT_OK = 0,
  MIDWAY_PPPD_EXIT_FATAL_ERROR = 1,
  MIDWAY_PPPD_EXIT_OPTION_ERROR = 2,
  MIDWAY_PPPD_EXIT_NOT_ROOT = 3,
  MIDWAY_PPPD_EXIT_NO_KERNEL_SUPPORT = 4,
  MIDWAY_PPPD_EXIT_USER_REQUEST = 5,
  MIDWAY_PPPD_EXIT_LOCK_FAILED = 6,
  MIDWAY_PPPD_EXIT_OPEN_FAILED = 7,
  MIDWAY_PPPD_EXIT_CONNECT_FAILED = 8,
  MIDWAY_PPPD_EXIT_PTYCMD_FAILED = 9,
  MIDWAY_PPPD_EXIT_NEGOTIATION_FAILED = 10,
  MIDWAY_PPPD_EXIT_PEER_AUTH_FAILED = 11,
  MIDWAY_PPPD_EXIT_IDLE_TIMEOUT = 12,
  MIDWAY_PPPD_EXIT_CONNECT_TIME = 13,
  MIDWAY_PPPD_EXIT_CALLBACK = 14,
  MIDWAY_PPPD_EXIT_PEER_DEAD = 15,
  MIDWAY_PPPD_EXIT_HANGUP = 16,
  MIDWAY_PPPD_EXIT_LOOPBACK = 17,
  MIDWAY_PPPD_EXIT_INIT_FAILED = 18,
  MIDWAY_PPPD_EXIT_AUTH_TOPEER_FAILED = 19,
} MidwayPppdExit;

/* What one attempt left behind.  Exit statuses are -1 when the process was
 * killed by a signal (or never ran), else its exit code. */
typedef struct {
  gboolean     stopped_by_user;
  gboolean     peer_seen;        /* the remote pppd's first packet arrived */
  gboolean     link_was_up;      /* IPCP came up */
  gboolean     ssh_exited_first; /* ssh ended before pppd */
  int          ssh_status;
  int          pppd_status;
  const char  *ssh_stderr;       /* ssh's last lines, newline separated */
} MidwayHelperAttempt;

/* Returns a MIDWAY_REASON_* code and sets @message to the line that tells
 * the user the detail (e.g. "sudo: a password is required"), or "". */
const char *midway_helper_diagnose (const MidwayHelperAttempt *attempt,
                                    char                     **message);

/* FALSE, with pppd's own words in @message, when @device (/dev/ppp) shows
 * that the kernel has no PPP: no node, or no driver behind it.  Any other
 * failure to open it is left for pppd to report. */
gboolean midway_helper_kernel_has_ppp (const char  *device,
                                       char       **message);

G_END_DECLS
