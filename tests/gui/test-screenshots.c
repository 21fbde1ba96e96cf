/* test-screenshots.c: what a person sees, captured under Xvfb with the
 * real tray of run-session.sh --tray: the tray menu as xfce4-panel draws
 * it after a right click on our item (an X screenshot: the panel, not
 * GTK 4, draws that menu), the main window and the profiles dialog (GTK's
 * own rendering of the widgets).  Each image must show something: the
 * expected size and more than a flat background.  With
 * $MIDWAY_SCREENSHOT_DIR set they are written there as tray-menu.png,
 * window.png and profiles-dialog.png, for the README.
 *
 * The profiles are realistic ones, and "Home lab" is up through a
 * stand-in helper on the bus (run-session.sh makes its private bus the
 * system bus), as in test-window.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-profile-dialog.h"
#include "midway-reason.h"
#include "midway-tray.h"
#include "midway-window.h"
#include "midway-test-kit.h"

#define TUNNEL_PATH MIDWAY_HELPER_OBJECT_PATH "/Tunnel/1"

/* ---- Waiting ------------------------------------------------------------- */

static gboolean
has_host (gpointer data)
{
  return midway_tray_get_has_host (data);
}

static gboolean
has_tunnel (gpointer data)
{
  return midway_connection_get_tunnel (data) != NULL;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0;
}

/* ---- Images -------------------------------------------------------------- */

/* RGB, 3 bytes a pixel, rows packed; @texture, when set, is what is
 * saved: GTK's rendering, with its transparent corners. */
typedef struct
{
  int         width;
  int         height;
  guchar     *pixels;
  GdkTexture *texture;
} Image;

static void
image_free (Image *image)
{
  g_free (image->pixels);
  g_clear_object (&image->texture);
  g_free (image);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Image, image_free)

static Image *
capture_root (Display *display)
{
  Window root = DefaultRootWindow (display);
  XWindowAttributes attributes;
  XImage *ximage;
  Image *image;

  XSync (display, False);
  g_assert_true (XGetWindowAttributes (display, root, &attributes));
  ximage = XGetImage (display, root, 0, 0, attributes.width, attributes.height, AllPlanes, ZPixmap);
  g_assert_nonnull (ximage);
  image = g_new0 (Image, 1);
  image->width = attributes.width;
  image->height = attributes.height;
  image->pixels = g_malloc ((gsize) image->width * image->height * 3);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        unsigned long pixel = XGetPixel (ximage, x, y);
        guchar *out = image->pixels + ((gsize) y * image->width + x) * 3;

        out[0] = (pixel & ximage->red_mask) >> 16;
        out[1] = (pixel & ximage->green_mask) >> 8;
        out[2] = pixel & ximage->blue_mask;
      }
  XDestroyImage (ximage);
  return image;
}

static Image *
image_from_texture (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *rgba = g_malloc ((gsize) width * height * 4);
  Image *image = g_new0 (Image, 1);

  /* Cairo's order, premultiplied: as if on black, for the checks. */
  gdk_texture_download (texture, rgba, (gsize) width * 4);
  image->texture = g_object_ref (texture);
  image->width = width;
  image->height = height;
  image->pixels = g_malloc ((gsize) width * height * 3);
  for (gsize i = 0; i < (gsize) width * height; i++)
    {
      image->pixels[i * 3] = rgba[i * 4 + 2];
      image->pixels[i * 3 + 1] = rgba[i * 4 + 1];
      image->pixels[i * 3 + 2] = rgba[i * 4];
    }
  return image;
}

typedef struct
{
  int x0, y0, x1, y1;  /* x1, y1 exclusive; x1 == 0: empty */
} Box;

static void
box_add (Box *box,
         int  x,
         int  y)
{
  if (box->x1 == 0)
    *box = (Box) { x, y, x + 1, y + 1 }
  ;
  box->x0 = MIN (box->x0, x);
  box->y0 = MIN (box->y0, y);
  box->x1 = MAX (box->x1, x + 1);
  box->y1 = MAX (box->y1, y + 1);
}

