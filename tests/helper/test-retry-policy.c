/* test-retry-policy.c: whether and when a tunnel tries again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib.h>

#include "midway-reason.h"
#include "midway-helper-retry-policy.h"

#define S G_USEC_PER_SEC
/* an arbitrary monotonic clock reading, far from 0 ("never") */
#define NOW (1000 * S)

typedef struct
{
  const char               *name;
  MidwayHelperRetryInput    input;
  MidwayHelperRetryDecision expected;
} Case;

static const Case cases[] = {
  /* reconnect off: the first end is the last */
  { "reconnect off",
    { .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "reconnect off, link was up",
    { .link_was_up = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_PEER_NOT_RESPONDING, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 0, MIDWAY_REASON_PEER_NOT_RESPONDING, FALSE } },
  { "reconnect off, new path",
    { .for_network = TRUE, .link_was_up = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_PEER_NOT_RESPONDING, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 0, MIDWAY_REASON_PEER_NOT_RESPONDING, FALSE } },

  /* never up: MIDWAY_MAX_ATTEMPTS_NEVER_UP attempts in all, 2 s then 4 s apart */
  { "never up, first failure",
    { .reconnect = TRUE, .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 2, 1, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "never up, second failure",
    { .reconnect = TRUE, .failures = 1, .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 4, 2, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "never up, third failure gives up",
    { .reconnect = TRUE, .failures = 2, .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 3, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },

  /* once up, transient failures are retried for ever, the pause doubling up to 60 s */
  { "link was up: 1 s",
    { .reconnect = TRUE, .link_was_up = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_PEER_NOT_RESPONDING, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 1, 0, MIDWAY_REASON_PEER_NOT_RESPONDING, FALSE } },
  { "was up, third failure since",
    { .reconnect = TRUE, .ever_up = TRUE, .failures = 2,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 8, 3, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "was up, fifth failure since",
    { .reconnect = TRUE, .ever_up = TRUE, .failures = 4,
      .reason = MIDWAY_REASON_SSH_SESSION_ENDED, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 32, 5, MIDWAY_REASON_SSH_SESSION_ENDED, FALSE } },
  { "was up, sixth failure: capped at 60 s",
    { .reconnect = TRUE, .ever_up = TRUE, .failures = 5,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 60, 6, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "was up, hundredth failure: still 60 s",
    { .reconnect = TRUE, .ever_up = TRUE, .failures = 99,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 60, 100, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },

  /* what a retry cannot change is not retried, even after a link was up */
  { "refused key",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_SSH_AUTH_FAILED, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_SSH_AUTH_FAILED, FALSE } },
  { "changed host key",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_HOST_KEY_MISMATCH, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_HOST_KEY_MISMATCH, FALSE } },
  { "no PPP in the kernel",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_NO_KERNEL_PPP, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_NO_KERNEL_PPP, FALSE } },
  { "peer is the server, link was up",
    { .reconnect = TRUE, .link_was_up = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_PEER_IS_SERVER, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 0, MIDWAY_REASON_PEER_IS_SERVER, FALSE } },
  { "unknown reason",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = "no-such-reason", .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, "no-such-reason", FALSE } },

  /* the helper ended it for a new path: at once, not a failure, whatever the diagnosis */
  { "new path, first time",
    { .reconnect = TRUE, .for_network = TRUE, .link_was_up = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_PEER_NOT_RESPONDING, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 0, 0, MIDWAY_REASON_NETWORK_CHANGED, TRUE } },
  { "new path, never up, lasting reason",
    { .reconnect = TRUE, .for_network = TRUE, .failures = 2,
      .reason = MIDWAY_REASON_SSH_AUTH_FAILED, .now = NOW },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 0, 2, MIDWAY_REASON_NETWORK_CHANGED, TRUE } },
  { "new path again within 5 s: the backoff",
    { .reconnect = TRUE, .for_network = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW, .last_network_retry = NOW - 5 * S + 1 },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 1, 0, MIDWAY_REASON_NETWORK_CHANGED, FALSE } },
  { "new path again within 5 s, after failures",
    { .reconnect = TRUE, .for_network = TRUE, .ever_up = TRUE, .failures = 3,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW, .last_network_retry = NOW - S },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 8, 3, MIDWAY_REASON_NETWORK_CHANGED, FALSE } },
  { "new path again after 5 s: at once",
    { .reconnect = TRUE, .for_network = TRUE, .ever_up = TRUE, .failures = 3,
      .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .now = NOW, .last_network_retry = NOW - 5 * S },
    { MIDWAY_HELPER_RETRY_AFTER_DELAY, 0, 3, MIDWAY_REASON_NETWORK_CHANGED, TRUE } },

  /* no route to the server: wait for the network rather than fail against it */
  { "offline, transient",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_SERVER_UNREACHABLE,
      .offline = TRUE, .now = NOW },
    { MIDWAY_HELPER_RETRY_WHEN_ONLINE, 0, 1, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "offline, new path",
    { .reconnect = TRUE, .for_network = TRUE, .link_was_up = TRUE, .ever_up = TRUE,
      .reason = MIDWAY_REASON_PEER_NOT_RESPONDING, .offline = TRUE, .now = NOW },
    { MIDWAY_HELPER_RETRY_WHEN_ONLINE, 0, 0, MIDWAY_REASON_NETWORK_CHANGED, TRUE } },
  { "offline, never up, third failure gives up",
    { .reconnect = TRUE, .failures = 2, .reason = MIDWAY_REASON_SERVER_UNREACHABLE,
      .offline = TRUE, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 3, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
  { "offline, lasting reason",
    { .reconnect = TRUE, .ever_up = TRUE, .reason = MIDWAY_REASON_NO_KERNEL_PPP,
      .offline = TRUE, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_NO_KERNEL_PPP, FALSE } },
  { "offline, reconnect off",
    { .reason = MIDWAY_REASON_SERVER_UNREACHABLE, .offline = TRUE, .now = NOW },
    { MIDWAY_HELPER_RETRY_GIVE_UP, 0, 1, MIDWAY_REASON_SERVER_UNREACHABLE, FALSE } },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  MidwayHelperRetryDecision decision = midway_helper_retry_decide (&c->input);

  g_assert_cmpint (decision.action, ==, c->expected.action);
  if (decision.action == MIDWAY_HELPER_RETRY_AFTER_DELAY)
    g_assert_cmpuint (decision.delay_s, ==, c->expected.delay_s);
  g_assert_cmpuint (decision.failures, ==, c->expected.failures);
  g_assert_cmpstr (decision.reason, ==, c->expected.reason);
  g_assert_cmpint (decision.network_retry, ==, c->expected.network_retry);
}

/* What midwayctl tells the user ("gave up after N attempts") is the same
 * number the policy counts to. */
static void
test_never_up_count (void)
{
  MidwayHelperRetryInput input = {
    .reconnect = TRUE,
    .reason = MIDWAY_REASON_PEER_NOT_RESPONDING,
    .now = NOW,
  };
  guint attempts = 0;
  MidwayHelperRetryDecision decision;

  do
    {
      attempts++;
      decision = midway_helper_retry_decide (&input);
      input.failures = decision.failures;
    }
  while (decision.action == MIDWAY_HELPER_RETRY_AFTER_DELAY && attempts < 100);

  g_assert_cmpint (decision.action, ==, MIDWAY_HELPER_RETRY_GIVE_UP);
  g_assert_cmpuint (attempts, ==, MIDWAY_MAX_ATTEMPTS_NEVER_UP);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/retry-policy/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/retry-policy/never up: attempts in all", test_never_up_count);

  return g_test_run ();
}
