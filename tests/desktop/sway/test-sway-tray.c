/* test-sway-tray.c: the real midway in a sway session (run-sway-session.sh):
 * its item in waybar's tray, the icon's pixels on that tray read back with
 * grim, a menu opened and clicked with a virtual pointer, and a failed
 * tunnel's notification shown by mako, its actions invoked with makoctl.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "midway-profile.h"
#include "midway-reason.h"
#include "midway-test-kit.h"

#define APP_ID "io.github.midway_vpn.Midway"
/* Any valid key: pinned, so Connect goes straight to the helper. */
#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"
/* What WCAG asks of graphics a person must make out. */
#define MIN_CONTRAST 3.0
/* waybar's height in the session's config: the tray is in there. */
#define BAR_HEIGHT 30

typedef struct
{
  int     width, height;
  guchar *rgb;
} Shot;

static void
shot_free (Shot *shot)
{
  g_free (shot->rgb);
  g_free (shot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Shot, shot_free)

/* Runs @argv and returns its standard output; fails the test if it fails. */
static char *
run (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

static Shot *
capture (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "shot.png", NULL);
  const char *argv[] = { "grim", "-t", "png", path, NULL };
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  Shot *shot = g_new0 (Shot, 1);
  int channels, stride;
  const guchar *pixels;

  g_free (run (argv));
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  shot->width = gdk_pixbuf_get_width (pixbuf);
  shot->height = gdk_pixbuf_get_height (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  shot->rgb = g_malloc ((gsize) shot->width * shot->height * 3);
  for (int y = 0; y < shot->height; y++)
    for (int x = 0; x < shot->width; x++)
      memcpy (shot->rgb + ((gsize) y * shot->width + x) * 3, pixels + (gsize) y * stride + (gsize) x * channels, 3);
  return shot;
}

/* With $MIDWAY_SCREENSHOT_DIR: the last capture, kept as NAME.png. */
static void
keep_capture (const char *name)
{
  const char *directory = g_getenv ("MIDWAY_SCREENSHOT_DIR");
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "shot.png", NULL);
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  if (directory == NULL)
    return;
  target = g_strdup_printf ("%s/sway-%s-%s.png", directory,
                            g_strcmp0 (g_getenv ("MIDWAY_TEST_DARK_TRAY"), "1") == 0 ? "dark" : "light", name);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (target, contents, length, &error);
  g_assert_no_error (error);
  g_test_message ("saved %s", target);
}

static gboolean
same (const Shot *a,
      const Shot *b)
{
  return memcmp (a->rgb, b->rgb, (gsize) a->width * a->height * 3) == 0;
}

/* The screen once it stopped changing (three captures alike), and,
 * with @before, once it differs from that too. */
static Shot *
capture_settled (const Shot *before)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(Shot) last = NULL;
  int alike = 0;

  for (;;)
    {
      g_autoptr(Shot) now = NULL;

      midway_test_spin_for (50);
      now = capture ();
      if (last != NULL && same (last, now) && (before == NULL || !same (before, now)))
        alike++;
      else
        alike = 0;
      g_clear_pointer (&last, shot_free);
      last = g_steal_pointer (&now);
      if (alike >= 3)
        return g_steal_pointer (&last);
      if (g_timer_elapsed (timer, NULL) >= 20.0)
        {
          keep_capture ("unsettled");
          g_error ("the screen did not settle%s within 20 s", before != NULL && same (before, last) ? " on a change" : "");
        }
    }
}

/* Where @b differs from @a, right of @left: FALSE if nowhere. */
static gboolean
changed_box (const Shot *a,
             const Shot *b,
             int         left,
             int        *x0,
             int        *y0,
             int        *x1,
             int        *y1)
{
  *x0 = *y0 = G_MAXINT;
  *x1 = *y1 = -1;
  for (int y = 0; y < a->height; y++)
    for (int x = left; x < a->width; x++)
      {
        gsize i = ((gsize) y * a->width + x) * 3;

        if (memcmp (a->rgb + i, b->rgb + i, 3) != 0)
          {
            *x0 = MIN (*x0, x);
            *y0 = MIN (*y0, y);
            *x1 = MAX (*x1, x);
            *y1 = MAX (*y1, y);
          }
      }
  return *x1 >= 0;
}

/* ---- The real application ------------------------------------------------ */

typedef struct
{
  GSubprocess *process;
  GPid         pid;
  gboolean     exited;
} App;

static void
on_app_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  ((App *) user_data)->exited = TRUE;
}

