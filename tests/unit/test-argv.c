/* test-argv.c: the ssh and pppd argument vectors, element by element.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-argv.h"
#include "midway-error.h"
#include "midway-profile.h"

#define ID "123e4567-e89b-12d3-a456-426614174000"
#define ED25519_KEY \
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"

#define SSH "/usr/bin/ssh"
#define KNOWN_HOSTS "/run/midway/tunnel-1/known_hosts"
#define IDENTITY "/run/midway/tunnel-1/identity"
#define KEY_FILE "/home/alice/.ssh/id_ed25519"

#define PPPD "/usr/sbin/pppd"
#define PLUGIN "/usr/lib/pppd/2.4.9/midway-helper-pppd-plugin.so"

/* Everything every ssh vector starts with. */
#define SSH_HEAD(batch) \
  SSH, "-T", "-x", "-a", \
  "-o", "BatchMode=" batch, \
  "-o", "StrictHostKeyChecking=yes", \
  "-o", "ConnectTimeout=15", \
  "-o", "ServerAliveInterval=15", \
  "-o", "ServerAliveCountMax=3", \
  "-o", "ExitOnForwardFailure=yes", \
  "-o", "ClearAllForwardings=yes", \
  "-o", "ControlMaster=no", \
  "-o", "ControlPath=none", \
  "-o", "PermitLocalCommand=no", \
  "-o", "RemoteCommand=none", \
  "-o", "SessionType=default", \
  "-o", "StdinNull=no", \
  "-o", "ForkAfterAuthentication=no", \
  "-o", "Compression=no", \
  "-o", "IPQoS=cs0", \
  "-o", "LogLevel=ERROR", \
  "-o", "Ciphers=^aes128-gcm@openssh.com,aes256-gcm@openssh.com"

#define SSH_PINNED \
  "-o", "HostKeyAlias=midway-" ID, \
  "-o", "UserKnownHostsFile=" KNOWN_HOSTS, \
  "-o", "GlobalKnownHostsFile=/dev/null", \
  "-o", "UpdateHostKeys=no", \
  "-o", "CheckHostIP=no", \
  "-o", "KnownHostsCommand=none", \
  "-o", "VerifyHostKeyDNS=no"

#define SSH_TAIL "nodetach", "notty", "noauth"
/* Never authenticate to the peer with root's /etc/ppp secrets. */
#define REFUSE_AUTH "refuse-pap", "refuse-chap", "refuse-mschap", "refuse-mschap-v2", "refuse-eap"

#define PPPD_HEAD \
  PPPD, "/dev/pts/7", "nodetach", "noauth", REFUSE_AUTH, "local", "nocrtscts", "silent", \
  "noccp", "nodefaultroute", "noreplacedefaultroute", "noproxyarp", "hide-password"

#define PPPD_LINK \
  "ipparam", "midway-1", "linkname", "midway-1", \
  "plugin", PLUGIN, "midway-report-fd", "3"

static const MidwayPppdArgs default_pppd_args = {
  .pppd_path = PPPD,
  .tty_path = "/dev/pts/7",
  .plugin_path = PLUGIN,
  .report_fd = 3,
  .ipparam = "midway-1",
};

static void
set_ok (MidwayProfile *profile,
        const char    *key,
        const char    *text)
{
  g_autoptr(GError) error = NULL;

  if (!midway_profile_set_from_string (profile, key, text, &error))
    g_error ("setting %s to “%s” failed: %s", key, text, error->message);
}

static MidwayProfile *
new_profile (void)
{
  MidwayProfile *profile = midway_profile_new ();

  set_ok (profile, "id", ID);
  set_ok (profile, "name", "Office");
  set_ok (profile, "host", "vpn.example.com");
  return profile;
}

