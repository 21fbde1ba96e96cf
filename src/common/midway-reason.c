/* midway-reason.c: plain words for states and reason codes.
 *
 * The codes themselves are API (they cross the bus and scripts match on
 * them); only the sentences here are for people, so only they are
 * translated.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "midway-reason.h"

typedef struct
{
  const char *code;
  const char *description;  /* N_(): translated when looked up */
  gboolean    transient;
} MidwayReasonEntry;

static const MidwayReasonEntry reasons[] = {
  { MIDWAY_REASON_HOST_KEY_MISMATCH,
    N_("The server’s host key does not match the one pinned for this profile"),
    FALSE },
  { MIDWAY_REASON_SSH_AUTH_FAILED,
    N_("The server refused the login"),
    FALSE },
  { MIDWAY_REASON_SERVER_UNREACHABLE,
    N_("The server could not be reached"),
    TRUE },
  { MIDWAY_REASON_REMOTE_PPPD_FAILED,
    N_("pppd could not be started on the server"),
    FALSE },
  { MIDWAY_REASON_PEER_NOT_RESPONDING,
    N_("The server stopped answering"),
    TRUE },
  { MIDWAY_REASON_SSH_SESSION_ENDED,
    N_("The SSH session ended"),
    TRUE },
  { MIDWAY_REASON_PPP_NEGOTIATION_FAILED,
    N_("The PPP link could not be set up"),
    TRUE },
  { MIDWAY_REASON_STOPPED_BY_USER,
    N_("Stopped on request"),
    FALSE },
  { MIDWAY_REASON_HELPER_ERROR,
    N_("Midway’s system helper ran into an error"),
    TRUE },
  /* The path to the server changed, or the machine woke from sleep: the
   * old connection was given up on purpose, for a new one at once. */
  { MIDWAY_REASON_NETWORK_CHANGED,
    N_("The network changed or the computer woke from sleep"),
    TRUE },
  /* The three below are the peer's doing or the profile's, and the same
   * again on the next attempt: never retried. */
  { MIDWAY_REASON_ADDRESS_IN_USE,
    N_("The server assigned an address that is already in use on this computer’s network"),
    FALSE },
  { MIDWAY_REASON_PEER_IS_SERVER,
    N_("The server’s end of the link has the SSH server’s own address, which would cut off the connection"),
    FALSE },
  { MIDWAY_REASON_DNS_OUTSIDE_TUNNEL,
    N_("A DNS server of the profile is not reached through the tunnel"),
    FALSE },
  /* This machine's doing: the next attempt would meet the same kernel. */
  { MIDWAY_REASON_NO_KERNEL_PPP,
    N_("This computer’s kernel has no PPP support (/dev/ppp cannot be opened)"),
    FALSE },
};

typedef struct
{
  const char *code;
  const char *description;
} MidwayStateEntry;

static const MidwayStateEntry states[] = {
  { MIDWAY_STATE_STARTING_SSH, N_("Connecting to the server") },
  { MIDWAY_STATE_NEGOTIATING_PPP, N_("Setting up the link") },
  { MIDWAY_STATE_UP, N_("Connected") },
  { MIDWAY_STATE_RECONNECTING, N_("Waiting to reconnect") },
  { MIDWAY_STATE_STOPPING, N_("Disconnecting") },
  { MIDWAY_STATE_FAILED, N_("Failed") },
  { MIDWAY_STATE_STOPPED, N_("Disconnected") },
};

static const MidwayReasonEntry *
lookup_reason (const char *reason)
{
  if (reason == NULL)
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (g_str_equal (reasons[i].code, reason))
      return &reasons[i];

  return NULL;
}

const char *
midway_reason_describe (const char *reason)
{
  const MidwayReasonEntry *entry;

  if (reason == NULL || *reason == '\0')
    return _("No reason given");

  entry = lookup_reason (reason);
  if (entry != NULL)
    return _(entry->description);

  /* A newer helper may know reasons we don't; callers still print
   * something sensible, and can show the code next to it. */
  return _("The connection was lost for an unknown reason");
}

const char *
midway_state_describe (const char *state)
{
  if (state != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (states); i++)
        if (g_str_equal (states[i].code, state))
          return _(states[i].description);
    }

  return _("Unknown state");
}

gboolean
midway_reason_is_transient (const char *reason)
{
  const MidwayReasonEntry *entry = lookup_reason (reason);

  /* Unknown reasons are not retried: retrying blindly against a cause we
   * cannot name risks hammering a server (or an account lockout). */
  return entry != NULL && entry->transient;
}
