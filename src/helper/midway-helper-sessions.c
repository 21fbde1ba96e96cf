/* midway-helper-sessions.c
 *
 * A user's own tunnels are theirs for as long as they are logged in: on a
 * shared machine a tunnel left behind after logout keeps routing and DNS
 * the user chose while somebody else sits at the machine.  logind tells
 * when a session goes (SessionRemoved) and when the user goes
 * (UserRemoved).  A session that ends leaves the user "closing" (only
 * closing sessions left), "lingering" (none, but lingering enabled) or
 * still "online"/"active" (another session): the first two count as
 * gone, without waiting for UserRemoved, which can come much later or,
 * for a lingering user, never.
 *
 * Signals come through MidwayHelperLogind, which takes them only from
 * logind itself.  Without logind on the bus nothing comes, and tunnels
 * stay until stopped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-helper-sessions.h"

#define LOGIND_USER "org.freedesktop.login1.User"

struct _MidwayHelperSessions
{
  GObject             parent_instance;

  MidwayHelperLogind *logind;
  GArray             *uids;          /* guint: whom to ask about */
  GCancellable       *cancellable;
};

enum
{
  SIGNAL_USER_LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperSessions, midway_helper_sessions, G_TYPE_OBJECT)

typedef struct
{
  MidwayHelperSessions *self;   /* a reference */
  guint                 uid;
} UserQuery;

static void
user_query_free (UserQuery *query)
{
  g_object_unref (query->self);
  g_free (query);
}

static void
on_user_state (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  UserQuery *query = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  const char *state;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* Gone between the two calls: UserRemoved says so. */
      g_debug ("State of user %u not read: %s", query->uid, error->message);
      user_query_free (query);
      return;
    }
  g_variant_get (reply, "(v)", &value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      state = g_variant_get_string (value, NULL);
      g_debug ("user %u is %s", query->uid, state);
      if (g_str_equal (state, "closing") || g_str_equal (state, "lingering") ||
          g_str_equal (state, "offline"))
        g_signal_emit (query->self, signals[SIGNAL_USER_LEFT], 0, query->uid);
    }
  user_query_free (query);
}

static void
on_user_path (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  UserQuery *query = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *owner = midway_helper_logind_get_owner (query->self->logind);
  const char *path;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  /* No such user: never had a session, or already removed (then
   * UserRemoved comes or came).  A user who never logged in (a tunnel
   * started from a service of theirs) is not ended by others' logouts. */
  if (reply == NULL || owner == NULL)
    {
      user_query_free (query);
      return;
    }
  g_variant_get (reply, "(&o)", &path);
  g_dbus_connection_call (G_DBUS_CONNECTION (source), owner, path,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", LOGIND_USER, "State"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          query->self->cancellable, on_user_state, query);
}

static void
on_session_removed (MidwayHelperLogind   *logind,
                    const char           *member,
                    GVariant             *parameters,
                    MidwayHelperSessions *self)
{
  GDBusConnection *bus = midway_helper_logind_get_connection (logind);
  const char *owner = midway_helper_logind_get_owner (logind);

  /* The signal does not say whose session it was. */
  for (guint i = 0; i < self->uids->len; i++)
    {
      UserQuery *query = g_new0 (UserQuery, 1);

      query->self = g_object_ref (self);
      query->uid = g_array_index (self->uids, guint, i);
      g_dbus_connection_call (bus, owner, MIDWAY_HELPER_LOGIND_PATH, MIDWAY_HELPER_LOGIND_MANAGER,
                              "GetUser", g_variant_new ("(u)", query->uid),
                              G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                              self->cancellable, on_user_path, query);
    }
}

static void
on_user_removed (MidwayHelperLogind   *logind,
                 const char           *member,
                 GVariant             *parameters,
                 MidwayHelperSessions *self)
{
  guint32 uid;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(uo)")))
    return;
  g_variant_get (parameters, "(u&o)", &uid, NULL);
  g_signal_emit (self, signals[SIGNAL_USER_LEFT], 0, (guint) uid);
}

static void
midway_helper_sessions_dispose (GObject *object)
{
  MidwayHelperSessions *self = MIDWAY_HELPER_SESSIONS (object);

  g_cancellable_cancel (self->cancellable);
  if (self->logind != NULL)
    g_signal_handlers_disconnect_by_data (self->logind, self);
  g_clear_object (&self->logind);

  G_OBJECT_CLASS (midway_helper_sessions_parent_class)->dispose (object);
}

static void
midway_helper_sessions_finalize (GObject *object)
{
  MidwayHelperSessions *self = MIDWAY_HELPER_SESSIONS (object);

  g_array_unref (self->uids);
  g_object_unref (self->cancellable);

  G_OBJECT_CLASS (midway_helper_sessions_parent_class)->finalize (object);
}

static void
midway_helper_sessions_class_init (MidwayHelperSessionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_sessions_dispose;
  object_class->finalize = midway_helper_sessions_finalize;

  signals[SIGNAL_USER_LEFT] =
    g_signal_new ("user-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
midway_helper_sessions_init (MidwayHelperSessions *self)
{
  self->uids = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cancellable = g_cancellable_new ();
}

MidwayHelperSessions *
midway_helper_sessions_new (MidwayHelperLogind *logind)
{
  MidwayHelperSessions *self;

  g_return_val_if_fail (MIDWAY_IS_HELPER_LOGIND (logind), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_SESSIONS, NULL);
  /* dispose disconnects; calls under way hold a reference of their own. */
  self->logind = g_object_ref (logind);
  g_signal_connect (logind, "manager-signal::SessionRemoved", G_CALLBACK (on_session_removed), self);
  g_signal_connect (logind, "manager-signal::UserRemoved", G_CALLBACK (on_user_removed), self);
  return self;
}

void
midway_helper_sessions_set_users (MidwayHelperSessions *self,
                                  GArray               *uids)
{
  g_return_if_fail (MIDWAY_IS_HELPER_SESSIONS (self));

  g_array_set_size (self->uids, 0);
  if (uids != NULL)
    g_array_append_vals (self->uids, uids->data, uids->len);
}
