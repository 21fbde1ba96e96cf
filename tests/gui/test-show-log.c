/* test-show-log.c: app.show-log (the tray menu's "Show Log") opens the
 * details page, log and all, of the connection that failed, in the real
 * MidwayApplication under Xvfb, against a stand-in helper on the bus
 * that run-session.sh --display makes the system bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "midway-application.h"
#include "midway-reason.h"
#include "midway-tunnel-details.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

typedef struct
{
  MidwayApplication *app;
  char              *home_id;
  char              *office_id;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

static char *
save_profile (const char *name)
{
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, "vpn.example.org",
                                   MIDWAY_FIELD_USER, "mwsrv",
                                   MIDWAY_FIELD_AUTH, "agent",
                                   NULL);
}

static MidwayTunnel1 *
export_tunnel (MidwayTestHelper *stand_in,
               const char       *path,
               const char       *profile_id,
               const char       *state)
{
  MidwayTunnel1 *tunnel = midway_tunnel1_skeleton_new ();

  midway_tunnel1_set_profile_id (tunnel, profile_id);
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, state);
  if (g_str_equal (state, MIDWAY_STATE_FAILED))
    midway_tunnel1_set_last_reason (tunnel, MIDWAY_REASON_SSH_AUTH_FAILED);
  midway_test_helper_export_tunnel (stand_in, path, tunnel);
  return tunnel;
}

static gboolean
on_handle_get_log (MidwayTunnel1         *tunnel,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  const char * const lines[] = { user_data, NULL };

  midway_tunnel1_complete_get_log (tunnel, invocation, lines);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static char *
log_text (MidwayTunnelDetails *details)
{
  GObject *view = gtk_widget_get_template_child (GTK_WIDGET (details), MIDWAY_TYPE_TUNNEL_DETAILS, "log_view");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Driven from the application's own main loop, a step a poll. */
static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayConnectionList *connections = midway_application_get_connections (fixture->app);
  MidwayConnection *office = midway_connection_list_find (connections, fixture->office_id);
  MidwayConnection *home = midway_connection_list_find (connections, fixture->home_id);
  MidwayWindow *window = midway_test_find_window (fixture->app);
  MidwayTunnelDetails *details = window != NULL ? midway_window_get_details (window) : NULL;
  g_autofree char *text = NULL;

  g_assert_cmpuint (++fixture->polls, <, 2000);  /* 10 s */

  switch (fixture->step)
    {
    case 0:
      /* Both tunnels seen, the window up. */
      if (office == NULL || midway_connection_get_tunnel (office) == NULL ||
          home == NULL || midway_connection_get_tunnel (home) == NULL || window == NULL ||
          !gtk_widget_get_mapped (GTK_WIDGET (window)))
        return G_SOURCE_CONTINUE;
      g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (details)));
      /* "Home" sorts first and is up; "Office" failed: its log is the one. */
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "show-log", NULL);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      if (!gtk_widget_get_mapped (GTK_WIDGET (details)))
        return G_SOURCE_CONTINUE;
      g_assert_true (midway_tunnel_details_get_connection (details) == office);
      text = log_text (details);
      if (g_strcmp0 (text, "ssh: Permission denied (publickey)") != 0)
        return G_SOURCE_CONTINUE;
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_show_log (void)
{
  Fixture fixture = { 0 };
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  g_autoptr(MidwayTunnel1) home_tunnel = NULL;
  g_autoptr(MidwayTunnel1) office_tunnel = NULL;
  char *argv[] = { (char *) "midway", NULL };

  fixture.home_id = save_profile ("Home");
  fixture.office_id = save_profile ("Office");

  stand_in = midway_test_helper_new ();
  home_tunnel = export_tunnel (stand_in, MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1", fixture.home_id, MIDWAY_STATE_UP);
  office_tunnel = export_tunnel (stand_in, MIDWAY_HELPER_OBJECT_PATH "/Tunnel/2", fixture.office_id,
                                 MIDWAY_STATE_FAILED);
  g_signal_connect (home_tunnel, "handle-get-log", G_CALLBACK (on_handle_get_log), (gpointer) "pppd: up");
  g_signal_connect (office_tunnel, "handle-get-log", G_CALLBACK (on_handle_get_log),
                    (gpointer) "ssh: Permission denied (publickey)");
  midway_test_helper_own_name (stand_in);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);

  g_clear_object (&stand_in);
  g_clear_object (&fixture.app);
  g_free (fixture.home_id);
  g_free (fixture.office_id);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/show-log/failed-connection", test_show_log);

  return g_test_run ();
}
