/* midway-helper-report-protocol.h: the pppd plugin's line protocol.
 *
 * The plugin (inside pppd, no GLib) writes these lines and the helper's
 * tunnel reads them; both include this header, so a word or a limit
 * cannot change on one side only.  The plugin's source describes each
 * event and when pppd sends it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* One line, its '\n' included, is at most this long. */
#define MIDWAY_REPORT_LINE_MAX 256

/* pppd's option that names the channel's fd; only root may give it. */
#define MIDWAY_REPORT_FD_OPTION "midway-report-fd"
#define MIDWAY_REPORT_FD_MIN 3
#define MIDWAY_REPORT_FD_MAX 1023
/* The fd number the helper hands pppd the channel on. */
#define MIDWAY_REPORT_FD 3

/* Event words and how many space-separated words their line has, the
 * event word included. */
#define MIDWAY_REPORT_PHASE "phase"          /* phase <N> */
#define MIDWAY_REPORT_PHASE_WORDS 2
#define MIDWAY_REPORT_PEER "peer"            /* peer */
#define MIDWAY_REPORT_PEER_WORDS 1
#define MIDWAY_REPORT_IP_UP "ip-up"          /* ip-up <ifname> <local> <remote> <dns1> <dns2> */
#define MIDWAY_REPORT_IP_UP_WORDS 6
#define MIDWAY_REPORT_IP6_UP "ip6-up"        /* ip6-up <ifname> <local> <remote> */
#define MIDWAY_REPORT_IP6_UP_WORDS 4
#define MIDWAY_REPORT_IP_DOWN "ip-down"      /* ip-down <ifname> */
#define MIDWAY_REPORT_IP_DOWN_WORDS 2
#define MIDWAY_REPORT_LINK_DOWN "link-down"  /* link-down <status> */
#define MIDWAY_REPORT_LINK_DOWN_WORDS 2
#define MIDWAY_REPORT_EXIT "exit"            /* exit <status> */
#define MIDWAY_REPORT_EXIT_WORDS 2

/* pppd 2.4.9's exit statuses (pppd(8), "EXIT STATUS"): what "exit" and
 * "link-down" carry, and what waitpid() gives for pppd. */
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
