/* midwayctl.c: the command-line client of Midway: entry point, command
 * table, option parsing and the few helpers every command uses.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "midway-error.h"
#include "midwayctl.h"

G_DEFINE_QUARK (midwayctl-error-quark, midwayctl_error)

typedef struct
{
  const char          *name;
  const char          *synopsis;   /* arguments, as in the man page */
  const char          *summary;    /* N_() */
  MidwayctlCommandFunc func;
} MidwayctlCommand;

static const MidwayctlCommand commands[] = {
  { "list", "[--json]",
    N_("List the stored profiles"), midwayctl_cmd_list },
  { "import", "FILE | --ssh-config [ALIAS…]",
    N_("Check a profile file and store it"), midwayctl_cmd_import },
  { "export", "NAME [FILE]",
    N_("Write a stored profile to FILE or standard output"), midwayctl_cmd_export },
  { "remove", "NAME",
    N_("Delete a stored profile"), midwayctl_cmd_remove },
  { "up", "NAME",
    N_("Connect a profile and wait until the tunnel is up"), midwayctl_cmd_up },
  { "down", "NAME",
    N_("Disconnect a profile’s tunnel"), midwayctl_cmd_down },
  { "status", "[--json]",
    N_("Show every tunnel"), midwayctl_cmd_status },
  { "log", "NAME",
    N_("Show the recent log of a profile’s tunnel"), midwayctl_cmd_log },
  { "monitor", "[--json]",
    N_("Print tunnel events as they happen, until interrupted"), midwayctl_cmd_monitor },
  { "key", "generate [--replace] NAME | show NAME",
    N_("Make a sign-in key in the keyring, or show the lines the server needs for it"), midwayctl_cmd_key },
  { "server", "setup|check|remove NAME",
    N_("Set up, check or remove the server’s half of a profile over ssh and sudo"), midwayctl_cmd_server },
};

static const MidwayctlCommand *
lookup_command (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* Shared by the main help and every command's --help, so a script's author
 * finds the statuses wherever they look. */
static char *
exit_status_text (void)
{
  GString *text = g_string_new (_("Exit status:"));

  g_string_append_c (text, '\n');
  g_string_append_printf (text, "  0  %s\n", _("success"));
  g_string_append_printf (text, "  1  %s\n", _("failure (helper unreachable, not connected, …)"));
  g_string_append_printf (text, "  2  %s\n", _("usage error"));
  g_string_append_printf (text, "  3  %s\n", _("invalid profile, no such profile, or it already exists"));
  g_string_append_printf (text, "  4  %s\n", _("not authorised"));
  g_string_append_printf (text, "  5  %s\n", _("the tunnel failed"));
  g_string_append_printf (text, "  6  %s", _("timed out waiting (the tunnel goes on in the background)"));
  return g_string_free (text, FALSE);
}

static void
append_padded (GString    *out,
               const char *text,
               gsize       column)
{
  gsize width = midwayctl_text_width (text);

  g_string_append (out, text);
  for (; width < column; width++)
    g_string_append_c (out, ' ');
}

static char *
main_help_text (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *exit_status = exit_status_text ();
  gsize column = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *entry = g_strdup_printf ("%s %s", commands[i].name, commands[i].synopsis);
      column = MAX (column, midwayctl_text_width (entry));
    }
  column += 2;

  g_string_append_printf (text, "%s\n  midwayctl %s\n\n", _("Usage:"), _("COMMAND [OPTION…] [ARGUMENT…]"));
  g_string_append_printf (text, "%s\n\n", _("Manage Midway VPN profiles and tunnels (PPP over SSH)."));
  g_string_append_printf (text, "%s\n", _("Commands:"));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *entry = g_strdup_printf ("%s %s", commands[i].name, commands[i].synopsis);

      g_string_append (text, "  ");
      append_padded (text, entry, column);
      g_string_append_printf (text, "%s\n", _(commands[i].summary));
    }
  g_string_append_c (text, '\n');
  g_string_append_printf (text, "%s\n", _("NAME is a profile’s name or its id."));
  g_string_append_printf (text, "%s\n\n", _("Run “midwayctl COMMAND --help” for a command’s options."));
  g_string_append_printf (text, "%s\n", _("Options:"));
  g_string_append_printf (text, "  -h, --help   %s\n", _("Show this help"));
  g_string_append_printf (text, "  --version    %s\n\n", _("Show the version"));
  g_string_append_printf (text, "%s\n", exit_status);
  return g_string_free (text, FALSE);
}

