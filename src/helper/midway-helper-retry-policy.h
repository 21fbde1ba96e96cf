/* midway-helper-retry-policy.h: after an attempt ends, whether and when
 * the tunnel tries again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The longest pause between two attempts. */
#define MIDWAY_HELPER_RETRY_MAX_BACKOFF_S 60
/* A link given up on for a new path is redone at once, but not twice
 * within this long: a path that keeps moving gets the backoff. */
#define MIDWAY_HELPER_RETRY_NETWORK_GAP_S 5

/* What the tunnel knows when one of its attempts has ended (not by the
 * user's stop: that one is never retried). */
typedef struct {
  gboolean     reconnect;         /* the profile asks for it */
  gboolean     for_network;       /* ended by the helper for a new path */
  gboolean     link_was_up;       /* this attempt brought IPCP up */
  gboolean     ever_up;           /* some attempt of the tunnel did */
  guint        failures;          /* attempts in a row that did not come up, before this one */
  const char  *reason;            /* the diagnosis, a MIDWAY_REASON_* code */
  gboolean     offline;           /* no route to the server at all */
  gint64       now;               /* monotonic µs */
  gint64       last_network_retry; /* monotonic µs of the last at-once retry, 0 for none */
} MidwayHelperRetryInput;

typedef enum {
  MIDWAY_HELPER_RETRY_GIVE_UP,          /* failed */
  MIDWAY_HELPER_RETRY_AFTER_DELAY,      /* reconnecting, next attempt in delay_s */
  MIDWAY_HELPER_RETRY_WHEN_ONLINE,      /* reconnecting, next attempt on a network change */
} MidwayHelperRetryAction;

typedef struct {
  MidwayHelperRetryAction action;
  guint                   delay_s;      /* AFTER_DELAY only; 0 is "at once" */
  guint                   failures;     /* the new count, whatever the action */
  const char             *reason;       /* what the user is told */
  gboolean                network_retry; /* now is the new last_network_retry */
} MidwayHelperRetryDecision;

MidwayHelperRetryDecision midway_helper_retry_decide (const MidwayHelperRetryInput *input);

G_END_DECLS
