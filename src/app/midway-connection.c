/* midway-connection.c: one profile and, while it has one, its tunnel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-connection.h"
#include "midway-reason.h"

struct _MidwayConnection
{
  GObject        parent_instance;

  MidwayProfile *profile;
  MidwayTunnel1 *tunnel;
  gulong         tunnel_changed_handler;
  char          *refusal;  /* why the last Connect was refused, in words */
};

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_TUNNEL,
  PROP_NAME,
  PROP_STATE,
  PROP_ACTIVE,
  PROP_STATUS,
  PROP_INTERFACE,
  PROP_LOCAL_ADDRESS,
  PROP_REMOTE_ADDRESS,
  PROP_CONNECTED_SINCE,
  PROP_RX_BYTES,
  PROP_TX_BYTES,
  PROP_RECONNECT_COUNT,
  PROP_LAST_REASON,
  PROP_LAST_MESSAGE,
  PROP_NEXT_RETRY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_TYPE (MidwayConnection, midway_connection, G_TYPE_OBJECT)

static void
notify_state (MidwayConnection *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/* Tunnel1's properties that have one of ours. */
static const struct
{
  const char *dbus_name;
  guint       prop_id;
} tunnel_properties[] = {
  { "Interface", PROP_INTERFACE },
  { "LocalAddress", PROP_LOCAL_ADDRESS },
  { "RemoteAddress", PROP_REMOTE_ADDRESS },
  { "ConnectedSince", PROP_CONNECTED_SINCE },
  { "RxBytes", PROP_RX_BYTES },
  { "TxBytes", PROP_TX_BYTES },
  { "ReconnectCount", PROP_RECONNECT_COUNT },
  { "LastReason", PROP_LAST_REASON },
  { "LastMessage", PROP_LAST_MESSAGE },
  { "NextRetry", PROP_NEXT_RETRY },
};

/* What the state, "active" and the status line are made of.  The byte
 * counters are not: they change every few seconds on a busy link, and
 * the rows and the tray menu need not follow them. */
static gboolean
is_status_input (const char *dbus_name)
{
  return g_str_equal (dbus_name, "State") || g_str_equal (dbus_name, "LocalAddress") ||
         g_str_equal (dbus_name, "RemoteAddress") || g_str_equal (dbus_name, "LastReason");
}

static void
notify_tunnel_property (MidwayConnection *self,
                        const char       *dbus_name,
                        gboolean         *status_changed)
{
  if (is_status_input (dbus_name))
    *status_changed = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (tunnel_properties); i++)
    if (g_str_equal (tunnel_properties[i].dbus_name, dbus_name))
      g_object_notify_by_pspec (G_OBJECT (self), properties[tunnel_properties[i].prop_id]);
}

static void
on_tunnel_properties_changed (GDBusProxy *proxy,
                              GVariant   *changed,
                              GStrv       invalidated,
                              gpointer    user_data)
{
  MidwayConnection *self = MIDWAY_CONNECTION (user_data);
  gboolean status_changed = FALSE;
  GVariantIter iter;
  const char *name;

  g_object_freeze_notify (G_OBJECT (self));
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    notify_tunnel_property (self, name, &status_changed);
  for (guint i = 0; invalidated != NULL && invalidated[i] != NULL; i++)
    notify_tunnel_property (self, invalidated[i], &status_changed);
  if (status_changed)
    notify_state (self);
  g_object_thaw_notify (G_OBJECT (self));
}

MidwayProfile *
midway_connection_get_profile (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->profile;
}

const char *
midway_connection_get_id (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return midway_profile_get_id (self->profile);
}

const char *
midway_connection_get_name (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return midway_profile_get_name (self->profile);
}

MidwayTunnel1 *
midway_connection_get_tunnel (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel;
}

void
midway_connection_set_tunnel (MidwayConnection *self,
                              MidwayTunnel1    *tunnel)
{
  g_return_if_fail (MIDWAY_IS_CONNECTION (self));
  g_return_if_fail (tunnel == NULL || MIDWAY_IS_TUNNEL1 (tunnel));

  if (self->tunnel == tunnel)
    return;

  g_clear_signal_handler (&self->tunnel_changed_handler, self->tunnel);
  g_set_object (&self->tunnel, tunnel);
  /* A tunnel's own state says more than an older refusal. */
  if (tunnel != NULL)
    g_clear_pointer (&self->refusal, g_free);
  if (tunnel != NULL)
    self->tunnel_changed_handler = g_signal_connect_object (tunnel, "g-properties-changed",
                                                            G_CALLBACK (on_tunnel_properties_changed),
                                                            self, 0);

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TUNNEL]);
  notify_state (self);
  for (gsize i = 0; i < G_N_ELEMENTS (tunnel_properties); i++)
    g_object_notify_by_pspec (G_OBJECT (self), properties[tunnel_properties[i].prop_id]);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
