/* test-window.c: the main window's list under Xvfb, fed by profile files
 * in a fresh $XDG_CONFIG_HOME and by a helper's ObjectManager on the bus
 * (run-session.sh --display makes its private bus the system bus).
 *
 * The helper here is a stand-in exporting the helper's generated
 * interfaces: the real one needs root and pppd, and is driven end to end
 * in tests/e2e.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-connection-row.h"
#include "midway-reason.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

#define TUNNEL_PATH MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1"

static char *
save_profile (const char *name,
              const char *host)
{
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, host,
                                   MIDWAY_FIELD_USER, "mwsrv",
                                   MIDWAY_FIELD_AUTH, "agent",
                                   NULL);
}

static gboolean
has_tunnel (gpointer data)
{
  return midway_connection_get_tunnel (data) != NULL;
}

static gboolean
has_no_tunnel (gpointer data)
{
  return midway_connection_get_tunnel (data) == NULL;
}

typedef struct
{
  MidwayConnection *connection;
  const char       *state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return g_strcmp0 (midway_connection_get_state (wait->connection), wait->state) == 0;
}

static MidwayConnectionRow *
row_at (MidwayWindow *window,
        int           index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (midway_window_get_list (window), index);

  g_assert_true (MIDWAY_IS_CONNECTION_ROW (row));
  return MIDWAY_CONNECTION_ROW (row);
}

static void
record_connect (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  char **requested = user_data;

  g_free (*requested);
  *requested = g_variant_dup_string (parameter, NULL);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

static void
test_list (void)
{
  g_autofree char *office_id = save_profile ("Office", "vpn.example.org");
  g_autofree char *home_id = save_profile ("Home", "home.example.net");
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;
  g_autoptr(GSimpleActionGroup) app_actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) connect_action = g_simple_action_new ("connect", G_VARIANT_TYPE_STRING);
  g_autoptr(GError) error = NULL;
  g_autofree char *requested = NULL;
  g_autofree char *failed_status = NULL;
  MidwayConnection *office;
  MidwayWindow *window;
  MidwayConnectionRow *row;
  StateWait wait;

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  office = midway_connection_list_find (list, office_id);
  g_assert_nonnull (office);

  /* The helper, with one tunnel of ours up for "Office". */
  stand_in = midway_test_helper_new ();
  tunnel = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (tunnel, office_id);
  midway_tunnel1_set_profile_name (tunnel, "Office");
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_UP);
  midway_tunnel1_set_local_address (tunnel, "198.51.100.2");
  midway_tunnel1_set_remote_address (tunnel, "198.51.100.1");
  midway_tunnel1_set_interface (tunnel, "ppp0");
  midway_test_helper_export_tunnel (stand_in, TUNNEL_PATH, tunnel);
  midway_test_helper_own_name (stand_in);

  window = midway_window_new (NULL, G_LIST_MODEL (list));
  g_action_map_add_action (G_ACTION_MAP (app_actions), G_ACTION (connect_action));
  g_signal_connect (connect_action, "activate", G_CALLBACK (record_connect), &requested);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (app_actions));
  gtk_window_present (GTK_WINDOW (window));

  midway_connection_list_watch_helper (list);
  midway_test_spin_until (has_tunnel, office, 10.0);

  /* Sorted by name; the state in words, with the addresses while up. */
  row = row_at (window, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Home");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Disconnected");
  g_assert_false (gtk_switch_get_active (midway_test_find_switch (GTK_WIDGET (row))));
  row = row_at (window, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Office");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "Connected — 198.51.100.2 ⇄ 198.51.100.1");
  g_assert_true (gtk_switch_get_active (midway_test_find_switch (GTK_WIDGET (row))));
  midway_test_spin_until (is_mapped, window, 10.0);
  midway_test_save_screenshot (GTK_WIDGET (window), "window.png");

  /* The toggle asks the application to connect, by profile id. */
  gtk_switch_set_active (midway_test_find_switch (GTK_WIDGET (row_at (window, 0))), TRUE);
  g_assert_cmpstr (requested, ==, home_id);

  /* The helper's changes reach the row. */
  midway_tunnel1_set_last_reason (tunnel, MIDWAY_REASON_SSH_AUTH_FAILED);
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_FAILED);
  wait.connection = office;
  wait.state = MIDWAY_STATE_FAILED;
  midway_test_spin_until (has_state, &wait, 10.0);
  row = row_at (window, 1);
  failed_status = g_strconcat ("Failed — ", midway_reason_describe (MIDWAY_REASON_SSH_AUTH_FAILED), NULL);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, failed_status);
  g_assert_false (gtk_switch_get_active (midway_test_find_switch (GTK_WIDGET (row))));

  /* The tunnel goes away: back to disconnected. */
  midway_test_helper_unexport_tunnel (stand_in, TUNNEL_PATH);
  midway_test_spin_until (has_no_tunnel, office, 10.0);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row_at (window, 1))), ==, "Disconnected");

  g_clear_object (&stand_in);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_empty (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GError) error = NULL;

  /* Nothing in $XDG_CONFIG_HOME/midway yet is no error, and no rows. */
  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/window/empty", test_empty);
  g_test_add_func ("/window/list", test_list);

  return g_test_run ();
}
