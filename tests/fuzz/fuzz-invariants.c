/* fuzz-invariants.c
 *
 * An accepted profile is the helper's only input to the ssh and pppd
 * command lines, so the property fuzzed here is the one that matters
 * as root: nothing a user wrote is ever read by ssh or pppd as an option.
 * Failures abort so that libFuzzer records the input as a crash.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-invariants.h"
#include "midway-argv.h"

#define SSH "/usr/bin/ssh"
#define KNOWN_HOSTS "/run/midway/tunnel-1/known_hosts"
#define IDENTITY "/run/midway/tunnel-1/identity"
#define PPPD "/usr/sbin/pppd"
#define PLUGIN "/usr/lib/pppd/2.4.9/midway-helper-pppd-plugin.so"

G_GNUC_NORETURN static void
fail (const char   *what,
      char * const *argv)
{
  g_autofree char *text = argv != NULL ? g_strjoinv ("» «", (char **) argv) : NULL;

  fprintf (stderr, "fuzz invariant broken: %s\n  argv: «%s»\n", what, text ? text : "");
  abort ();
}

static void
log_nothing (const char    *domain,
             GLogLevelFlags level,
             const char    *message,
             gpointer       data)
{
}

static GLogWriterOutput
write_nothing (GLogLevelFlags   level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         data)
{
  /* A critical is a failed precondition in the library: a bug. */
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR))
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE"))
          fprintf (stderr, "critical: %s\n", (const char *) fields[i].value);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

void
fuzz_init (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  g_log_set_default_handler (log_nothing, NULL);
  g_log_set_writer_func (write_nothing, NULL, NULL);
}

static gboolean
has_control (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

/* As assert_ssh_safe() in test-argv.c: only fixed options start with '-'
 * before the first "--", and neither the host nor the remote program after it
 * can look like an option. */
static void
check_ssh (char * const *argv)
{
  static const char * const with_value[] = { "-o", "-p", "-l", "-i", NULL };
  static const char * const flags[] = { "-T", "-x", "-a", NULL };
  guint i;
  guint dashes = 0;

  if (argv == NULL || argv[0] == NULL || !g_str_equal (argv[0], SSH))
    fail ("ssh argv does not start with ssh", argv);
  for (i = 0; argv[i] != NULL; i++)
    {
      if (g_str_equal (argv[i], "--"))
        dashes++;
      if (argv[i][0] == '\0')
        fail ("ssh argv has an empty element", argv);
      if (has_control (argv[i]))
        fail ("ssh argv has a control character", argv);
    }
  /* The remote command may hold "--" of its own ("sudo -- pppd"): after
   * the first one ssh reads no option, so only that one is checked. */
  if (dashes == 0)
    fail ("ssh argv has no --", argv);

  for (i = 1; !g_str_equal (argv[i], "--"); i++)
    {
      if (g_strv_contains (flags, argv[i]))
        continue;
      gboolean is_config;

      if (!g_strv_contains (with_value, argv[i]))
        fail ("ssh argv has an option that is not a fixed one", argv);
      is_config = g_str_equal (argv[i], "-o");
      i++;
      if (argv[i] == NULL || g_str_has_prefix (argv[i], "-"))
        fail ("an ssh option value looks like an option", argv);
      /* ssh splits -o values (not -i, -l or -p ones) at whitespace and
       * quotes, and a second word would be read as more configuration. */
      if (is_config && strpbrk (argv[i], " \t\"'") != NULL)
        fail ("an ssh -o value has a space or a quote", argv);
    }

  if (argv[i + 1] == NULL || argv[i + 2] == NULL)
    fail ("ssh argv has no host or no remote command", argv);
  if (g_str_has_prefix (argv[i + 1], "-") || g_str_has_prefix (argv[i + 2], "-"))
    fail ("the host or the remote program looks like an option", argv);
}

/* As assert_pppd_safe() in test-argv.c: no option that runs programs, reads
 * more options or loads code, and the one plugin is ours. */
static void
check_pppd (char * const *argv)
{
  static const char * const forbidden[] = {
    "pty", "connect", "disconnect", "init", "welcome", "file", "call", "set",
    "record", "logfile", "notty", "socket", "sync", "persist", "defaultroute",
    "replacedefaultroute", "proxyarp", "usepeerdns", "debug", "dump", NULL
  };
  guint n_plugins = 0;

  if (argv == NULL || argv[0] == NULL || !g_str_equal (argv[0], PPPD))
    fail ("pppd argv does not start with pppd", argv);
  for (guint i = 1; argv[i] != NULL; i++)
    {
      if (g_strv_contains (forbidden, argv[i]))
        fail ("pppd argv has a forbidden option", argv);
      if (g_str_has_suffix (argv[i], "-script"))
        fail ("pppd argv has a script option", argv);
      if (argv[i][0] == '-' || argv[i][0] == '\0')
        fail ("pppd argv has an element that starts with - or is empty", argv);
      if (has_control (argv[i]) || strpbrk (argv[i], " \t\"'\\#") != NULL)
        fail ("pppd argv has a character pppd's option parser reads", argv);
      if (g_str_equal (argv[i], "plugin"))
        {
          n_plugins++;
          if (g_strcmp0 (argv[i + 1], PLUGIN) != 0)
            fail ("pppd argv loads another plugin", argv);
        }
    }
  if (n_plugins != 1)
    fail ("pppd argv does not load exactly one plugin", argv);
}

static void
check_round_trip (MidwayProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GVariant) variant = NULL;
  g_autoptr(MidwayProfile) from_data = NULL;
  g_autoptr(MidwayProfile) from_variant = NULL;
  gsize length = 0;

  data = midway_profile_to_data (profile, &length);
  from_data = midway_profile_new_from_data (data, length, &error);
  if (from_data == NULL)
    {
      fprintf (stderr, "key file:\n%s\nerror: %s\n", data, error->message);
      fail ("a saved profile does not load back", NULL);
    }
  if (!midway_profile_equal (profile, from_data))
    fail ("a saved profile loads back different", NULL);

  variant = g_variant_ref_sink (midway_profile_to_variant (profile));
  from_variant = midway_profile_new_from_variant (variant, &error);
  if (from_variant == NULL)
    {
      fprintf (stderr, "error: %s\n", error->message);
      fail ("a profile's a{sv} does not parse back", NULL);
    }
  if (!midway_profile_equal (profile, from_variant))
    fail ("a profile's a{sv} parses back different", NULL);
}

