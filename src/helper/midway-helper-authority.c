/* midway-helper-authority.c
 *
 * The subject given to polkit is the caller's unique bus name: polkitd
 * resolves it itself, so there is no PID to race (CVE-2013-4288).  A caller
 * that leaves the bus during the check makes the check fail; any failure,
 * whatever its cause, is a refusal (CVE-2021-3560).
 *
 * Every method's check passes through here, so here is where the number
 * of checks under way is bounded, per caller and per user: a check holds
 * its call (and the call its message) until polkitd answers, and polkitd
 * answers in order, so an unbounded flood of any method -- Disconnect and
 * GetLog as much as Connect -- would hold memory without end and queue
 * every other user's check behind it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <polkit/polkit.h>

#include "midway-error.h"
#include "midway-helper-authority.h"

/* Checks under way per caller (bus connection). */
#define MAX_PENDING_PER_SENDER 4
/* The same per user: a user can open as many bus connections as it likes. */
#define MAX_PENDING_PER_USER 8

struct _MidwayHelperAuthority
{
  GObject          parent_instance;

  PolkitAuthority *polkit;
  GHashTable      *pending_senders;  /* unique name → checks under way */
  GHashTable      *pending_users;    /* uid → checks under way */
  guint            n_pending;
};

G_DEFINE_FINAL_TYPE (MidwayHelperAuthority, midway_helper_authority, G_TYPE_OBJECT)

typedef struct
{
  GDBusMethodInvocation *invocation;
  char                  *action_id;
  char                  *other_action_id;
  uid_t                  owner;
  uid_t                  caller;
  char                  *counted_sender; /* set while counted */
  gboolean               counted_user;   /* caller counted in pending_users */
} AuthorizeData;

static void
authorize_data_free (AuthorizeData *data)
{
  g_clear_object (&data->invocation);
  g_free (data->action_id);
  g_free (data->other_action_id);
  g_free (data->counted_sender);
  g_free (data);
}

/* g_hash_table_insert() keeps the stored key and frees the one passed
 * (a copy, for the sender table), so keys stay the table's own. */
static void
count_down (GHashTable *table,
            gpointer    key,
            gboolean    string_key)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (table, key));

  if (count <= 1)
    g_hash_table_remove (table, key);
  else
    g_hash_table_insert (table, string_key ? g_strdup (key) : key, GUINT_TO_POINTER (count - 1));
}

/* Before the task returns: the caller's callback may start the next check. */
static void
release (MidwayHelperAuthority *self,
         AuthorizeData         *data)
{
  if (data->counted_user)
    count_down (self->pending_users, GUINT_TO_POINTER (data->caller), FALSE);
  data->counted_user = FALSE;
  if (data->counted_sender != NULL)
    {
      count_down (self->pending_senders, data->counted_sender, TRUE);
      g_clear_pointer (&data->counted_sender, g_free);
      self->n_pending--;
    }
}

static void
return_refusal (GTask      *task,
                int         code,
                const char *message)
{
  release (g_task_get_source_object (task), g_task_get_task_data (task));
  g_task_return_new_error (task, MIDWAY_ERROR, code, "%s", message);
}

static void
midway_helper_authority_finalize (GObject *object)
{
  MidwayHelperAuthority *self = MIDWAY_HELPER_AUTHORITY (object);

  g_clear_object (&self->polkit);
  g_clear_pointer (&self->pending_senders, g_hash_table_unref);
  g_clear_pointer (&self->pending_users, g_hash_table_unref);

  G_OBJECT_CLASS (midway_helper_authority_parent_class)->finalize (object);
}

static void
midway_helper_authority_class_init (MidwayHelperAuthorityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = midway_helper_authority_finalize;
}

static void
midway_helper_authority_init (MidwayHelperAuthority *self)
{
  /* The sender keys are the table's own copies (see count_down()). */
  self->pending_senders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->pending_users = g_hash_table_new (g_direct_hash, g_direct_equal);
}