static void
app_start (App        *app,
           const char *option)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *log = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "midway.log", NULL);
  const char *midway = g_getenv ("MIDWAY_TEST_MIDWAY");
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (midway);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  app->process = g_subprocess_launcher_spawn (launcher, &error, midway, option, NULL);
  g_assert_no_error (error);
  app->pid = atoi (g_subprocess_get_identifier (app->process));
  g_subprocess_wait_async (app->process, NULL, on_app_exited, app);
}

static gboolean
app_exited (gpointer data)
{
  return ((App *) data)->exited;
}

static void
app_stop (App *app)
{
  if (!app->exited)
    {
      g_subprocess_send_signal (app->process, SIGTERM);
      midway_test_spin_until (app_exited, app, 10.0);
    }
  g_clear_object (&app->process);
}

/* The item's bus name as the watcher lists it, or NULL before: the
 * unique name that owns org.kde.StatusNotifierItem-PID-1, alone or
 * followed by the item's path. */
static char *
registered_item (App *app)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) owner = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autofree char *name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-1", (int) app->pid);
  g_autofree const char **items = NULL;
  const char *unique = NULL;
  gsize length;

  owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", name),
                                       G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (owner == NULL)
    return NULL;
  g_variant_get (owner, "(&s)", &unique);
  length = strlen (unique);
  reply = g_dbus_connection_call_sync (bus, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.kde.StatusNotifierWatcher",
                                                      "RegisteredStatusNotifierItems"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &value);
  items = g_variant_get_strv (value, NULL);
  for (gsize i = 0; items[i] != NULL; i++)
    if (g_str_has_prefix (items[i], unique) && (items[i][length] == '\0' || items[i][length] == '/'))
      return g_strdup (unique);
  return NULL;
}

static gboolean
item_registered (gpointer data)
{
  g_autofree char *item = registered_item (data);

  return item != NULL;
}

/* Whether sway manages a window of the app. */
static gboolean
window_shown (gpointer data)
{
  const char *argv[] = { "swaymsg", "-t", "get_tree", NULL };
  g_autofree char *tree = run (argv);

  return strstr (tree, "\"app_id\": \"" APP_ID "\"") != NULL;
}

static guint clicks;

static gboolean
clicked (gpointer data)
{
  g_autofree char *out = NULL;
  guint lines = 0;

  if (!g_file_get_contents (g_getenv ("MIDWAY_TEST_POINTER_OUT"), &out, NULL, NULL))
    return FALSE;
  for (const char *p = strstr (out, "clicked\n"); p != NULL; p = strstr (p + 1, "clicked\n"))
    lines++;
  return lines >= clicks;
}

/* Through the session's virtual pointer (run-sway-session.sh). */
static void
click (int         x,
       int         y,
       const char *button)
{
  g_autofree char *command = g_strdup_printf ("%d %d %s\n", x, y, button);
  const char *in = g_getenv ("MIDWAY_TEST_POINTER_IN");
  FILE *fifo;

  g_assert_nonnull (in);
  fifo = fopen (in, "w");
  g_assert_nonnull (fifo);
  g_assert_cmpint (fputs (command, fifo), >=, 0);
  g_assert_cmpint (fclose (fifo), ==, 0);
  clicks++;
  midway_test_spin_until (clicked, NULL, 10.0);
}

/* ---- The tray ------------------------------------------------------------ */

