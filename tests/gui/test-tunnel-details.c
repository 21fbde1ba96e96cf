/* test-tunnel-details.c: a connection's details page under Xvfb, fed by a
 * stand-in helper on the bus (run-session.sh --display makes its private
 * bus the system bus), as in test-window.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include <unistd.h>

#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-connection-row.h"
#include "midway-reason.h"
#include "midway-tunnel-details.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

#define TUNNEL_PATH MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1"
/* An uptime of 1:02:03 when the page first shows. */
#define UPTIME_S G_GINT64_CONSTANT (3600 + 2 * 60 + 3)

typedef struct
{
  const char * const *lines;
  guint               calls;
} LogStandIn;

static gboolean
on_handle_get_log (MidwayTunnel1         *tunnel,
                   GDBusMethodInvocation *invocation,
                   LogStandIn            *log)
{
  log->calls++;
  midway_tunnel1_complete_get_log (tunnel, invocation, log->lines);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static char *
save_profile (const char *name)
{
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, "vpn.example.org",
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

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
is_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

static GtkLabel *
value_label (MidwayTunnelDetails *details,
             const char          *id)
{
  GObject *label = gtk_widget_get_template_child (GTK_WIDGET (details), MIDWAY_TYPE_TUNNEL_DETAILS, id);

  g_assert_true (GTK_IS_LABEL (label));
  return GTK_LABEL (label);
}

static const char *
value_text (MidwayTunnelDetails *details,
            const char          *id)
{
  return gtk_label_get_text (value_label (details, id));
}

typedef struct
{
  MidwayTunnelDetails *details;
  const char          *id;
  const char          *text;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *wait = data;

  return g_strcmp0 (value_text (wait->details, wait->id), wait->text) == 0;
}

static gboolean
label_is_not (gpointer data)
{
  return !label_is (data);
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

typedef struct
{
  MidwayTunnelDetails *details;
  const char          *text;
} LogWait;

static gboolean
log_is (gpointer data)
{
  LogWait *wait = data;
  g_autofree char *text = log_text (wait->details);

  return g_strcmp0 (text, wait->text) == 0;
}

static gboolean
is_ticking (gpointer data)
{
  return midway_tunnel_details_get_ticking (data);
}

static void
click (MidwayTunnelDetails *details,
       const char          *id)
{
  GObject *button = gtk_widget_get_template_child (GTK_WIDGET (details), MIDWAY_TYPE_TUNNEL_DETAILS, id);

  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (button)));
  g_signal_emit_by_name (button, "clicked");
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* "Office", up for an hour and a bit at the stand-in helper, its
 * window shown with the list (the details not yet). */
typedef struct
{
  char                 *office_id;
  MidwayConnectionList *list;
  MidwayConnection     *office;
  MidwayTestHelper     *stand_in;
  MidwayTunnel1        *tunnel;
  MidwayWindow         *window;
  MidwayTunnelDetails  *details;
  LogStandIn            log;
} Fixture;

static const char * const first_log[] = {
  "helper: state starting-ssh",
  "ssh: Authenticated to vpn.example.org",
  "pppd: local  IP address 198.51.100.2",
  NULL
};
static const char * const second_log[] = { "pppd: LCP terminated by peer", NULL };

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->office_id = save_profile ("Office");
  f->list = midway_connection_list_new ();
  f->log.lines = first_log;
  g_assert_true (midway_connection_list_load (f->list, &error));
  g_assert_no_error (error);
  f->office = midway_connection_list_find (f->list, f->office_id);
  g_assert_nonnull (f->office);

  f->stand_in = midway_test_helper_new ();
  f->tunnel = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (f->tunnel, f->office_id);
  midway_tunnel1_set_profile_name (f->tunnel, "Office");
  midway_tunnel1_set_owner (f->tunnel, getuid ());
  midway_tunnel1_set_state (f->tunnel, MIDWAY_STATE_UP);
  midway_tunnel1_set_interface (f->tunnel, "ppp3");
  midway_tunnel1_set_local_address (f->tunnel, "198.51.100.2");
  midway_tunnel1_set_remote_address (f->tunnel, "198.51.100.1");
  midway_tunnel1_set_connected_since (f->tunnel, g_get_real_time () - UPTIME_S * G_USEC_PER_SEC);
  midway_tunnel1_set_rx_bytes (f->tunnel, 1234567);
  midway_tunnel1_set_tx_bytes (f->tunnel, 89012);
  midway_tunnel1_set_reconnect_count (f->tunnel, 2);
  midway_tunnel1_set_last_reason (f->tunnel, MIDWAY_REASON_NETWORK_CHANGED);
  midway_tunnel1_set_last_message (f->tunnel, "route to vpn.example.org changed");
  g_signal_connect (f->tunnel, "handle-get-log", G_CALLBACK (on_handle_get_log), &f->log);
  midway_test_helper_export_tunnel (f->stand_in, TUNNEL_PATH, f->tunnel);
  midway_test_helper_own_name (f->stand_in);

  f->window = midway_window_new (NULL, G_LIST_MODEL (f->list));
  f->details = midway_window_get_details (f->window);
  gtk_window_present (GTK_WINDOW (f->window));
  midway_connection_list_watch_helper (f->list);
  midway_test_spin_until (has_tunnel, f->office, 10.0);
  midway_test_spin_until (is_mapped, f->window, 10.0);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->stand_in);
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->tunnel);
  g_clear_object (&f->list);
  /* The next case's list has its own "Office" alone. */
  {
    g_autofree char *directory = midway_connection_list_dup_directory ();
    g_autofree char *name = g_strconcat (f->office_id, ".midway", NULL);
    g_autofree char *path = g_build_filename (directory, name, NULL);

    g_assert_cmpint (g_unlink (path), ==, 0);
  }
  g_free (f->office_id);
}

