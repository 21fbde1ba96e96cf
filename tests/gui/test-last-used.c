/* test-last-used.c: the tray's left click connects the profile last used,
 * across restarts: the real MidwayApplication under Xvfb reads it from
 * $XDG_STATE_HOME/midway/state, and writes it there on each connect.  The
 * click is the StatusNotifierItem's Activate, called as a host calls it;
 * a stand-in helper records which profile Connect was for.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <unistd.h>

#include "midway-application.h"
#include "midway-state.h"
#include "midway-window.h"
#include "midway-test-kit.h"

#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"

typedef struct
{
  MidwayApplication *app;
  GDBusConnection   *bus;        /* the stand-in helper's, borrowed */
  GPtrArray         *connected;  /* profile ids, one per Connect */
  char              *lab_id;
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
                                   MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                   NULL);
}

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
window_mapped (MidwayApplication *app)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MIDWAY_IS_WINDOW (l->data) && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

static gboolean
drive (gpointer user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *item = NULL;
  g_autofree char *remembered = NULL;

  if (++fixture->polls >= 2000)  /* 10 s */
    g_error ("stuck at step %u", fixture->step);

  switch (fixture->step)
    {
    case 0:
      if (!window_mapped (fixture->app))
        return G_SOURCE_CONTINUE;
      /* A left click on the icon, as a host sends it. */
      item = g_strdup_printf ("org.kde.StatusNotifierItem-%d-1", (int) getpid ());
      g_dbus_connection_call (fixture->bus, item, "/StatusNotifierItem", "org.kde.StatusNotifierItem",
                              "Activate", g_variant_new ("(ii)", 0, 0), NULL, G_DBUS_CALL_FLAGS_NONE,
                              5000, NULL, NULL, NULL);
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 1:
      /* Office, remembered from the last run, though Lab comes first. */
      if (fixture->connected->len < 1)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (fixture->connected->pdata[0], ==, fixture->office_id);
      g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "connect",
                                      g_variant_new_string (fixture->lab_id));
      fixture->step++;
      return G_SOURCE_CONTINUE;

    case 2:
      if (fixture->connected->len < 2)
        return G_SOURCE_CONTINUE;
      g_assert_cmpstr (fixture->connected->pdata[1], ==, fixture->lab_id);
      /* Remembered for the next run. */
      remembered = midway_state_load_last_used ();
      g_assert_cmpstr (remembered, ==, fixture->lab_id);
      fixture->done = TRUE;
      g_application_quit (G_APPLICATION (fixture->app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }
}

static void
test_last_used (void)
{
  Fixture fixture = { 0 };
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_path = midway_state_dup_path ();
  g_autofree char *state_dir = g_path_get_dirname (state_path);
  g_autofree char *state = NULL;
  char *argv[] = { (char *) "midway", NULL };

  fixture.lab_id = save_profile ("Lab");
  fixture.office_id = save_profile ("Office");
  fixture.connected = g_ptr_array_new_with_free_func (g_free);
  /* What the last run left. */
  g_assert_true (g_str_has_prefix (state_path, g_getenv ("MIDWAY_TEST_TMPDIR")));
  g_assert_cmpint (g_mkdir_with_parents (state_dir, 0700), ==, 0);
  state = g_strdup_printf ("[State]\nlast-used=%s\n", fixture.office_id);
  g_assert_true (g_file_set_contents (state_path, state, -1, &error));
  g_assert_no_error (error);

  stand_in = midway_test_helper_new ();
  fixture.bus = midway_test_helper_get_connection (stand_in);
  g_signal_connect (midway_test_helper_get_helper1 (stand_in), "handle-connect",
                    G_CALLBACK (on_handle_connect), &fixture);
  midway_test_helper_own_name (stand_in);

  fixture.app = midway_application_new ();
  g_timeout_add (5, drive, &fixture);
  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 1, argv), ==, 0);
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

  g_test_add_func ("/last-used/remembered-across-runs", test_last_used);

  return g_test_run ();
}
