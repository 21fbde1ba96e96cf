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
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_TUNNEL,
  PROP_NAME,
  PROP_STATE,
  PROP_ACTIVE,
  PROP_STATUS,
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

static void
on_tunnel_properties_changed (GDBusProxy *proxy,
                              GVariant   *changed,
                              GStrv       invalidated,
                              gpointer    user_data)
{
  notify_state (MIDWAY_CONNECTION (user_data));
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
  if (tunnel != NULL)
    self->tunnel_changed_handler = g_signal_connect_object (tunnel, "g-properties-changed",
                                                            G_CALLBACK (on_tunnel_properties_changed),
                                                            self, 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TUNNEL]);
  notify_state (self);
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

  return g_strdup (midway_state_describe (state));
}

static void
midway_connection_dispose (GObject *object)
{
  MidwayConnection *self = MIDWAY_CONNECTION (object);

  g_clear_signal_handler (&self->tunnel_changed_handler, self->tunnel);
  g_clear_object (&self->tunnel);
  g_clear_object (&self->profile);

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
