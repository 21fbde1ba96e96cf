/* midway-window.c: the main window, the list of connections.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-autostart.h"
#include "midway-connection-row.h"
#include "midway-tunnel-details.h"
#include "midway-window.h"

struct _MidwayWindow
{
  AdwApplicationWindow parent_instance;

  GListModel          *connections;
  GListModel          *system_connections;   /* or NULL */

  AdwToastOverlay     *toasts;
  GtkStack            *stack;
  GtkListBox          *list;
  GtkWidget           *system_heading;
  GtkListBox          *system_list;
  AdwWindowTitle      *window_title;
  GtkButton           *back_button;
  GtkButton           *edit_button;
  GtkButton           *add_button;
  GtkButton           *empty_add_button;
  GtkButton           *empty_import_button;
  GtkMenuButton       *menu_button;
  MidwayTunnelDetails *details;

  MidwayAutostart     *autostart;
  AdwToast            *toast;   /* weak: the message shown */
};

enum
{
  PROP_0,
  PROP_CONNECTIONS,
  PROP_SYSTEM_CONNECTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MidwayWindow, midway_window, ADW_TYPE_APPLICATION_WINDOW)

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  return midway_connection_row_new (MIDWAY_CONNECTION (item));
}

static GtkWidget *
create_system_row (gpointer item,
                   gpointer user_data)
{
  GtkWidget *row = midway_connection_row_new (MIDWAY_CONNECTION (item));

  midway_connection_row_set_system (MIDWAY_CONNECTION_ROW (row));
  return row;
}

static guint
n_system_connections (MidwayWindow *self)
{
  return self->system_connections != NULL ? g_list_model_get_n_items (self->system_connections) : 0;
}

static gboolean
showing_details (MidwayWindow *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "details") == 0;
}

static MidwayConnection *
find_connection (MidwayWindow *self,
                 const char   *profile_id)
{
  guint n = g_list_model_get_n_items (self->connections);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (self->connections, i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) == 0)
        return connection;  /* the model keeps its reference */
    }
  return NULL;
}

static void
set_back_enabled (MidwayWindow *self,
                  gboolean      enabled)
{
  GAction *back = g_action_map_lookup_action (G_ACTION_MAP (self), "back");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (back), enabled);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), enabled);
  /* Edit opens the profiles window on the profile whose details are shown. */
  gtk_widget_set_visible (GTK_WIDGET (self->edit_button), enabled);
}

static void
update_page (MidwayWindow *self)
{
  gboolean empty = g_list_model_get_n_items (self->connections) == 0 && n_system_connections (self) == 0;
  gboolean system = n_system_connections (self) > 0;

  gtk_widget_set_visible (self->system_heading, system);
  gtk_widget_set_visible (GTK_WIDGET (self->system_list), system);
  /* Only the group of the user's own profiles goes when it is empty. */
  gtk_widget_set_visible (GTK_WIDGET (self->list), g_list_model_get_n_items (self->connections) > 0);

  /* A reload makes new connection objects: the details follow the same
   * profile, or go when it went. */
  if (showing_details (self))
    {
      MidwayConnection *shown = midway_tunnel_details_get_connection (self->details);
      MidwayConnection *current = shown != NULL ? find_connection (self, midway_connection_get_id (shown)) : NULL;

      if (current != NULL)
        {
          midway_tunnel_details_set_connection (self->details, current);
          adw_window_title_set_title (self->window_title, midway_connection_get_name (current));
          return;
        }
    }

  midway_tunnel_details_set_connection (self->details, NULL);
  adw_window_title_set_title (self->window_title, _("Midway"));
  set_back_enabled (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

void
midway_window_show_details (MidwayWindow     *self,
                            MidwayConnection *connection)
{
  g_return_if_fail (MIDWAY_IS_WINDOW (self));
  g_return_if_fail (MIDWAY_IS_CONNECTION (connection));

  midway_tunnel_details_set_connection (self->details, connection);
  adw_window_title_set_title (self->window_title, midway_connection_get_name (connection));
  set_back_enabled (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "details");
}

void
midway_window_show_list (MidwayWindow *self)
{
  g_return_if_fail (MIDWAY_IS_WINDOW (self));

  /* Not on the details page: update_page would keep it. */
  gtk_stack_set_visible_child_name (self->stack, "list");
  update_page (self);
}

MidwayTunnelDetails *
midway_window_get_details (MidwayWindow *self)
{
  g_return_val_if_fail (MIDWAY_IS_WINDOW (self), NULL);

  return self->details;
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  MidwayWindow  *self)
{
  if (MIDWAY_IS_CONNECTION_ROW (row))
    midway_window_show_details (self, midway_connection_row_get_connection (MIDWAY_CONNECTION_ROW (row)));
}

/* The profiles window is the one editor: this opens it on the profile. */
static void
edit_profile_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  MidwayWindow *self = MIDWAY_WINDOW (user_data);
  MidwayConnection *shown = midway_tunnel_details_get_connection (self->details);
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));

  if (shown == NULL || application == NULL)
    return;
  g_action_group_activate_action (G_ACTION_GROUP (application), "edit-profile",
                                  g_variant_new_string (midway_connection_get_id (shown)));
}

