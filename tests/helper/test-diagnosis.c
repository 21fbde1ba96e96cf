/* test-diagnosis.c: what the user is told when an attempt ends.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-reason.h"
#include "midway-helper-diagnosis.h"

typedef struct
{
  const char         *name;
  MidwayHelperAttempt attempt;
  const char         *reason;
  const char         *message;   /* NULL: not checked */
} Case;

/* What OpenSSH 9.2 and pppd 2.4.9 really print and return in each case. */
static const Case cases[] = {
  { "changed host key",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "@@@@@@@@@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n"
                    "Host key for midway-x has changed and you have requested strict checking.\n"
                    "Host key verification failed.\n" },
    MIDWAY_REASON_HOST_KEY_MISMATCH, "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @" },
  { "unknown host key under strict checking",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "No ED25519 host key is known for 192.0.2.2 and you have requested strict checking.\n"
                    "Host key verification failed.\n" },
    MIDWAY_REASON_HOST_KEY_MISMATCH, "Host key verification failed." },
  { "refused key",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "mwsrv@192.0.2.2: Permission denied (publickey).\n" },
    MIDWAY_REASON_SSH_AUTH_FAILED, "mwsrv@192.0.2.2: Permission denied (publickey)." },
  { "connection refused",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "ssh: connect to host 192.0.2.2 port 2222: Connection refused\n" },
    MIDWAY_REASON_SERVER_UNREACHABLE, "ssh: connect to host 192.0.2.2 port 2222: Connection refused" },
  { "unknown host name",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "ssh: Could not resolve hostname vpn.invalid: Name or service not known\n" },
    MIDWAY_REASON_SERVER_UNREACHABLE, NULL },
  { "sudo wants a password",
    { .ssh_exited_first = TRUE, .ssh_status = 1, .pppd_status = 5,
      .ssh_stderr = "sudo: a password is required\n" },
    MIDWAY_REASON_REMOTE_PPPD_FAILED, "sudo: a password is required" },
  { "no pppd on the server",
    { .ssh_exited_first = TRUE, .ssh_status = 127, .pppd_status = 5,
      .ssh_stderr = "bash: line 1: pppd: command not found\n" },
    MIDWAY_REASON_REMOTE_PPPD_FAILED, "bash: line 1: pppd: command not found" },
  /* pppd 2.4.9 on a kernel without ppp_generic: "This system lacks
   * kernel support for PPP…", exit status 4; ssh is then terminated. */
  { "no PPP in the kernel",
    { .ssh_status = -1, .pppd_status = 4, .ssh_stderr = "Killed by signal 15.\n" },
    MIDWAY_REASON_NO_KERNEL_PPP, NULL },
  { "LCP echo timeout",
    { .peer_seen = TRUE, .link_was_up = TRUE, .ssh_status = -1, .pppd_status = 15,
      .ssh_stderr = "Killed by signal 15.\n" },
    MIDWAY_REASON_PEER_NOT_RESPONDING, "" },
  { "ssh keepalive gave up first",
    { .peer_seen = TRUE, .link_was_up = TRUE, .ssh_exited_first = TRUE, .ssh_status = 255,
      .pppd_status = 16, .ssh_stderr = "Timeout, server 192.0.2.2 not responding.\n" },
    MIDWAY_REASON_PEER_NOT_RESPONDING, NULL },
  { "server killed the session",
    { .peer_seen = TRUE, .link_was_up = TRUE, .ssh_exited_first = TRUE, .ssh_status = 255,
      .pppd_status = 16, .ssh_stderr = "Connection to 192.0.2.2 closed by remote host.\n" },
    MIDWAY_REASON_SSH_SESSION_ENDED, "Connection to 192.0.2.2 closed by remote host." },
  { "remote pppd hung up after the link was up",
    { .peer_seen = TRUE, .link_was_up = TRUE, .ssh_exited_first = TRUE, .ssh_status = 0,
      .pppd_status = 16, .ssh_stderr = "" },
    MIDWAY_REASON_SSH_SESSION_ENDED, "" },
  { "LCP negotiation failed",
    { .peer_seen = TRUE, .ssh_status = -1, .pppd_status = 10, .ssh_stderr = "" },
    MIDWAY_REASON_PPP_NEGOTIATION_FAILED, "pppd exit status 10" },
  { "stopped by the user",
    { .stopped_by_user = TRUE, .peer_seen = TRUE, .link_was_up = TRUE, .ssh_status = -1,
      .pppd_status = 5, .ssh_stderr = "Killed by signal 15.\n" },
    MIDWAY_REASON_STOPPED_BY_USER, "" },
  { "stale ssh errors are not read once the link was up and pppd ended first",
    { .peer_seen = TRUE, .link_was_up = TRUE, .ssh_status = -1, .pppd_status = 16,
      .ssh_stderr = "Warning: Permanently added 'x' (ED25519) to the list of known hosts.\n"
                    "Permission denied (publickey) for an unrelated hop\n" },
    MIDWAY_REASON_SSH_SESSION_ENDED, NULL },
  { "the launcher refused the key file, as the user",
    { .ssh_exited_first = TRUE, .ssh_status = 125, .pppd_status = 5,
      .ssh_stderr = "midway-helper-launch: key-file: not found, or not a regular file of yours\n" },
    MIDWAY_REASON_SSH_AUTH_FAILED, "key-file: not found, or not a regular file of yours" },
  { "the launcher refused the agent socket, as the user",
    { .ssh_exited_first = TRUE, .ssh_status = 125, .pppd_status = 5,
      .ssh_stderr = "midway-helper-launch: ssh-auth-sock: not found, or not a socket of yours\n" },
    MIDWAY_REASON_SSH_AUTH_FAILED, "ssh-auth-sock: not found, or not a socket of yours" },
  { "the launcher could not become the user",
    { .ssh_exited_first = TRUE, .ssh_status = 125, .pppd_status = 5,
      .ssh_stderr = "midway-helper-launch: setresuid: Operation not permitted\n" },
    MIDWAY_REASON_HELPER_ERROR, "setresuid: Operation not permitted" },
  { "a ProxyCommand that prints the launcher's words is still ssh",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "midway-helper-launch: key-file: not found, or not a regular file of yours\n"
                    "ssh: connect to host 192.0.2.2 port 2222: Connection refused\n" },
    MIDWAY_REASON_SERVER_UNREACHABLE, NULL },
  /* LastMessage is readable by every account and printed by every
   * client: what the server wrote arrives as inert text. */
  { "escape sequences from the remote command arrive clean",
    { .ssh_exited_first = TRUE, .ssh_status = 1, .pppd_status = 5,
      .ssh_stderr = "\x1b]0;owned\x07\x1b[2J\xc2\x9b" "31mno pppd\xe2\x80\xae here\r\n" },
    MIDWAY_REASON_REMOTE_PPPD_FAILED, "?]0;owned??[2J?31mno pppd? here" },
  { "an ssh line with escapes arrives clean",
    { .ssh_exited_first = TRUE, .ssh_status = 255, .pppd_status = 5,
      .ssh_stderr = "\x1b[1mmwsrv@192.0.2.2: Permission denied (publickey).\x1b[0m\n" },
    MIDWAY_REASON_SSH_AUTH_FAILED, "?[1mmwsrv@192.0.2.2: Permission denied (publickey).?[0m" },
  { "pppd could not start locally",
    { .ssh_status = -1, .pppd_status = 2, .ssh_stderr = "" },
    MIDWAY_REASON_HELPER_ERROR, NULL },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *message = NULL;
  const char *reason = midway_helper_diagnose (&c->attempt, &message);

  g_assert_cmpstr (reason, ==, c->reason);
  g_assert_nonnull (message);
  if (c->message != NULL)
    g_assert_cmpstr (message, ==, c->message);
  g_assert_true (g_utf8_validate (message, -1, NULL));
  for (const char *p = message; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
}