static void
assert_argv (char * const       *actual,
             const char * const *expected)
{
  g_autofree char *actual_text = NULL;
  g_autofree char *expected_text = NULL;

  g_assert_nonnull (actual);
  if (g_strv_equal ((const char * const *) actual, expected))
    return;

  actual_text = g_strjoinv ("» «", (char **) actual);
  expected_text = g_strjoinv ("» «", (char **) expected);
  g_error ("argv mismatch\n  got:      «%s»\n  expected: «%s»", actual_text, expected_text);
}

/* The safety properties every ssh vector must have, whatever the case. */
static void
assert_ssh_safe (char * const *argv)
{
  static const char * const with_value[] = { "-o", "-p", "-l", "-i", NULL };
  static const char * const flags[] = { "-T", "-x", "-a", NULL };
  guint i;
  guint dashes = 0;

  for (i = 0; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], "--"))
      dashes++;
  g_assert_cmpuint (dashes, ==, 1);

  for (i = 1; !g_str_equal (argv[i], "--"); i++)
    {
      if (g_strv_contains (flags, argv[i]))
        continue;
      /* Only fixed options start with '-', and what follows an option is
       * never read as another one. */
      g_assert_true (g_strv_contains (with_value, argv[i]));
      i++;
      g_assert_nonnull (argv[i]);
      g_assert_false (g_str_has_prefix (argv[i], "-"));
    }

  /* "--" comes right before the host, and neither the host nor the remote
   * program can look like an option. */
  g_assert_nonnull (argv[i + 1]);
  g_assert_nonnull (argv[i + 2]);
  g_assert_false (g_str_has_prefix (argv[i + 1], "-"));
  g_assert_false (g_str_has_prefix (argv[i + 2], "-"));
}

/* pppd options that run programs, read more options, or load code.
 * "usepeerdns" is not among them: it only comes with "peer-dns" (see
 * test_dns), and the plugin keeps its results from /etc/ppp/ip-up. */
static void
assert_pppd_safe (char * const *argv)
{
  static const char * const forbidden[] = {
    "pty", "connect", "disconnect", "init", "welcome", "file", "call", "set",
    "record", "logfile", "notty", "socket", "sync", "persist", "defaultroute",
    "replacedefaultroute", "proxyarp", "debug", "dump", NULL
  };
  static const char * const required[] = { REFUSE_AUTH, NULL };
  guint n_plugins = 0;

  for (guint i = 0; required[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) argv, required[i]));

  for (guint i = 1; argv[i] != NULL; i++)
    {
      g_assert_false (g_strv_contains (forbidden, argv[i]));
      g_assert_false (g_str_has_suffix (argv[i], "-script"));
      g_assert_false (g_str_has_prefix (argv[i], "-"));
      if (g_str_equal (argv[i], "plugin"))
        {
          n_plugins++;
          g_assert_cmpstr (argv[i + 1], ==, PLUGIN);
        }
    }
  g_assert_cmpuint (n_plugins, ==, 1);
}

static GStrv
build_ssh (MidwayProfile       *profile,
           const MidwaySshArgs *args)
{
  g_autoptr(GError) error = NULL;
  GStrv argv = midway_argv_build_ssh (profile, args, &error);

  g_assert_no_error (error);
  assert_ssh_safe (argv);
  return argv;
}

static GStrv
build_pppd (MidwayProfile        *profile,
            const MidwayPppdArgs *args)
{
  g_autoptr(GError) error = NULL;
  GStrv argv = midway_argv_build_pppd (profile, args, &error);

  g_assert_no_error (error);
  assert_pppd_safe (argv);
  return argv;
}

/* ------------------------------------------------------------------------ */
/* ssh */

static void
test_ssh_agent (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("yes"),
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=no",
    "-p", "22",
    "--", "vpn.example.com", "sudo", "-n", "pppd", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = { .ssh_path = SSH };
  g_auto(GStrv) argv = build_ssh (profile, &args);

  assert_argv (argv, expected);
}

