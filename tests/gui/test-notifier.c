/* test-notifier.c: MidwayNotifier against a real notification server
 * (dunst under Xvfb, started by run-session.sh --notifications).
 *
 * A tunnel object is exported on one bus connection and followed through a
 * MidwayTunnel1 proxy on another, as the app follows the helper's; a third
 * connection becomes a bus monitor (what dbus-monitor does) and records
 * every Notify call that reaches the bus.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <libnotify/notify.h>

#include "midway-dbus-generated.h"
#include "midway-notifier.h"
#include "midway-reason.h"
#include "midway-test-kit.h"

#define TUNNEL_PATH "/io/github/midway_vpn/Midway/Tunnel/1"
#define FOLD_WINDOW_MS 1500

typedef struct
{
  GDBusConnection *helper_connection;
  GDBusConnection *monitor;
  GAsyncQueue     *notify_calls;  /* GDBusMessage */
  gint             close_calls;   /* CloseNotification seen */
  MidwayTunnel1   *skeleton;
  MidwayTunnel1   *proxy;
  MidwayNotifier  *notifier;
} Fixture;

typedef struct
{
  char  *summary;
  char  *body;
  char  *icon;
  GStrv  actions;
  guchar urgency;
} Notification;

static void
notification_free (Notification *n)
{
  g_free (n->summary);
  g_free (n->body);
  g_free (n->icon);
  g_strfreev (n->actions);
  g_free (n);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Notification, notification_free)

/* Runs in GDBus's worker thread. */
static GDBusMessage *
monitor_filter (GDBusConnection *connection,
                GDBusMessage    *message,
                gboolean incoming,
                gpointer user_data)
{
  GAsyncQueue *queue = user_data;

  if (incoming &&
      g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_member (message), "CloseNotification") == 0)
    {
      g_atomic_int_inc (&((Fixture *) g_object_get_data (G_OBJECT (connection), "fixture"))->close_calls);
      return NULL;
    }
  if (incoming &&
      g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_member (message), "Notify") == 0)
    {
      /* Taken here: a monitor must never answer what it sees. */
      g_async_queue_push (queue, g_object_ref (message));
      return NULL;
    }
  /* The reply to BecomeMonitor must still get through. */
  return message;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  const char *rules[] = {
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
    "type='method_call',interface='org.freedesktop.Notifications',member='CloseNotification'",
    NULL
  };
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  f->notify_calls = g_async_queue_new_full (g_object_unref);
  f->monitor = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  g_object_set_data (G_OBJECT (f->monitor), "fixture", f);
  g_dbus_connection_add_filter (f->monitor, monitor_filter, g_async_queue_ref (f->notify_calls),
                                (GDestroyNotify) g_async_queue_unref);
  reply = g_dbus_connection_call_sync (f->monitor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                       g_variant_new ("(^asu)", rules, 0u), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  f->helper_connection = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  f->skeleton = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (f->skeleton, "3f1c2a9e-5b7d-4e21-9a0c-0d6b8e4f7a11");
  midway_tunnel1_set_profile_name (f->skeleton, "Office");
  midway_tunnel1_set_state (f->skeleton, MIDWAY_STATE_STARTING_SSH);
  g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->skeleton), f->helper_connection,
                                    TUNNEL_PATH, &error);
  g_assert_no_error (error);

  /* Asynchronously: the skeleton answers GetAll from this very thread. */
  midway_tunnel1_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                    g_dbus_connection_get_unique_name (f->helper_connection),
                                    TUNNEL_PATH, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  f->proxy = midway_tunnel1_proxy_new_for_bus_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_tunnel1_get_profile_name (f->proxy), ==, "Office");

  f->notifier = midway_notifier_new ();
  midway_notifier_set_fold_window (f->notifier, FOLD_WINDOW_MS);
  midway_notifier_watch (f->notifier, f->proxy);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->notifier);
  g_clear_object (&f->proxy);
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->skeleton));
  g_clear_object (&f->skeleton);
  g_dbus_connection_close_sync (f->helper_connection, NULL, NULL);
  g_clear_object (&f->helper_connection);
  g_dbus_connection_close_sync (f->monitor, NULL, NULL);
  g_clear_object (&f->monitor);
  g_async_queue_unref (f->notify_calls);
}

