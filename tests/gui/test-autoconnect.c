/* test-autoconnect.c: "Connect Automatically at Login", in the real
 * MidwayApplication under Xvfb (run-session.sh --display).  Each case in
 * a session of its own (-p, see meson.build):
 *  - switch: the details page's switch writes the choice into
 *    $XDG_STATE_HOME/midway/state and turns "Start at Login" on;
 *  - at-login: started as the login entry starts it (--hidden), the app
 *    connects exactly the profiles chosen, as a stand-in helper sees.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-application.h"
#include "midway-autostart.h"
#include "midway-state.h"
#include "midway-tunnel-details.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"

typedef struct
{
  MidwayApplication *app;
  GPtrArray         *connected;  /* profile ids, one per Connect */
  char              *office_id;
  char              *lab_id;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

static char *
save_profile (const char *name)
{
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, "vpn.example.org",
                                   MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                   NULL);
}

static gboolean
remembered (const char *id)
{
  g_auto(GStrv) ids = midway_state_load_autoconnect ();

  return g_strv_contains ((const char * const *) ids, id);
}

/* ---- The switch ---------------------------------------------------------- */

static gboolean
drive_switch (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  MidwayTunnelDetails *details = window != NULL ? midway_window_get_details (window) : NULL;
  GtkSwitch *toggle = details != NULL ? midway_tunnel_details_get_autoconnect_switch (details) : NULL;
  g_autoptr(MidwayAutostart) autostart = midway_autostart_new ();

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        return G_SOURCE_CONTINUE;
      /* Activating Office's row (the second; Lab sorts first). */
      gtk_widget_activate (GTK_WIDGET (gtk_list_box_get_row_at_index (midway_window_get_list (window), 1)));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      if (!gtk_widget_get_mapped (GTK_WIDGET (toggle)))
        return G_SOURCE_CONTINUE;
      g_assert_false (gtk_switch_get_active (toggle));
      g_assert_false (midway_autostart_get_enabled (autostart));
      /* What a click on it does. */
      gtk_switch_set_active (toggle, TRUE);
      g_assert_true (remembered (fixture->office_id));
      g_assert_false (remembered (fixture->lab_id));
      /* Nothing connects at login unless the app starts there. */
      g_assert_true (midway_autostart_get_enabled (autostart));
      /* Lab's page says off; Office's still on. */
      midway_window_show_details (window, midway_connection_list_find (
                                    midway_application_get_connections (fixture->app), fixture->lab_id));
      g_assert_false (gtk_switch_get_active (toggle));
      midway_window_show_details (window, midway_connection_list_find (
                                    midway_application_get_connections (fixture->app), fixture->office_id));
      g_assert_true (gtk_switch_get_active (toggle));
      gtk_switch_set_active (toggle, FALSE);
      g_assert_false (remembered (fixture->office_id));
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_switch (void)
{
  Fixture fixture = { 0 };
  char *argv[] = { (char *) "midway", NULL };

  fixture.lab_id = save_profile ("Lab");
  fixture.office_id = save_profile ("Office");
  fixture.app = midway_application_new ();
  g_timeout_add (5, drive_switch, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);
  g_clear_object (&fixture.app);
  g_free (fixture.lab_id);
  g_free (fixture.office_id);
}

/* ---- At login ------------------------------------------------------------ */

static gboolean
on_handle_connect (MidwayHelper1         *helper,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   Fixture               *fixture)
{
  const char *id = NULL;

  g_assert_true (g_variant_lookup (profile, "id", "&s", &id));
  g_ptr_array_add (fixture->connected, g_strdup (id));
  midway_helper1_complete_connect (helper, invocation, MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1");
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
drive_login (gpointer user_data)
{
  Fixture *fixture = user_data;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);
  if (fixture->connected->len < 1)
    return G_SOURCE_CONTINUE;
  g_assert_cmpuint (fixture->connected->len, ==, 1);
  g_assert_cmpstr (fixture->connected->pdata[0], ==, fixture->office_id);
  fixture->done = TRUE;
  g_application_quit (G_APPLICATION (fixture->app));
  return G_SOURCE_REMOVE;
}

static void
test_at_login (void)
{
  Fixture fixture = { 0 };
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  g_autoptr(GError) error = NULL;
  char *argv[] = { (char *) "midway", (char *) "--" MIDWAY_HIDDEN_OPTION, NULL };

  fixture.lab_id = save_profile ("Lab");
  fixture.office_id = save_profile ("Office");
  fixture.connected = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (midway_state_set_autoconnect (fixture.office_id, TRUE, &error));
  g_assert_no_error (error);

  stand_in = midway_test_helper_new ();
  g_signal_connect (midway_test_helper_get_helper1 (stand_in), "handle-connect",
                    G_CALLBACK (on_handle_connect), &fixture);
  midway_test_helper_own_name (stand_in);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive_login, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 2, argv), ==, 0);
  g_assert_true (fixture.done);

  g_clear_object (&fixture.app);
  g_clear_object (&stand_in);
  g_ptr_array_unref (fixture.connected);
  g_free (fixture.lab_id);
  g_free (fixture.office_id);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/autoconnect/switch", test_switch);
  g_test_add_func ("/autoconnect/at-login", test_at_login);

  return g_test_run ();
}
