/* midway-helper-scope.c
 *
 * ssh runs the user's code (a ProxyCommand, "Match exec" of the user's
 * config), which belongs with the user's other processes: in the user's
 * slice, under its limits and within logind's reach, and not in the
 * helper's service, whose cgroup it could otherwise share and outlive
 * with setsid.  Where systemd owns org.freedesktop.systemd1, the
 * launcher's pid goes into a transient scope of its own in
 * user-UID.slice before it drops privileges and execs ssh: nothing of it
 * has forked yet, so nothing is left behind.  Stopping the scope kills
 * its whole cgroup.
 *
 * Without systemd (or when it refuses) the launcher is released all the
 * same: the child stays in the helper's cgroup, if any, and the process
 * group kill of midway-helper-process is what ends it.
 *
 * Every step is asynchronous: the launcher waits, the helper never does.
 * A scope made "held" lets the launcher go only once it is in place and
 * midway_helper_scope_release() was called, whichever comes last: the
 * helper starts the bus calls for ssh's scope, then forks pppd while they
 * travel, and lets ssh start once pppd runs.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "midway-helper-scope.h"

#define SYSTEMD_NAME      "org.freedesktop.systemd1"
#define SYSTEMD_PATH      "/org/freedesktop/systemd1"
#define SYSTEMD_INTERFACE "org.freedesktop.systemd1.Manager"
/* The job normally ends within milliseconds; a systemd that says nothing
 * must not keep the user's ssh from starting. */
#define JOB_TIMEOUT_S 10

struct _MidwayHelperScope
{
  GObject          parent_instance;

  GPid             pid;
  uid_t            uid;
  int              release_fd;
  gboolean         held;       /* until midway_helper_scope_release() */
  gboolean         in_place;   /* the scope's part is done */
  char            *unit;       /* set once systemd accepted it */
  GDBusConnection *bus;
  guint            job_signal;
  guint            job_timeout;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (MidwayHelperScope, midway_helper_scope, G_TYPE_OBJECT)

/* The launcher goes on; a closed descriptor with no byte makes it give up. */
static void
let_go (MidwayHelperScope *self)
{
  static const char go = '\n';
  int fd = g_steal_fd (&self->release_fd);

  if (fd < 0)
    return;
  while (write (fd, &go, 1) < 0 && errno == EINTR)
    ;
  close (fd);
}

/* Whatever systemd did or did not do, the launcher need not wait for it
 * any more. */
static void
release (MidwayHelperScope *self)
{
  if (self->job_signal != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->job_signal);
  self->job_signal = 0;
  g_clear_handle_id (&self->job_timeout, g_source_remove);
  self->in_place = TRUE;
  if (!self->held)
    let_go (self);
}

static void
on_job_removed (GDBusConnection *bus,
                const char      *sender,
                const char      *path,
                const char      *interface,
                const char      *member,
                GVariant        *parameters,
                gpointer         user_data)
{
  MidwayHelperScope *self = user_data;
  const char *unit, *result;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uoss)")))
    return;
  g_variant_get (parameters, "(u&o&s&s)", NULL, NULL, &unit, &result);
  if (g_strcmp0 (unit, self->unit) != 0)
    return;
  if (!g_str_equal (result, "done"))
    g_message ("scope %s for pid %d: job %s; the process stays where it is",
               unit, (int) self->pid, result);
  release (self);
}

static gboolean
on_job_timeout (gpointer user_data)
{
  MidwayHelperScope *self = user_data;

  self->job_timeout = 0;
  g_message ("scope %s for pid %d: no word from systemd in %d s, going on",
             self->unit, (int) self->pid, JOB_TIMEOUT_S);
  release (self);
  return G_SOURCE_REMOVE;
}

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MidwayHelperScope) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      g_message ("no scope for pid %d: %s", (int) self->pid, error->message);
      g_clear_pointer (&self->unit, g_free);
      release (self);
      return;
    }
  /* Released by the job's end (JobRemoved, subscribed to before the call)
   * or, failing that, by the time-out. */
  if (!self->in_place && self->job_timeout == 0)
    self->job_timeout = g_timeout_add_seconds (JOB_TIMEOUT_S, on_job_timeout, self);
}

