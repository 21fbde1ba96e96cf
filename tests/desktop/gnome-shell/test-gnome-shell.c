/* test-gnome-shell.c: the real midway binary beside a real GNOME Shell 43,
 * headless on Wayland, with the AppIndicator extension as its tray
 * (run-gnome-shell.sh).  Everything is judged from the shell's side: its
 * watcher and top bar hold the item, a screenshot of the bar gives the
 * icon's contrast against the bar, pointer events from a Clutter virtual
 * pointer open the item's menu and click in it and in the shell's own
 * notification banner, and the windows that come of it are read from the
 * shell's window list.  Where the app needs a helper, the test is one
 * (MidwayTestHelper on the session's private bus).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "midway-reason.h"
#include "midway-test-kit.h"

/* What WCAG asks of graphics a person must make out. */
#define MIN_CONTRAST 3.0

/* Any valid key: pinned, so Connect goes straight to the helper. */
#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"

static GDBusConnection *shell_bus;

/* org.gnome.Shell.Eval (unsafe mode): @code's value, as JSON. */
static char *
eval (const char *format,
      ...) G_GNUC_PRINTF (1, 2);

static char *
eval (const char *format,
      ...)
{
  g_autofree char *code = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;
  gboolean success;
  char *result;

  va_start (args, format);
  code = g_strdup_vprintf (format, args);
  va_end (args);
  reply = g_dbus_connection_call_sync (shell_bus, "org.gnome.Shell", "/org/gnome/Shell", "org.gnome.Shell",
                                       "Eval", g_variant_new ("(s)", code), G_VARIANT_TYPE ("(bs)"),
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(bs)", &success, &result);
  if (!success)
    g_error ("the shell could not run %s: %s", code, result);
  return result;
}

static gboolean
eval_true (const char *code)
{
  g_autofree char *result = eval ("%s", code);

  return g_str_equal (result, "true");
}

/* Waits until @code is true in the shell, serving the test's own bus
 * meanwhile (the stand-in helper answers from this thread). */
static void
wait_for_shell (const char *code,
                double      timeout_seconds)
{
  g_autoptr(GTimer) timer = g_timer_new ();

  while (!eval_true (code))
    {
      if (g_timer_elapsed (timer, NULL) > timeout_seconds)
        g_error ("waited %.0f s in vain for the shell to say %s", timeout_seconds, code);
      midway_test_spin_for (50);
    }
}

/* ---- The shell ---------------------------------------------------------- */

/* The shell owns its name a moment before it serves Eval, and serves
 * Eval to others only once our extension has put it in unsafe mode. */
static void
wait_for_eval (void)
{
  g_autoptr(GTimer) timer = g_timer_new ();

  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;
      g_autoptr(GError) error = NULL;
      gboolean success = FALSE;
      const char *result = NULL;

      reply = g_dbus_connection_call_sync (shell_bus, "org.gnome.Shell", "/org/gnome/Shell", "org.gnome.Shell",
                                           "Eval", g_variant_new ("(s)", "global.context.unsafe_mode"),
                                           G_VARIANT_TYPE ("(bs)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
      if (reply != NULL)
        g_variant_get (reply, "(b&s)", &success, &result);
      if (success && g_str_equal (result, "true"))
        return;
      if (g_timer_elapsed (timer, NULL) > 30.0)
        g_error ("the shell never served Eval in unsafe mode: %s", error != NULL ? error->message : result);
      midway_test_spin_for (50);
    }
}

/* Started, on the desktop rather than the overview it starts in, with
 * the banner that announced unsafe mode gone. */
static void
shell_settle (void)
{
  g_autofree char *ignored = NULL;

  shell_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_assert_nonnull (shell_bus);
  wait_for_eval ();
  wait_for_shell ("!Main.layoutManager._startingUp", 30.0);
  ignored = eval ("Main.overview.hide(); true");
  wait_for_shell ("!Main.overview.visible && !Main.overview.animationInProgress", 10.0);
  g_free (ignored);
  ignored = eval ("Main.messageTray.getSources().forEach(s => s.destroy()); true");
  wait_for_shell ("Main.messageTray._banner === null", 10.0);
  g_free (ignored);
  ignored = eval ("global._midwayPointer = imports.gi.Clutter.get_default_backend().get_default_seat()"
                  ".create_virtual_device(imports.gi.Clutter.InputDeviceType.POINTER_DEVICE); true");
}

/* A real primary button click at @x, @y (stage coordinates), through the
 * same event path as a mouse; the pointer first rests there. */
static void
click (double x,
       double y)
{
  g_autofree char *moved = NULL;
  g_autofree char *clicked = NULL;
  g_autofree char *there = g_strdup_printf ("(() => { const [px, py] = global.get_pointer(); "
                                            "return Math.abs(px - %.0f) < 1 && Math.abs(py - %.0f) < 1; })()", x, y);

  moved = eval ("global._midwayPointer.notify_absolute_motion(imports.gi.GLib.get_monotonic_time(), %.0f, %.0f); "
                "true", x, y);
  wait_for_shell (there, 5.0);
  clicked = eval ("const C = imports.gi.Clutter, t = imports.gi.GLib.get_monotonic_time(); "
                  "global._midwayPointer.notify_button(t, C.BUTTON_PRIMARY, C.ButtonState.PRESSED); "
                  "global._midwayPointer.notify_button(t + 50000, C.BUTTON_PRIMARY, C.ButtonState.RELEASED); "
                  "true");
}

/* Where the actor @code evaluates to is on the stage, once it has a size
 * and stays put (a menu grows as its items arrive over D-Bus, a banner
 * slides in): the same box twice in a row, 50 ms apart. */
static void
actor_box (const char *code,
           int        *x,
           int        *y,
           int        *width,
           int        *height)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autofree char *last = NULL;

  for (;;)
    {
      g_autofree char *box = eval ("(() => { const a = %s; if (!a || !a.is_mapped()) return ''; "
                                   "const [x, y] = a.get_transformed_position(); "
                                   "const [w, h] = a.get_transformed_size(); "
                                   "return [x, y, w, h].map(Math.round).join(','); })()", code);

      if (last != NULL && g_str_equal (box, last) &&
          sscanf (box, "\"%d,%d,%d,%d\"", x, y, width, height) == 4 && *width > 0 && *height > 0)
        return;
      if (g_timer_elapsed (timer, NULL) > 10.0)
        g_error ("%s never settled on the stage: %s", code, box);
      g_free (last);
      last = g_steal_pointer (&box);
      midway_test_spin_for (50);
    }
}

/* Titles of the windows the shell manages for the application. */
static char *
app_window_titles (void)
{
  return eval ("global.get_window_actors().map(a => a.meta_window)"
               ".filter(w => w.get_gtk_application_id() === '" MIDWAY_APP_ID "')"
               ".map(w => w.get_title()).sort().join('|')");
}

/* ---- The application ---------------------------------------------------- */

static GSubprocess *
start_app (void)
{
  g_autoptr(GError) error = NULL;
  const char *midway = g_getenv ("MIDWAY_TEST_APP");
  GSubprocess *app;

  g_assert_nonnull (midway);
  /* As at login: into the tray, no window. */
  app = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, midway, "--hidden", NULL);
  g_assert_no_error (error);
  return app;
}