gboolean
midwayctl_parse_options (int                 argc,
                         char              **argv,
                         const char         *parameter_string,
                         const GOptionEntry *entries,
                         guint               min_positional,
                         guint               max_positional,
                         char             ***positional,
                         GError            **error)
{
  const MidwayctlCommand *command = lookup_command (argv[0]);
  g_autoptr(GOptionContext) context = NULL;
  g_auto(GStrv) rest = NULL;
  g_autofree char *program = g_strdup_printf ("midwayctl %s", argv[0]);
  g_autofree char *exit_status = exit_status_text ();
  g_autofree char **args = g_new0 (char *, argc + 1);
  int n_args = argc;
  guint n_rest;
  /* Positional arguments stay bytes (file names); names are converted
   * where they are used.  G_OPTION_REMAINING also honours "--", so a
   * profile called "-x" can be named as "-- -x". */
  const GOptionEntry remaining[] = {
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };

  g_assert (command != NULL);

  /* GOption takes the program name for "Usage:" from argv[0]: make it
   * "midwayctl up" rather than "midwayctl [OPTION…] up". */
  args[0] = program;
  for (int i = 1; i < argc; i++)
    args[i] = argv[i];

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_description (context, exit_status);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, remaining, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &n_args, &args, error))
    return FALSE;

  n_rest = rest != NULL ? g_strv_length (rest) : 0;
  if (n_rest < min_positional)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("%s: missing argument (expected %s)"), argv[0], parameter_string);
      return FALSE;
    }
  if (n_rest > max_positional)
    {
      g_autofree char *shown = midwayctl_sanitize (rest[max_positional]);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("%s: unexpected argument “%s”"), argv[0], shown);
      return FALSE;
    }

  if (positional != NULL)
    *positional = rest != NULL ? g_steal_pointer (&rest) : g_new0 (char *, 1);
  return TRUE;
}

char *
midwayctl_arg_to_utf8 (const char *arg,
                       GError    **error)
{
  if (g_utf8_validate (arg, -1, NULL))
    return g_strdup (arg);

  /* A legacy-locale terminal: what was typed is in the locale's charset. */
  return g_locale_to_utf8 (arg, -1, NULL, NULL, error);
}

char *
midwayctl_sanitize (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* An ssh error line or a profile name from another user must not be
       * able to move the cursor or retitle the terminal. */
      if ((c < 0x20 && c != '\t') || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else if (c >= 0x80 && c <= 0x9f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }

  return g_string_free (out, FALSE);
}

gsize
midwayctl_text_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

gboolean
midwayctl_write_stdout (const char *data,
                        gsize       length,
                        GError    **error)
{
  if (length > 0 && fwrite (data, 1, length, stdout) != length)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not write to standard output: %s"), g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static int
exit_status_for_error (const GError *error)
{
  if (error->domain == MIDWAYCTL_ERROR)
    {
      switch ((MidwayctlError) error->code)
        {
        case MIDWAYCTL_ERROR_USAGE:         return MIDWAYCTL_EXIT_USAGE;
        case MIDWAYCTL_ERROR_PROFILE:       return MIDWAYCTL_EXIT_PROFILE;
        case MIDWAYCTL_ERROR_TUNNEL_FAILED: return MIDWAYCTL_EXIT_TUNNEL_FAILED;
        case MIDWAYCTL_ERROR_TIMED_OUT:     return MIDWAYCTL_EXIT_TIMEOUT;
        case MIDWAYCTL_ERROR_NOT_CONNECTED:
        case MIDWAYCTL_ERROR_FAILED:
        default:                            return MIDWAYCTL_EXIT_FAILURE;
        }
    }

  if (error->domain == G_OPTION_ERROR)
    return MIDWAYCTL_EXIT_USAGE;

  if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE))
    return MIDWAYCTL_EXIT_PROFILE;

  /* Refusals by polkit (through the helper) and by the bus policy alike. */
  if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    return MIDWAYCTL_EXIT_NOT_AUTHORIZED;

  return MIDWAYCTL_EXIT_FAILURE;
}