midway_connection_get_state (MidwayConnection *self)
{
  const char *state;

  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  if (self->tunnel == NULL)
    return MIDWAY_STATE_STOPPED;
  state = midway_tunnel1_get_state (self->tunnel);
  return state != NULL ? state : MIDWAY_STATE_STOPPED;
}

gboolean
midway_connection_get_active (MidwayConnection *self)
{
  const char *state = midway_connection_get_state (self);

  return !g_str_equal (state, MIDWAY_STATE_STOPPED) &&
         !g_str_equal (state, MIDWAY_STATE_FAILED) &&
         !g_str_equal (state, MIDWAY_STATE_STOPPING);
}

char *
midway_connection_dup_status (MidwayConnection *self)
{
  const char *state = midway_connection_get_state (self);

  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  if (g_str_equal (state, MIDWAY_STATE_UP))
    {
      const char *local = midway_tunnel1_get_local_address (self->tunnel);
      const char *remote = midway_tunnel1_get_remote_address (self->tunnel);

      if (local != NULL && *local != '\0')
        /* Translators: a state ("Connected"), then our address and the peer's. */
        return g_strdup_printf (_("%s — %s ⇄ %s"), midway_state_describe (state), local,
                                remote != NULL ? remote : "");
    }
  else if (g_str_equal (state, MIDWAY_STATE_FAILED) || g_str_equal (state, MIDWAY_STATE_RECONNECTING))
    /* Translators: a state ("Failed"), then why, in plain words. */
    return g_strdup_printf (_("%s — %s"), midway_state_describe (state),
                            midway_reason_describe (midway_tunnel1_get_last_reason (self->tunnel)));
  else if (self->tunnel == NULL && self->refusal != NULL)
    /* Translators: a state ("Not connected"), then why Connect was refused. */
    return g_strdup_printf (_("%s — %s"), midway_state_describe (state), self->refusal);

  return g_strdup (midway_state_describe (state));
}

void
midway_connection_set_refusal (MidwayConnection *self,
                               const char       *words)
{
  g_return_if_fail (MIDWAY_IS_CONNECTION (self));

  g_free (self->refusal);
  self->refusal = g_strdup (words);
  /* Also when nothing changed: a switch turned on by hand is back off. */
  notify_state (self);
}

const char *
midway_connection_get_refusal (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->refusal;
}

/* The generated getters return NULL for a property the proxy has not
 * cached (an older helper): "" reads the same as "not up". */
static const char *
nonnull (const char *value)
{
  return value != NULL ? value : "";
}

const char *
midway_connection_get_interface (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel != NULL ? nonnull (midway_tunnel1_get_interface (self->tunnel)) : "";
}

const char *
midway_connection_get_local_address (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel != NULL ? nonnull (midway_tunnel1_get_local_address (self->tunnel)) : "";
}

const char *
midway_connection_get_remote_address (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel != NULL ? nonnull (midway_tunnel1_get_remote_address (self->tunnel)) : "";
}

static gint64
to_time (guint64 value)
{
  return (gint64) MIN (value, (guint64) G_MAXINT64);
}

gint64
midway_connection_get_connected_since (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), 0);

  return self->tunnel != NULL ? to_time (midway_tunnel1_get_connected_since (self->tunnel)) : 0;
}

guint64
midway_connection_get_rx_bytes (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), 0);

  return self->tunnel != NULL ? midway_tunnel1_get_rx_bytes (self->tunnel) : 0;
}

guint64
midway_connection_get_tx_bytes (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), 0);

  return self->tunnel != NULL ? midway_tunnel1_get_tx_bytes (self->tunnel) : 0;
}

guint
midway_connection_get_reconnect_count (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), 0);

  return self->tunnel != NULL ? midway_tunnel1_get_reconnect_count (self->tunnel) : 0;
}

const char *
midway_connection_get_last_reason (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel != NULL ? nonnull (midway_tunnel1_get_last_reason (self->tunnel)) : "";
}

const char *
midway_connection_get_last_message (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), NULL);

  return self->tunnel != NULL ? nonnull (midway_tunnel1_get_last_message (self->tunnel)) : "";
}

gint64
midway_connection_get_next_retry (MidwayConnection *self)
{
  g_return_val_if_fail (MIDWAY_IS_CONNECTION (self), 0);

  return self->tunnel != NULL ? to_time (midway_tunnel1_get_next_retry (self->tunnel)) : 0;
}