/* Activating the row opens its details. */
static void
open_details (Fixture *f)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (midway_window_get_list (f->window), 0);

  g_assert_true (MIDWAY_IS_CONNECTION_ROW (row));
  gtk_widget_activate (GTK_WIDGET (row));
  midway_test_spin_until (is_mapped, f->details, 10.0);
  g_assert_true (midway_tunnel_details_get_connection (f->details) == f->office);
}

static void
test_opens_with_values (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *rx = NULL;
  g_autofree char *tx = NULL;
  g_autofree char *first_uptime = NULL;

  /* Hidden behind the list: no clock runs. */
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (f->details)));
  g_assert_false (midway_tunnel_details_get_ticking (f->details));

  open_details (f);
  g_assert_cmpstr (value_text (f->details, "state_value"), ==, midway_state_describe (MIDWAY_STATE_UP));
  g_assert_cmpstr (value_text (f->details, "interface_value"), ==, "ppp3");
  g_assert_cmpstr (value_text (f->details, "local_value"), ==, "198.51.100.2");
  g_assert_cmpstr (value_text (f->details, "remote_value"), ==, "198.51.100.1");
  rx = g_format_size (1234567);
  tx = g_format_size (89012);
  g_assert_cmpstr (value_text (f->details, "rx_value"), ==, rx);
  g_assert_cmpstr (value_text (f->details, "tx_value"), ==, tx);
  g_assert_cmpstr (value_text (f->details, "reconnects_value"), ==, "2");
  g_assert_cmpstr (value_text (f->details, "reason_value"), ==, midway_reason_describe (MIDWAY_REASON_NETWORK_CHANGED));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (gtk_widget_get_template_child (GTK_WIDGET (f->details),
                                                                                               MIDWAY_TYPE_TUNNEL_DETAILS,
                                                                                               "reason_row"))),
                   ==, "route to vpn.example.org changed");
  first_uptime = g_strdup (value_text (f->details, "uptime_value"));
  g_assert_true (g_str_has_prefix (first_uptime, "1:02:0"));
}

static void
test_log (Fixture      *f,
          gconstpointer data)
{
  g_autofree char *first_text = g_strjoinv ("\n", (GStrv) first_log);
  LogWait log_wait;

  open_details (f);
  /* The log, as GetLog gave it. */
  log_wait.details = f->details;
  log_wait.text = first_text;
  midway_test_spin_until (log_is, &log_wait, 10.0);
  g_assert_cmpuint (f->log.calls, >=, 1);
  midway_test_save_screenshot (GTK_WIDGET (f->window), "details.png");
}

static void
test_uptime_ticks (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *first_uptime = NULL;
  LabelWait label_wait;

  open_details (f);
  first_uptime = g_strdup (value_text (f->details, "uptime_value"));
  /* Shown and up: the uptime ticks. */
  g_assert_true (midway_tunnel_details_get_ticking (f->details));
  label_wait.details = f->details;
  label_wait.id = "uptime_value";
  label_wait.text = first_uptime;
  midway_test_spin_until (label_is_not, &label_wait, 10.0);
  g_assert_true (g_str_has_prefix (value_text (f->details, "uptime_value"), "1:02:"));
}

static void
test_follows_changes (Fixture      *f,
                      gconstpointer data)
{
  g_autofree char *rx = NULL;
  LabelWait label_wait;

  open_details (f);
  label_wait.details = f->details;
  /* The helper's changes reach the page. */
  rx = g_format_size (5000000000);
  midway_tunnel1_set_rx_bytes (f->tunnel, 5000000000);
  midway_tunnel1_set_reconnect_count (f->tunnel, 3);
  label_wait.id = "rx_value";
  label_wait.text = rx;
  midway_test_spin_until (label_is, &label_wait, 10.0);
  g_assert_cmpstr (value_text (f->details, "reconnects_value"), ==, "3");
}

static void
test_refresh_and_copy (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *first_text = g_strjoinv ("\n", (GStrv) first_log);
  g_autofree char *copied = NULL;
  LogWait log_wait = { f->details, first_text };
  guint calls;

  open_details (f);
  midway_test_spin_until (log_is, &log_wait, 10.0);
  /* Refresh asks again; Copy puts what is shown on the clipboard. */
  f->log.lines = second_log;
  calls = f->log.calls;
  click (f->details, "refresh_button");
  log_wait.text = second_log[0];
  midway_test_spin_until (log_is, &log_wait, 10.0);
  g_assert_cmpuint (f->log.calls, ==, calls + 1);
  click (f->details, "copy_button");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (f->details)), NULL, read_text_cb, &copied);
  midway_test_spin_until (is_set, &copied, 10.0);
  g_assert_cmpstr (copied, ==, second_log[0]);
}