static void
test_ssh_agent_pinned_user (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("yes"),
    SSH_PINNED,
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=no",
    "-p", "2222",
    "-l", "alice",
    "--", "2001:db8::1", "/usr/sbin/pppd", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = { .ssh_path = SSH, .known_hosts_path = KNOWN_HOSTS };
  g_auto(GStrv) argv = NULL;
  g_autofree char *line = NULL;
  g_autofree char *alias = NULL;

  set_ok (profile, "host", "2001:db8::1");
  set_ok (profile, "port", "2222");
  set_ok (profile, "user", "alice");
  set_ok (profile, "host-key", ED25519_KEY);
  set_ok (profile, "remote-command", "/usr/sbin/pppd");

  argv = build_ssh (profile, &args);
  assert_argv (argv, expected);

  alias = midway_argv_host_key_alias (profile);
  g_assert_cmpstr (alias, ==, "midway-" ID);
  line = midway_argv_known_hosts_line (profile);
  g_assert_cmpstr (line, ==, "midway-" ID " " ED25519_KEY "\n");
}

static void
test_ssh_key_file (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("no"),
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-i", KEY_FILE,
    "-p", "22",
    "-l", "alice",
    "--", "vpn.example.com", "sudo", "-n", "pppd", SSH_TAIL,
    NULL
  };
  static const char * const expected_batch[] = {
    SSH_HEAD ("yes"),
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-i", KEY_FILE,
    "-p", "22",
    "-l", "alice",
    "--", "vpn.example.com", "sudo", "-n", "pppd", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  /* A key with a passphrase: askpass, so no batch mode. */
  MidwaySshArgs args = { .ssh_path = SSH, .use_askpass = TRUE };
  g_auto(GStrv) argv = NULL;
  g_auto(GStrv) argv_batch = NULL;

  set_ok (profile, "auth", "key-file");
  set_ok (profile, "key-file", KEY_FILE);
  set_ok (profile, "user", "alice");

  argv = build_ssh (profile, &args);
  assert_argv (argv, expected);

  args.use_askpass = FALSE;
  argv_batch = build_ssh (profile, &args);
  assert_argv (argv_batch, expected_batch);
}

static void
test_ssh_keyring_key (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("yes"),
    SSH_PINNED,
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=yes",
    "-o", "IdentityAgent=none",
    "-i", IDENTITY,
    "-p", "22",
    "--", "192.0.2.1", "sudo", "-n", "pppd", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = {
    .ssh_path = SSH,
    .known_hosts_path = KNOWN_HOSTS,
    .identity_path = IDENTITY,
  };
  g_auto(GStrv) argv = NULL;

  set_ok (profile, "host", "192.0.2.1");
  set_ok (profile, "auth", "keyring-key");
  set_ok (profile, "host-key", ED25519_KEY);
  /* Unused with this method, and must not appear. */
  set_ok (profile, "key-file", KEY_FILE);

  argv = build_ssh (profile, &args);
  assert_argv (argv, expected);
}

static void
test_ssh_password (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("no"),
    "-o", "PreferredAuthentications=password,keyboard-interactive",
    "-o", "PubkeyAuthentication=no",
    "-o", "NumberOfPasswordPrompts=1",
    "-p", "22",
    "-l", "bob",
    "--", "vpn.example.com", "env", "LC_ALL=C", "sudo", "-n", "/usr/sbin/pppd", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = { .ssh_path = SSH, .use_askpass = TRUE };
  g_auto(GStrv) argv = NULL;

  set_ok (profile, "auth", "password");
  set_ok (profile, "user", "bob");
  set_ok (profile, "remote-command", "env LC_ALL=C sudo -n /usr/sbin/pppd");

  argv = build_ssh (profile, &args);
  assert_argv (argv, expected);
}

/* Profile text that is a valid value yet spells an option lands only
 * where ssh reads data. */