/* However long ssh's last line, LastMessage stays one short line. */
static void
test_long_line (void)
{
  g_autofree char *line = g_strnfill (100000, 'x');
  g_autofree char *err = g_strdup_printf ("%s\n", line);
  MidwayHelperAttempt attempt = { .ssh_exited_first = TRUE, .ssh_status = 1,
                                  .pppd_status = 5, .ssh_stderr = err };
  g_autofree char *message = NULL;

  g_assert_cmpstr (midway_helper_diagnose (&attempt, &message), ==,
                   MIDWAY_REASON_REMOTE_PPPD_FAILED);
  g_assert_cmpuint (strlen (message), <=, 256);
  g_assert_true (g_str_has_suffix (message, "…"));
}

/* A kernel without PPP is found before anything is spawned, and the
 * tunnel fails once: the reason is never retried and has its own words. */
static void
test_kernel_without_ppp (void)
{
  g_autofree char *dir = g_dir_make_tmp ("midway-ppp-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "ppp", NULL);
  g_autofree char *message = NULL;
  g_autofree char *expected = g_strdup_printf ("Couldn't open the %s device: %s",
                                               missing, g_strerror (ENOENT));

  g_assert_nonnull (dir);
  g_assert_false (midway_helper_kernel_has_ppp (missing, &message));
  g_assert_cmpstr (message, ==, expected);
  g_clear_pointer (&message, g_free);

  /* a node that opens has a driver behind it */
  g_assert_true (midway_helper_kernel_has_ppp ("/dev/null", &message));
  g_assert_null (message);

  g_assert_false (midway_reason_is_transient (MIDWAY_REASON_NO_KERNEL_PPP));
  g_assert_cmpstr (midway_reason_describe (MIDWAY_REASON_NO_KERNEL_PPP), !=,
                   midway_reason_describe ("no-such-reason"));
  g_assert_no_errno (g_rmdir (dir));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/diagnosis/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }

  g_test_add_func ("/diagnosis/long line", test_long_line);
  g_test_add_func ("/diagnosis/kernel without ppp", test_kernel_without_ppp);

  return g_test_run ();
}