static void
test_clock_only_when_shown (Fixture      *f,
                            gconstpointer data)
{
  g_autofree char *hidden_uptime = NULL;

  open_details (f);
  /* Back to the list: hidden, so the clock stops and the label stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.back", NULL));
  midway_test_spin_until (is_unmapped, f->details, 10.0);
  g_assert_false (midway_tunnel_details_get_ticking (f->details));
  hidden_uptime = g_strdup (value_text (f->details, "uptime_value"));
  midway_test_spin_for (2200);
  g_assert_cmpstr (value_text (f->details, "uptime_value"), ==, hidden_uptime);
  g_assert_false (midway_tunnel_details_get_ticking (f->details));

  /* Shown again: it ticks, and is up to date at once. */
  midway_window_show_details (f->window, f->office);
  midway_test_spin_until (is_mapped, f->details, 10.0);
  g_assert_true (midway_tunnel_details_get_ticking (f->details));
  g_assert_cmpstr (value_text (f->details, "uptime_value"), !=, hidden_uptime);

  /* The window hidden (closed to the tray): no clock either. */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  midway_test_spin_until (is_unmapped, f->details, 10.0);
  g_assert_false (midway_tunnel_details_get_ticking (f->details));
  gtk_window_present (GTK_WINDOW (f->window));
  midway_test_spin_until (is_mapped, f->details, 10.0);
  midway_test_spin_until (is_ticking, f->details, 10.0);
}

static void
test_down_then_gone (Fixture      *f,
                     gconstpointer data)
{
  LabelWait label_wait = { .details = f->details };
  guint calls;

  open_details (f);
  /* Down while shown: no uptime, no clock, and the log is read again. */
  calls = f->log.calls;
  midway_tunnel1_set_last_reason (f->tunnel, MIDWAY_REASON_PEER_NOT_RESPONDING);
  midway_tunnel1_set_last_message (f->tunnel, "");
  midway_tunnel1_set_state (f->tunnel, MIDWAY_STATE_FAILED);
  midway_tunnel1_set_connected_since (f->tunnel, 0);
  midway_tunnel1_set_interface (f->tunnel, "");
  midway_tunnel1_set_local_address (f->tunnel, "");
  midway_tunnel1_set_remote_address (f->tunnel, "");
  label_wait.id = "state_value";
  label_wait.text = midway_state_describe (MIDWAY_STATE_FAILED);
  midway_test_spin_until (label_is, &label_wait, 10.0);
  label_wait.id = "uptime_value";
  label_wait.text = "—";
  midway_test_spin_until (label_is, &label_wait, 10.0);
  g_assert_false (midway_tunnel_details_get_ticking (f->details));
  g_assert_cmpstr (value_text (f->details, "local_value"), ==, "—");
  g_assert_cmpstr (value_text (f->details, "reason_value"), ==,
                   midway_reason_describe (MIDWAY_REASON_PEER_NOT_RESPONDING));
  while (f->log.calls == calls)
    g_main_context_iteration (NULL, TRUE);

  /* The tunnel gone: no log to read, said in words. */
  midway_test_helper_unexport_tunnel (f->stand_in, TUNNEL_PATH);
  midway_test_spin_until (has_no_tunnel, f->office, 10.0);
  label_wait.id = "state_value";
  label_wait.text = midway_state_describe (MIDWAY_STATE_STOPPED);
  midway_test_spin_until (label_is, &label_wait, 10.0);
  label_wait.id = "log_status";
  label_wait.text = "There is no log: this connection is not running";
  midway_test_spin_until (label_is, &label_wait, 10.0);
  g_assert_false (midway_tunnel_details_get_ticking (f->details));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/tunnel-details/opens-with-values", Fixture, NULL, fixture_set_up, test_opens_with_values,
              fixture_tear_down);
  g_test_add ("/tunnel-details/log", Fixture, NULL, fixture_set_up, test_log, fixture_tear_down);
  g_test_add ("/tunnel-details/uptime-ticks", Fixture, NULL, fixture_set_up, test_uptime_ticks, fixture_tear_down);
  g_test_add ("/tunnel-details/follows-changes", Fixture, NULL, fixture_set_up, test_follows_changes,
              fixture_tear_down);
  g_test_add ("/tunnel-details/refresh-and-copy", Fixture, NULL, fixture_set_up, test_refresh_and_copy,
              fixture_tear_down);
  g_test_add ("/tunnel-details/clock-only-when-shown", Fixture, NULL, fixture_set_up, test_clock_only_when_shown,
              fixture_tear_down);
  g_test_add ("/tunnel-details/down-then-gone", Fixture, NULL, fixture_set_up, test_down_then_gone,
              fixture_tear_down);

  return g_test_run ();
}