static void
stop_app (GSubprocess *app)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, &error);
  g_assert_no_error (error);
}

/* The extension has read the item's Id and menu path (and not lost them
 * since: the extension once cleared both a moment after an item came). */
#define ITEM_READY "a._indicator.isReady && a._indicator.id === '" MIDWAY_APP_ID "' && " \
  "a._indicator.menuPath === '/MenuBar'"

/* The statusArea key of the one AppIndicator item, once its icon is in
 * the top bar and mapped. */
static char *
wait_for_item (void)
{
  g_autofree char *key = NULL;

  wait_for_shell ("(() => { const k = Object.keys(Main.panel.statusArea)"
                  ".filter(k => k.startsWith('appindicator-')); "
                  "if (k.length !== 1) return false; const a = Main.panel.statusArea[k[0]]; "
                  "return a.is_mapped() && a.icon !== null && a.icon.gicon !== null && "
                  "Main.panel.contains(a) && " ITEM_READY "; })()", 20.0);
  key = eval ("Object.keys(Main.panel.statusArea).filter(k => k.startsWith('appindicator-'))[0]");
  /* JSON string to JS string literal: the same. */
  return g_steal_pointer (&key);
}

/* ---- Pixels --------------------------------------------------------------- */

static GdkPixbuf *
screenshot (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "shot.png", NULL);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *shot;

  reply = g_dbus_connection_call_sync (shell_bus, "org.gnome.Shell.Screenshot", "/org/gnome/Shell/Screenshot",
                                       "org.gnome.Shell.Screenshot", "Screenshot",
                                       g_variant_new ("(bbs)", FALSE, FALSE, path), G_VARIANT_TYPE ("(bs)"),
                                       G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  shot = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  return shot;
}

