/* test-server-script.c: the server script's parameters, its syntax under
 * the shells a server may have, and the reader of its output fed what a
 * hostile server could print.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-server-script.h"

#define KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"

static char *
build (MidwayServerAction  action,
       const char         *user,
       const char * const *lans,
       const char * const *dns,
       const char         *key,
       GError            **error)
{
  MidwayServerParams params = {
    .action = action, .user = user, .lans = lans, .gateway = TRUE, .dns = dns,
    .public_key = key, .ipv6 = FALSE, .via_sudo = FALSE,
  };

  return midway_server_script_build (&params, error);
}

/* `SHELL -n` parses without running anything. */
static void
assert_parses (const char *shell,
               const char *script)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int fd = g_file_open_tmp ("midway-server-XXXXXX.sh", &path, &error);
  int status = -1;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, script, -1, &error));
  g_assert_no_error (error);
  close (fd);
  {
    const char *argv[] = { shell, "-n", path, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &err, &status, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
}

static void
test_script_parses (void)
{
  const char *lans[] = { "10.99.0.0/24", "192.168.7.0/24", NULL };
  const char *dns[] = { "10.99.0.53", NULL };
  MidwayServerAction actions[] = {
    MIDWAY_SERVER_ACTION_SETUP, MIDWAY_SERVER_ACTION_CHECK, MIDWAY_SERVER_ACTION_REMOVE,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *script = build (actions[i], "alice", lans, dns, KEY, &error);

      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (script, "#!/bin/sh\n"));
      g_assert_nonnull (strstr (script, "\nMW_USER='alice'\n"));
      g_assert_nonnull (strstr (script, "\nMW_LANS='10.99.0.0/24 192.168.7.0/24'\n"));
      g_assert_nonnull (strstr (script, "\nMW_KEY='" KEY " midway-alice'\n"));
      g_assert_nonnull (strstr (script, "\nMW_KEY_ID='79c9151e'\n"));
      g_assert_nonnull (strstr (script, "\nMW_VIA_SUDO='no'\n"));
      g_assert_true (g_str_has_suffix (script, "} </dev/null\n"));
      assert_parses ("/bin/sh", script);
      assert_parses ("/bin/dash", script);
      /* bash in POSIX mode, as /bin/sh is on some servers. */
      assert_parses ("/bin/bash", script);
    }
}

static void
test_script_refuses (void)
{
  const char *bad_users[] = {
    "", "Alice", "al.ice", "alice;reboot", "a'b", "-alice", "0alice",
    "abcdefghijklmnopqrstuvwxyz0123456", "al ice", "al$ice",
  };
  const char *bad_lans[][2] = {
    { "10.99.0.1/24", NULL }, { "10.99.0.0", NULL }, { "10.99.0.0/24'", NULL },
    { "10.99.0.0/24 10.1.0.0/16", NULL }, { "fd00::/64", NULL }, { "010.99.0.0/24", NULL },
    { "$(reboot)", NULL },
  };
  const char *bad_keys[] = {
    "ssh-ed25519", "ssh-ed25519 AAAA'", "ssh-ed25519 AAAA x", "ssh-dss AAAA",
    "ssh-ed25519 AAAA$(reboot)", "ssh-ed25519 AAAA\nrm",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_users); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *script = build (MIDWAY_SERVER_ACTION_SETUP, bad_users[i], NULL, NULL, NULL, &error);

      g_assert_null (script);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_lans); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *script = build (MIDWAY_SERVER_ACTION_SETUP, "alice", bad_lans[i], NULL, NULL, &error);

      g_assert_null (script);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_str_has_prefix (error->message, "--lan: "));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *script = build (MIDWAY_SERVER_ACTION_SETUP, "alice", NULL, NULL, bad_keys[i], &error);

      g_assert_null (script);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
    }
  {
    const char *dns[] = { "10.0.0.1; reboot", NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *script = build (MIDWAY_SERVER_ACTION_SETUP, "alice", NULL, dns, NULL, &error);

    g_assert_null (script);
    g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
  }
}

#define GOOD \
  "midway-server begin 1\n" \
  "midway-server step pppd ok\n" \
  "midway-server step account ok\n" \
  "midway-server step pool changed\n" \
  "midway-server pool 10.77.0.0/24\n" \
  "midway-server address 10.77.0.4 10.77.0.5\n" \
  "midway-server step sudoers changed\n" \
  "midway-server firewall iptables-legacy\n"

