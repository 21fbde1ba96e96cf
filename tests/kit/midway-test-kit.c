/* midway-test-kit.c: what the gui tests share, see midway-test-kit.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdarg.h>

#include "midway-connection-list.h"
#include "midway-test-kit.h"

void
midway_test_spin_until (gboolean (*done) (gpointer),
                        gpointer   data,
                        double     timeout_seconds)
{
  g_autoptr(GTimer) timer = g_timer_new ();

  while (!done (data))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, timeout_seconds);
    }
}

void
midway_test_spin_for (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
midway_test_write_profile (MidwayProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *path = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  path = g_strdup_printf ("%s/%s.midway", directory, midway_profile_get_id (profile));
  g_assert_true (midway_profile_save (profile, path, &error));
  g_assert_no_error (error);
}

char *
midway_test_save_profile (const char *first_field,
                          ...)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  va_list args;

  va_start (args, first_field);
  for (const char *field = first_field; field != NULL; field = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autoptr(GError) error = NULL;

      g_assert_true (midway_profile_set_from_string (profile, field, value, &error));
      g_assert_no_error (error);
    }
  va_end (args);
  midway_test_write_profile (profile);
  return g_strdup (midway_profile_get_id (profile));
}
