/* midwayctl-server.c: "midwayctl server setup|check|remove NAME", the
 * server's half of a profile (midway-server-setup.h does the work).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "midway-server-setup.h"
#include "midwayctl.h"

#define MAX_PASSWORD 1024

/* One line: from standard input with --password-stdin, else from the
 * terminal without echo.  Never from argv or the environment. */
static GBytes *
read_password (const char *prompt,
               gboolean    from_stdin,
               GError    **error)
{
  char buffer[MAX_PASSWORD + 2];
  FILE *in = stdin;
  FILE *tty = NULL;
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  gsize length;
  GBytes *password = NULL;

  if (!from_stdin)
    {
      tty = fopen ("/dev/tty", "r+e");
      if (tty == NULL)
        return NULL;  /* no terminal: sudo must do without */
      in = tty;
      fputs (prompt, tty);
      fflush (tty);
      if (tcgetattr (fileno (tty), &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (fileno (tty), TCSAFLUSH, &quiet) == 0;
        }
    }

  if (fgets (buffer, sizeof buffer, in) == NULL)
    buffer[0] = '\0';
  if (echo_off)
    tcsetattr (fileno (tty), TCSAFLUSH, &saved);
  if (tty != NULL)
    {
      fputc ('\n', tty);
      fclose (tty);
    }

  length = strlen (buffer);
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  else if (length > MAX_PASSWORD)
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                 _("The sudo password is longer than %d bytes"), MAX_PASSWORD);
  if (length > 0 && length <= MAX_PASSWORD)
    password = midway_server_password_new (buffer, length);
  explicit_bzero (buffer, sizeof buffer);
  return password;
}

