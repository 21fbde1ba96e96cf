/* midway-tunnel-details.c: one connection's tunnel in full.
 *
 * Everything but the uptime follows the helper's PropertiesChanged: the
 * helper itself samples the byte counters (every few seconds, and only
 * when they moved), so nothing here polls.  The uptime is the one value
 * that changes on its own; its clock runs only while this view is mapped
 * and the link is up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-autostart.h"
#include "midway-reason.h"
#include "midway-state.h"
#include "midway-tunnel-details.h"

/* Shown for a value the tunnel does not have (not up, no problem yet). */
#define NO_VALUE "—"

struct _MidwayTunnelDetails
{
  AdwBin            parent_instance;

  MidwayConnection *connection;
  gulong            notify_handler;
  guint             uptime_source;
  GdkSurface       *surface;  /* the window's, while mapped */
  gulong            surface_state_handler;
  GCancellable     *log_cancellable;

  AdwActionRow     *state_row;
  GtkLabel         *state_value;
  GtkLabel         *interface_value;
  GtkLabel         *local_value;
  GtkLabel         *remote_value;
  GtkLabel         *uptime_value;
  GtkLabel         *rx_value;
  GtkLabel         *tx_value;
  GtkLabel         *reconnects_value;
  AdwActionRow     *reason_row;
  GtkLabel         *reason_value;
  GtkLabel         *log_status;
  GtkTextView      *log_view;
  GtkButton        *refresh_button;
  GtkButton        *copy_button;
  GtkSwitch        *autoconnect_switch;
  gboolean          syncing_autoconnect;
};

enum
{
  PROP_0,
  PROP_CONNECTION,
  PROP_TICKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MidwayTunnelDetails, midway_tunnel_details, ADW_TYPE_BIN)

static void
set_value (GtkLabel   *label,
           const char *value)
{
  gtk_label_set_text (label, value != NULL && *value != '\0' ? value : NO_VALUE);
}

static gboolean
link_is_up (MidwayTunnelDetails *self)
{
  return self->connection != NULL &&
         g_str_equal (midway_connection_get_state (self->connection), MIDWAY_STATE_UP) &&
         midway_connection_get_connected_since (self->connection) > 0;
}

static char *
format_uptime (gint64 seconds)
{
  guint64 s = (guint64) MAX (seconds, 0);
  guint days = (guint) MIN (s / 86400, G_MAXUINT);
  guint hours = (guint) (s % 86400 / 3600);
  guint minutes = (guint) (s % 3600 / 60);
  guint secs = (guint) (s % 60);

  if (days > 0)
    /* Translators: days, then hours:minutes:seconds. */
    return g_strdup_printf (ngettext ("%u day, %u:%02u:%02u", "%u days, %u:%02u:%02u", days),
                            days, hours, minutes, secs);
  /* Translators: hours:minutes:seconds. */
  return g_strdup_printf (_("%u:%02u:%02u"), hours, minutes, secs);
}

static void
sync_uptime (MidwayTunnelDetails *self)
{
  g_autofree char *text = NULL;

  if (!link_is_up (self))
    {
      set_value (self->uptime_value, NULL);
      return;
    }
  text = format_uptime ((g_get_real_time () - midway_connection_get_connected_since (self->connection)) /
                        G_USEC_PER_SEC);
  gtk_label_set_text (self->uptime_value, text);
}

static gboolean
on_uptime_tick (gpointer user_data)
{
  sync_uptime (MIDWAY_TUNNEL_DETAILS (user_data));
  return G_SOURCE_CONTINUE;
}

/* Mapped is not seen: a minimized window keeps its widgets mapped. */
static gboolean
is_shown (MidwayTunnelDetails *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return FALSE;
  return self->surface == NULL || !GDK_IS_TOPLEVEL (self->surface) ||
         !(gdk_toplevel_get_state (GDK_TOPLEVEL (self->surface)) & GDK_TOPLEVEL_STATE_MINIMIZED);
}

