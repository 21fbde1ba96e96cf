/* midway-application.c: the desktop front end's application object.
 *
 * It owns what outlives a window: the connection list, the keyring and the
 * notifier; the window's rows and the notifications' buttons reach it
 * through the app.connect, app.disconnect and app.retry actions.
 *
 * This file has its lifecycle and the notifications' wiring; connecting,
 * the actions and the tray are in midway-application-{connect,actions,
 * tray}.c (midway-application-private.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-application-private.h"
#include "midway-autostart.h"
#include "midway-state.h"

G_DEFINE_FINAL_TYPE (MidwayApplication, midway_application, ADW_TYPE_APPLICATION)

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
  return midway_window_new_with_system (ADW_APPLICATION (self), G_LIST_MODEL (self->connections),
                                        midway_connection_list_get_system (self->connections));
}

void
midway_application_show_error (MidwayApplication *self,
                               const char        *message)
{
  MidwayWindow *window = midway_application_get_window (self);

  midway_window_show_error (window, message);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- Tunnels and notifications ------------------------------------------ */

static void
on_tunnel_properties_changed (GDBusProxy        *proxy,
                              GVariant          *changed,
                              GStrv              invalidated,
                              MidwayApplication *self)
{
  midway_host_key_flow_check_tunnel (self->host_keys, MIDWAY_TUNNEL1 (proxy));
}

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
  midway_application_connect_profile (self, midway_tunnel1_get_profile_id (tunnel));
}

static void
on_notification_retry_profile (MidwayNotifier    *notifier,
                               const char        *profile_id,
                               MidwayApplication *self)
{
  midway_application_connect_profile (self, profile_id);
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
  midway_application_show_log (self, midway_connection_list_find (self->connections, midway_tunnel1_get_profile_id (tunnel)));
}

static void
midway_application_startup (GApplication *application)
{
  MidwayApplication *self = MIDWAY_APPLICATION (application);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (midway_application_parent_class)->startup (application);

  midway_application_add_actions (self);

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

  midway_application_watch_tray (self);
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
        midway_application_connect_profile (self, ids[i]);
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
      midway_application_wait_for_tray (self);
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
  /* A fetch still under way holds the flow, not the application: it must
   * end here, also when the application never ran (and never shut down). */
  if (self->host_keys != NULL)
    midway_host_key_flow_shutdown (self->host_keys);
  midway_application_end_tray (self);
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