typedef struct
{
  GMainLoop          *loop;
  MidwayServerReport *report;
  GError             *error;
} RunWait;

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->report = midway_server_setup_run_finish (MIDWAY_SERVER_SETUP (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static void
print_messages (MidwayServerSetup *setup)
{
  const char *messages = midway_server_setup_get_server_messages (setup);
  g_auto(GStrv) lines = g_strsplit (messages, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      {
        g_autofree char *shown = midwayctl_sanitize (lines[i]);
        /* TRANSLATORS: a line the server wrote, shown as it is */
        g_printerr (_("server: %s\n"), shown);
      }
}

static void
print_report (MidwayServerReport *report)
{
  for (guint i = 0; i < report->steps->len; i++)
    {
      const MidwayServerStep *step = &g_array_index (report->steps, MidwayServerStep, i);

      const char *what = midway_server_step_describe (step->name);

      /* Padded by display width: the German descriptions are not ASCII. */
      g_print ("  %s%*s %s\n", what, (int) (40 - MIN (40, midwayctl_text_width (what))), "",
               midway_server_step_status_describe (step->status));
    }
  if (report->server_address != NULL)
    g_print (_("Address pair: %s on the server, %s for this client (pool %s)\n"),
             report->server_address, report->client_address, report->pool);
  if (report->firewall != NULL)
    g_print (_("Firewall: %s\n"), report->firewall);
}

gboolean
midwayctl_cmd_server (int      argc,
                      char   **argv,
                      GError **error)
{
  g_auto(GStrv) lans = NULL;
  g_auto(GStrv) dns = NULL;
  g_autofree char *identity = NULL;
  gboolean gateway = FALSE, print = FALSE, password_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "lan", 0, 0, G_OPTION_ARG_STRING_ARRAY, &lans,
      N_("With setup: a network behind the server the client reaches (masqueraded); repeatable"), N_("CIDR") },
    { "gateway", 0, 0, G_OPTION_ARG_NONE, &gateway,
      N_("With setup: the server forwards and masquerades everything (full tunnel)"), NULL },
    { "dns", 0, 0, G_OPTION_ARG_STRING_ARRAY, &dns,
      N_("With setup: a DNS server the server’s pppd offers (ms-dns); repeatable"), N_("ADDRESS") },
    { "identity", 0, 0, G_OPTION_ARG_FILENAME, &identity,
      N_("Sign in with this private key file instead of the profile’s sign-in"), N_("FILE") },
    { "print", 0, 0, G_OPTION_ARG_NONE, &print,
      N_("Print the script for root on the server instead of running it"), NULL },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin,
      N_("Read the sudo password from the first line of standard input"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *name = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *public_key = NULL;
  g_autoptr(MidwayServerSetup) setup = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GBytes) keyring_key = NULL;
  g_autoptr(MidwayProfile) updated = NULL;
  MidwayServerAction action;
  MidwayctlStored *stored;
  MidwayProfile *profile;
  GError *local_error = NULL;
  RunWait wait = { NULL, NULL, NULL };
  gboolean ok;

  if (!midwayctl_parse_options (argc, argv, "setup|check|remove NAME", entries, 2, 2, &args, error))
    return FALSE;

  if (g_str_equal (args[0], "setup"))
    action = MIDWAY_SERVER_ACTION_SETUP;
  else if (g_str_equal (args[0], "check"))
    action = MIDWAY_SERVER_ACTION_CHECK;
  else if (g_str_equal (args[0], "remove"))
    action = MIDWAY_SERVER_ACTION_REMOVE;
  else
    {
      g_autofree char *what = midwayctl_sanitize (args[0]);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("Unknown server command “%s”: use setup, check or remove"), what);
      return FALSE;
    }
  if (action != MIDWAY_SERVER_ACTION_SETUP && (lans != NULL || gateway || dns != NULL))
    {
      g_set_error_literal (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                           _("--lan, --gateway and --dns only go with setup"));
      return FALSE;
    }

  name = midwayctl_arg_to_utf8 (args[1], error);
  if (name == NULL)
    return FALSE;
  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;
  stored = midwayctl_store_find (profiles, name, error);
  if (stored == NULL)
    return FALSE;
  profile = stored->profile;
  shown = midwayctl_sanitize (midway_profile_get_name (profile));

  setup = midway_server_setup_new (profile, action);
  midway_server_setup_set_lans (setup, (const char * const *) lans);
  midway_server_setup_set_gateway (setup, gateway);
  midway_server_setup_set_dns (setup, (const char * const *) dns);
  if (midway_profile_get_auth (profile) == MIDWAY_AUTH_KEYRING_KEY)
    {
      keyring_key = midwayctl_keyring_lookup_private_key (profile, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
    }
  /* For remove too: the key names the client's pair and files. */
  public_key = midway_server_public_key_for_profile (profile, keyring_key);
  midway_server_setup_set_public_key (setup, public_key);
  if (identity != NULL)
    {
      g_autofree char *absolute = g_canonicalize_filename (identity, NULL);

      midway_server_setup_set_identity_file (setup, absolute);
    }
  else if (keyring_key != NULL)
    midway_server_setup_set_identity_data (setup, keyring_key);

  updated = midway_profile_copy (profile);
  if (!midway_server_setup_apply_to_profile (setup, updated, error))
    return FALSE;

  if (print)
    {
      g_autofree char *script = midway_server_setup_build_script (setup, FALSE, error);

      if (script == NULL || !midwayctl_write_stdout (script, strlen (script), error))
        return FALSE;
      if (action != MIDWAY_SERVER_ACTION_CHECK && !midway_profile_equal (updated, profile))
        {
          if (!midway_profile_save (updated, stored->path, error))
            return FALSE;
          g_printerr (_("Profile “%s” updated: remote command “%s”, addresses from the server.\n"),
                      shown, midway_profile_get_remote_command (updated));
        }
      if (public_key == NULL && action == MIDWAY_SERVER_ACTION_SETUP)
        g_printerr (_("The profile’s public key is not known (agent sign-in): add its authorized_keys line by hand.\n"));
      return TRUE;
    }

  /* Before ssh is connected, so that sudo's prompt never waits on us;
   * asked once, used only if sudo asks. */
  {
    g_autofree char *prompt = g_strdup_printf (_("sudo password for %s on %s: "),
                                               midway_profile_get_user (profile),
                                               midway_profile_get_host (profile));
    password = read_password (prompt, password_stdin, error);
    if (password == NULL && error != NULL && *error != NULL)
      return FALSE;
    midway_server_setup_set_sudo_password (setup, password);
  }

  /* A server that closes early must fail the write, not kill us. */
  signal (SIGPIPE, SIG_IGN);
  wait.loop = g_main_loop_new (NULL, FALSE);
  midway_server_setup_run_async (setup, NULL, run_done, &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  g_clear_pointer (&password, g_bytes_unref);
  midway_server_setup_set_sudo_password (setup, NULL);

  if (wait.report == NULL)
    {
      print_messages (setup);
      g_propagate_error (error, wait.error);
      return FALSE;
    }

  print_report (wait.report);
  ok = wait.report->ok;
  if (!ok)
    print_messages (setup);

  if (ok && action != MIDWAY_SERVER_ACTION_CHECK && !midway_profile_equal (updated, profile))
    {
      if (!midway_profile_save (updated, stored->path, error))
        {
          midway_server_report_free (wait.report);
          return FALSE;
        }
      g_print (_("Profile “%s” updated: remote command “%s”, addresses from the server.\n"),
               shown, midway_profile_get_remote_command (updated));
    }
  if (ok && public_key == NULL && action == MIDWAY_SERVER_ACTION_SETUP)
    g_print (_("The profile’s public key is not known (agent sign-in): add its authorized_keys line by hand.\n"));
  midway_server_report_free (wait.report);

  if (!ok)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                   action == MIDWAY_SERVER_ACTION_CHECK
                     ? _("The server’s half of “%s” is not complete (see above)")
                     : _("The server’s half of “%s” failed (see above for what is in place)"),
                   shown);
      return FALSE;
    }
  return TRUE;
}
