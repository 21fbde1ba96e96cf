/* test-refusal.c: a Connect refused before any tunnel exists, in the real
 * MidwayApplication under Xvfb with a real notification server (dunst),
 * as run-session.sh --notifications starts them.  Turning a row's switch
 * on first meets no helper at all (the private bus activates nothing),
 * then a stand-in helper that refuses as polkit would: each time the
 * switch springs back, the row says why in plain words, and one
 * notification per profile names it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-application.h"
#include "midway-connection-row.h"
#include "midway-error.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

/* Any valid key: pinned, so Connect goes straight to the helper. */
#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"

typedef struct
{
  MidwayApplication *app;
  GAsyncQueue       *notify_calls;  /* GDBusMessage */
  MidwayTestHelper  *helper;
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

static void
assert_refused (GVariant   *notify,
                const char *words,
                guint32     replaces)
{
  const char *app_name, *icon, *summary, *body;
  g_autofree const char **actions = NULL;
  g_autoptr(GVariant) hints = NULL;
  guint32 replaces_id;
  gint32 timeout;

  g_variant_get (notify, "(&su&s&s&s^a&s@a{sv}i)", &app_name, &replaces_id, &icon, &summary, &body,
                 &actions, &hints, &timeout);
  g_assert_cmpstr (summary, ==, "“Office” did not connect");
  g_assert_cmpstr (body, ==, words);
  /* Midway's own icon, which every theme has because Midway installs it. */
  g_assert_cmpstr (icon, ==, "midway-tunnel-error-symbolic");
  /* dunst offers actions: a click on the bubble does something. */
  g_assert_nonnull (actions[0]);
  g_assert_cmpstr (actions[0], ==, "default");
  g_assert_cmpuint (replaces_id, ==, replaces);
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  GtkListBoxRow *row = window != NULL ? gtk_list_box_get_row_at_index (midway_window_get_list (window), 0) : NULL;
  GtkSwitch *toggle = row != NULL ? midway_test_find_switch (GTK_WIDGET (row)) : NULL;
  g_autoptr(GVariant) notify = NULL;
  g_autoptr(GError) error = NULL;
  const char *subtitle = row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u (row: %s)", fixture->step, subtitle);

  switch (fixture->step)
    {
    case 0:
      if (toggle == NULL || !gtk_widget_get_mapped (GTK_WIDGET (toggle)))
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (subtitle, ==, "Disconnected");
      /* What a click on the switch does. */
      gtk_switch_set_active (toggle, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* No helper on the bus at all. */
      notify = midway_test_next_notify (fixture->notify_calls);
      if (notify == NULL)
        return G_SOURCE_CONTINUE;
      assert_refused (notify, "Midway’s system helper is not installed or could not be started.", 0);
      g_assert_cmpstr (subtitle, ==,
                       "Disconnected — Midway’s system helper is not installed or could not be started.");
      g_assert_false (gtk_switch_get_active (toggle));
      g_assert_false (gtk_switch_get_state (toggle));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      /* A helper that refuses as polkit does, with its (empty) tunnels:
       * what polkit's "no" looks like from the real helper. */
      fixture->helper = midway_test_helper_new ();
      midway_test_helper_refuse_connect (fixture->helper, MIDWAY_ERROR_NOT_AUTHORIZED,
                                         "Not authorized to perform operation");
      midway_test_helper_own_name (fixture->helper);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 3:
      {
        g_autoptr(GVariant) owner = g_dbus_connection_call_sync (midway_test_helper_get_connection (fixture->helper),
                                                                 "org.freedesktop.DBus",
                                                                 "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                                                 "NameHasOwner",
                                                                 g_variant_new ("(s)", MIDWAY_HELPER_BUS_NAME),
                                                                 G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE,
                                                                 5000, NULL, &error);
        gboolean has_owner = FALSE;

        g_assert_no_error (error);
        g_variant_get (owner, "(b)", &has_owner);
        if (!has_owner)
          return G_SOURCE_CONTINUE;
      }
      gtk_switch_set_active (toggle, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 4:
      notify = midway_test_next_notify (fixture->notify_calls);
      if (notify == NULL)
        return G_SOURCE_CONTINUE;
      g_assert_cmpuint (midway_test_helper_get_n_connects (fixture->helper), ==, 1);
      /* The same bubble, replaced: refusals do not pile up. */
      {
        guint32 replaces_id = 0;

        g_variant_get_child (notify, 1, "u", &replaces_id);
        g_assert_cmpuint (replaces_id, !=, 0);
        assert_refused (notify, "This account is not allowed to start VPN connections on this computer.",
                        replaces_id);
      }
      g_assert_cmpstr (subtitle, ==,
                       "Disconnected — This account is not allowed to start VPN connections on this computer.");
      g_assert_false (gtk_switch_get_active (toggle));
      g_assert_false (gtk_switch_get_state (toggle));
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_refused (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GDBusConnection) monitor = NULL;
  char *argv[] = { (char *) "midway", NULL };

  g_free (save_profile ("Office"));
  g_assert_nonnull (g_getenv ("MIDWAY_TEST_NOTIFICATIONS"));
  fixture.notify_calls = g_async_queue_new_full (g_object_unref);
  monitor = midway_test_monitor_notify (fixture.notify_calls);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);

  g_clear_object (&fixture.helper);
  g_clear_object (&fixture.app);
  g_dbus_connection_close_sync (monitor, NULL, NULL);
  g_async_queue_unref (fixture.notify_calls);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/refusal/switch-springs-back-with-words", test_refused);

  return g_test_run ();
}
