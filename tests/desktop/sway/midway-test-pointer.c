/* midway-test-pointer.c: clicks on a wlroots compositor that has no
 * input device (the headless backend), through the compositor's own
 * zwlr_virtual_pointer_manager_v1, as a person's pointer would.
 *
 *   midway-test-pointer < COMMANDS
 *
 * prints "ready" once its pointer exists, then for each line "X Y left"
 * or "X Y right" moves to X,Y (pixels of the one output), clicks, and
 * prints "clicked"; "X Y move" only moves.  The output's size is read from wl_output, so that
 * absolute motion lands where asked.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <linux/input-event-codes.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include <wayland-client.h>

#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"

typedef struct
{
  struct wl_seat                         *seat;
  struct wl_output                       *output;
  struct zwlr_virtual_pointer_manager_v1 *manager;
  int                                     width, height;
} Globals;

static void
output_geometry (void             *data,
                 struct wl_output *output,
                 int32_t           x,
                 int32_t           y,
                 int32_t           physical_width,
                 int32_t           physical_height,
                 int32_t           subpixel,
                 const char       *make,
                 const char       *model,
                 int32_t           transform)
{
}

static void
output_mode (void             *data,
             struct wl_output *output,
             uint32_t          flags,
             int32_t           width,
             int32_t           height,
             int32_t           refresh)
{
  Globals *globals = data;

  if (flags & WL_OUTPUT_MODE_CURRENT)
    {
      globals->width = width;
      globals->height = height;
    }
}

static void
output_done (void             *data,
             struct wl_output *output)
{
}

static void
output_scale (void             *data,
              struct wl_output *output,
              int32_t           factor)
{
}

static const struct wl_output_listener output_listener = {
  output_geometry, output_mode, output_done, output_scale,
};

/* Real times: GTK's menus ignore a release that comes within half a
 * second (by the events' own times) of the press that opened them. */
static uint32_t
now_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (uint32_t) (now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

static void
registry_global (void               *data,
                 struct wl_registry *registry,
                 uint32_t            name,
                 const char         *interface,
                 uint32_t            version)
{
  Globals *globals = data;

  if (strcmp (interface, wl_seat_interface.name) == 0 && globals->seat == NULL)
    globals->seat = wl_registry_bind (registry, name, &wl_seat_interface, 1);
  else if (strcmp (interface, wl_output_interface.name) == 0 && globals->output == NULL)
    {
      globals->output = wl_registry_bind (registry, name, &wl_output_interface, 2);
      wl_output_add_listener (globals->output, &output_listener, globals);
    }
  else if (strcmp (interface, zwlr_virtual_pointer_manager_v1_interface.name) == 0)
    globals->manager = wl_registry_bind (registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1);
}

static void
registry_global_remove (void               *data,
                        struct wl_registry *registry,
                        uint32_t            name)
{
}

static const struct wl_registry_listener registry_listener = {
  registry_global, registry_global_remove,
};

static int
click (struct wl_display              *display,
       struct zwlr_virtual_pointer_v1 *pointer,
       const Globals                  *globals,
       long                            x,
       long                            y,
       unsigned int                    button)
{
  if (x < 0 || y < 0 || x >= globals->width || y >= globals->height)
    {
      fprintf (stderr, "%ld,%ld is outside the %dx%d output\n", x, y, globals->width, globals->height);
      return -1;
    }
  zwlr_virtual_pointer_v1_motion_absolute (pointer, now_ms (), x, y, globals->width, globals->height);
  zwlr_virtual_pointer_v1_frame (pointer);
  /* The surface under the pointer gets its enter before the press. */
  wl_display_roundtrip (display);
  if (button == 0)
    return 0;
  zwlr_virtual_pointer_v1_button (pointer, now_ms (), button, WL_POINTER_BUTTON_STATE_PRESSED);
  zwlr_virtual_pointer_v1_frame (pointer);
  wl_display_roundtrip (display);
  zwlr_virtual_pointer_v1_button (pointer, now_ms (), button, WL_POINTER_BUTTON_STATE_RELEASED);
  zwlr_virtual_pointer_v1_frame (pointer);
  wl_display_roundtrip (display);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  Globals globals = { 0 };
  struct wl_display *display;
  struct wl_registry *registry;
  struct zwlr_virtual_pointer_v1 *pointer;
  char line[128];

  if (argc != 1)
    {
      fprintf (stderr, "usage: %s, then lines of X Y left|right|move on its standard input\n", argv[0]);
      return 2;
    }

  display = wl_display_connect (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "%s: cannot connect to the Wayland display\n", argv[0]);
      return 1;
    }
  registry = wl_display_get_registry (display);
  wl_registry_add_listener (registry, &registry_listener, &globals);
  /* The globals, then the output's mode events. */
  wl_display_roundtrip (display);
  wl_display_roundtrip (display);
  if (globals.manager == NULL || globals.width <= 0 || globals.height <= 0)
    {
      fprintf (stderr, "%s: no zwlr_virtual_pointer_manager_v1 or no output\n", argv[0]);
      return 1;
    }

  /* One pointer for the whole session, made before any client starts:
   * a seat that gains a pointer later is announced to clients, and a
   * click that comes before a client has bound its wl_pointer is lost. */
  pointer = zwlr_virtual_pointer_manager_v1_create_virtual_pointer (globals.manager, globals.seat);
  wl_display_roundtrip (display);
  printf ("ready\n");
  fflush (stdout);

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      long x, y;
      char name[8];
      int done;

      if (sscanf (line, "%ld %ld %7s", &x, &y, name) != 3 ||
          (strcmp (name, "left") != 0 && strcmp (name, "right") != 0 && strcmp (name, "move") != 0))
        {
          fprintf (stderr, "%s: not X Y left|right|move: %s", argv[0], line);
          done = -1;
        }
      else
        done = click (display, pointer, &globals, x, y,
                      strcmp (name, "right") == 0 ? BTN_RIGHT : strcmp (name, "left") == 0 ? BTN_LEFT : 0);
      printf ("%s\n", done == 0 ? "clicked" : "refused");
      fflush (stdout);
    }

  zwlr_virtual_pointer_v1_destroy (pointer);
  wl_display_roundtrip (display);
  wl_display_disconnect (display);
  return 0;
}
