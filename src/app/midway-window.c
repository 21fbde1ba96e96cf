/* midway-window.c: the main window, the list of connections.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-connection-row.h"
#include "midway-window.h"

struct _MidwayWindow
{
  AdwApplicationWindow  parent_instance;

  GListModel           *connections;

  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  GtkListBox           *list;
};

enum {
  PROP_0,
  PROP_CONNECTIONS,
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

static void
update_page (MidwayWindow *self)
{
  gboolean empty = g_list_model_get_n_items (self->connections) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

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

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
midway_window_constructed (GObject *object)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  G_OBJECT_CLASS (midway_window_parent_class)->constructed (object);

  gtk_list_box_bind_model (self->list, self->connections, create_row, NULL, NULL);
  g_signal_connect_object (self->connections, "items-changed", G_CALLBACK (on_items_changed), self, 0);
  update_page (self);
}

static void
midway_window_dispose (GObject *object)
{
  MidwayWindow *self = MIDWAY_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MIDWAY_TYPE_WINDOW);
  g_clear_object (&self->connections);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/midway_vpn/Midway/midway-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MidwayWindow, list);

  g_type_ensure (MIDWAY_TYPE_CONNECTION_ROW);
}

static void
midway_window_init (MidwayWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

MidwayWindow *
midway_window_new (AdwApplication *application,
                   GListModel     *connections)
{
  return g_object_new (MIDWAY_TYPE_WINDOW,
                       "application", application,
                       "connections", connections,
                       NULL);
}
