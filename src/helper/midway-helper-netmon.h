/* midway-helper-netmon.h: tells the tunnels when the network may have changed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <linux/netlink.h>

#include "midway-helper-logind.h"

G_BEGIN_DECLS

/* A burst of kernel events (an interface going away takes its addresses
 * and routes with it, one message each) is over after this much quiet... */
#define MIDWAY_HELPER_NETMON_QUIET_MS 500
/* ...but a network that never stops changing is still looked at this
 * often. */
#define MIDWAY_HELPER_NETMON_MAX_DELAY_MS 2000

typedef enum {
  MIDWAY_HELPER_NETMON_ROUTING = 1 << 0,  /* links, addresses or routes changed */
  MIDWAY_HELPER_NETMON_RESUMED = 1 << 1,  /* the machine woke from sleep */
} MidwayHelperNetmonCauses;

/* Debouncing, in monotonic µs: pure, for the tests. */
typedef struct {
  gint64 first;   /* the first event of the burst under way; 0: none */
  gint64 last;    /* its latest event */
} MidwayHelperDebounce;

/* Notes an event at now; returns the time at which the burst is due. */
gint64   midway_helper_debounce_add      (MidwayHelperDebounce       *self,
                                          gint64                      now);
/* The time the burst under way is due at, 0 when there is none. */
gint64   midway_helper_debounce_due_at   (const MidwayHelperDebounce *self);
/* TRUE, and a fresh start, when the burst under way is due at now. */
gboolean midway_helper_debounce_take     (MidwayHelperDebounce       *self,
                                          gint64                      now);

/* Whether one rtnetlink message can matter to a tunnel's path: links,
 * addresses and routes, but not the routes Midway installs itself nor the
 * kernel's cached clones. */
gboolean midway_helper_netmon_message_is_relevant (const struct nlmsghdr *hdr);

#define MIDWAY_TYPE_HELPER_NETMON (midway_helper_netmon_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperNetmon, midway_helper_netmon, MIDWAY, HELPER_NETMON, GObject)

/* Signals:
 *   changed (guint causes): MidwayHelperNetmonCauses, at most once per burst
 *     of events; whether anything that matters to a tunnel changed is the
 *     tunnel's to decide.
 *
 * Listens to rtnetlink (links, routes, IPv4 addresses) and, when @logind
 * is given, to logind's PrepareForSleep; without logind, or without a
 * routing socket, it just reports less. */
MidwayHelperNetmon *midway_helper_netmon_new    (MidwayHelperLogind *logind);
/* Counts as an event of these causes: what the kernel and logind feed in,
 * and what the tests do. */
void                midway_helper_netmon_notify (MidwayHelperNetmon *self,
                                                 guint               causes);

G_END_DECLS