static void
test_ssh_option_like_values (void)
{
  static const char * const expected[] = {
    SSH_HEAD ("yes"),
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=no",
    "-p", "22",
    "-l", "plugin",
    "--", "connect", "pty", "-oProxyCommand=x", "plugin", SSH_TAIL,
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = { .ssh_path = SSH };
  g_auto(GStrv) argv = NULL;

  set_ok (profile, "name", "-oProxyCommand=x");
  set_ok (profile, "host", "connect");
  set_ok (profile, "user", "plugin");
  /* Later words of the remote command may start with '-' ("sudo -n"):
   * they come after the host, where ssh passes them to the server. */
  set_ok (profile, "remote-command", "pty -oProxyCommand=x plugin");

  argv = build_ssh (profile, &args);
  assert_argv (argv, expected);
}

static void
test_ssh_invalid_arguments (void)
{
  g_autoptr(MidwayProfile) plain = new_profile ();
  g_autoptr(MidwayProfile) pinned = new_profile ();
  g_autoptr(MidwayProfile) keyring = new_profile ();
  g_autoptr(MidwayProfile) password = new_profile ();
  const struct
  {
    MidwayProfile *profile;
    MidwaySshArgs  args;
  } cases[] = {
    { plain, { .ssh_path = NULL } },
    { plain, { .ssh_path = "ssh" } },
    { plain, { .ssh_path = "/usr/bin/ssh\n" } },
    /* A file where none is needed, or none where one is. */
    { plain, { .ssh_path = SSH, .known_hosts_path = KNOWN_HOSTS } },
    { plain, { .ssh_path = SSH, .identity_path = IDENTITY } },
    { pinned, { .ssh_path = SSH } },
    { keyring, { .ssh_path = SSH } },
    /* ssh splits option values and expands tokens in both. */
    { pinned, { .ssh_path = SSH, .known_hosts_path = "/run/my dir/known_hosts" } },
    { pinned, { .ssh_path = SSH, .known_hosts_path = "/run/%d/known_hosts" } },
    { pinned, { .ssh_path = SSH, .known_hosts_path = "/run/${HOME}/known_hosts" } },
    { pinned, { .ssh_path = SSH, .known_hosts_path = "known_hosts" } },
    { pinned, { .ssh_path = SSH, .known_hosts_path = "/run/../etc/known_hosts" } },
    { keyring, { .ssh_path = SSH, .identity_path = "/run/a\"b" } },
    { keyring, { .ssh_path = SSH, .identity_path = "~/id" } },
    /* Batch mode would make password authentication fail. */
    { password, { .ssh_path = SSH } },
  };

  set_ok (pinned, "host-key", ED25519_KEY);
  set_ok (keyring, "auth", "keyring-key");
  set_ok (password, "auth", "password");

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = midway_argv_build_ssh (cases[i].profile, &cases[i].args, &error);

      g_test_message ("case %" G_GSIZE_FORMAT, i);
      g_assert_null (argv);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_invalid_profile (void)
{
  g_autoptr(MidwayProfile) unnamed = midway_profile_new ();
  g_autoptr(MidwayProfile) no_key_file = new_profile ();
  MidwaySshArgs ssh_args = { .ssh_path = SSH };
  MidwayProfile *profiles[] = { unnamed, no_key_file };

  set_ok (unnamed, "host", "vpn.example.com");
  set_ok (no_key_file, "auth", "key-file");

  for (gsize i = 0; i < G_N_ELEMENTS (profiles); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) ssh = NULL;
      g_auto(GStrv) pppd = NULL;

      ssh = midway_argv_build_ssh (profiles[i], &ssh_args, &error);
      g_assert_null (ssh);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
      g_clear_error (&error);

      pppd = midway_argv_build_pppd (profiles[i], &default_pppd_args, &error);
      g_assert_null (pppd);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
    }
}

/* ssh itself must accept every option we pass: "ssh -G" parses the whole
 * command line and prints the resulting configuration without connecting. */
static void
test_ssh_parses (void)
{
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwaySshArgs args = {
    .ssh_path = SSH,
    .known_hosts_path = KNOWN_HOSTS,
  };
  g_autofree char *dir = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *expected_identity = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GPtrArray) with_g = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_file_test (SSH, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("no " SSH);
      return;
    }

  /* ssh quietly drops an -i file that does not exist. */
  dir = g_dir_make_tmp ("midway-test-argv-XXXXXX", &error);
  g_assert_no_error (error);
  identity = g_build_filename (dir, "identity", NULL);
  g_assert_true (g_file_set_contents (identity, "", 0, &error));
  args.identity_path = identity;
  expected_identity = g_strdup_printf ("\nidentityfile %s\n", identity);

  set_ok (profile, "auth", "keyring-key");
  set_ok (profile, "host-key", ED25519_KEY);
  set_ok (profile, "user", "alice");
  set_ok (profile, "port", "2222");
  argv = build_ssh (profile, &args);

  g_ptr_array_add (with_g, argv[0]);
  g_ptr_array_add (with_g, (char *) "-G");
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (with_g, argv[i]);
  g_ptr_array_add (with_g, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) with_g->pdata, NULL, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("ssh -G stderr: %s", err);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  g_assert_nonnull (strstr (out, "\nuser alice\n"));
  g_assert_nonnull (strstr (out, "\nhostname vpn.example.com\n"));
  g_assert_nonnull (strstr (out, "\nport 2222\n"));
  g_assert_nonnull (strstr (out, "\nbatchmode yes\n"));
  g_assert_nonnull (strstr (out, "\nstricthostkeychecking true\n"));
  g_assert_nonnull (strstr (out, "\nhostkeyalias midway-" ID "\n"));
  g_assert_nonnull (strstr (out, "\nuserknownhostsfile " KNOWN_HOSTS "\n"));
  g_assert_nonnull (strstr (out, "\nglobalknownhostsfile /dev/null\n"));
  g_assert_nonnull (strstr (out, expected_identity));
  g_assert_nonnull (strstr (out, "\nidentityagent none\n"));
  g_assert_nonnull (strstr (out, "\nforwardagent no\n"));
  g_assert_nonnull (strstr (out, "\nciphers aes128-gcm@openssh.com,aes256-gcm@openssh.com"));
  /* One best-effort class for interactive and bulk alike: ssh -T would
   * otherwise mark the tunnel as bulk (CS1, or "throughput" on Debian). */
  g_assert_nonnull (strstr (out, "\nipqos cs0 cs0\n"));

  g_unlink (identity);
  g_rmdir (dir);
}