/* Where @a and @b differ, but for rows [@skip_y0, @skip_y1). */
static Box
image_diff (const Image *a,
            const Image *b,
            int          skip_y0,
            int          skip_y1)
{
  Box box = { 0 };

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height; y++)
    {
      if (y >= skip_y0 && y < skip_y1)
        continue;
      for (int x = 0; x < a->width; x++)
        {
          gsize i = ((gsize) y * a->width + x) * 3;

          if (memcmp (a->pixels + i, b->pixels + i, 3) != 0)
            box_add (&box, x, y);
        }
    }
  return box;
}

static Image *
image_crop (const Image *image,
            Box          box)
{
  Image *out = g_new0 (Image, 1);

  box.x0 = MAX (box.x0, 0);
  box.y0 = MAX (box.y0, 0);
  box.x1 = MIN (box.x1, image->width);
  box.y1 = MIN (box.y1, image->height);
  out->width = box.x1 - box.x0;
  out->height = box.y1 - box.y0;
  out->pixels = g_malloc ((gsize) out->width * out->height * 3);
  for (int y = 0; y < out->height; y++)
    memcpy (out->pixels + (gsize) y * out->width * 3,
            image->pixels + ((gsize) (box.y0 + y) * image->width + box.x0) * 3,
            (gsize) out->width * 3);
  return out;
}

/* Something is drawn: not one flat colour with a few specks, but text
 * and controls, that is many colours (anti-aliasing) over a good part. */
static void
assert_non_trivial (const Image *image,
                    const char  *what)
{
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  gsize n = (gsize) image->width * image->height;
  guint32 background = 0;
  guint background_count = 0;
  gsize other = 0;

  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = image->pixels + i * 3;
      guint32 rgb = p[0] << 16 | p[1] << 8 | p[2];
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (colours, GUINT_TO_POINTER (rgb + 1))) + 1;

      g_hash_table_insert (colours, GUINT_TO_POINTER (rgb + 1), GUINT_TO_POINTER (count));
      if (count > background_count)
        {
          background = rgb;
          background_count = count;
        }
    }
  for (gsize i = 0; i < n; i++)
    {
      const guchar *p = image->pixels + i * 3;

      other += (guint32) (p[0] << 16 | p[1] << 8 | p[2]) != background;
    }
  g_test_message ("%s: %dx%d, %u colours, %.1f%% off the background #%06x", what, image->width,
                  image->height, g_hash_table_size (colours), 100.0 * other / n, background);
  g_assert_cmpuint (g_hash_table_size (colours), >=, 16);
  g_assert_cmpfloat ((double) other / n, >=, 0.02);
}

static void
image_save (const Image *image,
            const char  *name)
{
  const char *directory = g_getenv ("MIDWAY_SCREENSHOT_DIR");
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (directory == NULL)
    return;
  if (image->texture != NULL)
    texture = g_object_ref (image->texture);
  else
    {
      bytes = g_bytes_new (image->pixels, (gsize) image->width * image->height * 3);
      texture = gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_R8G8B8, bytes,
                                        (gsize) image->width * 3);
    }
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static Image *
capture_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width, height;

  /* A few frames, so that everything has been laid out and drawn once. */
  midway_test_spin_for (500);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  return image_from_texture (texture);
}

/* ---- The session --------------------------------------------------------- */

/* What the panel asks our menu for once a person opens it (dbusmenu's
 * AboutToShow and its "opened" event): a right click that missed the
 * item would open the panel's own menu instead, as big as ours. */
static gint menu_opened_calls;

static GDBusMessage *
count_menu_calls (GDBusConnection *connection,
                  GDBusMessage    *message,
                  gboolean         incoming,
                  gpointer         user_data)
{
  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_interface (message), "com.canonical.dbusmenu") == 0)
    {
      const char *member = g_dbus_message_get_member (message);
      GVariant *body = g_dbus_message_get_body (message);
      const char *event = NULL;

      if (g_strcmp0 (member, "Event") == 0 && body != NULL)
        g_variant_get_child (body, 1, "&s", &event);
      /* Called from GDBus's worker thread. */
      if (g_strcmp0 (member, "AboutToShow") == 0 || g_strcmp0 (member, "AboutToShowGroup") == 0 ||
          g_strcmp0 (event, "opened") == 0)
        g_atomic_int_inc (&menu_opened_calls);
    }
  return message;
}

static void
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (process, NULL, &error));
  g_assert_no_error (error);
}