static void
get_log_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) lines = NULL;
  GError *error = NULL;

  reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_task_return_error (task, error);
      return;
    }
  lines = g_variant_get_child_value (reply, 0);
  g_task_return_pointer (task, g_variant_dup_strv (lines, NULL), (GDestroyNotify) g_strfreev);
}

void
midway_connection_get_log_async (MidwayConnection   *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MIDWAY_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_connection_get_log_async);

  if (self->tunnel == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("There is no log: this connection is not running"));
      return;
    }
  /* Through the proxy, for the flag: polkit may want to ask. */
  g_dbus_proxy_call (G_DBUS_PROXY (self->tunnel), "GetLog", NULL,
                     G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION, -1,
                     cancellable, get_log_cb, g_steal_pointer (&task));
}

GStrv
midway_connection_get_log_finish (MidwayConnection *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
midway_connection_dispose (GObject *object)
{
  MidwayConnection *self = MIDWAY_CONNECTION (object);

  g_clear_signal_handler (&self->tunnel_changed_handler, self->tunnel);
  g_clear_object (&self->tunnel);
  g_clear_object (&self->profile);

  g_clear_pointer (&self->refusal, g_free);

  G_OBJECT_CLASS (midway_connection_parent_class)->dispose (object);
}

static void
midway_connection_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  MidwayConnection *self = MIDWAY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_TUNNEL:
      g_value_set_object (value, self->tunnel);
      break;
    case PROP_NAME:
      g_value_set_string (value, midway_connection_get_name (self));
      break;
    case PROP_STATE:
      g_value_set_string (value, midway_connection_get_state (self));
      break;
    case PROP_ACTIVE:
      g_value_set_boolean (value, midway_connection_get_active (self));
      break;
    case PROP_STATUS:
      g_value_take_string (value, midway_connection_dup_status (self));
      break;
    case PROP_INTERFACE:
      g_value_set_string (value, midway_connection_get_interface (self));
      break;
    case PROP_LOCAL_ADDRESS:
      g_value_set_string (value, midway_connection_get_local_address (self));
      break;
    case PROP_REMOTE_ADDRESS:
      g_value_set_string (value, midway_connection_get_remote_address (self));
      break;
    case PROP_CONNECTED_SINCE:
      g_value_set_int64 (value, midway_connection_get_connected_since (self));
      break;
    case PROP_RX_BYTES:
      g_value_set_uint64 (value, midway_connection_get_rx_bytes (self));
      break;
    case PROP_TX_BYTES:
      g_value_set_uint64 (value, midway_connection_get_tx_bytes (self));
      break;
    case PROP_RECONNECT_COUNT:
      g_value_set_uint (value, midway_connection_get_reconnect_count (self));
      break;
    case PROP_LAST_REASON:
      g_value_set_string (value, midway_connection_get_last_reason (self));
      break;
    case PROP_LAST_MESSAGE:
      g_value_set_string (value, midway_connection_get_last_message (self));
      break;
    case PROP_NEXT_RETRY:
      g_value_set_int64 (value, midway_connection_get_next_retry (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_connection_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  MidwayConnection *self = MIDWAY_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;
    case PROP_TUNNEL:
      midway_connection_set_tunnel (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_connection_class_init (MidwayConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_connection_dispose;
  object_class->get_property = midway_connection_get_property;
  object_class->set_property = midway_connection_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, MIDWAY_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TUNNEL] =
    g_param_spec_object ("tunnel", NULL, NULL, MIDWAY_TYPE_TUNNEL1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, MIDWAY_STATE_STOPPED,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_INTERFACE] =
    g_param_spec_string ("interface", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOCAL_ADDRESS] =
    g_param_spec_string ("local-address", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REMOTE_ADDRESS] =
    g_param_spec_string ("remote-address", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED_SINCE] =
    g_param_spec_int64 ("connected-since", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RX_BYTES] =
    g_param_spec_uint64 ("rx-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TX_BYTES] =
    g_param_spec_uint64 ("tx-bytes", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECONNECT_COUNT] =
    g_param_spec_uint ("reconnect-count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_REASON] =
    g_param_spec_string ("last-reason", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_MESSAGE] =
    g_param_spec_string ("last-message", NULL, NULL, "",
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEXT_RETRY] =
    g_param_spec_int64 ("next-retry", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
midway_connection_init (MidwayConnection *self)
{
}

MidwayConnection *
midway_connection_new (MidwayProfile *profile)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  return g_object_new (MIDWAY_TYPE_CONNECTION, "profile", profile, NULL);
}