static void
update_ticking (MidwayTunnelDetails *self)
{
  gboolean wanted = is_shown (self) && link_is_up (self);

  if (wanted == (self->uptime_source != 0))
    return;
  if (wanted)
    {
      /* Seconds, not milliseconds: GLib may fold it into other wakeups. */
      self->uptime_source = g_timeout_add_seconds (1, on_uptime_tick, self);
      g_source_set_name_by_id (self->uptime_source, "[midway] uptime");
    }
  else
    g_clear_handle_id (&self->uptime_source, g_source_remove);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TICKING]);
}

static char *
dup_state_detail (MidwayConnection *connection)
{
  const char *state = midway_connection_get_state (connection);
  gint64 next_retry;
  g_autoptr(GDateTime) at = NULL;
  g_autofree char *clock_time = NULL;

  if (!g_str_equal (state, MIDWAY_STATE_RECONNECTING))
    return NULL;
  next_retry = midway_connection_get_next_retry (connection);
  if (next_retry == 0)
    return g_strdup (_("Waiting for a route to the server"));
  /* The time of day, not a countdown: a countdown would need a clock. */
  at = g_date_time_new_from_unix_local (next_retry / G_USEC_PER_SEC);
  clock_time = at != NULL ? g_date_time_format (at, "%X") : NULL;
  /* Translators: a time of day. */
  return clock_time != NULL ? g_strdup_printf (_("Next attempt at %s"), clock_time) : NULL;
}

static void
sync_values (MidwayTunnelDetails *self)
{
  MidwayConnection *connection = self->connection;
  g_autofree char *detail = NULL;
  g_autofree char *rx = NULL;
  g_autofree char *tx = NULL;
  g_autofree char *reconnects = NULL;
  const char *reason;

  if (connection == NULL)
    return;

  set_value (self->state_value, midway_state_describe (midway_connection_get_state (connection)));
  detail = dup_state_detail (connection);
  adw_action_row_set_subtitle (self->state_row, detail != NULL ? detail : "");
  set_value (self->interface_value, midway_connection_get_interface (connection));
  set_value (self->local_value, midway_connection_get_local_address (connection));
  set_value (self->remote_value, midway_connection_get_remote_address (connection));
  sync_uptime (self);

  rx = g_format_size (midway_connection_get_rx_bytes (connection));
  tx = g_format_size (midway_connection_get_tx_bytes (connection));
  reconnects = g_strdup_printf ("%u", midway_connection_get_reconnect_count (connection));
  gtk_label_set_text (self->rx_value, rx);
  gtk_label_set_text (self->tx_value, tx);
  gtk_label_set_text (self->reconnects_value, reconnects);

  reason = midway_connection_get_last_reason (connection);
  set_value (self->reason_value, *reason != '\0' ? midway_reason_describe (reason) : NULL);
  /* ssh's own words, for whoever has to fix it. */
  adw_action_row_set_subtitle (self->reason_row, midway_connection_get_last_message (connection));
}

/* ---- The log ------------------------------------------------------------ */

static void
show_log_status (MidwayTunnelDetails *self,
                 const char          *message)
{
  gtk_label_set_text (self->log_status, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->log_status), message != NULL);
}

static void
set_log_text (MidwayTunnelDetails *self,
              const char          *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, text, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), *text != '\0');
  /* The newest lines are the ones wanted. */
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_place_cursor (buffer, &end);
  gtk_text_view_scroll_to_mark (self->log_view, gtk_text_buffer_get_insert (buffer), 0.0, FALSE, 0.0, 1.0);
}

static void
get_log_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(MidwayTunnelDetails) self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;

  lines = midway_connection_get_log_finish (MIDWAY_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* An answer about a connection no longer shown. */
  if (MIDWAY_CONNECTION (source) != self->connection)
    return;

  if (lines == NULL)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED))
        message = g_strdup (error->message);
      else
        message = g_strdup_printf (_("Could not read the log: %s"), error->message);
      show_log_status (self, message);
      set_log_text (self, "");
      return;
    }

  text = g_strjoinv ("\n", lines);
  show_log_status (self, lines[0] == NULL ? _("The log is empty") : NULL);
  set_log_text (self, text);
}

