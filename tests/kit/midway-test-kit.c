/* midway-test-kit.c: what the gui tests share, see midway-test-kit.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>

#include <glib/gstdio.h>

#include "midway-connection-list.h"
#include "midway-test-kit.h"

void
midway_test_spin_until (gboolean ( *done ) (gpointer),
                        gpointer    data,
                        double      timeout_seconds)
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

GDBusConnection *
midway_test_new_bus_connection (GBusType type)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (type, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

/* Runs in GDBus's worker thread; a monitor never answers what it sees. */
static GDBusMessage *
notify_filter (GDBusConnection *connection,
               GDBusMessage    *message,
               gboolean         incoming,
               gpointer         user_data)
{
  if (incoming &&
      g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL &&
      g_strcmp0 (g_dbus_message_get_member (message), "Notify") == 0)
    {
      g_async_queue_push (user_data, g_object_ref (message));
      return NULL;
    }
  /* The reply to BecomeMonitor must still get through. */
  return message;
}

GDBusConnection *
midway_test_monitor_notify (GAsyncQueue *queue)
{
  const char *rules[] = {
    "type='method_call',interface='org.freedesktop.Notifications',member='Notify'",
    NULL
  };
  GDBusConnection *monitor = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_dbus_connection_add_filter (monitor, notify_filter, g_async_queue_ref (queue),
                                (GDestroyNotify) g_async_queue_unref);
  reply = g_dbus_connection_call_sync (monitor, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus.Monitoring", "BecomeMonitor",
                                       g_variant_new ("(^asu)", rules, 0u), NULL,
                                       G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
  return monitor;
}

GVariant *
midway_test_next_notify (GAsyncQueue *queue)
{
  g_autoptr(GDBusMessage) message = g_async_queue_try_pop (queue);

  return message != NULL ? g_variant_ref (g_dbus_message_get_body (message)) : NULL;
}

/* WCAG 2's relative luminance of an sRGB pixel. */
static double
relative_luminance (const guchar *rgb)
{
  double channel[3];

  for (int i = 0; i < 3; i++)
    {
      double c = rgb[i] / 255.0;

      channel[i] = c <= 0.03928 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
    }
  return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2];
}

double
midway_test_contrast_ratio (const guchar *a,
                            const guchar *b)
{
  double la = relative_luminance (a), lb = relative_luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

void
midway_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        midway_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
midway_test_ssh_keygen_path (void)
{
  g_autofree char *directory = g_path_get_dirname (MIDWAY_SSH_PATH);

  return g_build_filename (directory, "ssh-keygen", NULL);
}

char *
midway_test_run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL,
                               &out, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_strchomp (out);
}
