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
#include "midway-notifier.h"
#include "midway-profile-dialog.h"
#include "midway-secret-store.h"
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
  gboolean              holding;
  gboolean              told_no_tray;
};

G_DEFINE_FINAL_TYPE (MidwayApplication, midway_application, ADW_TYPE_APPLICATION)

MidwayConnectionList *
midway_application_get_connections (MidwayApplication *self)
{
  g_return_val_if_fail (MIDWAY_IS_APPLICATION (self), NULL);

  return self->connections;
}

static MidwayWindow *
get_window (MidwayApplication *self)
{
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
  MidwayWindow *window = get_window (self);

  midway_window_show_error (window, message);
  gtk_window_present (GTK_WINDOW (window));
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MidwayApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  path = midway_connection_list_connect_finish (MIDWAY_CONNECTION_LIST (source), result, &error);
  if (path == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Could not connect: %s"), error->message);

      show_error (self, message);
    }
}

static void
connect_profile (MidwayApplication *self,
                 const char        *profile_id)
{
  MidwayConnection *connection = midway_connection_list_find (self->connections, profile_id);

  if (connection == NULL)
    {
      show_error (self, _("This profile no longer exists"));
      return;
    }
  g_free (self->last_used_id);
  self->last_used_id = g_strdup (profile_id);
  midway_connection_list_connect_async (self->connections, connection, self->secrets, NULL,
                                        connect_cb, g_object_ref (self));
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

static void
show_window_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  gtk_window_present (GTK_WINDOW (get_window (MIDWAY_APPLICATION (user_data))));
}

static void
profiles_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  if (self->profiles == NULL)
    {
      self->profiles = midway_profile_dialog_new (GTK_APPLICATION (self), self->connections);
      g_object_add_weak_pointer (G_OBJECT (self->profiles), (gpointer *) &self->profiles);
    }
  gtk_window_present (GTK_WINDOW (self->profiles));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "connect", connect_action, "s", NULL, NULL, { 0 } },
  { "disconnect", disconnect_action, "s", NULL, NULL, { 0 } },
  { "disconnect-all", disconnect_all_action, NULL, NULL, NULL, { 0 } },
  { "show-window", show_window_action, NULL, NULL, NULL, { 0 } },
  /* The per-tunnel log view is not there yet: the window stands in. */
  { "show-log", show_window_action, NULL, NULL, NULL, { 0 } },
  { "profiles", profiles_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
on_tunnel_added (MidwayConnectionList *list,
                 MidwayTunnel1        *tunnel,
                 MidwayApplication    *self)
{
  midway_notifier_watch (self->notifier, tunnel);
}

static void
on_tunnel_removed (MidwayConnectionList *list,
                   MidwayTunnel1        *tunnel,
                   MidwayApplication    *self)
{
  midway_notifier_unwatch (self->notifier, tunnel);
}

static void
on_notification_retry (MidwayNotifier    *notifier,
                       MidwayTunnel1     *tunnel,
                       MidwayApplication *self)
{
  connect_profile (self, midway_tunnel1_get_profile_id (tunnel));
}

static void
on_notification_show_log (MidwayNotifier    *notifier,
                          MidwayTunnel1     *tunnel,
                          MidwayApplication *self)
{
  /* The per-tunnel log view is not there yet: bring up the window. */
  gtk_window_present (GTK_WINDOW (get_window (self)));
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
    gtk_window_present (GTK_WINDOW (get_window (self)));
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
      MidwayWindow *window = get_window (self);

      gtk_window_present (GTK_WINDOW (window));
      if (!self->told_no_tray)
        midway_window_show_error (window, _("No system tray is running: Midway stays in this window"));
      self->told_no_tray = TRUE;
      if (self->holding)
        g_application_release (G_APPLICATION (self));
      self->holding = FALSE;
    }
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
  self->notifier = midway_notifier_new ();
  g_signal_connect_object (self->notifier, "retry", G_CALLBACK (on_notification_retry), self, 0);
  g_signal_connect_object (self->notifier, "show-log", G_CALLBACK (on_notification_show_log), self, 0);

  self->connections = midway_connection_list_new ();
  g_signal_connect_object (self->connections, "tunnel-added", G_CALLBACK (on_tunnel_added), self, 0);
  g_signal_connect_object (self->connections, "tunnel-removed", G_CALLBACK (on_tunnel_removed), self, 0);
  if (!midway_connection_list_load (self->connections, &error))
    g_warning ("Cannot read the profiles: %s", error->message);
  midway_connection_list_watch_helper (self->connections);

  self->tray = midway_tray_new (G_LIST_MODEL (self->connections), G_ACTION_GROUP (self));
  g_signal_connect_object (self->tray, "activate", G_CALLBACK (on_tray_activate), self, 0);
  g_signal_connect_object (self->tray, "notify::has-host", G_CALLBACK (on_tray_has_host), self, 0);
}

static void
midway_application_activate (GApplication *application)
{
  gtk_window_present (GTK_WINDOW (get_window (MIDWAY_APPLICATION (application))));
}

static void
midway_application_dispose (GObject *object)
{
  MidwayApplication *self = MIDWAY_APPLICATION (object);

  if (self->profiles != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->profiles), (gpointer *) &self->profiles);
  self->profiles = NULL;
  g_clear_object (&self->tray);
  g_clear_object (&self->notifier);
  g_clear_object (&self->connections);
  g_clear_pointer (&self->last_used_id, g_free);
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
}

static void
midway_application_init (MidwayApplication *self)
{
}

MidwayApplication *
midway_application_new (void)
{
  return g_object_new (MIDWAY_TYPE_APPLICATION,
                       "application-id", MIDWAY_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       NULL);
}
