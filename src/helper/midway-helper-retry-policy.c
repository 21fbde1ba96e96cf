/* midway-helper-retry-policy.c: a pure function, so that every rule of
 * when a tunnel tries again has a unit test (tests/helper/test-retry-policy.c).
 *
 *   the user stopped it ............... never asked: stopped, not retried
 *   reconnect off ..................... give up
 *   ended for a new path .............. retry at once, or after the backoff
 *                                       if the last at-once retry was less
 *                                       than NETWORK_GAP_S ago; never counts
 *                                       as a failure
 *   transient reason, was ever up ..... retry after the backoff
 *   transient reason, never up ........ retry while fewer than
 *                                       MIDWAY_MAX_ATTEMPTS_NEVER_UP attempts
 *                                       in a row failed, then give up
 *   lasting reason (refused key,
 *   no PPP in the kernel, ...) ........ give up
 *   any retry with no route at all .... wait for the network instead
 *
 * The backoff: 1 s after a link that was up, else 2^failures s up to
 * MAX_BACKOFF_S.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-reason.h"
#include "midway-helper-retry-policy.h"

MidwayHelperRetryDecision
midway_helper_retry_decide (const MidwayHelperRetryInput *input)
{
  MidwayHelperRetryDecision decision = {
    .action = MIDWAY_HELPER_RETRY_GIVE_UP,
    .failures = input->failures,
    .reason = input->reason,
  };

  /* an attempt ended for a new path did not fail. */
  if (!input->link_was_up && !input->for_network)
    decision.failures++;

  if (!input->reconnect ||
      !(input->for_network ||
        (midway_reason_is_transient (input->reason) &&
         (input->ever_up || decision.failures < MIDWAY_MAX_ATTEMPTS_NEVER_UP))))
    return decision;

  decision.action = MIDWAY_HELPER_RETRY_AFTER_DELAY;
  decision.delay_s = decision.failures == 0
    ? 1
    : MIN (MIDWAY_HELPER_RETRY_MAX_BACKOFF_S, 1u << MIN (decision.failures, 6u));

  if (input->for_network)
    {
      decision.reason = MIDWAY_REASON_NETWORK_CHANGED;
      if (input->last_network_retry == 0 ||
          input->now - input->last_network_retry >= MIDWAY_HELPER_RETRY_NETWORK_GAP_S * G_USEC_PER_SEC)
        {
          decision.delay_s = 0;
          decision.network_retry = TRUE;
        }
    }

  /* with no route to the server an attempt can only fail; the change of
   * the network that brings one starts the next. */
  if (input->offline)
    {
      decision.action = MIDWAY_HELPER_RETRY_WHEN_ONLINE;
      decision.delay_s = 0;
    }

  return decision;
}