static void
start_transient_unit (MidwayHelperScope *self)
{
  g_autofree char *slice = g_strdup_printf ("user-%u.slice", (guint) self->uid);
  GVariantBuilder properties;
  guint32 pid = (guint32) self->pid;

  self->unit = g_strdup_printf ("midway-ssh-%u.scope", pid);
  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a(sv)"));
  g_variant_builder_add (&properties, "(sv)", "Description",
                         g_variant_new_string ("Midway VPN: the user's ssh"));
  g_variant_builder_add (&properties, "(sv)", "Slice", g_variant_new_string (slice));
  g_variant_builder_add (&properties, "(sv)", "PIDs",
                         g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, &pid, 1, sizeof pid));
  g_variant_builder_add (&properties, "(sv)", "CollectMode",
                         g_variant_new_string ("inactive-or-failed"));

  self->job_signal =
    g_dbus_connection_signal_subscribe (self->bus, SYSTEMD_NAME, SYSTEMD_INTERFACE, "JobRemoved",
                                        SYSTEMD_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                        on_job_removed, self, NULL);
  g_dbus_connection_call (self->bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_INTERFACE,
                          "StartTransientUnit",
                          g_variant_new ("(ssa(sv)a(sa(sv)))", self->unit, "fail",
                                         &properties, NULL),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, on_started, g_object_ref (self));
}

static void
on_name_has_owner (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MidwayHelperScope) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  if (has_owner)
    start_transient_unit (self);
  else
    release (self);
}

void
midway_helper_scope_start (MidwayHelperScope *self)
{
  g_autoptr(GDBusConnection) bus = NULL;

  g_return_if_fail (MIDWAY_IS_HELPER_SCOPE (self));

  /* The helper is on the system bus already (a call on it started the
   * tunnel), so this is its connection, at once: the first call goes out
   * now, and travels while the caller forks pppd, instead of after. */
  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, NULL);
  if (bus == NULL)
    {
      release (self);
      return;
    }
  g_set_object (&self->bus, bus);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", SYSTEMD_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, self->cancellable,
                          on_name_has_owner, g_object_ref (self));
}

void
midway_helper_scope_release (MidwayHelperScope *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_SCOPE (self));

  self->held = FALSE;
  if (self->in_place)
    let_go (self);
}

void
midway_helper_scope_stop (MidwayHelperScope *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_SCOPE (self));

  /* A launcher still waiting gets no byte, only the end of its pipe. */
  g_cancellable_cancel (self->cancellable);
  if (self->release_fd >= 0)
    close (g_steal_fd (&self->release_fd));
  release (self);

  if (self->unit == NULL || self->bus == NULL)
    return;
  /* An empty scope is gone already: its NoSuchUnit is of no interest. */
  g_dbus_connection_call (self->bus, SYSTEMD_NAME, SYSTEMD_PATH, SYSTEMD_INTERFACE,
                          "StopUnit", g_variant_new ("(ss)", self->unit, "replace"),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          NULL, NULL, NULL);
  g_clear_pointer (&self->unit, g_free);
}

const char *
midway_helper_scope_get_unit (MidwayHelperScope *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_SCOPE (self), NULL);
  return self->unit;
}

static void
midway_helper_scope_dispose (GObject *object)
{
  MidwayHelperScope *self = MIDWAY_HELPER_SCOPE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->job_signal != 0)
    g_dbus_connection_signal_unsubscribe (self->bus, self->job_signal);
  self->job_signal = 0;
  g_clear_handle_id (&self->job_timeout, g_source_remove);
  if (self->release_fd >= 0)
    close (g_steal_fd (&self->release_fd));
  g_clear_object (&self->bus);

  G_OBJECT_CLASS (midway_helper_scope_parent_class)->dispose (object);
}

static void
midway_helper_scope_finalize (GObject *object)
{
  MidwayHelperScope *self = MIDWAY_HELPER_SCOPE (object);

  g_clear_object (&self->cancellable);
  g_free (self->unit);
  G_OBJECT_CLASS (midway_helper_scope_parent_class)->finalize (object);
}

static void
midway_helper_scope_class_init (MidwayHelperScopeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_scope_dispose;
  object_class->finalize = midway_helper_scope_finalize;
}

static void
midway_helper_scope_init (MidwayHelperScope *self)
{
  self->release_fd = -1;
  self->cancellable = g_cancellable_new ();
}

MidwayHelperScope *
midway_helper_scope_new (GPid     pid,
                         uid_t    uid,
                         int      release_fd,
                         gboolean held)
{
  MidwayHelperScope *self;

  g_return_val_if_fail (pid > 0, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_SCOPE, NULL);
  self->pid = pid;
  self->uid = uid;
  self->release_fd = release_fd;
  self->held = held;
  return self;
}
