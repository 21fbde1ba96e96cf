/* midway-helper-authority.c
 *
 * The subject given to polkit is the caller's unique bus name: polkitd
 * resolves it itself, so there is no PID to race (CVE-2013-4288).  A caller
 * that leaves the bus during the check makes the check fail; any failure,
 * whatever its cause, is a refusal (CVE-2021-3560).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <polkit/polkit.h>

#include "midway-error.h"
#include "midway-helper-authority.h"

struct _MidwayHelperAuthority
{
  GObject          parent_instance;

  PolkitAuthority *polkit;
};

G_DEFINE_FINAL_TYPE (MidwayHelperAuthority, midway_helper_authority, G_TYPE_OBJECT)

typedef struct {
  GDBusMethodInvocation *invocation;
  char                  *action_id;
  char                  *other_action_id;
  uid_t                  owner;
  uid_t                  caller;
} AuthorizeData;

static void
authorize_data_free (AuthorizeData *data)
{
  g_clear_object (&data->invocation);
  g_free (data->action_id);
  g_free (data->other_action_id);
  g_free (data);
}

static void
midway_helper_authority_finalize (GObject *object)
{
  MidwayHelperAuthority *self = MIDWAY_HELPER_AUTHORITY (object);

  g_clear_object (&self->polkit);

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
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                               _("Not authorized: the authorization check failed"));
      return;
    }

  if (!polkit_authorization_result_get_is_authorized (auth))
    {
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                               _("Not authorized to perform %s"), data->action_id);
      return;
    }

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

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* Most likely the caller has already left the bus. */
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                               _("Not authorized: the caller could not be identified"));
      return;
    }

  credentials = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (credentials, "UnixUserID", "u", &uid))
    {
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED,
                               _("Not authorized: the caller has no user id"));
      return;
    }
  data->caller = (uid_t) uid;

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
midway_helper_authority_authorize_async (MidwayHelperAuthority  *self,
                                         GDBusMethodInvocation  *invocation,
                                         const char             *action_id,
                                         const char             *other_action_id,
                                         uid_t                   owner,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  AuthorizeData *data;

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

  g_dbus_connection_call (g_dbus_method_invocation_get_connection (invocation),
                          "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "GetConnectionCredentials",
                          g_variant_new ("(s)", g_dbus_method_invocation_get_sender (invocation)),
                          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_credentials, g_steal_pointer (&task));
}

gboolean
midway_helper_authority_authorize_finish (MidwayHelperAuthority  *self,
                                          GAsyncResult           *result,
                                          uid_t                  *caller_uid,
                                          GError                **error)
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
