/* midway-reason.h: stable reason codes and states, and their plain words.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The retry policy, shared by the helper and the words of its clients:
 * before a tunnel has ever been up, a transient failure is probably a
 * mistake in the profile or an unreachable server, so it gets this many
 * attempts in all and then fails for the user to see; once it has been
 * up it retries for ever, with a backoff of 1, 2, 4 … 60 s. */
#define MIDWAY_MAX_ATTEMPTS_NEVER_UP 3

/* Tunnel1.State values. */
#define MIDWAY_STATE_STARTING_SSH     "starting-ssh"
#define MIDWAY_STATE_NEGOTIATING_PPP  "negotiating-ppp"
#define MIDWAY_STATE_UP               "up"
#define MIDWAY_STATE_RECONNECTING     "reconnecting"
#define MIDWAY_STATE_STOPPING         "stopping"
#define MIDWAY_STATE_FAILED           "failed"
#define MIDWAY_STATE_STOPPED          "stopped"

/* Tunnel1.LastReason / StateChanged reason codes. */
#define MIDWAY_REASON_NONE                   ""
#define MIDWAY_REASON_HOST_KEY_MISMATCH      "host-key-mismatch"
#define MIDWAY_REASON_SSH_AUTH_FAILED        "ssh-auth-failed"
#define MIDWAY_REASON_SERVER_UNREACHABLE     "server-unreachable"
#define MIDWAY_REASON_REMOTE_PPPD_FAILED     "remote-pppd-failed"
#define MIDWAY_REASON_PEER_NOT_RESPONDING    "peer-not-responding"
#define MIDWAY_REASON_SSH_SESSION_ENDED      "ssh-session-ended"
#define MIDWAY_REASON_PPP_NEGOTIATION_FAILED "ppp-negotiation-failed"
#define MIDWAY_REASON_STOPPED_BY_USER        "stopped-by-user"
#define MIDWAY_REASON_HELPER_ERROR           "helper-error"
#define MIDWAY_REASON_NETWORK_CHANGED        "network-changed"
#define MIDWAY_REASON_ADDRESS_IN_USE         "address-in-use"
#define MIDWAY_REASON_PEER_IS_SERVER         "peer-is-server"
#define MIDWAY_REASON_DNS_OUTSIDE_TUNNEL     "dns-outside-tunnel"
#define MIDWAY_REASON_NO_KERNEL_PPP          "no-kernel-ppp"

/* Translated, for people: "The server’s host key has changed". Unknown codes
 * (a newer helper) get a generic sentence rather than NULL. */
const char *midway_reason_describe (const char *reason);
const char *midway_state_describe  (const char *state);

/* Whether a reason is worth an automatic retry: a wrong host key or a
 * refused key will not fix itself, a dropped session may. */
gboolean    midway_reason_is_transient (const char *reason);

G_END_DECLS