static const guchar *
pixel (GdkPixbuf *shot,
       int        x,
       int        y)
{
  return gdk_pixbuf_read_pixels (shot) + (gsize) y * gdk_pixbuf_get_rowstride (shot) +
         (gsize) x * gdk_pixbuf_get_n_channels (shot);
}

typedef struct
{
  guchar background[3];
  guint  drawn;     /* pixels unlike the bar */
  guint  readable;  /* of those, at MIN_CONTRAST or more */
  double best;
} Measure;

/* The item's button is the bar's colour but for the icon.  The bar may
 * shade from top to bottom (GNOME Classic's does, faintly): each row's
 * own colour is at the button's left edge, where no icon is drawn, and a
 * pixel is icon where it stands out from that (1.1:1, more than the
 * shading). */
static Measure
measure (GdkPixbuf *shot,
         int        x0,
         int        y0,
         int        width,
         int        height)
{
  Measure m = { .best = 1.0 };

  memcpy (m.background, pixel (shot, x0, y0 + height / 2), 3);
  for (int y = y0; y < y0 + height; y++)
    {
      const guchar *row_background = pixel (shot, x0, y);

      for (int x = x0; x < x0 + width; x++)
        {
          double ratio = midway_test_contrast_ratio (pixel (shot, x, y), row_background);

          if (ratio < 1.1)
            continue;
          m.drawn++;
          m.readable += ratio >= MIN_CONTRAST;
          m.best = MAX (m.best, ratio);
        }
    }
  return m;
}

/* ---- Tests ---------------------------------------------------------------- */

/* The watcher lists the item by the app's bus name, and the top bar
 * shows its icon, in pixels a person can make out against the bar:
 * the contrast figure is printed. */