/* What the helper does on a transition: properties, then the signal. */
static void
set_state (Fixture    *f,
           const char *state,
           const char *reason,
           const char *message)
{
  gboolean up = g_str_equal (state, MIDWAY_STATE_UP);

  if (*reason != '\0')
    {
      midway_tunnel1_set_last_reason (f->skeleton, reason);
      midway_tunnel1_set_last_message (f->skeleton, message);
    }
  midway_tunnel1_set_local_address (f->skeleton, up ? "198.51.100.2" : "");
  midway_tunnel1_set_remote_address (f->skeleton, up ? "198.51.100.1" : "");
  midway_tunnel1_set_interface (f->skeleton, up ? "ppp0" : "");
  midway_tunnel1_set_state (f->skeleton, state);
  midway_tunnel1_emit_state_changed (f->skeleton, state, reason, message);
  g_dbus_interface_skeleton_flush (G_DBUS_INTERFACE_SKELETON (f->skeleton));
}

static Notification *
try_next_notification (Fixture *f,
                       guint    timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  g_autoptr(GDBusMessage) message = NULL;
  g_autoptr(GVariant) hints = NULL;
  const char *summary, *body, *icon;
  Notification *n;

  while ((message = g_async_queue_try_pop (f->notify_calls)) == NULL &&
         g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
  if (message == NULL)
    return NULL;

  n = g_new0 (Notification, 1);
  g_variant_get (g_dbus_message_get_body (message), "(&su&s&s&s^as@a{sv}i)",
                 NULL, NULL, &icon, &summary, &body, &n->actions, &hints, NULL);
  n->icon = g_strdup (icon);
  n->summary = g_strdup (summary);
  n->body = g_strdup (body);
  n->urgency = 1;
  g_variant_lookup (hints, "urgency", "y", &n->urgency);
  return n;
}

static Notification *
next_notification (Fixture *f)
{
  Notification *n = try_next_notification (f, 10000);

  g_assert_nonnull (n);
  return n;
}

static void
assert_quiet (Fixture *f,
              guint    milliseconds)
{
  g_autoptr(Notification) n = try_next_notification (f, milliseconds);

  if (n != NULL)
    g_error ("unexpected notification: “%s” “%s”", n->summary, n->body);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” does not contain “%s”", haystack, needle);
}

static void
bring_up (Fixture *f)
{
  set_state (f, MIDWAY_STATE_STARTING_SSH, "", "");
  set_state (f, MIDWAY_STATE_NEGOTIATING_PPP, "", "");
  set_state (f, MIDWAY_STATE_UP, "", "");
}

static void
test_life_of_a_tunnel (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(Notification) connected = NULL;
  g_autoptr(Notification) dropped = NULL;
  g_autoptr(Notification) retrying = NULL;
  g_autoptr(Notification) restored = NULL;
  g_autoptr(Notification) unstable = NULL;
  g_autoptr(Notification) failed = NULL;
  g_autoptr(Notification) dropped_again = NULL;
  g_autofree char *expected_body = NULL;
  GList *caps;

  bring_up (f);
  connected = next_notification (f);
  g_assert_cmpstr (connected->summary, ==, "Connected to Office");
  g_assert_cmpstr (connected->body, ==, "Address 198.51.100.2, peer 198.51.100.1 on ppp0.");
  g_assert_cmpstr (connected->icon, ==, "midway-tunnel-up-symbolic");
  /* Clicking the bubble itself does something (mako, dunst). */
  g_assert_cmpuint (g_strv_length (connected->actions), ==, 2);
  g_assert_cmpstr (connected->actions[0], ==, "default");
  assert_quiet (f, 200);

  /* A drop, with its reason in plain words. */
  set_state (f, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_PEER_NOT_RESPONDING, "");
  dropped = next_notification (f);
  g_assert_cmpstr (dropped->summary, ==, "Office dropped");
  assert_contains (dropped->body, midway_reason_describe (MIDWAY_REASON_PEER_NOT_RESPONDING));
  assert_contains (dropped->body, "Reconnecting…");

  /* The next attempt fails too: the bubble says so and when it retries. */
  set_state (f, MIDWAY_STATE_STARTING_SSH, "", "");
  midway_tunnel1_set_next_retry (f->skeleton, (guint64) (g_get_real_time () + 4 * G_USEC_PER_SEC));
  set_state (f, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_SERVER_UNREACHABLE, "");
  retrying = next_notification (f);
  g_assert_cmpstr (retrying->summary, ==, "Reconnecting to Office");
  assert_contains (retrying->body, midway_reason_describe (MIDWAY_REASON_SERVER_UNREACHABLE));
  /* Four seconds away when sent; a loaded machine may take one of them. */
  g_assert_true (strstr (retrying->body, "Next attempt in 4 seconds.") != NULL ||
                 strstr (retrying->body, "Next attempt in 3 seconds.") != NULL);

  /* Offline: the helper waits for a route (NextRetry 0), no countdown. */
  set_state (f, MIDWAY_STATE_STARTING_SSH, "", "");
  midway_tunnel1_set_next_retry (f->skeleton, 0);
  set_state (f, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_NETWORK_CHANGED, "");
  g_clear_pointer (&retrying, notification_free);
  retrying = next_notification (f);
  g_assert_cmpstr (retrying->summary, ==, "Reconnecting to Office");
  assert_contains (retrying->body, midway_reason_describe (MIDWAY_REASON_NETWORK_CHANGED));
  assert_contains (retrying->body, "Waiting for the network.");
  g_assert_null (strstr (retrying->body, "Next attempt"));

  /* Restored after at least a second down. */
  midway_test_spin_for (1100);
  bring_up (f);
  restored = next_notification (f);
  g_assert_cmpstr (restored->summary, ==, "Office restored");
  g_assert_true (g_str_has_prefix (restored->body, "Up again after "));
  g_assert_false (g_str_has_prefix (restored->body, "Up again after 0 "));
  assert_contains (restored->body, "Address 198.51.100.2, peer 198.51.100.1 on ppp0.");

  /* Flapping: three drops and restores inside the window make one message,
   * once the link has kept still for a whole window. */
  for (int i = 0; i < 3; i++)
    {
      set_state (f, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_SSH_SESSION_ENDED, "");
      midway_test_spin_for (50);
      bring_up (f);
      midway_test_spin_for (50);
    }
  assert_quiet (f, FOLD_WINDOW_MS / 2);
  unstable = try_next_notification (f, FOLD_WINDOW_MS * 3);
  g_assert_nonnull (unstable);
  g_assert_cmpstr (unstable->summary, ==, "Office is unstable");
  g_assert_true (g_str_has_prefix (unstable->body, "The link dropped 3 times in "));
  assert_contains (unstable->body, "and is up again.");
  assert_quiet (f, FOLD_WINDOW_MS + 500);

  /* A failure, loud, with the actions this server supports. */
  caps = notify_get_server_caps ();
  g_assert_nonnull (g_list_find_custom (caps, "actions", (GCompareFunc) g_strcmp0));
  g_list_free_full (caps, g_free);
  midway_test_spin_for (FOLD_WINDOW_MS);
  set_state (f, MIDWAY_STATE_RECONNECTING, MIDWAY_REASON_SSH_SESSION_ENDED, "");
  dropped_again = next_notification (f);
  g_assert_cmpstr (dropped_again->summary, ==, "Office dropped");
  set_state (f, MIDWAY_STATE_FAILED, MIDWAY_REASON_SSH_AUTH_FAILED,
             "mwsrv@192.0.2.2: Permission denied (publickey).");
  failed = next_notification (f);
  g_assert_cmpstr (failed->summary, ==, "Office failed");
  expected_body = g_strdup_printf ("%s.\nmwsrv@192.0.2.2: Permission denied (publickey).",
                                   midway_reason_describe (MIDWAY_REASON_SSH_AUTH_FAILED));
  g_assert_cmpstr (failed->body, ==, expected_body);
  g_assert_cmpuint (failed->urgency, ==, 2);
  /* Midway's own icon, which every theme has: Midway installs it. */
  g_assert_cmpstr (failed->icon, ==, "midway-tunnel-error-symbolic");
  g_assert_cmpuint (g_strv_length (failed->actions), ==, 6);
  g_assert_cmpstr (failed->actions[0], ==, "default");
  g_assert_cmpstr (failed->actions[2], ==, "show-log");
  g_assert_cmpstr (failed->actions[3], ==, "Show log");
  g_assert_cmpstr (failed->actions[4], ==, "retry");
  g_assert_cmpstr (failed->actions[5], ==, "Retry");

  /* Stopping by hand says nothing. */
  set_state (f, MIDWAY_STATE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
  assert_quiet (f, 300);
}

static MidwayTunnel1 *
new_proxy (Fixture *f)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  MidwayTunnel1 *proxy;

  midway_tunnel1_proxy_new_for_bus (G_BUS_TYPE_SESSION, G_DBUS_PROXY_FLAGS_NONE,
                                    g_dbus_connection_get_unique_name (f->helper_connection),
                                    TUNNEL_PATH, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  proxy = midway_tunnel1_proxy_new_for_bus_finish (result, &error);
  g_assert_no_error (error);
  return proxy;
}

typedef struct
{
  Fixture *f;
  gint     n;
} CloseWait;

static gboolean
closed_enough (gpointer data)
{
  CloseWait *wait = data;

  return g_atomic_int_get (&wait->f->close_calls) >= wait->n;
}

static void
wait_for_close_calls (Fixture *f,
                      gint     n)
{
  CloseWait wait = { f, n };

  midway_test_spin_until (closed_enough, &wait, 10.0);
}

/* A bubble goes with its tunnel, but a failure's, which stays until a
 * new tunnel of the profile replaces the failed one. */
static void
test_bubbles_follow_tunnels (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr(Notification) connected = NULL;
  g_autoptr(Notification) failed = NULL;
  g_autoptr(MidwayTunnel1) second = NULL;
  g_autoptr(MidwayTunnel1) third = NULL;

  bring_up (f);
  connected = next_notification (f);
  g_assert_cmpstr (connected->summary, ==, "Connected to Office");
  /* The helper forgets the tunnel: its "Connected" is closed. */
  midway_notifier_unwatch (f->notifier, f->proxy);
  wait_for_close_calls (f, 1);

  /* A new tunnel that fails; then the helper forgets it too. */
  second = new_proxy (f);
  midway_notifier_watch (f->notifier, second);
  set_state (f, MIDWAY_STATE_STARTING_SSH, "", "");
  set_state (f, MIDWAY_STATE_FAILED, MIDWAY_REASON_SSH_AUTH_FAILED, "Permission denied (publickey).");
  failed = next_notification (f);
  g_assert_cmpstr (failed->summary, ==, "Office failed");
  midway_notifier_unwatch (f->notifier, second);
  midway_test_spin_for (300);
  g_assert_cmpint (g_atomic_int_get (&f->close_calls), ==, 1);

  /* The profile's next tunnel replaces the failure: its bubble closes. */
  third = new_proxy (f);
  midway_notifier_watch (f->notifier, third);
  wait_for_close_calls (f, 2);
  midway_notifier_unwatch (f->notifier, third);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MIDWAY_TEST_NOTIFICATIONS") == NULL)
    g_error ("run under run-session.sh --notifications: a real notification server is needed");

  g_test_add ("/notifier/life-of-a-tunnel", Fixture, NULL,
              fixture_set_up, test_life_of_a_tunnel, fixture_tear_down);
  g_test_add ("/notifier/bubbles-follow-tunnels", Fixture, NULL,
              fixture_set_up, test_bubbles_follow_tunnels, fixture_tear_down);

  return g_test_run ();
}