static void
test_report_good (void)
{
  g_autoptr(MidwayServerReport) report = midway_server_report_new ();
  g_autoptr(GError) error = NULL;
  const char *text = GOOD "midway-server end ok\n";

  g_assert_true (midway_server_report_parse (report, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_true (report->ok);
  g_assert_cmpuint (report->steps->len, ==, 4);
  g_assert_cmpstr (report->pool, ==, "10.77.0.0/24");
  g_assert_cmpstr (report->server_address, ==, "10.77.0.4");
  g_assert_cmpstr (report->client_address, ==, "10.77.0.5");
  g_assert_cmpstr (report->firewall, ==, "iptables-legacy");
  g_assert_cmpstr (g_array_index (report->steps, MidwayServerStep, 3).name, ==, "sudoers");
}

static void
test_report_failed_step (void)
{
  g_autoptr(MidwayServerReport) report = midway_server_report_new ();
  g_autoptr(GError) error = NULL;
  /* "end ok" cannot hide a step that is missing. */
  const char *text = GOOD "midway-server step peers missing\nmidway-server end ok\n";

  g_assert_true (midway_server_report_parse (report, text, strlen (text), &error));
  g_assert_false (report->ok);
}

/* Everything a server could forge instead of the script's records. */
static void
test_report_hostile (void)
{
  const char *hostile[] = {
    "",
    "midway-server step pppd ok\nmidway-server end ok\n",               /* no begin */
    "midway-server begin 2\nmidway-server end ok\n",                    /* another protocol */
    "midway-server begin 1\n",                                          /* no end */
    "midway-server begin 1\nmidway-server end ok",                      /* unfinished line */
    "midway-server begin 1\nmidway-server step pppd ok; rm -rf ~\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server step ../../etc ok\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server step pppd great\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server step pppd ok\x1b]0;owned\x07\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server step pppd \xc3\xa9\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 8.8.8.0/24\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/16\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.1/24\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server address 10.77.0.2 10.77.0.3\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/24\nmidway-server address 10.77.1.2 10.77.1.3\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/24\nmidway-server address 10.77.0.2 10.77.0.9\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/24\nmidway-server address 10.77.0.254 10.77.0.255\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/24\nmidway-server address 10.77.0.002 10.77.0.3\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server pool 10.77.0.0/24\nmidway-server pool 10.77.1.0/24\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server firewall pf\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server remote-command sh -c reboot\nmidway-server end ok\n",
    "midway-server begin 1\nmidway-server end ok\nmidway-server step pppd ok\n",
    "midway-server begin 1\nmidway-server  step pppd ok\nmidway-server end ok\n",
    "midway-server begin 1\r\nmidway-server end ok\r\n",
    "midway-server begin 1\nmidway-server end ok\nmidway-server end ok\n",
    "MIDWAY-SERVER begin 1\nmidway-server end ok\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(MidwayServerReport) report = midway_server_report_new ();
      g_autoptr(GError) error = NULL;

      g_test_message ("hostile output %" G_GSIZE_FORMAT, i);
      g_assert_false (midway_server_report_parse (report, hostile[i], strlen (hostile[i]), &error));
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED);
      /* The message is ours: none of the server's text is in it. */
      g_assert_null (strstr (error->message, "rm -rf"));
      g_assert_null (strstr (error->message, "\x1b"));
    }

  {
    g_autoptr(MidwayServerReport) report = midway_server_report_new ();
    g_autoptr(GError) error = NULL;
    const char nul[] = "midway-server begin 1\nmidway-server\0 end ok\n";

    g_assert_false (midway_server_report_parse (report, nul, sizeof nul - 1, &error));
    g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED);
  }
  {
    g_autoptr(MidwayServerReport) report = midway_server_report_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *long_line = g_strdup_printf ("midway-server begin 1\nmidway-server step %0600d ok\nmidway-server end ok\n", 0);

    g_assert_false (midway_server_report_parse (report, long_line, strlen (long_line), &error));
    g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED);
  }
}

static void
test_remote_command (void)
{
  g_autofree char *command = midway_server_remote_command ("alice", NULL);
  g_autofree char *peer = midway_server_peer_name ("alice", NULL);

  g_autofree char *key_command = midway_server_remote_command ("alice", KEY);
  g_autofree char *key_peer = midway_server_peer_name ("alice", KEY);

  /* Without a key (agent sign-in) the account has one pair. */
  g_assert_cmpstr (command, ==, "sudo -n pppd call midway-alice");
  g_assert_cmpstr (peer, ==, "midway-alice");
  /* With one, each key of the account has its own: the first 8 hex
   * digits of the SHA-256 of the key's blob (sha256sum of its base64
   * text decoded). */
  g_assert_cmpstr (key_command, ==, "sudo -n pppd call midway-alice-79c9151e");
  g_assert_cmpstr (key_peer, ==, "midway-alice-79c9151e");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/server-script/parses", test_script_parses);
  g_test_add_func ("/server-script/refuses", test_script_refuses);
  g_test_add_func ("/server-script/report-good", test_report_good);
  g_test_add_func ("/server-script/report-failed-step", test_report_failed_step);
  g_test_add_func ("/server-script/report-hostile", test_report_hostile);
  g_test_add_func ("/server-script/remote-command", test_remote_command);
  return g_test_run ();
}
