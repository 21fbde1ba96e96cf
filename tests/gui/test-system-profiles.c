/* test-system-profiles.c: the administrator's system profiles in the
 * real MidwayApplication's window under Xvfb, with a real notification
 * server (dunst), against the kit's stand-in helper: they show in a
 * "System" group of their own (from ListSystemProfiles), never among the
 * user's profiles, with a switch and nothing to open or edit.  The switch
 * calls ConnectSystemProfile (never Connect); polkit's refusal springs it
 * back with the same words on the row and in a notification as any
 * refusal; granted, the machine's tunnel (Owner 0, System true) shows on
 * that row alone, and the switch turned off disconnects it.  A user with
 * no profiles of their own sees the system group, not the empty page.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-application.h"
#include "midway-connection-row.h"
#include "midway-error.h"
#include "midway-window.h"
#include "midway-test-kit-ui.h"

/* Any valid key: pinned, so the user's profile needs no trust dialog. */
#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"
#define SYSTEM_ID "5b0e7c1a-3f55-4c7e-9d41-0a8f3e2c6b17"
#define SYSTEM_TUNNEL MIDWAY_HELPER_OBJECT_PATH "/Tunnel/7"
#define REFUSED_WORDS "This account is not allowed to start VPN connections on this computer."

typedef struct
{
  MidwayApplication *app;
  GAsyncQueue       *notify_calls;  /* GDBusMessage */
  MidwayTestHelper  *helper;
  guint              step;
  guint              polls;
  gboolean           done;
} Fixture;

