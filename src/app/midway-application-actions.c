/* midway-application-actions.c: the app.* actions, which the window's
 * rows, the tray's menu and the notifications' buttons activate.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-application-private.h"
#include "midway-reason.h"

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
      midway_application_show_error (self, message);
    }
}

static void
connect_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  midway_application_connect_profile (MIDWAY_APPLICATION (user_data), g_variant_get_string (parameter, NULL));
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
connect_system_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  midway_application_connect_system_profile (MIDWAY_APPLICATION (user_data),
                                             g_variant_get_string (parameter, NULL));
}

/* The machine's tunnel: polkit decides (connect-system-profile). */
static void
disconnect_system_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  disconnect_connection (self, midway_connection_list_find_system (self->connections,
                                                                   g_variant_get_string (parameter, NULL)));
}

/* The user's own tunnels: the machine's system profiles stay up. */
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
  MidwayApplication *self = MIDWAY_APPLICATION (user_data);

  midway_application_present_from_tray (self, GTK_WINDOW (midway_application_get_window (self)));
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

void
midway_application_show_log (MidwayApplication *self,
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

  midway_application_show_log (self, pick_log_connection (self));
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
  { "connect-system", connect_system_action, "s", NULL, NULL, { 0 } },
  { "disconnect-system", disconnect_system_action, "s", NULL, NULL, { 0 } },
  { "disconnect-all", disconnect_all_action, NULL, NULL, NULL, { 0 } },
  { "show-window", show_window_action, NULL, NULL, NULL, { 0 } },
  { "show-log", show_log_action, NULL, NULL, NULL, { 0 } },
  { "profiles", profiles_action, NULL, NULL, NULL, { 0 } },
  { "new-profile", new_profile_action, NULL, NULL, NULL, { 0 } },
  { "edit-profile", edit_profile_action, "s", NULL, NULL, { 0 } },
  { "import-profile", import_profile_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

void
midway_application_add_actions (MidwayApplication *self)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
}