/* ------------------------------------------------------------------------ */
/* pppd */

static void
test_pppd_addresses (void)
{
  static const char * const expected_none[] = {
    PPPD_HEAD,
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    PPPD_LINK,
    "noipdefault",
    "noipv6",
    NULL
  };
  static const char * const expected_local[] = {
    PPPD_HEAD,
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    PPPD_LINK,
    "10.0.0.1:",
    "noipv6",
    NULL
  };
  /* noipdefault still: pppd would otherwise take its host name's address
   * as the local end. */
  static const char * const expected_remote[] = {
    PPPD_HEAD,
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    PPPD_LINK,
    ":10.0.0.2", "noipdefault",
    "noipv6",
    NULL
  };
  static const char * const expected_both[] = {
    PPPD_HEAD,
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    PPPD_LINK,
    "10.0.0.1:10.0.0.2",
    "noipv6",
    NULL
  };
  const struct
  {
    const char         *local;
    const char         *remote;
    const char * const *expected;
  } cases[] = {
    { "", "", expected_none },
    { "10.0.0.1", "", expected_local },
    { "", "10.0.0.2", expected_remote },
    { "10.0.0.1", "10.0.0.2", expected_both },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MidwayProfile) profile = new_profile ();
      g_auto(GStrv) argv = NULL;

      set_ok (profile, "local-address", cases[i].local);
      set_ok (profile, "remote-address", cases[i].remote);
      argv = build_pppd (profile, &default_pppd_args);
      assert_argv (argv, cases[i].expected);
    }
}