/* Polls the screen until it changes from @before outside rows
 * [@skip_y0, @skip_y1) and then stays the same for 300 ms. */
static Image *
wait_for_change (Display     *display,
                 const Image *before,
                 int          skip_y0,
                 int          skip_y1,
                 Box         *changed)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(Image) last = NULL;
  int same = 0;

  while (TRUE)
    {
      g_autoptr(Image) now = NULL;

      midway_test_spin_for (100);
      now = capture_root (display);
      *changed = image_diff (before, now, skip_y0, skip_y1);
      if (changed->x1 > 0 && last != NULL && image_diff (last, now, 0, 0).x1 == 0)
        same++;
      else
        same = 0;
      g_clear_pointer (&last, image_free);
      last = g_steal_pointer (&now);
      if (same >= 3)
        return g_steal_pointer (&last);
      if (g_timer_elapsed (timer, NULL) > 15.0)
        {
          /* For a person to see what the screen showed instead. */
          image_save (before, "failed-before.png");
          image_save (last, "failed-after.png");
          g_error ("the screen did not change as expected within 15 s");
        }
    }
}

static void
test_screenshots (void)
{
  g_autofree char *office_id = midway_test_save_profile (MIDWAY_FIELD_NAME, "Office", MIDWAY_FIELD_HOST, "vpn.example.org",
                                                         MIDWAY_FIELD_USER, "alice", MIDWAY_FIELD_AUTH, "key-file",
                                                         MIDWAY_FIELD_KEY_FILE, "/home/alice/.ssh/id_ed25519",
                                                         MIDWAY_FIELD_DNS_SEARCH, "corp.example.org", NULL);
  g_autofree char *lab_id = midway_test_save_profile (MIDWAY_FIELD_NAME, "Home lab", MIDWAY_FIELD_HOST, "lab.example.net",
                                                      MIDWAY_FIELD_USER, "alice", MIDWAY_FIELD_LOCAL_ADDRESS, "10.66.0.1",
                                                      MIDWAY_FIELD_REMOTE_ADDRESS, "10.66.0.2", NULL);
  g_autofree char *dc_id = midway_test_save_profile (MIDWAY_FIELD_NAME, "Datacenter", MIDWAY_FIELD_HOST, "203.0.113.10",
                                                     MIDWAY_FIELD_USER, "ops", MIDWAY_FIELD_AUTH, "password", NULL);
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();
  g_autoptr(MidwayTray) tray = NULL;
  g_autoptr(GDBusConnection) session_bus = NULL;
  g_autoptr(MidwayTestHelper) stand_in = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;
  g_autoptr(Image) empty_panel = NULL;
  g_autoptr(Image) with_item = NULL;
  g_autoptr(Image) with_menu = NULL;
  g_autoptr(Image) shot = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *click_x = NULL;
  g_autofree char *click_y = NULL;
  Display *display;
  MidwayWindow *window;
  MidwayProfileDialog *dialog;
  Box item, menu, crop;
  guint filter_id;

  display = XOpenDisplay (NULL);
  g_assert_nonnull (display);
  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_nonnull (midway_connection_list_find (list, dc_id));

  /* The helper, with "Home lab" up. */
  stand_in = midway_test_helper_new ();
  tunnel = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (tunnel, lab_id);
  midway_tunnel1_set_profile_name (tunnel, "Home lab");
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_UP);
  midway_tunnel1_set_local_address (tunnel, "10.66.0.1");
  midway_tunnel1_set_remote_address (tunnel, "10.66.0.2");
  midway_tunnel1_set_interface (tunnel, "ppp0");
  midway_tunnel1_set_connected_since (tunnel, g_get_real_time () - (gint64) 3725 * G_USEC_PER_SEC);
  midway_test_helper_export_tunnel (stand_in, TUNNEL_PATH, tunnel);
  midway_test_helper_own_name (stand_in);
  midway_connection_list_watch_helper (list);
  midway_test_spin_until (has_tunnel, midway_connection_list_find (list, lab_id), 15.0);

  /* The tray item: where it appears on the panel is where to click. */
  midway_test_spin_for (500);
  empty_panel = capture_root (display);
  tray = midway_tray_new (G_LIST_MODEL (list), G_ACTION_GROUP (actions));
  midway_test_spin_until (has_host, tray, 15.0);
  with_item = wait_for_change (display, empty_panel, 0, 0, &item);
  g_test_message ("tray item at %d,%d-%d,%d", item.x0, item.y0, item.x1, item.y1);
  g_assert_cmpint (item.x1 - item.x0, <=, 64);
  g_assert_cmpint (item.y1 - item.y0, <=, 64);

  /* A right click: the panel asks our menu for its layout and pops it up.
   * The filter sees the calls on the connection the tray shares. */
  session_bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  filter_id = g_dbus_connection_add_filter (session_bus, count_menu_calls, NULL, NULL);
  g_atomic_int_set (&menu_opened_calls, 0);
  click_x = g_strdup_printf ("%d", (item.x0 + item.x1) / 2);
  click_y = g_strdup_printf ("%d", (item.y0 + item.y1) / 2);
  run ("xdotool", "mousemove", click_x, click_y, "click", "3", NULL);
  /* The button's own highlight is not the menu: the item's rows are left out. */
  with_menu = wait_for_change (display, with_item, item.y0 - 16, item.y1 + 16, &menu);
  g_test_message ("menu at %d,%d-%d,%d", menu.x0, menu.y0, menu.x1, menu.y1);
  g_assert_cmpint (g_atomic_int_get (&menu_opened_calls), >, 0);
  g_dbus_connection_remove_filter (session_bus, filter_id);
  /* Three profiles, a separator, three items, a separator, Quit. */
  g_assert_cmpint (menu.x1 - menu.x0, >=, 150);
  g_assert_cmpint (menu.y1 - menu.y0, >=, 7 * 18);
  shot = image_crop (with_menu, menu);
  assert_non_trivial (shot, "tray menu");
  g_clear_pointer (&shot, image_free);
  /* The item on its panel and the menu; no more of the bare root window. */
  crop = (Box) { MIN (menu.x0, item.x0), MIN (menu.y0, item.y0) - 8,
                 MAX (menu.x1, item.x1), MAX (menu.y1, item.y1) };
  shot = image_crop (with_menu, crop);
  image_save (shot, "tray-menu.png");
  g_clear_pointer (&shot, image_free);
  run ("xdotool", "key", "Escape", NULL);

  /* The main window, with the tunnel's state in its rows. */
  window = midway_window_new (NULL, G_LIST_MODEL (list));
  /* The application's own action behind "Add Profile", so that its
   * button looks as it does in the app. */
  {
    g_autoptr(GSimpleAction) new_profile = g_simple_action_new ("new-profile", NULL);

    g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (new_profile));
    gtk_widget_insert_action_group (GTK_WIDGET (window), "app", G_ACTION_GROUP (actions));
  }
  gtk_window_present (GTK_WINDOW (window));
  midway_test_spin_until (is_mapped, window, 15.0);
  shot = capture_widget (GTK_WIDGET (window));
  g_assert_cmpint (shot->width, >=, 300);
  g_assert_cmpint (shot->height, >=, 200);
  assert_non_trivial (shot, "window");
  image_save (shot, "window.png");
  g_clear_pointer (&shot, image_free);
  gtk_window_destroy (GTK_WINDOW (window));

  /* The profiles dialog, showing a profile. */
  dialog = midway_profile_dialog_new (NULL, list);
  g_assert_true (midway_profile_dialog_select (dialog, office_id));
  gtk_window_present (GTK_WINDOW (dialog));
  midway_test_spin_until (is_mapped, dialog, 15.0);
  shot = capture_widget (GTK_WIDGET (dialog));
  g_assert_cmpint (shot->width, >=, 500);
  g_assert_cmpint (shot->height, >=, 300);
  assert_non_trivial (shot, "profiles dialog");
  image_save (shot, "profiles-dialog.png");
  g_clear_pointer (&shot, image_free);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_clear_object (&stand_in);
  XCloseDisplay (display);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  if (g_getenv ("MIDWAY_TEST_TRAY") == NULL)
    g_error ("run under run-session.sh --tray: a real StatusNotifier host is needed");

  g_test_add_func ("/screenshots/tray-window-dialog", test_screenshots);

  return g_test_run ();
}
