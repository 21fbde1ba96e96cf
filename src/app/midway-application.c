/* midway-application.c: the desktop front end's application object.
 *
 * It owns what outlives a window: the connection list, the keyring and the
 * notifier; the window's rows and the notifications' buttons reach it
 * through the app.connect, app.disconnect and app.retry actions.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-application.h"
#include "midway-autostart.h"
#include "midway-error.h"
#include "midway-host-key-flow.h"
#include "midway-notifier.h"
#include "midway-reason.h"
#include "midway-profile-dialog.h"
#include "midway-secret-store.h"
#include "midway-sign-in.h"
#include "midway-state.h"
#include "midway-tray.h"
#include "midway-window.h"

struct _MidwayApplication
{
  AdwApplication        parent_instance;

  MidwayConnectionList *connections;
  MidwaySecretStore    *secrets;
  MidwayNotifier       *notifier;
  MidwayTray           *tray;
  MidwayProfileDialog  *profiles;  /* weak: the one open */
  char                 *last_used_id;
  MidwayHostKeyFlow    *host_keys;
  gboolean              holding;
  gboolean              told_no_tray;
  gboolean              start_hidden;        /* --hidden, until the first activation */
  guint                 hidden_wait_source;  /* --hidden, until the tray answers */
};

G_DEFINE_FINAL_TYPE (MidwayApplication, midway_application, ADW_TYPE_APPLICATION)

/* How long --hidden waits for the tray to say whether it shows the icon. */
#define HIDDEN_WAIT_S 5

MidwayConnectionList *
midway_application_get_connections (MidwayApplication *self)
{
  g_return_val_if_fail (MIDWAY_IS_APPLICATION (self), NULL);

  return self->connections;
}

MidwayTray *
midway_application_get_tray (MidwayApplication *self)
{
  g_return_val_if_fail (MIDWAY_IS_APPLICATION (self), NULL);

  return self->tray;
}

MidwayNotifier *
midway_application_get_notifier (MidwayApplication *self)
{
  g_return_val_if_fail (MIDWAY_IS_APPLICATION (self), NULL);

  return self->notifier;
}

MidwayWindow *
midway_application_get_window (MidwayApplication *self)
{
  g_return_val_if_fail (MIDWAY_IS_APPLICATION (self), NULL);

  /* Not the active window: that may be the profiles dialog. */
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (MIDWAY_IS_WINDOW (l->data))
      return MIDWAY_WINDOW (l->data);
  return midway_window_new (ADW_APPLICATION (self), G_LIST_MODEL (self->connections));
}

static void
show_error (MidwayApplication *self,
            const char        *message)
{
  MidwayWindow *window = midway_application_get_window (self);

  midway_window_show_error (window, message);
  gtk_window_present (GTK_WINDOW (window));
}

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
        const char        *words)
{
  MidwayConnection *connection = midway_connection_list_find (self->connections, profile_id);
  g_autofree char *summary = NULL;

  if (connection == NULL)
    return;  /* deleted meanwhile: nothing left to tell about */
  midway_connection_set_refusal (connection, words);
  /* Translators: %s is the profile's name. */
  summary = g_strdup_printf (_("“%s” did not connect"), midway_connection_get_name (connection));
  midway_notifier_show_refusal (self->notifier, profile_id, summary, words);
}

typedef struct {
  MidwayApplication *self;
  char              *profile_id;
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
  refuse (self, profile_id, words);
}

static void connect_profile (MidwayApplication *self,
                             const char        *profile_id);

/* ---- Host keys ---------------------------------------------------------- */

static void
on_tunnel_properties_changed (GDBusProxy        *proxy,
                              GVariant          *changed,
                              GStrv              invalidated,
                              MidwayApplication *self)
{
  midway_host_key_flow_check_tunnel (self->host_keys, MIDWAY_TUNNEL1 (proxy));
}

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
      connect_profile (self, request->profile_id);
      return;
    }
  /* Shut down meanwhile, or a second click while the first is asked. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PENDING))
    return;
  if (error != NULL)
    {
      refuse (self, request->profile_id, error->message);
      return;
    }
  /* Not trusted: the switch turned on for this goes back off. */
  connection = midway_connection_list_find (self->connections, request->profile_id);
  if (connection != NULL)
    midway_connection_set_refusal (connection, NULL);
}

/* ---- Actions ------------------------------------------------------------ */

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
  refuse (self, request->profile_id, error->message);
}

