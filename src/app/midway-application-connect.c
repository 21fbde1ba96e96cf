/* midway-application-connect.c: connecting a profile, as the window's
 * switch, a notification's Retry, the tray or the login start ask for it.
 *
 * A profile without a pinned key has its server's key trusted first
 * (MidwayHostKeyFlow); then a password or passphrase is asked for when
 * the keyring has none (midway_sign_in_async()); then the helper's
 * Connect.  A refusal on the way is told in plain words on the row and as
 * a notification.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-application-private.h"
#include "midway-error.h"
#include "midway-sign-in.h"
#include "midway-state.h"

/* ---- Refusals before a tunnel exists ------------------------------------ */

/* Plain words for why Connect never got as far as a tunnel.  The bus's
 * and polkit's own texts are for the log: they are long, technical and
 * name no profile. */
static char *
describe_refusal (const GError *error)
{
  if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_AUTHORIZED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_AUTH_FAILED))
    return g_strdup (_("This account is not allowed to start VPN connections on this computer."));
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_EXEC_FAILED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_CHILD_EXITED) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SPAWN_FAILED))
    return g_strdup (_("Midway’s system helper is not installed or could not be started."));
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY) ||
      g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_TIMEOUT) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_strdup (_("Midway’s system helper did not answer."));
  if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED))
    return g_strdup (_("Too many connections are running or starting: disconnect one first."));
  if (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE))
    /* Translators: %s is the library's message about one field. */
    return g_strdup_printf (_("The profile is not valid (%s): edit it first."), error->message);
  if (error->domain == MIDWAY_SECRET_STORE_ERROR || error->domain == MIDWAY_ERROR)
    return g_strdup (error->message);  /* ours: already plain words */
  if (error->domain == G_IO_ERROR || error->domain == G_DBUS_ERROR)
    return g_strdup (_("The system bus cannot be reached."));
  return g_strdup (_("Midway’s system helper refused the connection."));
}

/* On the row, where the switch springs back, and as a notification for
 * whoever is not looking at the window. */
static void
refuse (MidwayApplication *self,
        const char        *profile_id,
        gboolean           system,
        const char        *words)
{
  MidwayConnection *connection = system ? midway_connection_list_find_system (self->connections, profile_id)
                                        : midway_connection_list_find (self->connections, profile_id);
  g_autofree char *summary = NULL;

  if (connection == NULL)
    return;  /* deleted meanwhile: nothing left to tell about */
  midway_connection_set_refusal (connection, words);
  /* Translators: %s is the profile's name. */
  summary = g_strdup_printf (_("“%s” did not connect"), midway_connection_get_name (connection));
  midway_notifier_show_refusal (self->notifier, profile_id, summary, words);
}

typedef struct
{
  MidwayApplication *self;
  char              *profile_id;
  gboolean           system;  /* a system profile's id */
} ConnectRequest;

static void
connect_request_free (ConnectRequest *request)
{
  g_object_unref (request->self);
  g_free (request->profile_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConnectRequest, connect_request_free)

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConnectRequest) request = user_data;
  MidwayApplication *self = request->self;
  const char *profile_id = request->profile_id;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *words = NULL;

  path = midway_connection_list_connect_finish (MIDWAY_CONNECTION_LIST (source), result, &error);
  if (self->notifier == NULL)
    return;  /* shut down meanwhile */
  if (path != NULL)
    {
      midway_notifier_withdraw_refusal (self->notifier, profile_id);
      return;
    }
  g_message ("Connect of profile %s refused: %s", profile_id, error->message);
  words = describe_refusal (error);
  refuse (self, profile_id, request->system, words);
}


/* ---- Host keys ---------------------------------------------------------- */

static void
trust_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(ConnectRequest) request = user_data;
  MidwayApplication *self = request->self;
  g_autoptr(GError) error = NULL;
  MidwayConnection *connection;

  if (midway_host_key_flow_trust_finish (MIDWAY_HOST_KEY_FLOW (source), result, &error))
    {
      midway_application_connect_profile (self, request->profile_id);
      return;
    }
  /* Shut down meanwhile, or a second click while the first is asked. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    return;
  if (error != NULL)
    {
      refuse (self, request->profile_id, FALSE, error->message);
      return;
    }
  /* Not trusted: the switch turned on for this goes back off. */
  connection = midway_connection_list_find (self->connections, request->profile_id);
  if (connection != NULL)
    midway_connection_set_refusal (connection, NULL);
}

