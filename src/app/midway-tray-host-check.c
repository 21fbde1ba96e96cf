/* midway-tray-host-check.c: whether a watcher's IsStatusNotifierHostRegistered
 * means that someone shows the icon.
 *
 * Most watchers are part of their host (xfce4-panel, waybar, GNOME
 * Shell's AppIndicator extension) and are believed.  Some draw nothing
 * themselves and say a host is registered all the same: Plasma's kded5
 * (with no plasmashell) and Ayatana's application service (a relay for an
 * indicator that may be in no panel).  Behind one of those only a host's
 * own name on the bus counts, lest the app start at login with no window
 * and an icon that nobody shows.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-tray-host-check.h"

static const char * const relay_watchers[] = {
  "org.kde.kded5",
  "org.ayatana.indicator.application",
};

typedef struct
{
  GDBusConnection *bus;
  char            *watcher_owner;
  gboolean         host_named;   /* an org.kde or org.freedesktop StatusNotifierHost-* name */
  GPtrArray       *names;        /* the watcher's unique name, then the relays on the bus */
  guint32          watcher_pid;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->bus);
  g_free (check->watcher_owner);
  g_ptr_array_unref (check->names);
  g_free (check);
}

static void ask_next_pid (GTask *task);

/* By process, not by connection: a relay may own the watcher's name on
 * one connection and its own on another (Ayatana's service does). */
static void
pid_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint32 pid = 0;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply != NULL)
    g_variant_get (reply, "(u)", &pid);
  if (check->watcher_pid == 0)
    check->watcher_pid = pid;
  else if (pid != 0 && pid == check->watcher_pid)
    {
      g_debug ("The tray's watcher is %s, which draws nothing: %s",
               (const char *) g_ptr_array_index (check->names, 0),
               check->host_named ? "a host is on the bus" : "no host is on the bus");
      g_task_return_boolean (task, check->host_named);
      return;
    }
  g_ptr_array_remove_index (check->names, 0);
  /* The watcher's own process is unknown: it is believed. */
  if (check->watcher_pid == 0)
    g_ptr_array_set_size (check->names, 0);
  ask_next_pid (g_steal_pointer (&task));
}

static void
ask_next_pid (GTask *task)
{
  Check *check = g_task_get_task_data (task);

  if (check->names->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_dbus_connection_call (check->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionUnixProcessID",
                          g_variant_new ("(s)", (const char *) g_ptr_array_index (check->names, 0)),
                          G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          g_task_get_cancellable (task), pid_cb, task);
}

static void
list_names_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Check *check = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree const char **names = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        {
          /* Nothing to go by: the watcher is believed, as before. */
          g_debug ("Cannot list the bus's names: %s", error->message);
          g_task_return_boolean (task, TRUE);
        }
      return;
    }
  g_variant_get (reply, "(^a&s)", &names);
  for (gsize i = 0; names[i] != NULL; i++)
    {
      if (g_str_has_prefix (names[i], "org.kde.StatusNotifierHost-") ||
          g_str_has_prefix (names[i], "org.freedesktop.StatusNotifierHost-"))
        check->host_named = TRUE;
      for (gsize j = 0; j < G_N_ELEMENTS (relay_watchers); j++)
        if (g_str_equal (names[i], relay_watchers[j]))
          g_ptr_array_add (check->names, g_strdup (relay_watchers[j]));
    }
  /* With no relay on the bus there is nothing to ask. */
  if (check->names->len > 0)
    g_ptr_array_insert (check->names, 0, g_strdup (check->watcher_owner));
  ask_next_pid (g_steal_pointer (&task));
}

/**
 * midway_tray_host_check_async:
 * @bus: the session bus
 * @watcher_owner: the unique name of the watcher that said a host is registered
 *
 * Finds out whether that watcher is believed: %TRUE from
 * midway_tray_host_check_finish() unless it is a relay that draws
 * nothing and no host's name is on the bus.
 */
void
midway_tray_host_check_async (GDBusConnection    *bus,
                              const char         *watcher_owner,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (G_IS_DBUS_CONNECTION (bus));
  g_return_if_fail (watcher_owner != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_tray_host_check_async);
  check = g_new0 (Check, 1);
  check->bus = g_object_ref (bus);
  check->watcher_owner = g_strdup (watcher_owner);
  check->names = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, list_names_cb, g_steal_pointer (&task));
}

gboolean
midway_tray_host_check_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