static void
test_item (void)
{
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **registered = NULL;
  g_autofree char *key = NULL;
  g_autofree char *item_code = NULL;
  g_autofree char *still = NULL;
  g_autofree char *icon_name = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  const char *mode = g_getenv ("MIDWAY_TEST_SHELL_MODE");
  gboolean found = FALSE;
  Measure m;
  int x, y, width, height;

  shell_settle ();
  app = start_app ();
  key = wait_for_item ();
  item_code = g_strdup_printf ("Main.panel.statusArea[%s]", key);

  reply = g_dbus_connection_call_sync (shell_bus, "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher",
                                       "org.freedesktop.DBus.Properties", "Get",
                                       g_variant_new ("(ss)", "org.kde.StatusNotifierWatcher",
                                                      "RegisteredStatusNotifierItems"),
                                       G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &items);
  registered = g_variant_get_strv (items, NULL);
  /* The entry names the app's connection (alone, or with the item's
   * path after "@"): the app's process owns it. */
  for (gsize i = 0; registered[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (registered[i], strcspn (registered[i], "@/"));
      g_autoptr(GVariant) pid = NULL;
      guint32 owner_pid = 0;

      g_test_message ("registered: %s", registered[i]);
      pid = g_dbus_connection_call_sync (shell_bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                                         g_variant_new ("(s)", name), G_VARIANT_TYPE ("(u)"),
                                         G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
      if (pid != NULL)
        g_variant_get (pid, "(u)", &owner_pid);
      found |= owner_pid > 0 && owner_pid == g_ascii_strtoull (g_subprocess_get_identifier (app), NULL, 10);
    }
  g_assert_true (found);

  icon_name = eval ("Main.panel.statusArea[%s].icon.gicon.to_string()", key);
  g_test_message ("icon in the top bar: %s", icon_name);
  g_assert_nonnull (strstr (icon_name, "midway-tray-down"));

  /* Until the icon is painted where the item is (other indicators may
   * still arrive and move it along the bar). */
  for (;;)
    {
      g_autoptr(GdkPixbuf) shot = NULL;

      actor_box (item_code, &x, &y, &width, &height);
      shot = screenshot ();
      m = measure (shot, x, y, width, height);
      if (m.readable >= 24 || g_timer_elapsed (timer, NULL) > 10.0)
        {
          const char *directory = g_getenv ("MIDWAY_SCREENSHOT_DIR");

          if (directory != NULL)
            {
              /* For the README: the item on the bar, three times its
               * size (pixels kept sharp), as for xfce4-panel's. */
              int left = MAX (0, x - 24), right = MIN (gdk_pixbuf_get_width (shot), x + width + 8);
              g_autoptr(GdkPixbuf) corner = gdk_pixbuf_new_subpixbuf (shot, left, 0, right - left, y + height);
              g_autoptr(GdkPixbuf) scaled = gdk_pixbuf_scale_simple (corner, (right - left) * 3, (y + height) * 3,
                                                                     GDK_INTERP_NEAREST);
              g_autofree char *path = g_build_filename (directory,
                                                        mode != NULL ? "gnome-shell-top-bar-classic.png"
                                                                 : "gnome-shell-top-bar.png",
                                                        NULL);

              g_assert_true (gdk_pixbuf_save (scaled, path, "png", &error, NULL));
              g_assert_no_error (error);
              g_test_message ("saved %s", path);
            }
          break;
        }
      midway_test_spin_for (100);
    }
  g_test_message ("GNOME Shell 43 (%s): icon at %d,%d (%dx%d) on top bar #%02x%02x%02x: %u pixels drawn, "
                  "%u (%.0f%%) at %.1f:1 or more, the most %.1f:1",
                  mode != NULL ? mode : "default, dark top bar", x, y, width, height,
                  m.background[0], m.background[1], m.background[2], m.drawn, m.readable,
                  m.drawn > 0 ? 100.0 * m.readable / m.drawn : 0.0, MIN_CONTRAST, m.best);
  /* A glyph's worth of pixels (a 16 px icon's line is 2 px thick), not
   * a few anti-aliased specks. */
  g_assert_cmpuint (m.readable, >=, 24);
  g_assert_cmpfloat (m.best, >=, 4.5);
  /* And the extension still holds the item as it first read it. */
  still = g_strdup_printf ("(() => { const a = %s; return a !== undefined && " ITEM_READY "; })()", item_code);
  g_assert_true (eval_true (still));

  stop_app (app);
}

/* A left click on the item opens its menu, and a click on "Profiles…"
 * in it opens the app's Profiles window. */
static void
test_menu (void)
{
  g_autoptr(GSubprocess) app = NULL;
  g_autofree char *key = NULL;
  g_autofree char *item_code = NULL;
  g_autofree char *item = NULL;
  g_autofree char *item_there = NULL;
  g_autofree char *labels_code = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *titles = NULL;
  g_autofree char *open = NULL;
  int x, y, width, height;

  shell_settle ();
  app = start_app ();
  key = wait_for_item ();
  titles = app_window_titles ();
  g_assert_cmpstr (titles, ==, "\"\"");
  g_clear_pointer (&titles, g_free);
  item_code = g_strdup_printf ("Main.panel.statusArea[%s]", key);

  actor_box (item_code, &x, &y, &width, &height);
  click (x + width / 2.0, y + height / 2.0);
  open = g_strdup_printf ("Main.panel.statusArea[%s].menu.isOpen", key);
  wait_for_shell (open, 10.0);

  /* The items arrive over com.canonical.dbusmenu after the menu opens. */
  item = g_strdup_printf ("Main.panel.statusArea[%s].menu._getMenuItems()"
                          ".find(i => i.label && i.label.text === 'Profiles…' && i.is_mapped())", key);
  item_there = g_strdup_printf ("%s !== undefined", item);
  wait_for_shell (item_there, 10.0);
  /* All of it: the items below would move the one above otherwise. */
  labels_code = g_strdup_printf ("Main.panel.statusArea[%s].menu._getMenuItems()"
                                 ".filter(i => i.visible && i.label && i.label.text !== '')"
                                 ".map(i => i.label.text).join('|') === 'Disconnect All|Profiles…|Show Log|Quit'",
                                 key);
  wait_for_shell (labels_code, 10.0);
  actor_box (item, &x, &y, &width, &height);
  click (x + width / 2.0, y + height / 2.0);
  /* The shell closes the menu once the item took the click. */
  closed = g_strdup_printf ("!%s", open);
  wait_for_shell (closed, 10.0);

  wait_for_shell ("global.get_window_actors().some(a => "
                  "a.meta_window.get_gtk_application_id() === '" MIDWAY_APP_ID "' && "
                  "a.meta_window.get_title() === 'Profiles' && a.is_mapped())", 30.0);
  titles = app_window_titles ();
  g_test_message ("windows: %s", titles);
  g_assert_cmpstr (titles, ==, "\"Profiles\"");
  g_assert_false (eval_true (open));

  stop_app (app);
}

typedef struct
{
  MidwayTestHelper *helper;
  char             *profile_id;
  guint             n_connects;
  GPtrArray        *tunnels;
} Stand;

/* Each Connect: a tunnel that starts, then fails on the server. */
static gboolean
on_handle_connect (MidwayHelper1         *helper,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   Stand                 *stand)
{
  g_autoptr(MidwayTunnel1) tunnel = midway_tunnel1_skeleton_new ();
  g_autofree char *path = NULL;

  stand->n_connects++;
  path = g_strdup_printf (MIDWAY_HELPER_OBJECT_PATH "/Tunnel/%u", stand->n_connects);
  midway_tunnel1_set_profile_id (tunnel, stand->profile_id);
  midway_tunnel1_set_profile_name (tunnel, "Office");
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_STARTING_SSH);
  midway_test_helper_export_tunnel (stand->helper, path, tunnel);
  midway_helper1_complete_connect (helper, invocation, path);
  /* Sent after InterfacesAdded and the reply, on the same connection:
   * the app watches the tunnel by the time it hears of the change. */
  midway_tunnel1_set_last_reason (tunnel, MIDWAY_REASON_SSH_AUTH_FAILED);
  midway_tunnel1_set_last_message (tunnel, "Permission denied (publickey).");
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_FAILED);
  g_ptr_array_add (stand->tunnels, g_steal_pointer (&tunnel));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
connects_reached (gpointer data)
{
  Stand *stand = data;

  return stand->n_connects >= 2;
}

/* The banner's button labelled @label, or the banner itself (NULL). */
static void
banner_box (const char *label,
            int        *x,
            int        *y,
            int        *width,
            int        *height)
{
  g_autofree char *code = NULL;

  if (label == NULL)
    code = g_strdup ("Main.messageTray._banner");
  else
    code = g_strdup_printf ("Main.messageTray._banner._buttonBox.get_children()"
                            ".find(b => b.label === '%s')", label);
  actor_box (code, x, y, width, height);
}

#define FAILED_BANNER "(Main.messageTray._banner !== null && Main.messageTray._banner.is_mapped() && " \
  "Main.messageTray._notification.title === 'Office failed' && " \
  "Main.messageTray._banner.expanded && " \
  "Main.messageTray._bannerBin.y === 0)"

/* A tunnel that fails: the shell's own notification server shows it as
 * a banner with the app's actions; its Retry button reaches the app (a
 * second Connect), and a click on the banner, the default action, opens
 * the app's window on that tunnel. */
static void
test_notification (void)
{
  g_autoptr(GSubprocess) app = NULL;
  g_autofree char *key = NULL;
  g_autofree char *buttons = NULL;
  g_autofree char *body = NULL;
  g_autofree char *titles = NULL;
  Stand stand = { NULL };
  MidwayHelper1 *helper1;
  int x, y, width, height;

  stand.tunnels = g_ptr_array_new_with_free_func (g_object_unref);
  stand.profile_id = midway_test_save_profile (MIDWAY_FIELD_NAME, "Office",
                                               MIDWAY_FIELD_HOST, "vpn.example.org",
                                               MIDWAY_FIELD_HOST_KEY, HOST_KEY,
                                               NULL);
  stand.helper = midway_test_helper_new ();
  helper1 = midway_test_helper_get_helper1 (stand.helper);
  g_signal_connect (helper1, "handle-connect", G_CALLBACK (on_handle_connect), &stand);
  midway_test_helper_own_name (stand.helper);

  shell_settle ();
  app = start_app ();
  key = wait_for_item ();

  /* Connect, as the tray menu's profile item or the window's switch ask. */
  {
    g_autoptr(GVariant) reply = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariantBuilder) parameter = g_variant_builder_new (G_VARIANT_TYPE ("av"));

    g_variant_builder_add (parameter, "v", g_variant_new_string (stand.profile_id));
    reply = g_dbus_connection_call_sync (shell_bus, MIDWAY_APP_ID, "/io/github/midway_vpn/Midway",
                                         "org.gtk.Actions", "Activate",
                                         g_variant_new ("(sava{sv})", "connect", parameter, NULL),
                                         NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
    g_assert_no_error (error);
  }

  wait_for_shell (FAILED_BANNER, 15.0);
  g_assert_cmpuint (stand.n_connects, ==, 1);
  body = eval ("Main.messageTray._notification.bannerBodyText");
  g_test_message ("banner body: %s", body);
  g_assert_nonnull (strstr (body, "Permission denied (publickey)."));
  buttons = eval ("Main.messageTray._banner._buttonBox.get_children().map(b => b.label).join('|')");
  g_test_message ("banner buttons: %s", buttons);
  g_assert_cmpstr (buttons, ==, "\"Show log|Retry\"");

  /* Retry: a second Connect of the same profile, which fails again. */
  banner_box ("Retry", &x, &y, &width, &height);
  click (x + width / 2.0, y + height / 2.0);
  midway_test_spin_until (connects_reached, &stand, 15.0);
  g_assert_cmpuint (stand.n_connects, ==, 2);
  titles = app_window_titles ();
  g_assert_cmpstr (titles, ==, "\"\"");
  g_clear_pointer (&titles, g_free);

  /* The banner itself (above its buttons): the default action, the
   * tunnel's details and log in the main window. */
  wait_for_shell (FAILED_BANNER, 15.0);
  banner_box (NULL, &x, &y, &width, &height);
  click (x + width / 2.0, y + 24);
  wait_for_shell ("global.get_window_actors().some(a => "
                  "a.meta_window.get_gtk_application_id() === '" MIDWAY_APP_ID "' && a.is_mapped())", 15.0);
  titles = app_window_titles ();
  g_test_message ("windows: %s", titles);
  g_assert_cmpstr (titles, ==, "\"Midway\"");
  g_assert_cmpuint (stand.n_connects, ==, 2);

  stop_app (app);
  g_clear_object (&stand.helper);
  g_ptr_array_unref (stand.tunnels);
  g_free (stand.profile_id);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MIDWAY_TEST_GNOME_SHELL") == NULL)
    g_error ("run under run-gnome-shell.sh: a real GNOME Shell is needed");

  g_test_add_func ("/gnome-shell/item", test_item);
  g_test_add_func ("/gnome-shell/menu", test_menu);
  g_test_add_func ("/gnome-shell/notification", test_notification);

  return g_test_run ();
}
