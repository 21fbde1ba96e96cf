/* midway-helper-main.c: the privileged helper, started by D-Bus activation.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "midway-error.h"
#include "midway-helper-firewall.h"
#include "midway-helper-manager.h"

#define RUNTIME_DIR "/run/midway"
#define DEFAULT_IDLE_TIMEOUT_S 60

typedef struct
{
  GMainLoop           *loop;
  MidwayHelperManager *manager;
  guint                idle_timeout_s;
  guint                idle_source;
  int                  exit_status;
} Helper;

static gboolean
on_idle_timeout (gpointer user_data)
{
  Helper *helper = user_data;

  helper->idle_source = 0;
  /* Only exit if nothing started since the timer was armed. */
  if (helper->manager == NULL || midway_helper_manager_is_idle (helper->manager))
    {
      g_message ("No tunnels for %u s, exiting", helper->idle_timeout_s);
      g_main_loop_quit (helper->loop);
    }
  return G_SOURCE_REMOVE;
}

static void
arm_idle_timer (Helper *helper)
{
  if (helper->idle_timeout_s == 0)
    return;
  g_clear_handle_id (&helper->idle_source, g_source_remove);
  helper->idle_source = g_timeout_add_seconds (helper->idle_timeout_s, on_idle_timeout, helper);
}

static void
on_manager_idle (MidwayHelperManager *manager,
                 Helper              *helper)
{
  arm_idle_timer (helper);
}

static void
on_bus_acquired (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  Helper *helper = user_data;
  g_autoptr(GError) error = NULL;

  helper->manager = midway_helper_manager_new (connection, RUNTIME_DIR, &error);
  if (helper->manager == NULL)
    {
      g_critical ("Could not start: %s", error->message);
      helper->exit_status = EXIT_FAILURE;
      g_main_loop_quit (helper->loop);
      return;
    }
  g_signal_connect (helper->manager, "idle", G_CALLBACK (on_manager_idle), helper);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  Helper *helper = user_data;

  g_warning ("Lost or could not own the name %s on the system bus", name);
  helper->exit_status = EXIT_FAILURE;
  g_main_loop_quit (helper->loop);
}

static gboolean
on_terminate (gpointer user_data)
{
  Helper *helper = user_data;

  g_message ("Terminating: stopping every tunnel");
  g_main_loop_quit (helper->loop);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean verbose = FALSE;
  int idle_timeout = DEFAULT_IDLE_TIMEOUT_S;
  Helper helper = { 0 };
  guint owner_id;
  const GOptionEntry entries[] = {
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("Print debug messages"), NULL },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Exit after this many seconds without tunnels (0: never)"), N_("SECONDS") },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  umask (022);
  /* A child that goes away mid-write must not take the helper with it. */
  signal (SIGPIPE, SIG_IGN);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, _("Midway's privileged helper, started by D-Bus."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("midway-helper: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (idle_timeout < 0)
    {
      g_printerr ("midway-helper: --idle-timeout must not be negative\n");
      return EXIT_FAILURE;
    }
  if (geteuid () != 0)
    {
      g_printerr ("midway-helper: must run as root (it is started by D-Bus activation)\n");
      return EXIT_FAILURE;
    }
  if (verbose)
    g_log_set_debug_enabled (TRUE);

  /* Registers the D-Bus error names before any reply can carry one. */
  (void) MIDWAY_ERROR;

  helper.loop = g_main_loop_new (NULL, FALSE);
  helper.idle_timeout_s = (guint) idle_timeout;
  helper.exit_status = EXIT_SUCCESS;

  owner_id = g_bus_own_name (G_BUS_TYPE_SYSTEM, MIDWAY_HELPER_BUS_NAME,
                             G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                             on_bus_acquired, NULL, on_name_lost, &helper, NULL);
  g_unix_signal_add (SIGTERM, on_terminate, &helper);
  g_unix_signal_add (SIGINT, on_terminate, &helper);
  arm_idle_timer (&helper);

  g_main_loop_run (helper.loop);

  g_bus_unown_name (owner_id);
  g_clear_handle_id (&helper.idle_source, g_source_remove);
  if (helper.manager != NULL)
    midway_helper_manager_shutdown (helper.manager);
  g_clear_object (&helper.manager);
  /* The blocks the tunnels just lifted: their rules go before we do. */
  midway_helper_firewall_drain ();
  g_main_loop_unref (helper.loop);

  return helper.exit_status;
}
