/* midway-application-tray.c: the application and its tray item.
 *
 * With a tray the app lives on when its window closes; without one it
 * shows its window.  The login start (--hidden) waits a little for the
 * tray to answer before deciding.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-application-private.h"

/* How long --hidden waits for the tray to say whether it shows the icon. */
#define HIDDEN_WAIT_S 5

/* The host's activation token, when its click brought the window up, is
 * what lets a Wayland compositor raise it rather than only flag it. */
void
midway_application_present_from_tray (MidwayApplication *self,
                                      GtkWindow         *window)
{
  g_autofree char *token = self->tray != NULL ? midway_tray_take_activation_token (self->tray) : NULL;

  if (token != NULL)
    gtk_window_set_startup_id (window, token);
  gtk_window_present (window);
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
    midway_application_connect_profile (self, self->last_used_id);
  else if (first != NULL)
    midway_application_connect_profile (self, midway_connection_get_id (first));
  else
    midway_application_present_from_tray (self, GTK_WINDOW (midway_application_get_window (self)));
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

void
midway_application_watch_tray (MidwayApplication *self)
{
  self->tray = midway_tray_new (G_LIST_MODEL (self->connections), G_ACTION_GROUP (self));
  g_signal_connect_object (self->tray, "activate", G_CALLBACK (on_tray_activate), self, 0);
  g_signal_connect_object (self->tray, "notify::has-host", G_CALLBACK (on_tray_has_host), self, 0);
}

void
midway_application_wait_for_tray (MidwayApplication *self)
{
  /* Already in the tray, or already told there is none (and shown). */
  if (midway_tray_get_has_host (self->tray) || self->told_no_tray)
    return;
  g_application_hold (G_APPLICATION (self));
  self->hidden_wait_source = g_timeout_add_seconds (HIDDEN_WAIT_S, on_hidden_wait_timeout, self);
}

void
midway_application_end_tray (MidwayApplication *self)
{
  g_clear_handle_id (&self->hidden_wait_source, g_source_remove);
  g_clear_object (&self->tray);
}