static void
connect_profile (MidwayApplication *self,
                 const char        *profile_id)
{
  MidwayConnection *connection = midway_connection_list_find (self->connections, profile_id);
  ConnectRequest *request;
  MidwayProfile *profile;

  if (connection == NULL)
    {
      show_error (self, _("This profile no longer exists"));
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

static void
disconnect_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(MidwayApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (reply == NULL)
    {
      g_autofree char *message = NULL;

      g_dbus_error_strip_remote_error (error);
      message = g_strdup_printf (_("Could not disconnect: %s"), error->message);
      show_error (self, message);
    }
}

static void
connect_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  connect_profile (MIDWAY_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
}

static void
disconnect_connection (MidwayApplication *self,
                       MidwayConnection  *connection)
{
  MidwayTunnel1 *tunnel = connection != NULL ? midway_connection_get_tunnel (connection) : NULL;

  if (tunnel == NULL)
    return;
  /* Through the proxy, for the flag: polkit may want to ask. */
  g_dbus_proxy_call (G_DBUS_PROXY (tunnel), "Disconnect", NULL,
                     G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, -1,
                     NULL, disconnect_cb, g_object_ref (self));
}

static void
disconnect_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  disconnect_connection (self, midway_connection_list_find (self->connections,
                                                            g_variant_get_string (parameter, NULL)));
}

static void
disconnect_all_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->connections));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (G_LIST_MODEL (self->connections), i);

      if (midway_connection_get_active (connection))
        disconnect_connection (self, connection);
    }
}

/* The host's activation token, when its click brought the window up, is
 * what lets a Wayland compositor raise it rather than only flag it. */
static void
present_from_tray (MidwayApplication *self,
                   GtkWindow         *window)
{
  g_autofree char *token = self->tray != NULL ? midway_tray_take_activation_token (self->tray) : NULL;

  if (token != NULL)
    gtk_window_set_startup_id (window, token);
  gtk_window_present (window);
}

static void
show_window_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  present_from_tray (self, GTK_WINDOW (midway_application_get_window (self)));
}

/* What a person opens the log for: a failure first, then the profile
 * last used, then any tunnel at all. */
static MidwayConnection *
pick_log_connection (MidwayApplication *self)
{
  GListModel *model = G_LIST_MODEL (self->connections);
  guint n = g_list_model_get_n_items (model);
  MidwayConnection *last = self->last_used_id != NULL ?
                           midway_connection_list_find (self->connections, self->last_used_id) : NULL;

  if (last != NULL && g_str_equal (midway_connection_get_state (last), MIDWAY_STATE_FAILED))
    return last;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_str_equal (midway_connection_get_state (connection), MIDWAY_STATE_FAILED))
        return connection;  /* the list keeps its reference */
    }
  if (last != NULL && midway_connection_get_tunnel (last) != NULL)
    return last;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (midway_connection_get_tunnel (connection) != NULL)
        return connection;
    }
  return last;
}

static void
show_log (MidwayApplication *self,
          MidwayConnection  *connection)
{
  MidwayWindow *window = midway_application_get_window (self);

  if (connection != NULL)
    midway_window_show_details (window, connection);
  gtk_window_present (GTK_WINDOW (window));
}

static void
show_log_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  show_log (self, pick_log_connection (self));
}

/* One profiles window, whether reached from the main window or the tray. */
static MidwayProfileDialog *
get_profiles (MidwayApplication *self)
{
  if (self->profiles == NULL)
    {
      self->profiles = midway_profile_dialog_new (GTK_APPLICATION (self), self->connections);
      g_object_add_weak_pointer (G_OBJECT (self->profiles), (gpointer *) &self->profiles);
    }
  gtk_window_present (GTK_WINDOW (self->profiles));
  return self->profiles;
}

static void
profiles_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  get_profiles (MIDWAY_APPLICATION (user_data));
}

static void
new_profile_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  midway_profile_dialog_new_profile (get_profiles (MIDWAY_APPLICATION (user_data)));
}

static void
edit_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  if (!midway_profile_dialog_select (get_profiles (self), g_variant_get_string (parameter, NULL)))
    midway_window_show_error (midway_application_get_window (self), _("This profile no longer exists"));
}