static void
back_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  midway_window_show_list (MIDWAY_WINDOW (user_data));
}

/* The entry may have been removed (or written) behind our back: the menu
 * says what is on disk each time it opens. */
static void
sync_autostart (MidwayWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "autostart");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_boolean (midway_autostart_get_enabled (self->autostart)));
}

static void
autostart_change_state (GSimpleAction *action,
                        GVariant      *value,
                        gpointer       user_data)
{
  MidwayWindow *self = MIDWAY_WINDOW (user_data);
  g_autoptr(GError) error = NULL;

  if (!midway_autostart_set_enabled (self->autostart, g_variant_get_boolean (value), &error))
    midway_window_show_error (self, error->message);
  sync_autostart (self);
}

static void
on_menu_popup (GtkMenuButton *button,
               gpointer       user_data)
{
  sync_autostart (MIDWAY_WINDOW (user_data));
}

static const GActionEntry win_actions[] = {
  { "back", back_action, NULL, NULL, NULL, { 0 } },
  { "edit-profile", edit_profile_action, NULL, NULL, NULL, { 0 } },
  { "autostart", NULL, NULL, "false", autostart_change_state, { 0 } },
};

static void
on_items_changed (GListModel   *model,
                  guint         position,
                  guint         removed,
                  guint         added,
                  MidwayWindow *self)
{
  update_page (self);
}

GtkListBox *
midway_window_get_list (MidwayWindow *self)
{
  g_return_val_if_fail (MIDWAY_IS_WINDOW (self), NULL);

  return self->list;
}

void
midway_window_show_error (MidwayWindow *self,
                          const char   *message)
{
  AdwToast *toast;

  g_return_if_fail (MIDWAY_IS_WINDOW (self));

  /* The newest message replaces the one shown instead of queueing
   * behind it, and goes by itself. */
  if (self->toast != NULL)
    adw_toast_dismiss (self->toast);
  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 10);
  g_set_weak_pointer (&self->toast, toast);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
midway_window_constructed (GObject *object)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  G_OBJECT_CLASS (midway_window_parent_class)->constructed (object);

  gtk_list_box_bind_model (self->list, self->connections, create_row, NULL, NULL);
  g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  g_signal_connect_object (self->list, "row-activated", G_CALLBACK (on_row_activated), self, 0);
  if (self->system_connections != NULL)
    {
      gtk_list_box_bind_model (self->system_list, self->system_connections, create_system_row, NULL, NULL);
      g_signal_connect_object (self->system_connections, "items-changed", G_CALLBACK (on_items_changed), self, 0);
    }
  update_page (self);
}

static void
midway_window_dispose (GObject *object)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MIDWAY_TYPE_WINDOW);
  g_clear_object (&self->connections);
  g_clear_object (&self->system_connections);
  g_clear_object (&self->autostart);
  g_clear_weak_pointer (&self->toast);

  G_OBJECT_CLASS (midway_window_parent_class)->dispose (object);
}

static void
midway_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      g_value_set_object (value, self->connections);
      break;
    case PROP_SYSTEM_CONNECTIONS:
      g_value_set_object (value, self->system_connections);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONNECTIONS:
      self->connections = g_value_dup_object (value);
      break;
    case PROP_SYSTEM_CONNECTIONS:
      self->system_connections = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_window_class_init (MidwayWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = midway_window_constructed;
  object_class->dispose = midway_window_dispose;
  object_class->get_property = midway_window_get_property;
  object_class->set_property = midway_window_set_property;

  properties[PROP_CONNECTIONS] =
    g_param_spec_object ("connections", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The system profiles, in a group of their own below; NULL: none. */
  properties[PROP_SYSTEM_CONNECTIONS] =
    g_param_spec_object ("system-connections", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/midway_vpn/Midway/midway-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, list);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, system_heading);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, system_list);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, edit_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, empty_add_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, empty_import_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, details);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.back", NULL);

  g_type_ensure (MIDWAY_TYPE_CONNECTION_ROW);
  g_type_ensure (MIDWAY_TYPE_TUNNEL_DETAILS);
}

static void
midway_window_init (MidwayWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->autostart = midway_autostart_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  sync_autostart (self);
  gtk_menu_button_set_create_popup_func (self->menu_button, on_menu_popup, self, NULL);
}

MidwayWindow *
midway_window_new (AdwApplication *application,
                   GListModel     *connections)
{
  return midway_window_new_with_system (application, connections, NULL);
}

MidwayWindow *
midway_window_new_with_system (AdwApplication *application,
                               GListModel     *connections,
                               GListModel     *system_connections)
{
  return g_object_new (MIDWAY_TYPE_WINDOW,
                       "application", application,
                       "connections", connections,
                       "system-connections", system_connections,
                       NULL);
}