guint fuzz_n_accepted;

void
fuzz_check_accepted_profile (MidwayProfile *profile)
{
  g_autoptr(GError) error = NULL;
  gboolean pinned = *midway_profile_get_host_key (profile) != '\0';
  MidwayAuthMethod auth = midway_profile_get_auth (profile);
  /* The helper's own arguments, as it would pass them for this profile. */
  MidwaySshArgs ssh_args = {
    .ssh_path = SSH,
    .known_hosts_path = pinned ? KNOWN_HOSTS : NULL,
    .identity_path = auth == MIDWAY_AUTH_KEYRING_KEY ? IDENTITY : NULL,
    .use_askpass = auth == MIDWAY_AUTH_PASSWORD,
  };
  static const MidwayPppdArgs pppd_args = {
    .pppd_path = PPPD,
    .tty_path = "/dev/pts/7",
    .plugin_path = PLUGIN,
    .report_fd = 3,
    .ipparam = "midway-1",
  };
  g_auto(GStrv) ssh = NULL;
  g_auto(GStrv) pppd = NULL;

  if (!midway_profile_validate (profile, &error))
    {
      fprintf (stderr, "error: %s\n", error->message);
      fail ("an accepted profile does not validate", NULL);
    }

  /* A profile the parser accepted must give a command line: the helper
   * would otherwise fail late, after authorising the caller. */
  ssh = midway_argv_build_ssh (profile, &ssh_args, &error);
  if (ssh == NULL)
    {
      fprintf (stderr, "error: %s\n", error->message);
      fail ("no ssh argv for an accepted profile", NULL);
    }
  check_ssh (ssh);

  pppd = midway_argv_build_pppd (profile, &pppd_args, &error);
  if (pppd == NULL)
    {
      fprintf (stderr, "error: %s\n", error->message);
      fail ("no pppd argv for an accepted profile", NULL);
    }
  check_pppd (pppd);

  if (pinned)
    {
      g_autofree char *line = midway_argv_known_hosts_line (profile);
      const char *newline = strchr (line, '\n');

      /* One line exactly: a second one would pin a key of the user's choice
       * for another host. */
      if (newline == NULL || newline[1] != '\0' || has_control (newline + 1))
        fail ("the known_hosts line is not one line", NULL);
      for (const char *p = line; p < newline; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          fail ("the known_hosts line has a control character", NULL);
    }

  check_round_trip (profile);
  fuzz_n_accepted++;
}