static void
print_usage_hint (const char *command)
{
  if (command != NULL)
    g_printerr (_("Try “midwayctl %s --help”.\n"), command);
  else
    g_printerr (_("Try “midwayctl --help”.\n"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const MidwayctlCommand *command;
  const char *name;
  const char *localedir;
  int status = MIDWAYCTL_EXIT_OK;

  setlocale (LC_ALL, "");
  /* Lets the tests (and a build run from its tree) load the catalogues just
   * compiled in the build directory instead of the installed ones; glibc
   * has no variable of its own for that.  midwayctl runs with its caller's
   * privileges, so this gives nobody anything they did not have. */
  localedir = g_getenv ("MIDWAY_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Registers the helper's D-Bus error names, so that its errors arrive as
   * MIDWAY_ERROR codes (and map to exit statuses) rather than as
   * G_IO_ERROR_DBUS_ERROR. */
  midway_error_quark ();

  if (argc < 2)
    {
      g_printerr ("%s\n  midwayctl %s\n", _("Usage:"), _("COMMAND [OPTION…] [ARGUMENT…]"));
      print_usage_hint (NULL);
      return MIDWAYCTL_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") ||
      g_str_equal (name, "-?") || (g_str_equal (name, "help") && argc == 2))
    {
      g_autofree char *help = main_help_text ();

      g_print ("%s", help);
      return fflush (stdout) == 0 ? MIDWAYCTL_EXIT_OK : MIDWAYCTL_EXIT_FAILURE;
    }

  if (g_str_equal (name, "--version"))
    {
      g_print ("midwayctl %s\n", PACKAGE_VERSION);
      return fflush (stdout) == 0 ? MIDWAYCTL_EXIT_OK : MIDWAYCTL_EXIT_FAILURE;
    }

  if (g_str_equal (name, "help"))
    {
      /* "midwayctl help up" is "midwayctl up --help". */
      char *help_argv[] = { argv[2], (char *) "--help", NULL };

      command = lookup_command (argv[2]);
      if (command == NULL || argc > 3)
        {
          g_autofree char *shown = midwayctl_sanitize (argv[2]);

          g_printerr ("midwayctl: ");
          g_printerr (_("unknown command “%s”"), shown);
          g_printerr ("\n");
          print_usage_hint (NULL);
          return MIDWAYCTL_EXIT_USAGE;
        }
      command->func (2, help_argv, &error);
      /* --help exits from inside GOption; getting here is a bug. */
      g_assert_not_reached ();
    }

  command = lookup_command (name);
  if (command == NULL)
    {
      g_autofree char *shown = midwayctl_sanitize (name);

      g_printerr ("midwayctl: ");
      if (name[0] == '-')
        g_printerr (_("unknown option “%s”"), shown);
      else
        g_printerr (_("unknown command “%s”"), shown);
      g_printerr ("\n");
      print_usage_hint (NULL);
      return MIDWAYCTL_EXIT_USAGE;
    }

  if (!command->func (argc - 1, argv + 1, &error))
    {
      if (g_dbus_error_is_remote_error (error))
        g_dbus_error_strip_remote_error (error);

      status = exit_status_for_error (error);
      g_printerr ("midwayctl: %s\n", error->message);
      if (status == MIDWAYCTL_EXIT_USAGE)
        print_usage_hint (command->name);
    }

  /* Output that never reached its file (a full disk, a closed pipe) is a
   * failure, not a success. */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      if (status == MIDWAYCTL_EXIT_OK)
        {
          g_printerr ("midwayctl: %s: %s\n", _("Could not write to standard output"), g_strerror (errno));
          status = MIDWAYCTL_EXIT_FAILURE;
        }
    }

  return status;
}
