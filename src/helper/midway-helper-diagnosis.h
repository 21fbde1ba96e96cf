/* midway-helper-diagnosis.h: why an attempt ended, from what its processes left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

#include "midway-helper-report-protocol.h"

G_BEGIN_DECLS

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