/* As the real helper lists one: the profile without its key file. */
static GVariant *
system_profiles (void)
{
  GVariantBuilder profiles;
  GVariantBuilder profile;

  g_variant_builder_init (&profile, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&profile, "{sv}", MIDWAY_FIELD_ID, g_variant_new_string (SYSTEM_ID));
  g_variant_builder_add (&profile, "{sv}", MIDWAY_FIELD_NAME, g_variant_new_string ("Head Office"));
  g_variant_builder_add (&profile, "{sv}", MIDWAY_FIELD_HOST, g_variant_new_string ("vpn.example.org"));
  g_variant_builder_add (&profile, "{sv}", MIDWAY_FIELD_HOST_KEY, g_variant_new_string (HOST_KEY));
  g_variant_builder_add (&profile, "{sv}", MIDWAY_FIELD_AUTH, g_variant_new_string ("key-file"));
  g_variant_builder_init (&profiles, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_add_value (&profiles, g_variant_builder_end (&profile));
  return g_variant_builder_end (&profiles);
}

static const char *
subtitle_of (GtkListBoxRow *row)
{
  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  GtkListBox *list = window != NULL ? midway_window_get_list (window) : NULL;
  GtkWidget *system_list = window != NULL ? midway_test_find_named (GTK_WIDGET (window), "system-list") : NULL;
  GtkListBoxRow *own = list != NULL ? gtk_list_box_get_row_at_index (list, 0) : NULL;
  GtkListBoxRow *row = system_list != NULL ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (system_list), 0) : NULL;
  GtkSwitch *toggle = row != NULL ? midway_test_find_switch (GTK_WIDGET (row)) : NULL;
  g_autoptr(GVariant) notify = NULL;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u (system row: %s)", fixture->step, subtitle_of (row));

  switch (fixture->step)
    {
    case 0:
      if (own == NULL || !gtk_widget_get_mapped (GTK_WIDGET (own)))
        return G_SOURCE_CONTINUE;
      /* No helper yet: no system group. */
      g_assert_true (system_list == NULL || !gtk_widget_get_visible (system_list));
      fixture->helper = midway_test_helper_new ();
      midway_test_helper_serve_system_profiles (fixture->helper, system_profiles ());
      midway_test_helper_refuse_connect_system (fixture->helper, MIDWAY_ERROR_NOT_AUTHORIZED,
                                                "Not authorized to perform operation");
      /* A user's Connect must not come: it would fail the test loudly. */
      midway_test_helper_refuse_connect (fixture->helper, MIDWAY_ERROR_FAILED, "unexpected Connect");
      midway_test_helper_own_name (fixture->helper);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* The helper appeared: the app asks it for the system profiles. */
      if (toggle == NULL || !gtk_widget_get_mapped (GTK_WIDGET (toggle)))
        return G_SOURCE_CONTINUE;
      g_assert_true (gtk_widget_get_visible (system_list));
      g_assert_nonnull (midway_test_find_label (GTK_WIDGET (window), "System"));
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (midway_test_find_label (GTK_WIDGET (window), "System"))));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Head Office");
      g_assert_cmpstr (subtitle_of (row), ==, "Disconnected");
      g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (system_list), 1));
      /* Read-only: nothing to open (details, and from there Edit). */
      g_assert_false (gtk_list_box_row_get_activatable (row));
      g_assert_null (midway_test_find_action_button (GTK_WIDGET (row), "win.edit-profile"));
      /* Not among the user's profiles, which the profiles dialog edits. */
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (own)), ==, "Office");
      g_assert_null (gtk_list_box_get_row_at_index (list, 1));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (midway_application_get_connections (fixture->app))),
                        ==, 1);
      gtk_switch_set_active (toggle, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      /* polkit's "no": shown as any refusal. */
      notify = midway_test_next_notify (fixture->notify_calls);
      if (notify == NULL)
        return G_SOURCE_CONTINUE;
      {
        const char *summary, *body;

        g_variant_get_child (notify, 3, "&s", &summary);
        g_variant_get_child (notify, 4, "&s", &body);
        g_assert_cmpstr (summary, ==, "“Head Office” did not connect");
        g_assert_cmpstr (body, ==, REFUSED_WORDS);
      }
      g_assert_cmpstr (subtitle_of (row), ==, "Disconnected — " REFUSED_WORDS);
      g_assert_false (gtk_switch_get_active (toggle));
      g_assert_false (gtk_switch_get_state (toggle));
      g_assert_cmpuint (midway_test_helper_get_n_system_connects (fixture->helper), ==, 1);
      g_assert_cmpstr (midway_test_helper_get_system_connect_name (fixture->helper), ==, "Head Office");
      g_assert_cmpuint (midway_test_helper_get_n_connects (fixture->helper), ==, 0);
      g_assert_cmpstr (subtitle_of (own), ==, "Disconnected");

      midway_test_helper_answer_connect_system (fixture->helper, SYSTEM_TUNNEL);
      gtk_switch_set_active (toggle, TRUE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 3:
      /* Granted: the machine's tunnel, on the system row alone. */
      if (!gtk_switch_get_state (toggle))
        return G_SOURCE_CONTINUE;
      g_assert_true (g_str_has_prefix (subtitle_of (row), "Connected"));
      g_assert_cmpuint (midway_test_helper_get_n_system_connects (fixture->helper), ==, 2);
      g_assert_cmpuint (midway_test_helper_get_n_connects (fixture->helper), ==, 0);
      g_assert_cmpstr (subtitle_of (own), ==, "Disconnected");
      g_assert_false (gtk_switch_get_state (midway_test_find_switch (GTK_WIDGET (own))));
      gtk_switch_set_active (toggle, FALSE);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 4:
      /* Disconnect on the machine's tunnel, which the stand-in removes. */
      if (gtk_switch_get_state (toggle) || g_strcmp0 (subtitle_of (row), "Disconnected") != 0)
        return G_SOURCE_CONTINUE;
      g_assert_cmpuint (midway_test_helper_get_n_connects (fixture->helper), ==, 0);
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static gboolean
label_mapped (GtkWidget  *root,
              const char *text)
{
  GtkLabel *label = midway_test_find_label (root, text);

  return label != NULL && gtk_widget_get_mapped (GTK_WIDGET (label));
}

static gboolean
drive_only_system (gpointer user_data)
{
  Fixture *fixture = user_data;
  MidwayWindow *window = midway_test_find_window (fixture->app);
  GtkWidget *system_list = window != NULL ? midway_test_find_named (GTK_WIDGET (window), "system-list") : NULL;
  GtkListBoxRow *row = system_list != NULL ? gtk_list_box_get_row_at_index (GTK_LIST_BOX (system_list), 0) : NULL;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      /* No profile of the user's and no helper: the empty page. */
      if (window == NULL || !label_mapped (GTK_WIDGET (window), "No Connections"))
        return G_SOURCE_CONTINUE;
      fixture->helper = midway_test_helper_new ();
      midway_test_helper_serve_system_profiles (fixture->helper, system_profiles ());
      midway_test_helper_own_name (fixture->helper);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      if (row == NULL || !gtk_widget_get_mapped (GTK_WIDGET (row)))
        return G_SOURCE_CONTINUE;
      g_assert_false (label_mapped (GTK_WIDGET (window), "No Connections"));
      g_assert_true (label_mapped (GTK_WIDGET (window), "System"));
      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Head Office");
      /* The user's own group, empty, is not drawn as an empty box. */
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (midway_window_get_list (window))));
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_only_system (void)
{
  Fixture fixture = { 0 };
  char *argv[] = { (char *) "midway", NULL };

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive_only_system, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
  g_assert_true (fixture.done);

  g_clear_object (&fixture.helper);
  g_clear_object (&fixture.app);
}

static void
test_system_group (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GDBusConnection) monitor = NULL;
  char *argv[] = { (char *) "midway", NULL };

  g_free (midway_test_save_profile (MIDWAY_FIELD_NAME, "Office",
                                    MIDWAY_FIELD_HOST, "office.example.org",
                                    MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                    NULL));
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

  g_test_add_func ("/system-profiles/own-group-read-only", test_system_group);
  g_test_add_func ("/system-profiles/only-system", test_only_system);

  return g_test_run ();
}