MidwayHelperAuthority *
midway_helper_authority_new (GError **error)
{
  g_autoptr(MidwayHelperAuthority) self = g_object_new (MIDWAY_TYPE_HELPER_AUTHORITY, NULL);

  self->polkit = polkit_authority_get_sync (NULL, error);
  if (self->polkit == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

static void
on_check_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AuthorizeData *data = g_task_get_task_data (task);
  g_autoptr(PolkitAuthorizationResult) auth = NULL;
  g_autoptr(GError) error = NULL;

  auth = polkit_authority_check_authorization_finish (POLKIT_AUTHORITY (source), result, &error);
  if (auth == NULL)
    {
      g_debug ("polkit check for %s failed: %s", data->action_id, error->message);
      return_refusal (task, MIDWAY_ERROR_NOT_AUTHORIZED,
                      _("Not authorized: the authorization check failed"));
      return;
    }

  if (!polkit_authorization_result_get_is_authorized (auth))
    {
      g_autofree char *message = g_strdup_printf (_("Not authorized to perform %s"), data->action_id);

      return_refusal (task, MIDWAY_ERROR_NOT_AUTHORIZED, message);
      return;
    }

  release (g_task_get_source_object (task), data);
  g_task_return_boolean (task, TRUE);
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MidwayHelperAuthority *self = g_task_get_source_object (task);
  AuthorizeData *data = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PolkitSubject) subject = NULL;
  PolkitCheckAuthorizationFlags flags = POLKIT_CHECK_AUTHORIZATION_FLAGS_NONE;
  const char *action_id;
  guint32 uid;
  guint count;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* Most likely the caller has already left the bus. */
      return_refusal (task, MIDWAY_ERROR_NOT_AUTHORIZED,
                      _("Not authorized: the caller could not be identified"));
      return;
    }

  credentials = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (credentials, "UnixUserID", "u", &uid) || uid == G_MAXUINT32)
    {
      return_refusal (task, MIDWAY_ERROR_NOT_AUTHORIZED,
                      _("Not authorized: the caller has no user id"));
      return;
    }
  data->caller = (uid_t) uid;

  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->pending_users, GUINT_TO_POINTER (uid)));
  if (count >= MAX_PENDING_PER_USER)
    {
      return_refusal (task, MIDWAY_ERROR_LIMIT_EXCEEDED, _("Too many calls under way"));
      return;
    }
  g_hash_table_insert (self->pending_users, GUINT_TO_POINTER (uid), GUINT_TO_POINTER (count + 1));
  data->counted_user = TRUE;

  action_id = data->action_id;
  if (data->other_action_id != NULL && data->caller != data->owner)
    action_id = data->other_action_id;
  if (action_id != data->action_id)
    {
      g_free (data->action_id);
      data->action_id = g_strdup (action_id);
    }

  if (g_dbus_message_get_flags (g_dbus_method_invocation_get_message (data->invocation)) &
      G_DBUS_MESSAGE_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION)
    flags |= POLKIT_CHECK_AUTHORIZATION_FLAGS_ALLOW_USER_INTERACTION;

  subject = polkit_system_bus_name_new (g_dbus_method_invocation_get_sender (data->invocation));
  polkit_authority_check_authorization (self->polkit, subject, data->action_id, NULL, flags,
                                        NULL, on_check_done, g_steal_pointer (&task));
}

void
midway_helper_authority_authorize_async (MidwayHelperAuthority *self,
                                         GDBusMethodInvocation *invocation,
                                         const char            *action_id,
                                         const char            *other_action_id,
                                         uid_t                  owner,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthorizeData *data;
  const char *sender;
  guint count;

  g_return_if_fail (MIDWAY_IS_HELPER_AUTHORITY (self));
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
  g_return_if_fail (action_id != NULL);

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, midway_helper_authority_authorize_async);
  data = g_new0 (AuthorizeData, 1);
  data->invocation = g_object_ref (invocation);
  data->action_id = g_strdup (action_id);
  data->other_action_id = g_strdup (other_action_id);
  data->owner = owner;
  data->caller = (uid_t) -1;
  g_task_set_task_data (task, data, (GDestroyNotify) authorize_data_free);

  sender = g_dbus_method_invocation_get_sender (invocation);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->pending_senders, sender));
  if (count >= MAX_PENDING_PER_SENDER)
    {
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                               "%s", _("Too many calls under way"));
      return;
    }
  g_hash_table_insert (self->pending_senders, g_strdup (sender), GUINT_TO_POINTER (count + 1));
  data->counted_sender = g_strdup (sender);
  self->n_pending++;

  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_credentials, g_steal_pointer (&task));
}

gboolean
midway_helper_authority_authorize_finish (MidwayHelperAuthority *self,
                                          GAsyncResult          *result,
                                          uid_t                 *caller_uid,
                                          GError               **error)
{
  AuthorizeData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (caller_uid != NULL)
    *caller_uid = data->caller;
  return TRUE;
}

/* Checks under way: the helper is not idle while one is. */
guint
midway_helper_authority_get_n_pending (MidwayHelperAuthority *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_AUTHORITY (self), 0);

  return self->n_pending;
}