static void
import_profile_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  gtk_widget_activate_action (GTK_WIDGET (get_profiles (MIDWAY_APPLICATION (user_data))),
                              "profiles.import", NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  /* Unsaved profile edits are asked about first, as on closing. */
  if (self->profiles != NULL && !midway_profile_dialog_may_quit (self->profiles))
    return;
  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "connect", connect_action, "s", NULL, NULL, { 0 } },
  { "disconnect", disconnect_action, "s", NULL, NULL, { 0 } },
  { "disconnect-all", disconnect_all_action, NULL, NULL, NULL, { 0 } },
  { "show-window", show_window_action, NULL, NULL, NULL, { 0 } },
  { "show-log", show_log_action, NULL, NULL, NULL, { 0 } },
  { "profiles", profiles_action, NULL, NULL, NULL, { 0 } },
  { "new-profile", new_profile_action, NULL, NULL, NULL, { 0 } },
  { "edit-profile", edit_profile_action, "s", NULL, NULL, { 0 } },
  { "import-profile", import_profile_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
on_tunnel_added (MidwayConnectionList *list,
                 MidwayTunnel1        *tunnel,
                 MidwayApplication    *self)
{
  midway_notifier_watch (self->notifier, tunnel);
  /* From here on the tunnel's own notifications tell the story. */
  midway_notifier_withdraw_refusal (self->notifier, midway_tunnel1_get_profile_id (tunnel));
  g_signal_connect_object (tunnel, "g-properties-changed", G_CALLBACK (on_tunnel_properties_changed), self, 0);
  midway_host_key_flow_check_tunnel (self->host_keys, tunnel);
}

static void
on_tunnel_removed (MidwayConnectionList *list,
                   MidwayTunnel1        *tunnel,
                   MidwayApplication    *self)
{
  midway_notifier_unwatch (self->notifier, tunnel);
  g_signal_handlers_disconnect_by_func (tunnel, on_tunnel_properties_changed, self);
  midway_host_key_flow_forget_tunnel (self->host_keys, tunnel);
}

static void
on_notification_retry (MidwayNotifier    *notifier,
                       MidwayTunnel1     *tunnel,
                       MidwayApplication *self)
{
  connect_profile (self, midway_tunnel1_get_profile_id (tunnel));
}

static void
on_notification_retry_profile (MidwayNotifier    *notifier,
                               const char        *profile_id,
                               MidwayApplication *self)
{
  connect_profile (self, profile_id);
}

static void
on_notification_show_profile (MidwayNotifier    *notifier,
                              const char        *profile_id,
                              MidwayApplication *self)
{
  MidwayWindow *window = midway_application_get_window (self);

  midway_window_show_list (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_notification_show_log (MidwayNotifier    *notifier,
                          MidwayTunnel1     *tunnel,
                          MidwayApplication *self)
{
  show_log (self, midway_connection_list_find (self->connections, midway_tunnel1_get_profile_id (tunnel)));
}

/* A left click: disconnects what is up, or connects the profile last
 * used (the first one before any). */
static void
on_tray_activate (MidwayTray        *tray,
                  MidwayApplication *self)
{
  GListModel *model = G_LIST_MODEL (self->connections);
  g_autoptr(MidwayConnection) first = g_list_model_get_item (model, 0);
  guint n = g_list_model_get_n_items (model);
  gboolean any_active = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      any_active |= midway_connection_get_active (connection);
    }

  if (any_active)
    g_action_group_activate_action (G_ACTION_GROUP (self), "disconnect-all", NULL);
  else if (self->last_used_id != NULL && midway_connection_list_find (self->connections, self->last_used_id))
    connect_profile (self, self->last_used_id);
  else if (first != NULL)
    connect_profile (self, midway_connection_get_id (first));
  else
    present_from_tray (self, GTK_WINDOW (midway_application_get_window (self)));
}

/* --hidden holds the app without a window until the tray answers. */
static void
end_hidden_wait (MidwayApplication *self)
{
  if (self->hidden_wait_source == 0)
    return;
  g_clear_handle_id (&self->hidden_wait_source, g_source_remove);
  g_application_release (G_APPLICATION (self));
}

/* With a tray the app lives on when its window closes; without one it
 * must never run invisibly, so it shows its window and says why once. */
static void
on_tray_has_host (MidwayTray        *tray,
                  GParamSpec        *pspec,
                  MidwayApplication *self)
{
  gboolean has_host = midway_tray_get_has_host (tray);

  if (has_host && !self->holding)
    {
      g_application_hold (G_APPLICATION (self));
      self->holding = TRUE;
    }
  else if (!has_host)
    {
      MidwayWindow *window = midway_application_get_window (self);

      gtk_window_present (GTK_WINDOW (window));
      if (!self->told_no_tray)
        midway_window_show_error (window, _("No system tray is running: Midway stays in this window"));
      self->told_no_tray = TRUE;
      if (self->holding)
        g_application_release (G_APPLICATION (self));
      self->holding = FALSE;
    }
  end_hidden_wait (self);
}

/* A watcher without a host, or one that refused the icon, says nothing
 * more: silence from the tray is no tray. */
static gboolean
on_hidden_wait_timeout (gpointer user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  self->hidden_wait_source = 0;
  if (!midway_tray_get_has_host (self->tray))
    on_tray_has_host (self->tray, NULL, self);
  g_application_release (G_APPLICATION (self));
  return G_SOURCE_REMOVE;
}

static void
midway_application_startup (GApplication *application)
{
  MidwayApplication *self = MIDWAY_APPLICATION (application);
  const char *quit_accels[] = { "<Control>q", NULL };
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (midway_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  self->secrets = midway_secret_store_new ();
  self->host_keys = midway_host_key_flow_new (self);
  self->notifier = midway_notifier_new ();
  g_signal_connect_object (self->notifier, "retry", G_CALLBACK (on_notification_retry), self, 0);
  g_signal_connect_object (self->notifier, "show-log", G_CALLBACK (on_notification_show_log), self, 0);
  g_signal_connect_object (self->notifier, "show-profile", G_CALLBACK (on_notification_show_profile), self, 0);
  g_signal_connect_object (self->notifier, "retry-profile", G_CALLBACK (on_notification_retry_profile), self, 0);

  self->last_used_id = midway_state_load_last_used ();
  self->connections = midway_connection_list_new ();
  g_signal_connect_object (self->connections, "tunnel-added", G_CALLBACK (on_tunnel_added), self, 0);
  g_signal_connect_object (self->connections, "tunnel-removed", G_CALLBACK (on_tunnel_removed), self, 0);
  if (!midway_connection_list_load (self->connections, &error))
    g_warning ("Cannot read the profiles: %s", error->message);
  midway_connection_list_watch_helper (self->connections);
  g_clear_error (&error);
  if (!midway_connection_list_watch_directory (self->connections, &error))
    g_warning ("Cannot follow the profiles: %s", error->message);

  self->tray = midway_tray_new (G_LIST_MODEL (self->connections), G_ACTION_GROUP (self));
  g_signal_connect_object (self->tray, "activate", G_CALLBACK (on_tray_activate), self, 0);
  g_signal_connect_object (self->tray, "notify::has-host", G_CALLBACK (on_tray_has_host), self, 0);
}

/* The login start: the profiles set to "Connect Automatically at Login". */
static void
connect_at_login (MidwayApplication *self)
{
  g_auto(GStrv) ids = midway_state_load_autoconnect ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      MidwayConnection *connection = midway_connection_list_find (self->connections, ids[i]);

      /* Deleted since, or already up (the helper kept it). */
      if (connection != NULL && !midway_connection_get_active (connection))
        connect_profile (self, ids[i]);
    }
}

static void
midway_application_activate (GApplication *application)
{
  MidwayApplication *self = MIDWAY_APPLICATION (application);

  if (self->start_hidden)
    {
      self->start_hidden = FALSE;
      connect_at_login (self);
      /* Already in the tray, or already told there is none (and shown). */
      if (midway_tray_get_has_host (self->tray) || self->told_no_tray)
        return;
      g_application_hold (application);
      self->hidden_wait_source = g_timeout_add_seconds (HIDDEN_WAIT_S, on_hidden_wait_timeout, self);
      return;
    }
  gtk_window_present (GTK_WINDOW (midway_application_get_window (self)));
}

/* --hidden, the login start: into the tray, the window only without one.
 * Runs in the process that was started, before it knows whether it is
 * the one that stays. */
static int
midway_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  MidwayApplication *self = MIDWAY_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  /* Before registering: a running instance is not asked. */
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("midway %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (!g_variant_dict_contains (options, MIDWAY_HIDDEN_OPTION))
    return -1;
  if (!g_application_register (application, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  /* Already running: a second start at login changes nothing, and must
   * not bring up a window either. */
  if (g_application_get_is_remote (application))
    return 0;
  self->start_hidden = TRUE;
  return -1;
}

static void
midway_application_shutdown (GApplication *application)
{
  MidwayApplication *self = MIDWAY_APPLICATION (application);

  /* No fetch outlives the app, and no dialog comes up as it goes. */
  if (self->host_keys != NULL)
    midway_host_key_flow_shutdown (self->host_keys);

  G_APPLICATION_CLASS (midway_application_parent_class)->shutdown (application);
}

static void
midway_application_dispose (GObject *object)
{
  MidwayApplication *self = MIDWAY_APPLICATION (object);

  if (self->profiles != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->profiles), (gpointer *) &self->profiles);
  self->profiles = NULL;
  g_clear_handle_id (&self->hidden_wait_source, g_source_remove);
  g_clear_object (&self->tray);
  g_clear_object (&self->notifier);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->last_used_id, g_free);
  g_clear_object (&self->host_keys);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (midway_application_parent_class)->dispose (object);
}

static void
midway_application_class_init (MidwayApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = midway_application_dispose;
  app_class->startup = midway_application_startup;
  app_class->activate = midway_application_activate;
  app_class->shutdown = midway_application_shutdown;
  app_class->handle_local_options = midway_application_handle_local_options;
}

static void
midway_application_init (MidwayApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE,
                                 _("Show the version"), NULL);
  g_application_add_main_option (G_APPLICATION (self), MIDWAY_HIDDEN_OPTION, 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE,
                                 _("Start in the tray without a window (the window still shows without a tray)"),
                                 NULL);
}

MidwayApplication *
midway_application_new (void)
{
  return g_object_new (MIDWAY_TYPE_APPLICATION,
                       "application-id", MIDWAY_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