/* ---- Connecting --------------------------------------------------------- */

/* @given: what the person typed in for this connection, or NULL. */
static void
start_connect (MidwayApplication *self,
               const char        *profile_id,
               GVariant          *given)
{
  MidwayConnection *connection = midway_connection_list_find (self->connections, profile_id);
  ConnectRequest *request;

  if (connection == NULL)
    return;  /* deleted while the person was asked */
  request = g_new0 (ConnectRequest, 1);
  request->self = g_object_ref (self);
  request->profile_id = g_strdup (profile_id);
  midway_connection_list_connect_with_async (self->connections, connection, self->secrets, given, NULL,
                                             connect_cb, request);
}

/* ---- Sign-in ------------------------------------------------------------ */

/* The main window if there is one: a prompt at login has none to sit on. */
static GtkWindow *
find_window (MidwayApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MIDWAY_IS_WINDOW (l->data))
      return GTK_WINDOW (l->data);
  return NULL;
}

static void
sign_in_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConnectRequest) request = user_data;
  MidwayApplication *self = request->self;
  g_autoptr(GVariant) given = NULL;
  g_autoptr(GError) error = NULL;
  MidwayConnection *connection;

  if (midway_sign_in_finish (result, &given, &error))
    {
      if (self->connections != NULL)
        start_connect (self, request->profile_id, given);
      return;
    }
  if (self->connections == NULL)
    return;  /* shut down meanwhile */
  connection = midway_connection_list_find (self->connections, request->profile_id);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Not signed in: the switch turned on for this goes back off. */
      if (connection != NULL)
        midway_connection_set_refusal (connection, NULL);
      return;
    }
  refuse (self, request->profile_id, FALSE, error->message);
}

void
midway_application_connect_profile (MidwayApplication *self,
                                    const char        *profile_id)
{
  MidwayConnection *connection = midway_connection_list_find (self->connections, profile_id);
  ConnectRequest *request;
  MidwayProfile *profile;

  if (connection == NULL)
    {
      midway_application_show_error (self, _("This profile no longer exists"));
      return;
    }
  if (g_strcmp0 (self->last_used_id, profile_id) != 0)
    {
      g_autoptr(GError) error = NULL;

      g_free (self->last_used_id);
      self->last_used_id = g_strdup (profile_id);
      /* For the tray's left click after a restart. */
      if (!midway_state_save_last_used (profile_id, &error))
        g_warning ("Cannot remember the profile last used: %s", error->message);
    }
  profile = midway_connection_get_profile (connection);
  request = g_new0 (ConnectRequest, 1);
  request->self = g_object_ref (self);
  request->profile_id = g_strdup (profile_id);
  if (*midway_profile_get_host_key (profile) == '\0')
    {
      midway_host_key_flow_trust_async (self->host_keys, profile, trust_cb, request);
      return;
    }
  /* A password or a passphrase, asked for when the keyring has none. */
  midway_sign_in_async (self->secrets, profile, find_window (self), NULL, sign_in_cb, request);
}

void
midway_application_connect_system_profile (MidwayApplication *self,
                                           const char        *profile_id)
{
  MidwayConnection *connection = midway_connection_list_find_system (self->connections, profile_id);
  ConnectRequest *request;

  if (connection == NULL)
    {
      midway_application_show_error (self, _("This profile no longer exists"));
      return;
    }
  /* No host key to trust and nothing to sign in with: the administrator
   * pinned the one and deployed the other. */
  request = g_new0 (ConnectRequest, 1);
  request->self = g_object_ref (self);
  request->profile_id = g_strdup (profile_id);
  request->system = TRUE;
  midway_connection_list_connect_system_async (self->connections, connection, NULL, connect_cb, request);
}
