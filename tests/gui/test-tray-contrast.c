/* test-tray-contrast.c: the tray icon is readable on the tray it is drawn
 * on.  xfce4-panel draws the real item (run-session.sh --tray), on its
 * light theme's panel, or on a dark panel (MIDWAY_TEST_PANEL_RGBA) whose
 * theme is still light: a host that draws symbolic icons in a dark
 * foreground on a dark tray, as waybar or a half-recolouring host does.
 * The panel is read back from the X server before and after the item
 * appears, and the icon's pixels are measured against the panel's own
 * colour there: WCAG contrast ratio, as a figure.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "midway-connection.h"
#include "midway-tray.h"
#include "midway-test-kit.h"

/* What WCAG asks of graphics a person must make out. */
#define MIN_CONTRAST 3.0

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

static Shot *
capture (Display *display)
{
  Window root = DefaultRootWindow (display);
  XWindowAttributes attributes;
  XImage *image;
  Shot *shot = g_new0 (Shot, 1);

  XSync (display, False);
  g_assert_true (XGetWindowAttributes (display, root, &attributes));
  image = XGetImage (display, root, 0, 0, attributes.width, attributes.height, AllPlanes, ZPixmap);
  g_assert_nonnull (image);
  shot->width = attributes.width;
  shot->height = attributes.height;
  shot->rgb = g_malloc ((gsize) shot->width * shot->height * 3);
  for (int y = 0; y < shot->height; y++)
    for (int x = 0; x < shot->width; x++)
      {
        unsigned long pixel = XGetPixel (image, x, y);
        guchar *out = shot->rgb + ((gsize) y * shot->width + x) * 3;

        out[0] = (pixel & image->red_mask) >> 16;
        out[1] = (pixel & image->green_mask) >> 8;
        out[2] = pixel & image->blue_mask;
      }
  XDestroyImage (image);
  return shot;
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
capture_settled (Display    *display,
                 const Shot *before)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(Shot) last = NULL;
  int alike = 0;

  for (;;)
    {
      g_autoptr(Shot) now = NULL;

      midway_test_spin_for (100);
      now = capture (display);
      if (last != NULL && same (last, now) && (before == NULL || !same (before, now)))
        alike++;
      else
        alike = 0;
      g_clear_pointer (&last, shot_free);
      last = g_steal_pointer (&now);
      if (alike >= 3)
        return g_steal_pointer (&last);
      g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 15.0);
    }
}

/* With $MIDWAY_SCREENSHOT_DIR: the panel's corner with the icon, three
 * times its size (pixels kept sharp), for the README. */
static void
save_corner (const Shot *shot,
             int         x1,
             int         y1)
{
  const char *directory = g_getenv ("MIDWAY_SCREENSHOT_DIR");
  const char *rgba = g_getenv ("MIDWAY_TEST_PANEL_RGBA");
  int width = MIN (x1 + 24, shot->width), height = MIN (y1 + 8, shot->height);
  g_autoptr(GdkPixbuf) corner = NULL;
  g_autoptr(GdkPixbuf) scaled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (directory == NULL)
    return;
  corner = gdk_pixbuf_new_from_data (shot->rgb, GDK_COLORSPACE_RGB, FALSE, 8, width, height,
                                     shot->width * 3, NULL, NULL);
  scaled = gdk_pixbuf_scale_simple (corner, width * 3, height * 3, GDK_INTERP_NEAREST);
  path = g_build_filename (directory, rgba != NULL && *rgba != '\0' ? "tray-icon-dark.png" : "tray-icon-light.png",
                           NULL);
  g_assert_true (gdk_pixbuf_save (scaled, path, "png", &error, NULL));
  g_assert_no_error (error);
  g_test_message ("saved %s", path);
}

static gboolean
has_host (gpointer tray)
{
  return midway_tray_get_has_host (tray);
}

static void
test_contrast (void)
{
  g_autoptr(GListStore) connections = g_list_store_new (MIDWAY_TYPE_CONNECTION);
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();
  g_autoptr(MidwayTray) tray = NULL;
  g_autoptr(Shot) panel = NULL;
  g_autoptr(Shot) with_item = NULL;
  Display *display = XOpenDisplay (NULL);
  int x0 = G_MAXINT, y0 = G_MAXINT, x1 = -1, y1 = -1;
  guint changed = 0, readable = 0;
  double best = 1.0;
  guchar background[3];

  g_assert_nonnull (display);
  panel = capture_settled (display, NULL);
  tray = midway_tray_new (G_LIST_MODEL (connections), G_ACTION_GROUP (actions));
  midway_test_spin_until (has_host, tray, 15.0);
  with_item = capture_settled (display, panel);

  /* The item: where the screen changed. */
  for (int y = 0; y < panel->height; y++)
    for (int x = 0; x < panel->width; x++)
      {
        gsize i = ((gsize) y * panel->width + x) * 3;

        if (memcmp (panel->rgb + i, with_item->rgb + i, 3) != 0)
          {
            x0 = MIN (x0, x);
            y0 = MIN (y0, y);
            x1 = MAX (x1, x);
            y1 = MAX (y1, y);
          }
      }
  g_assert_cmpint (x1, >=, 0);
  g_assert_cmpint (x1 - x0, <, 64);
  g_assert_cmpint (y1 - y0, <, 64);
  /* The panel's own colour where the icon now is. */
  memcpy (background, panel->rgb + ((gsize) y0 * panel->width + x0) * 3, 3);

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        const guchar *p = with_item->rgb + ((gsize) y * panel->width + x) * 3;
        double ratio;

        if (memcmp (p, panel->rgb + ((gsize) y * panel->width + x) * 3, 3) == 0)
          continue;
        changed++;
        ratio = midway_test_contrast_ratio (p, background);
        best = MAX (best, ratio);
        readable += ratio >= MIN_CONTRAST;
      }
  g_test_message ("icon %s at %d,%d (%dx%d) on panel #%02x%02x%02x: %u pixels drawn, %u (%.0f%%) at %.1f:1 "
                  "or more, the most %.1f:1",
                  midway_tray_get_bus_name (tray), x0, y0, x1 - x0 + 1, y1 - y0 + 1,
                  background[0], background[1], background[2], changed, readable, 100.0 * readable / changed,
                  MIN_CONTRAST, best);
  /* A glyph's worth of pixels (a 16 px icon's line is 2 px thick), not
   * a few anti-aliased specks. */
  g_assert_cmpuint (readable, >=, 24);
  g_assert_cmpfloat (best, >=, 4.5);
  save_corner (with_item, x1, y1);
  XCloseDisplay (display);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("MIDWAY_TEST_TRAY") == NULL)
    g_error ("run under run-session.sh --tray: a real StatusNotifier host is needed");
  g_test_add_func ("/tray-contrast/icon-on-panel", test_contrast);

  return g_test_run ();
}
