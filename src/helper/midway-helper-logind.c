/* midway-helper-logind.c
 *
 * The helper listens to logind for two things: a user's last session
 * ending (midway-helper-sessions.c) and the machine waking up
 * (midway-helper-netmon.c).  Both act on what logind says, so both must
 * know it was logind that said it.  Any account may send a signal
 * straight to the helper's unique name with logind's path, interface and
 * member; only GLib releases with the fix for CVE-2024-34397 drop it for
 * a subscription to a well-known name.  So the signal is taken here only
 * from the current owner of logind's name, whatever GLib does, and
 * handed on as "manager-signal"; the watchers never see the rest.
 *
 * Without logind on the bus (a container, the test guest) nothing comes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-helper-logind.h"

struct _MidwayHelperLogind
{
  GObject          parent_instance;

  GDBusConnection *bus;
  guint            subscription;
  guint            watch;
  char            *owner;         /* logind's unique name, while it runs */
};

enum
{
  SIGNAL_MANAGER_SIGNAL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperLogind, midway_helper_logind, G_TYPE_OBJECT)

static void
on_manager_signal (GDBusConnection *connection,
                   const char      *sender,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *signal_name,
                   GVariant        *parameters,
                   gpointer         user_data)
{
  MidwayHelperLogind *self = user_data;

  if (self->owner == NULL || g_strcmp0 (sender, self->owner) != 0)
    {
      g_debug ("%s from %s ignored: not logind", signal_name, sender ? sender : "(no sender)");
      return;
    }
  g_signal_emit (self, signals[SIGNAL_MANAGER_SIGNAL], g_quark_from_string (signal_name),
                 signal_name, parameters);
}

static void
on_logind_appeared (GDBusConnection *connection,
                    const char      *name,
                    const char      *name_owner,
                    gpointer         user_data)
{
  MidwayHelperLogind *self = user_data;

  g_free (self->owner);
  self->owner = g_strdup (name_owner);
}

static void
on_logind_vanished (GDBusConnection *connection,
                    const char      *name,
                    gpointer         user_data)
{
  MidwayHelperLogind *self = user_data;

  g_clear_pointer (&self->owner, g_free);
}

static void
midway_helper_logind_dispose (GObject *object)
{
  MidwayHelperLogind *self = MIDWAY_HELPER_LOGIND (object);

  if (self->bus != NULL && self->subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->subscription);
  self->subscription = 0;
  g_clear_handle_id (&self->watch, g_bus_unwatch_name);
  g_clear_object (&self->bus);

  G_OBJECT_CLASS (midway_helper_logind_parent_class)->dispose (object);
}

static void
midway_helper_logind_finalize (GObject *object)
{
  MidwayHelperLogind *self = MIDWAY_HELPER_LOGIND (object);

  g_free (self->owner);

  G_OBJECT_CLASS (midway_helper_logind_parent_class)->finalize (object);
}

static void
midway_helper_logind_class_init (MidwayHelperLogindClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_logind_dispose;
  object_class->finalize = midway_helper_logind_finalize;

  signals[SIGNAL_MANAGER_SIGNAL] =
    g_signal_new ("manager-signal", G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_VARIANT);
}

static void
midway_helper_logind_init (MidwayHelperLogind *self)
{
}

MidwayHelperLogind *
midway_helper_logind_new (GDBusConnection *system_bus)
{
  MidwayHelperLogind *self;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (system_bus), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_LOGIND, NULL);
  /* No references: dispose unsubscribes and unwatches, and GDBus does
   * not call back for either once they are gone. */
  self->bus = g_object_ref (system_bus);
  self->subscription =
    g_dbus_connection_signal_subscribe (system_bus, MIDWAY_HELPER_LOGIND_NAME,
                                        MIDWAY_HELPER_LOGIND_MANAGER, NULL,
                                        MIDWAY_HELPER_LOGIND_PATH, NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_manager_signal, self, NULL);
  self->watch =
    g_bus_watch_name_on_connection (system_bus, MIDWAY_HELPER_LOGIND_NAME,
                                    G_BUS_NAME_WATCHER_FLAGS_NONE,
                                    on_logind_appeared, on_logind_vanished, self, NULL);
  return self;
}

GDBusConnection *
midway_helper_logind_get_connection (MidwayHelperLogind *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_LOGIND (self), NULL);

  return self->bus;
}

const char *
midway_helper_logind_get_owner (MidwayHelperLogind *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_LOGIND (self), NULL);

  return self->owner;
}