static void
test_tray (void)
{
  gboolean dark = g_strcmp0 (g_getenv ("MIDWAY_TEST_DARK_TRAY"), "1") == 0;
  App app = { 0 };
  g_autoptr(Shot) bar = NULL;
  g_autoptr(Shot) with_item = NULL;
  g_autoptr(Shot) with_menu = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) icon = NULL;
  g_autofree char *item = NULL;
  int x0, y0, x1, y1, mx0, my0, mx1, my1;
  guint changed = 0, readable = 0;
  double best = 1.0;
  guchar background[3];

  /* sway draws the pointer into the screenshots: out of the way, in the
   * bottom left corner, it changes nothing that is measured. */
  click (0, 799, "move");
  bar = capture_settled (NULL);
  /* As at login: into the tray, no window. */
  app_start (&app, "--hidden");
  midway_test_spin_until (item_registered, &app, 20.0);
  item = registered_item (&app);
  reply = g_dbus_connection_call_sync (bus, item, "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.kde.StatusNotifierItem", "IconName"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, NULL);
  g_assert_nonnull (reply);
  g_variant_get (reply, "(v)", &icon);
  g_assert_cmpstr (g_variant_get_string (icon, NULL), ==, "midway-tray-down");

  /* Drawn by waybar: the bar changed, in the bar, at its right end. */
  with_item = capture_settled (bar);
  keep_capture ("tray");
  g_assert_true (changed_box (bar, with_item, 0, &x0, &y0, &x1, &y1));
  g_assert_cmpint (y1, <, BAR_HEIGHT);
  g_assert_cmpint (x0, >, with_item->width / 2);
  g_assert_cmpint (x1 - x0, <, 32);
  g_assert_cmpint (y1 - y0, <, 32);
  memcpy (background, bar->rgb + ((gsize) y0 * bar->width + x0) * 3, 3);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        gsize i = ((gsize) y * bar->width + x) * 3;
        double ratio;

        if (memcmp (with_item->rgb + i, bar->rgb + i, 3) == 0)
          continue;
        changed++;
        ratio = midway_test_contrast_ratio (with_item->rgb + i, background);
        best = MAX (best, ratio);
        readable += ratio >= MIN_CONTRAST;
      }
  g_test_message ("icon %s at %d,%d (%dx%d) on waybar's %s tray #%02x%02x%02x: %u pixels drawn, "
                  "%u (%.0f%%) at %.1f:1 or more, the most %.1f:1",
                  item, x0, y0, x1 - x0 + 1, y1 - y0 + 1, dark ? "dark" : "light",
                  background[0], background[1], background[2], changed, readable,
                  100.0 * readable / changed, MIN_CONTRAST, best);
  /* A glyph's worth of pixels (a 16 px icon's line is 2 px thick), not
   * a few anti-aliased specks. */
  g_assert_cmpuint (readable, >=, 24);
  g_assert_cmpfloat (best, >=, 4.5);
  g_assert_false (window_shown (NULL));

  /* The menu, opened with the right button on the icon, drawn by waybar
   * under it (left of the pointer, which stays on the icon); its last
   * item is Quit. */
  click ((x0 + x1) / 2, (y0 + y1) / 2, "right");
  with_menu = capture_settled (with_item);
  keep_capture ("menu");
  g_assert_true (changed_box (with_item, with_menu, with_item->width / 2, &mx0, &my0, &mx1, &my1));
  g_test_message ("menu at %d,%d (%dx%d)", mx0, my0, mx1 - mx0 + 1, my1 - my0 + 1);
  g_assert_cmpint (my1 - my0, >, 60);
  click ((mx0 + mx1) / 2, my1 - 12, "left");
  midway_test_spin_until (app_exited, &app, 15.0);
  g_assert_true (g_subprocess_get_if_exited (app.process));
  g_assert_cmpint (g_subprocess_get_exit_status (app.process), ==, 0);
  app_stop (&app);
}

/* ---- A failed tunnel's notification ------------------------------------ */

typedef struct
{
  MidwayTestHelper *stand_in;
  guint             n_connects;
} Helper;

static gboolean
fail_tunnel (gpointer data)
{
  MidwayTunnel1 *tunnel = data;

  midway_tunnel1_set_last_reason (tunnel, MIDWAY_REASON_SSH_AUTH_FAILED);
  midway_tunnel1_set_last_message (tunnel, "Permission denied (publickey).");
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_FAILED);
  return G_SOURCE_REMOVE;
}

/* As the helper does when ssh refuses the key: a tunnel that starts,
 * then fails; a new Connect replaces the profile's failed tunnel. */
static gboolean
on_handle_connect (MidwayHelper1         *skeleton,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   Helper                *helper)
{
  g_autoptr(MidwayTunnel1) tunnel = midway_tunnel1_skeleton_new ();
  g_autofree char *path = NULL;
  const char *id = NULL;
  const char *name = NULL;

  if (helper->n_connects > 0)
    {
      g_autofree char *old = g_strdup_printf (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/%u", helper->n_connects);

      midway_test_helper_unexport_tunnel (helper->stand_in, old);
    }
  helper->n_connects++;
  path = g_strdup_printf (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/%u", helper->n_connects);
  g_variant_lookup (profile, MIDWAY_FIELD_ID, "&s", &id);
  g_variant_lookup (profile, MIDWAY_FIELD_NAME, "&s", &name);
  midway_tunnel1_set_profile_id (tunnel, id);
  midway_tunnel1_set_profile_name (tunnel, name);
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_STARTING_SSH);
  midway_test_helper_export_tunnel (helper->stand_in, path, tunnel);
  midway_helper1_complete_connect (skeleton, invocation, path);
  g_timeout_add_full (G_PRIORITY_DEFAULT, 300, fail_tunnel, g_object_ref (tunnel), g_object_unref);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The id of mako's notification whose summary is @summary (makoctl list),
 * with its actions (id → label) in @actions; 0 if none. */
static gint64
find_notification (const char  *summary,
                   GHashTable **actions)
{
  const char *argv[] = { "makoctl", "list", NULL };
  g_autofree char *out = run (argv);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *list;

  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  /* {"type": "aa{sv}", "data": [[{"id": {"type": "u", "data": 1}, ...}]]} */
  list = json_array_get_array_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                                     "data"), 0);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *notification = json_array_get_object_element (list, i);
      JsonObject *map;
      g_autoptr(GList) members = NULL;

      if (g_strcmp0 (json_object_get_string_member (json_object_get_object_member (notification, "summary"), "data"),
                     summary) != 0)
        continue;
      *actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      map = json_object_get_object_member (json_object_get_object_member (notification, "actions"), "data");
      members = json_object_get_members (map);
      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_insert (*actions, g_strdup (l->data), g_strdup (json_object_get_string_member (map, l->data)));
      return json_object_get_int_member (json_object_get_object_member (notification, "id"), "data");
    }
  return 0;
}

