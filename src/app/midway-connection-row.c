/* midway-connection-row.c: a connection's name, state and toggle.
 *
 * The toggle only asks (app.connect / app.disconnect); it follows the
 * tunnel's real state, so a refused or failed connect flips it back.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-connection-row.h"

struct _MidwayConnectionRow
{
  AdwActionRow      parent_instance;

  MidwayConnection *connection;
  GtkSwitch        *toggle;
  GtkWidget        *details_arrow;
  gboolean          system;
};

enum
{
  PROP_0,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MidwayConnectionRow, midway_connection_row, ADW_TYPE_ACTION_ROW)

static void
sync_from_connection (MidwayConnectionRow *self)
{
  g_autofree char *status = midway_connection_dup_status (self->connection);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), midway_connection_get_name (self->connection));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), status);
  gtk_switch_set_state (self->toggle, midway_connection_get_active (self->connection));
  gtk_switch_set_active (self->toggle, midway_connection_get_active (self->connection));
}

static void
on_connection_notify (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  sync_from_connection (MIDWAY_CONNECTION_ROW (user_data));
}

static gboolean
on_toggle_state_set (GtkSwitch           *toggle,
                     gboolean             state,
                     MidwayConnectionRow *self)
{
  const char *id = midway_connection_get_id (self->connection);

  if (state == midway_connection_get_active (self->connection))
    return FALSE;

  if (self->system)
    gtk_widget_activate_action (GTK_WIDGET (self), state ? "app.connect-system" : "app.disconnect-system", "s", id);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), state ? "app.connect" : "app.disconnect", "s", id);
  /* TRUE: the switch's state waits for the tunnel's. */
  return TRUE;
}

MidwayConnection *
midway_connection_row_get_connection (MidwayConnectionRow *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION_ROW (self), NULL);

  return self->connection;
}

static void
midway_connection_row_constructed (GObject *object)
{
  MidwayConnectionRow *self = MIDWAY_CONNECTION_ROW (object);

  G_OBJECT_CLASS (midway_connection_row_parent_class)->constructed (object);

  g_signal_connect_object (self->connection, "notify::status",
                           G_CALLBACK (on_connection_notify), self, 0);
  sync_from_connection (self);
}

static void
midway_connection_row_dispose (GObject *object)
{
  MidwayConnectionRow *self = MIDWAY_CONNECTION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), MIDWAY_TYPE_CONNECTION_ROW);
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (midway_connection_row_parent_class)->dispose (object);
}

static void
midway_connection_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MidwayConnectionRow *self = MIDWAY_CONNECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_connection_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  MidwayConnectionRow *self = MIDWAY_CONNECTION_ROW (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      self->connection = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_connection_row_class_init (MidwayConnectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = midway_connection_row_constructed;
  object_class->dispose = midway_connection_row_dispose;
  object_class->get_property = midway_connection_row_get_property;
  object_class->set_property = midway_connection_row_set_property;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, MIDWAY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-connection-row.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayConnectionRow, toggle);
  gtk_widget_class_bind_template_child (widget_class, MidwayConnectionRow, details_arrow);
  gtk_widget_class_bind_template_callback (widget_class, on_toggle_state_set);
}

static void
midway_connection_row_init (MidwayConnectionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
midway_connection_row_new (MidwayConnection *connection)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (connection), NULL);

  return g_object_new (MIDWAY_TYPE_CONNECTION_ROW, "connection", connection, NULL);
}

void
midway_connection_row_set_opens_details (MidwayConnectionRow *self,
                                         gboolean             opens_details)
{
  g_return_if_fail (MIDWAY_IS_CONNECTION_ROW (self));

  gtk_widget_set_visible (self->details_arrow, opens_details);
}

void
midway_connection_row_set_system (MidwayConnectionRow *self)
{
  g_return_if_fail (MIDWAY_IS_CONNECTION_ROW (self));

  /* The administrator's: a switch, and nothing to open or edit. */
  self->system = TRUE;
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);
  gtk_widget_set_visible (self->details_arrow, FALSE);
}
