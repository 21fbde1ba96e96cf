/* midway-helper-firewall.h: a fail-closed block of one user's traffic.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <sys/types.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* nftables' table (family inet) and the prefix of the iptables chains. */
#define MIDWAY_HELPER_FIREWALL_TABLE "midway"
#define MIDWAY_HELPER_FIREWALL_CHAIN_PREFIX "midway-"

typedef enum {
  MIDWAY_HELPER_FIREWALL_AUTO,      /* nftables if the kernel has inet, else iptables */
  MIDWAY_HELPER_FIREWALL_NFTABLES,
  MIDWAY_HELPER_FIREWALL_IPTABLES,  /* the legacy (x_tables) ones */
} MidwayHelperFirewallBackend;

/* For tests: the backend every later call uses. */
void     midway_helper_firewall_set_backend (MidwayHelperFirewallBackend backend);
/* The backend chosen (found at the first call that needed one). */
MidwayHelperFirewallBackend midway_helper_firewall_get_backend (void);

/* Puts in place, or replaces in one step, block NAME: traffic of UID's
 * sockets to NETWORKS ("10.0.0.0/8", "::/1") is rejected, unless it goes
 * out through a ppp interface or to one of SERVERS (GInetAddress, the ssh
 * server, whose session runs as UID).  NAME: [a-z0-9-], unique per block. */
gboolean midway_helper_firewall_set    (const char          *name,
                                        uid_t                uid,
                                        const char * const  *networks,
                                        GList               *servers,
                                        GError             **error);
/* Removes block NAME; nothing there is not an error. */
gboolean midway_helper_firewall_clear  (const char          *name,
                                        GError             **error);
/* Removes every block of Midway's (a killed helper's); returns how many
 * chains went. */
guint    midway_helper_firewall_remove_stale (GError       **error);

/* The same as _set() and _clear(), without waiting: the programs run in
 * one worker thread, one after the other in the order asked for, so a
 * clear asked for after a set always comes after it.  The callback runs
 * in the thread-default main context of the call. */
void     midway_helper_firewall_set_async    (const char          *name,
                                              uid_t                uid,
                                              const char * const  *networks,
                                              GList               *servers,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
void     midway_helper_firewall_clear_async  (const char          *name,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean midway_helper_firewall_finish       (GAsyncResult        *result,
                                              GError             **error);
/* Waits until everything asked for has run: at the helper's exit, when
 * no main loop is left to call back. */
void     midway_helper_firewall_drain        (void);

G_END_DECLS