void
midway_tunnel_details_reload_log (MidwayTunnelDetails *self)
{
  g_return_if_fail (MIDWAY_IS_TUNNEL_DETAILS (self));

  g_cancellable_cancel (self->log_cancellable);
  g_clear_object (&self->log_cancellable);
  if (self->connection == NULL)
    return;

  self->log_cancellable = g_cancellable_new ();
  midway_connection_get_log_async (self->connection, self->log_cancellable, get_log_cb, g_object_ref (self));
}

static void
on_refresh_clicked (MidwayTunnelDetails *self)
{
  midway_tunnel_details_reload_log (self);
}

static void
on_copy_clicked (MidwayTunnelDetails *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

/* ---- The connection ----------------------------------------------------- */

static void
on_connection_notify (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (user_data);

  sync_values (self);
  update_ticking (self);
  /* A new state is when the helper wrote something worth reading: why
   * it failed, what it does next. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (g_str_equal (pspec->name, "state") || g_str_equal (pspec->name, "tunnel")))
    midway_tunnel_details_reload_log (self);
}

MidwayConnection *
midway_tunnel_details_get_connection (MidwayTunnelDetails *self)
{
  g_return_val_if_fail (MIDWAY_IS_TUNNEL_DETAILS (self), NULL);

  return self->connection;
}

static void
sync_autoconnect (MidwayTunnelDetails *self)
{
  g_auto(GStrv) ids = midway_state_load_autoconnect ();
  const char *id = self->connection != NULL ? midway_connection_get_id (self->connection) : NULL;

  self->syncing_autoconnect = TRUE;
  gtk_switch_set_active (self->autoconnect_switch, id != NULL && g_strv_contains ((const char * const *) ids, id));
  self->syncing_autoconnect = FALSE;
}

/* On: the profile connects when the app starts at login, and so the app
 * is made to start at login. */
static void
on_autoconnect_active (GtkSwitch           *toggle,
                       GParamSpec          *pspec,
                       MidwayTunnelDetails *self)
{
  gboolean active = gtk_switch_get_active (toggle);
  g_autoptr(MidwayAutostart) autostart = NULL;
  g_autoptr(GError) error = NULL;

  if (self->syncing_autoconnect || self->connection == NULL)
    return;
  if (active)
    {
      autostart = midway_autostart_new ();
      if (!midway_autostart_set_enabled (autostart, TRUE, &error))
        {
          show_log_status (self, error->message);
          sync_autoconnect (self);
          return;
        }
    }
  if (!midway_state_set_autoconnect (midway_connection_get_id (self->connection), active, &error))
    show_log_status (self, error->message);
  sync_autoconnect (self);
}

GtkSwitch *
midway_tunnel_details_get_autoconnect_switch (MidwayTunnelDetails *self)
{
  g_return_val_if_fail (MIDWAY_IS_TUNNEL_DETAILS (self), NULL);

  return self->autoconnect_switch;
}

void
midway_tunnel_details_set_connection (MidwayTunnelDetails *self,
                                      MidwayConnection    *connection)
{
  g_return_if_fail (MIDWAY_IS_TUNNEL_DETAILS (self));
  g_return_if_fail (connection == NULL || MIDWAY_IS_CONNECTION (connection));

  if (self->connection == connection)
    return;

  g_clear_signal_handler (&self->notify_handler, self->connection);
  g_set_object (&self->connection, connection);
  if (connection != NULL)
    self->notify_handler = g_signal_connect_object (connection, "notify",
                                                    G_CALLBACK (on_connection_notify), self, 0);

  show_log_status (self, NULL);
  set_log_text (self, "");
  sync_autoconnect (self);
  sync_values (self);
  update_ticking (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    midway_tunnel_details_reload_log (self);
  else
    {
      g_cancellable_cancel (self->log_cancellable);
      g_clear_object (&self->log_cancellable);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

gboolean
midway_tunnel_details_get_ticking (MidwayTunnelDetails *self)
{
  g_return_val_if_fail (MIDWAY_IS_TUNNEL_DETAILS (self), FALSE);

  return self->uptime_source != 0;
}

/* ---- GtkWidget and GObject ------------------------------------------- */

static void
on_surface_state (GObject    *surface,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (user_data);

  /* Back from minimized: the label is a while behind. */
  sync_uptime (self);
  update_ticking (self);
}

static void
forget_surface (MidwayTunnelDetails *self)
{
  g_clear_signal_handler (&self->surface_state_handler, self->surface);
  g_clear_object (&self->surface);
}

static void
midway_tunnel_details_map (GtkWidget *widget)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (widget);
  GtkNative *native;

  GTK_WIDGET_CLASS (midway_tunnel_details_parent_class)->map (widget);

  forget_surface (self);
  native = gtk_widget_get_native (widget);
  if (native != NULL && gtk_native_get_surface (native) != NULL)
    {
      self->surface = g_object_ref (gtk_native_get_surface (native));
      self->surface_state_handler = g_signal_connect_object (self->surface, "notify::state",
                                                             G_CALLBACK (on_surface_state), self, 0);
    }

  /* What changed while nobody looked. */
  sync_values (self);
  update_ticking (self);
  midway_tunnel_details_reload_log (self);
}

static void
midway_tunnel_details_unmap (GtkWidget *widget)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (widget);

  GTK_WIDGET_CLASS (midway_tunnel_details_parent_class)->unmap (widget);

  forget_surface (self);
  update_ticking (self);
}

static void
midway_tunnel_details_dispose (GObject *object)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (object);

  g_clear_handle_id (&self->uptime_source, g_source_remove);
  forget_surface (self);
  g_cancellable_cancel (self->log_cancellable);
  g_clear_object (&self->log_cancellable);
  g_clear_signal_handler (&self->notify_handler, self->connection);
  g_clear_object (&self->connection);
  gtk_widget_dispose_template (GTK_WIDGET (self), MIDWAY_TYPE_TUNNEL_DETAILS);

  G_OBJECT_CLASS (midway_tunnel_details_parent_class)->dispose (object);
}

static void
midway_tunnel_details_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_TICKING:
      g_value_set_boolean (value, midway_tunnel_details_get_ticking (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_tunnel_details_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  MidwayTunnelDetails *self = MIDWAY_TUNNEL_DETAILS (object);

  switch (prop_id)
    {
    case PROP_CONNECTION:
      midway_tunnel_details_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_tunnel_details_class_init (MidwayTunnelDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = midway_tunnel_details_dispose;
  object_class->get_property = midway_tunnel_details_get_property;
  object_class->set_property = midway_tunnel_details_set_property;
  widget_class->map = midway_tunnel_details_map;
  widget_class->unmap = midway_tunnel_details_unmap;

  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, MIDWAY_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TICKING] =
    g_param_spec_boolean ("ticking", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-tunnel-details.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, state_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, autoconnect_switch);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, state_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, interface_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, local_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, remote_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, uptime_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, rx_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, tx_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, reconnects_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, reason_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, reason_value);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, log_status);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, log_view);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, MidwayTunnelDetails, copy_button);
  gtk_widget_class_bind_template_callback (widget_class, on_refresh_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
}

static void
midway_tunnel_details_init (MidwayTunnelDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
  g_signal_connect (self->autoconnect_switch, "notify::active", G_CALLBACK (on_autoconnect_active), self);
}

GtkWidget *
midway_tunnel_details_new (void)
{
  return g_object_new (MIDWAY_TYPE_TUNNEL_DETAILS, NULL);
}