typedef struct
{
  const char *summary;
  gint64      not_id;    /* an id that does not count */
  gint64      id;
  GHashTable *actions;
} Wanted;

static gboolean
notification_shown (gpointer data)
{
  Wanted *wanted = data;

  g_clear_pointer (&wanted->actions, g_hash_table_unref);
  wanted->id = find_notification (wanted->summary, &wanted->actions);
  if (wanted->id != 0 && wanted->id == wanted->not_id)
    wanted->id = 0;
  return wanted->id != 0;
}

static gboolean
connects_reach (gpointer data)
{
  Helper *helper = ((gpointer *) data)[0];

  return helper->n_connects >= GPOINTER_TO_UINT (((gpointer *) data)[1]);
}

static void
invoke (gint64      id,
        const char *action)
{
  g_autofree char *id_arg = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  const char *argv[] = { "makoctl", "invoke", "-n", id_arg, action, NULL };

  g_free (run (argv));
}

static void
test_notification (void)
{
  Helper helper = { 0 };
  App app = { 0 };
  Wanted wanted = { "Office failed", 0, 0, NULL };
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = midway_test_save_profile (MIDWAY_FIELD_NAME, "Office",
                                                  MIDWAY_FIELD_HOST, "vpn.example.org",
                                                  MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                                  NULL);
  gpointer two[] = { &helper, GUINT_TO_POINTER (2) };

  helper.stand_in = midway_test_helper_new ();
  g_signal_connect (midway_test_helper_get_helper1 (helper.stand_in), "handle-connect",
                    G_CALLBACK (on_handle_connect), &helper);
  midway_test_helper_own_name (helper.stand_in);

  /* As at login, in waybar's tray: no window until something asks. */
  app_start (&app, "--hidden");
  midway_test_spin_until (item_registered, &app, 20.0);
  reply = g_dbus_connection_call_sync (bus, APP_ID, "/io/github/midway_vpn/Midway", "org.gtk.Actions", "Activate",
                                       g_variant_new_parsed ("('connect', [<%s>], @a{sv} {})", id),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);

  /* mako shows the failure, with the app's actions. */
  midway_test_spin_until (notification_shown, &wanted, 20.0);
  g_test_message ("mako shows notification %" G_GINT64_FORMAT " with %u actions",
                  wanted.id, g_hash_table_size (wanted.actions));
  g_assert_cmpstr (g_hash_table_lookup (wanted.actions, "default"), ==, "Show");
  g_assert_cmpstr (g_hash_table_lookup (wanted.actions, "show-log"), ==, "Show log");
  g_assert_cmpstr (g_hash_table_lookup (wanted.actions, "retry"), ==, "Retry");
  g_assert_cmpuint (helper.n_connects, ==, 1);
  g_assert_false (window_shown (NULL));

  /* Retry, invoked in mako, reaches the app: a second Connect. */
  invoke (wanted.id, "retry");
  g_test_message ("Retry invoked, waiting for the second Connect");
  midway_test_spin_until (connects_reach, two, 15.0);
  g_assert_cmpuint (helper.n_connects, ==, 2);

  /* The second failure's bubble: its default action opens the
   * tunnel's log, a window of the app's own. */
  wanted.not_id = wanted.id;
  g_test_message ("waiting for the second failure's notification");
  midway_test_spin_until (notification_shown, &wanted, 20.0);
  g_assert_cmpstr (g_hash_table_lookup (wanted.actions, "default"), ==, "Show");
  g_assert_false (window_shown (NULL));
  invoke (wanted.id, "default");
  g_test_message ("the default action invoked, waiting for a window");
  midway_test_spin_until (window_shown, NULL, 30.0);

  g_clear_pointer (&wanted.actions, g_hash_table_unref);
  app_stop (&app);
  g_clear_object (&helper.stand_in);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SWAYSOCK") == NULL)
    g_error ("run under run-sway-session.sh: a real sway, waybar and mako are needed");
  g_test_add_func ("/sway/tray", test_tray);
  g_test_add_func ("/sway/notification", test_notification);

  return g_test_run ();
}