static void
test_pppd_link_settings (void)
{
  static const char * const expected[] = {
    PPPD, "/dev/pts/12", "nodetach", "noauth", REFUSE_AUTH, "local", "nocrtscts", "silent",
    "noccp", "nodefaultroute", "noreplacedefaultroute", "noproxyarp", "hide-password",
    "mtu", "576", "mru", "576",
    "lcp-echo-interval", "300", "lcp-echo-adaptive", "lcp-echo-failure", "28",
    "ipparam", "t0", "linkname", "t0",
    "plugin", PLUGIN, "midway-report-fd", "1023",
    "noipdefault",
    "noipv6",
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwayPppdArgs args = default_pppd_args;
  g_auto(GStrv) argv = NULL;

  set_ok (profile, "mtu", "576");
  set_ok (profile, "echo-interval", "300");
  set_ok (profile, "echo-failures", "30");
  /* Nothing of these reaches pppd. */
  set_ok (profile, "name", "plugin");
  set_ok (profile, "host", "pty");
  set_ok (profile, "user", "connect");
  set_ok (profile, "remote-command", "file /etc/shadow");

  args.tty_path = "/dev/pts/12";
  args.ipparam = "t0";
  args.report_fd = 1023;
  argv = build_pppd (profile, &args);
  assert_argv (argv, expected);
}

static void
test_ipv6 (void)
{
  static const char * const expected_pppd[] = {
    PPPD, "/dev/pts/12", "nodetach", "noauth", REFUSE_AUTH, "local", "nocrtscts", "silent",
    "noccp", "nodefaultroute", "noreplacedefaultroute", "noproxyarp", "hide-password",
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    "ipparam", "t0", "linkname", "t0",
    "plugin", PLUGIN, "midway-report-fd", "3",
    "noipdefault", "+ipv6",
    NULL
  };
  static const char * const expected_ssh[] = {
    SSH_HEAD ("yes"),
    "-o", "PreferredAuthentications=publickey",
    "-o", "IdentitiesOnly=no",
    "-p", "22",
    "--", "vpn.example.com", "sudo", "-n", "pppd", SSH_TAIL, "+ipv6",
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwayPppdArgs pppd_args = default_pppd_args;
  MidwaySshArgs ssh_args = { .ssh_path = SSH };
  g_auto(GStrv) pppd_argv = NULL;
  g_auto(GStrv) ssh_argv = NULL;
  g_auto(GStrv) plain = NULL;

  /* Routes never reach pppd: the helper installs them. */
  set_ok (profile, "routes", "10.99.0.0/24,fd00:99::/64");
  set_ok (profile, "full-tunnel", "true");
  set_ok (profile, "ipv6", "true");
  pppd_args.tty_path = "/dev/pts/12";
  pppd_args.ipparam = "t0";
  pppd_args.report_fd = 3;
  pppd_argv = build_pppd (profile, &pppd_args);
  assert_argv (pppd_argv, expected_pppd);
  ssh_argv = build_ssh (profile, &ssh_args);
  assert_argv (ssh_argv, expected_ssh);

  set_ok (profile, "routes", "10.99.0.0/24");
  set_ok (profile, "ipv6", "false");
  plain = build_pppd (profile, &pppd_args);
  g_assert_false (g_strv_contains ((const char * const *) plain, "+ipv6"));
  /* Debian's pppd would open IPv6CP on its own. */
  g_assert_true (g_strv_contains ((const char * const *) plain, "noipv6"));
}

static void
test_dns (void)
{
  static const char * const expected_pppd[] = {
    PPPD, "/dev/pts/12", "nodetach", "noauth", REFUSE_AUTH, "local", "nocrtscts", "silent",
    "noccp", "nodefaultroute", "noreplacedefaultroute", "noproxyarp", "hide-password",
    "mtu", "1400", "mru", "1400",
    "lcp-echo-interval", "3", "lcp-echo-adaptive", "lcp-echo-failure", "1",
    "ipparam", "t0", "linkname", "t0",
    "plugin", PLUGIN, "midway-report-fd", "3",
    "noipdefault", "noipv6", "usepeerdns",
    NULL
  };
  g_autoptr(MidwayProfile) profile = new_profile ();
  MidwayPppdArgs pppd_args = default_pppd_args;
  MidwaySshArgs ssh_args = { .ssh_path = SSH };
  g_auto(GStrv) pppd_argv = NULL;
  g_auto(GStrv) plain = NULL;
  g_auto(GStrv) ssh_argv = NULL;

  /* The profile's own servers and domains are the helper's business; only
   * asking the peer for its servers needs pppd, and only the local one. */
  set_ok (profile, "dns-servers", "10.66.0.2");
  set_ok (profile, "dns-search", "corp.example.com");
  pppd_args.tty_path = "/dev/pts/12";
  pppd_args.ipparam = "t0";
  pppd_args.report_fd = 3;
  plain = build_pppd (profile, &pppd_args);
  g_assert_false (g_strv_contains ((const char * const *) plain, "usepeerdns"));

  set_ok (profile, "peer-dns", "true");
  pppd_argv = build_pppd (profile, &pppd_args);
  assert_argv (pppd_argv, expected_pppd);
  ssh_argv = build_ssh (profile, &ssh_args);
  g_assert_false (g_strv_contains ((const char * const *) ssh_argv, "usepeerdns"));
  g_assert_false (g_strv_contains ((const char * const *) ssh_argv, "10.66.0.2"));
}

static const char *
option_value (char * const *argv,
              const char   *option)
{
  for (guint i = 0; argv[i] != NULL; i++)
    if (g_str_equal (argv[i], option))
      return argv[i + 1];
  return NULL;
}

/* The peer is declared dead within echo-interval × echo-failures seconds
 * of going silent: pppd's own count waits one tick more than it says, and
 * adaptive echoes one more after a busy tick, so lcp-echo-failure is
 * echo-failures - 2 with lcp-echo-adaptive; with echo-failures 2 there is
 * no room for adaptive echoes, and it is 1 without them.  Never 0, which
 * pppd takes as "never give up". */
static void
test_pppd_echo_mapping (void)
{
  for (guint failures = 2; failures <= 30; failures++)
    {
      g_autoptr(MidwayProfile) profile = new_profile ();
      g_autofree char *text = g_strdup_printf ("%u", failures);
      g_autofree char *expected = g_strdup_printf ("%u", failures >= 3 ? failures - 2 : 1);
      g_auto(GStrv) argv = NULL;

      set_ok (profile, "echo-failures", text);
      argv = build_pppd (profile, &default_pppd_args);
      g_assert_cmpstr (option_value (argv, "lcp-echo-failure"), ==, expected);
      g_assert_cmpstr (option_value (argv, "lcp-echo-interval"), ==, "3");
      g_assert_cmpint (g_strv_contains ((const char * const *) argv, "lcp-echo-adaptive"), ==,
                       failures >= 3);
    }
}

/* The defaults: a dead peer within 10 s (3 s × 3), an idle link probed
 * at most every 3 s, a busy one not at all. */
static void
test_pppd_echo_defaults (void)
{
  g_autoptr(MidwayProfile) profile = new_profile ();
  g_auto(GStrv) argv = build_pppd (profile, &default_pppd_args);
  guint interval = (guint) g_ascii_strtoull (option_value (argv, "lcp-echo-interval"), NULL, 10);

  g_assert_cmpuint (interval, >=, 3);
  g_assert_cmpuint (interval * midway_profile_get_echo_failures (profile), <=, 10);
  g_assert_true (g_strv_contains ((const char * const *) argv, "lcp-echo-adaptive"));
}

static void
test_pppd_invalid_arguments (void)
{
  static const char * const bad_ttys[] = {
    "/dev/sda", "/dev/pts/", "/dev/pts/1a", "/dev/pts/../sda", "/dev/pts/01",
    "dev/pts/1", "/dev/pts/1 ", "/dev/pts/1\n", "/dev/pts/-1", "/dev/ptmx",
    "/dev/pts/1234567890", "/dev/tty1",
  };
  static const char * const bad_ipparams[] = {
    "a b", "", "UPPER", "-x", "a;b", "a/b", "a\nb", "midway_1",
    "a23456789012345678901234567890123",  /* 33 */
  };
  static const int bad_fds[] = { -1, 0, 1, 2, 1024, G_MAXINT };
  g_autoptr(MidwayProfile) profile = new_profile ();
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);

  for (gsize i = 0; i < G_N_ELEMENTS (bad_ttys); i++)
    {
      MidwayPppdArgs *args = g_memdup2 (&default_pppd_args, sizeof *args);

      args->tty_path = bad_ttys[i];
      g_ptr_array_add (cases, args);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_ipparams); i++)
    {
      MidwayPppdArgs *args = g_memdup2 (&default_pppd_args, sizeof *args);

      args->ipparam = bad_ipparams[i];
      g_ptr_array_add (cases, args);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_fds); i++)
    {
      MidwayPppdArgs *args = g_memdup2 (&default_pppd_args, sizeof *args);

      args->report_fd = bad_fds[i];
      g_ptr_array_add (cases, args);
    }
  {
    MidwayPppdArgs *args;

    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->tty_path = NULL;
    g_ptr_array_add (cases, args);
    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->ipparam = NULL;
    g_ptr_array_add (cases, args);
    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->pppd_path = "pppd";
    g_ptr_array_add (cases, args);
    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->plugin_path = "midway-helper-pppd-plugin.so";
    g_ptr_array_add (cases, args);
    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->plugin_path = NULL;
    g_ptr_array_add (cases, args);
    args = g_memdup2 (&default_pppd_args, sizeof *args);
    args->plugin_path = "/usr/lib/x\n.so";
    g_ptr_array_add (cases, args);
  }

  for (guint i = 0; i < cases->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) argv = midway_argv_build_pppd (profile, cases->pdata[i], &error);

      g_test_message ("case %u", i);
      g_assert_null (argv);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/argv/ssh/agent", test_ssh_agent);
  g_test_add_func ("/argv/ssh/agent-pinned-user", test_ssh_agent_pinned_user);
  g_test_add_func ("/argv/ssh/key-file", test_ssh_key_file);
  g_test_add_func ("/argv/ssh/keyring-key", test_ssh_keyring_key);
  g_test_add_func ("/argv/ssh/password", test_ssh_password);
  g_test_add_func ("/argv/ssh/option-like-values", test_ssh_option_like_values);
  g_test_add_func ("/argv/ssh/invalid-arguments", test_ssh_invalid_arguments);
  g_test_add_func ("/argv/ssh/parses", test_ssh_parses);
  g_test_add_func ("/argv/invalid-profile", test_invalid_profile);
  g_test_add_func ("/argv/pppd/addresses", test_pppd_addresses);
  g_test_add_func ("/argv/pppd/link-settings", test_pppd_link_settings);
  g_test_add_func ("/argv/pppd/echo-mapping", test_pppd_echo_mapping);
  g_test_add_func ("/argv/pppd/echo-defaults", test_pppd_echo_defaults);
  g_test_add_func ("/argv/pppd/invalid-arguments", test_pppd_invalid_arguments);
  g_test_add_func ("/argv/ipv6", test_ipv6);
  g_test_add_func ("/argv/dns", test_dns);

  return g_test_run ();
}
