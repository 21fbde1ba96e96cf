/* midway-notifier.c: what a person hears about their tunnels.
 *
 * One notification per tunnel, replaced in place as the tunnel moves on,
 * so the server shows at most one bubble for it.  A drop within the fold
 * window of the last restore starts a flap: nothing is shown until the
 * tunnel has kept still for a whole window, then a single message sums the
 * flap up.
 *
 * State comes from PropertiesChanged rather than the StateChanged signal:
 * the helper's skeleton sends the signal at once but the properties
 * (addresses, LastReason) in a later batch, so only the properties give a
 * consistent picture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <libnotify/notify.h>

#include "midway-notifier.h"
#include "midway-reason.h"

#define DEFAULT_FOLD_WINDOW_MS 30000

struct _MidwayNotifier
{
  GObject     parent_instance;

  GHashTable *watches;  /* MidwayTunnel1 → Watch */
  GHashTable *refusals; /* profile id → NotifyNotification: Connect refused */
  guint       fold_window_ms;
};

typedef struct
{
  MidwayNotifier     *notifier;  /* unowned: it owns us */
  MidwayTunnel1      *tunnel;
  gulong              properties_handler;
  NotifyNotification *notification;
  char               *state;
  gboolean            ever_up;
  gint64              down_since;     /* monotonic µs of the last drop, 0 while up */
  gint64              last_restore;   /* monotonic µs */
  gint64              flap_started;   /* monotonic µs, 0 outside a flap */
  guint               flap_drops;
  guint               flap_source;
  char               *failure_detail; /* the app's, instead of ssh's line */
} Watch;

enum
{
  PROP_0,
  PROP_FOLD_WINDOW,
  N_PROPS
};

enum
{
  SIGNAL_SHOW_LOG,
  SIGNAL_RETRY,
  SIGNAL_SHOW_PROFILE,
  SIGNAL_RETRY_PROFILE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (MidwayNotifier, midway_notifier, G_TYPE_OBJECT)

static void
watch_free (Watch *watch)
{
  g_clear_signal_handler (&watch->properties_handler, watch->tunnel);
  g_clear_handle_id (&watch->flap_source, g_source_remove);
  g_clear_object (&watch->notification);
  g_clear_object (&watch->tunnel);
  g_free (watch->state);
  g_free (watch->failure_detail);
  g_free (watch);
}

static const char *
tunnel_name (Watch *watch)
{
  const char *name = midway_tunnel1_get_profile_name (watch->tunnel);

  return name != NULL && *name != '\0' ? name : _("VPN");
}

static gboolean
server_has_actions (void)
{
  GList *caps = notify_get_server_caps ();
  gboolean found = g_list_find_custom (caps, "actions", (GCompareFunc) g_strcmp0) != NULL;

  g_list_free_full (caps, g_free);
  return found;
}

static char *
describe_addresses (Watch *watch)
{
  const char *local = midway_tunnel1_get_local_address (watch->tunnel);
  const char *remote = midway_tunnel1_get_remote_address (watch->tunnel);
  const char *iface = midway_tunnel1_get_interface (watch->tunnel);

  if (local == NULL || *local == '\0')
    return g_strdup ("");
  /* Translators: our address, the peer's address and the interface, e.g.
   * "Address 192.0.2.10, peer 192.0.2.1 on ppp0." */
  return g_strdup_printf (_("Address %s, peer %s on %s."), local,
                          remote != NULL && *remote != '\0' ? remote : "?",
                          iface != NULL && *iface != '\0' ? iface : "?");
}

static const char *
last_reason (Watch *watch)
{
  return midway_reason_describe (midway_tunnel1_get_last_reason (watch->tunnel));
}

static void
on_action (NotifyNotification *notification,
           char               *action,
           gpointer            user_data)
{
  Watch *watch = user_data;

  /* The bubble itself (mako, dunst): the tunnel's details and log. */
  if (g_strcmp0 (action, "show-log") == 0 || g_strcmp0 (action, "default") == 0)
    g_signal_emit (watch->notifier, signals[SIGNAL_SHOW_LOG], 0, watch->tunnel);
  else if (g_strcmp0 (action, "retry") == 0)
    g_signal_emit (watch->notifier, signals[SIGNAL_RETRY], 0, watch->tunnel);
}

static void
show (Watch        *watch,
      const char   *summary,
      const char   *body,
      const char   *icon_name,
      const char   *category,
      NotifyUrgency urgency,
      gboolean      offer_actions)
{
  g_autoptr(GError) error = NULL;

  if (watch->notification == NULL)
    watch->notification = notify_notification_new (summary, body, icon_name);
  else
    notify_notification_update (watch->notification, summary, body, icon_name);

  notify_notification_set_category (watch->notification, category);
  notify_notification_set_urgency (watch->notification, urgency);
  notify_notification_clear_actions (watch->notification);
  if (server_has_actions ())
    notify_notification_add_action (watch->notification, "default", _("Show"), on_action, watch, NULL);
  if (offer_actions && server_has_actions ())
    {
      notify_notification_add_action (watch->notification, "show-log", _("Show log"),
                                      on_action, watch, NULL);
      notify_notification_add_action (watch->notification, "retry", _("Retry"),
                                      on_action, watch, NULL);
    }

  if (!notify_notification_show (watch->notification, &error))
    g_warning ("Could not show a notification: %s", error->message);
}

static void
close_notification (Watch *watch)
{
  if (watch->notification != NULL)
    notify_notification_close (watch->notification, NULL);
  g_clear_object (&watch->notification);
}

/* ---- Flapping ----------------------------------------------------------- */

static void
end_flap (Watch *watch)
{
  g_clear_handle_id (&watch->flap_source, g_source_remove);
  watch->flap_started = 0;
  watch->flap_drops = 0;
}

static gboolean
flap_settled_cb (gpointer user_data)
{
  Watch *watch = user_data;
  guint seconds = (guint) ((g_get_monotonic_time () - watch->flap_started) / G_USEC_PER_SEC);
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;

  watch->flap_source = 0;

  /* Translators: %s is a profile name. */
  summary = g_strdup_printf (_("%s is unstable"), tunnel_name (watch));
  if (g_strcmp0 (watch->state, MIDWAY_STATE_UP) == 0)
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The link dropped %u time in %u s and is up again.",
                                         "The link dropped %u times in %u s and is up again.",
                                         watch->flap_drops),
                            watch->flap_drops, seconds);
  else
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The link dropped %u time in %u s and is reconnecting: %s.",
                                         "The link dropped %u times in %u s and is reconnecting: %s.",
                                         watch->flap_drops),
                            watch->flap_drops, seconds, last_reason (watch));
  show (watch, summary, body, "midway-tunnel-connecting-symbolic", "network", NOTIFY_URGENCY_NORMAL, FALSE);

  end_flap (watch);
  return G_SOURCE_REMOVE;
}

/* Every change during a flap pushes its end a window further. */
static void
rearm_flap (Watch *watch)
{
  g_clear_handle_id (&watch->flap_source, g_source_remove);
  watch->flap_source = g_timeout_add (watch->notifier->fold_window_ms, flap_settled_cb, watch);
}

/* ---- Transitions -------------------------------------------------------- */

static void
on_up (Watch *watch,
       gint64 now)
{
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_autofree char *addresses = describe_addresses (watch);

  if (!watch->ever_up)
    {
      watch->ever_up = TRUE;
      /* Translators: %s is a profile name. */
      summary = g_strdup_printf (_("Connected to %s"), tunnel_name (watch));
      show (watch, summary, addresses, "midway-tunnel-up-symbolic", "network.connected",
            NOTIFY_URGENCY_NORMAL, FALSE);
      /* A first drop soon after connecting is news, not a flap. */
      watch->down_since = 0;
      return;
    }
  else if (watch->flap_started != 0)
    rearm_flap (watch);
  else
    {
      guint seconds = watch->down_since != 0
                        ? (guint) ((now - watch->down_since) / G_USEC_PER_SEC) : 0;

      /* Translators: %s is a profile name. */
      summary = g_strdup_printf (_("%s restored"), tunnel_name (watch));
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Up again after %u second. %s",
                                           "Up again after %u seconds. %s", seconds),
                              seconds, addresses);
      show (watch, summary, g_strchomp (body), "midway-tunnel-up-symbolic", "network.connected",
            NOTIFY_URGENCY_NORMAL, FALSE);
    }

  watch->last_restore = now;
  watch->down_since = 0;
}

static void
on_reconnecting (Watch *watch,
                 gint64 now)
{
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  gboolean dropped = watch->ever_up && watch->down_since == 0;

  if (dropped)
    {
      watch->down_since = now;
      if (watch->flap_started == 0 && watch->last_restore != 0 &&
          now - watch->last_restore < (gint64) watch->notifier->fold_window_ms * 1000)
        watch->flap_started = now;
      if (watch->flap_started != 0)
        {
          watch->flap_drops++;
          rearm_flap (watch);
          return;
        }

      /* Translators: %s is a profile name. */
      summary = g_strdup_printf (_("%s dropped"), tunnel_name (watch));
      /* Translators: %s is why the link went down, in plain words. */
      body = g_strdup_printf (_("%s. Reconnecting…"), last_reason (watch));
      show (watch, summary, body, "midway-tunnel-error-symbolic", "network.disconnected",
            NOTIFY_URGENCY_NORMAL, FALSE);
      return;
    }

  if (watch->flap_started != 0)
    {
      rearm_flap (watch);
      return;
    }

  /* Another attempt failed while down: the same bubble, kept current. */
  {
    guint64 next_retry = midway_tunnel1_get_next_retry (watch->tunnel);
    gint64 wait_s = next_retry > 0
                      ? ((gint64) next_retry - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC
                      : 0;

    /* Translators: %s is a profile name. */
    summary = g_strdup_printf (_("Reconnecting to %s"), tunnel_name (watch));
    if (next_retry == 0)
      /* The helper has no route to the server and tries again as soon as
       * one appears: there is no countdown to show. */
      /* Translators: %s is the reason the link dropped, in words. */
      body = g_strdup_printf (_("%s. Waiting for the network."), last_reason (watch));
    else
      body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s. Next attempt in %u second.",
                                           "%s. Next attempt in %u seconds.",
                                           (gulong) MAX (wait_s, 0)),
                              last_reason (watch), (guint) MAX (wait_s, 0));
    show (watch, summary, body, "midway-tunnel-connecting-symbolic", "network.disconnected",
          NOTIFY_URGENCY_NORMAL, FALSE);
  }
}

static void
on_failed (Watch *watch)
{
  const char *detail = watch->failure_detail != NULL ? watch->failure_detail
                                                    : midway_tunnel1_get_last_message (watch->tunnel);
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;

  end_flap (watch);
  /* Translators: %s is a profile name. */
  summary = g_strdup_printf (_("%s failed"), tunnel_name (watch));
  if (detail != NULL && *detail != '\0')
    /* Translators: why it failed, in plain words, then the technical detail
     * (such as ssh's own error line). */
    body = g_strdup_printf (_("%s.\n%s"), last_reason (watch), detail);
  else
    body = g_strdup_printf ("%s.", last_reason (watch));
  /* Midway's own icon: network-error-symbolic is missing from themes
   * such as Breeze. */
  show (watch, summary, body, "midway-tunnel-error-symbolic", "network.error",
        NOTIFY_URGENCY_CRITICAL, TRUE);
}

static void
on_properties_changed (GDBusProxy *proxy,
                       GVariant   *changed,
                       GStrv       invalidated,
                       gpointer    user_data)
{
  Watch *watch = user_data;
  const char *state = midway_tunnel1_get_state (watch->tunnel);
  gint64 now = g_get_monotonic_time ();

  if (state == NULL || g_strcmp0 (state, watch->state) == 0)
    return;
  g_free (watch->state);
  watch->state = g_strdup (state);
  g_clear_pointer (&watch->failure_detail, g_free);

  if (g_str_equal (state, MIDWAY_STATE_UP))
    on_up (watch, now);
  else if (g_str_equal (state, MIDWAY_STATE_RECONNECTING))
    on_reconnecting (watch, now);
  else if (g_str_equal (state, MIDWAY_STATE_FAILED))
    on_failed (watch);
  else if (g_str_equal (state, MIDWAY_STATE_STOPPING) || g_str_equal (state, MIDWAY_STATE_STOPPED))
    {
      /* The person asked for it: no message, and none left behind. */
      end_flap (watch);
      close_notification (watch);
    }
}

/* ---- API ---------------------------------------------------------------- */

void
midway_notifier_watch (MidwayNotifier *self,
                       MidwayTunnel1  *tunnel)
{
  Watch *watch;

  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));
  g_return_if_fail (MIDWAY_IS_TUNNEL1 (tunnel));

  if (g_hash_table_contains (self->watches, tunnel))
    return;

  watch = g_new0 (Watch, 1);
  watch->notifier = self;
  watch->tunnel = g_object_ref (tunnel);
  /* A tunnel already up when we start is not news. */
  watch->state = g_strdup (midway_tunnel1_get_state (tunnel));
  watch->ever_up = g_strcmp0 (watch->state, MIDWAY_STATE_UP) == 0;
  watch->properties_handler = g_signal_connect (tunnel, "g-properties-changed",
                                                G_CALLBACK (on_properties_changed), watch);
  g_hash_table_insert (self->watches, tunnel, watch);
  /* A new tunnel of the profile: an earlier failure's bubble is old news. */
  if (midway_tunnel1_get_profile_id (tunnel) != NULL)
    midway_notifier_withdraw_refusal (self, midway_tunnel1_get_profile_id (tunnel));
}

static void on_refusal_action (NotifyNotification *notification,
                               char               *action,
                               gpointer            user_data);

/* The tunnel is gone (replaced by a new one, or forgotten by the helper).
 * Its bubble goes with it, but for a failure, which still has something
 * to say: that one stays, its buttons now working on the profile (the
 * tunnel they named is gone), until a new tunnel of the profile. */
void
midway_notifier_unwatch (MidwayNotifier *self,
                         MidwayTunnel1  *tunnel)
{
  Watch *watch;
  const char *profile_id;

  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));

  watch = g_hash_table_lookup (self->watches, tunnel);
  if (watch == NULL)
    return;
  profile_id = midway_tunnel1_get_profile_id (tunnel);
  if (watch->notification != NULL && g_strcmp0 (watch->state, MIDWAY_STATE_FAILED) == 0 && profile_id != NULL)
    {
      NotifyNotification *notification = g_steal_pointer (&watch->notification);

      midway_notifier_withdraw_refusal (self, profile_id);
      g_object_set_data_full (G_OBJECT (notification), "midway-profile-id", g_strdup (profile_id), g_free);
      notify_notification_clear_actions (notification);
      if (server_has_actions ())
        {
          notify_notification_add_action (notification, "default", _("Show"), on_refusal_action, self, NULL);
          notify_notification_add_action (notification, "retry", _("Retry"), on_refusal_action, self, NULL);
        }
      g_hash_table_insert (self->refusals, g_strdup (profile_id), notification);
    }
  else
    close_notification (watch);
  g_hash_table_remove (self->watches, tunnel);
}

void
midway_notifier_set_failure_detail (MidwayNotifier *self,
                                    MidwayTunnel1  *tunnel,
                                    const char     *detail)
{
  Watch *watch;

  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));
  g_return_if_fail (MIDWAY_IS_TUNNEL1 (tunnel));

  watch = g_hash_table_lookup (self->watches, tunnel);
  if (watch == NULL)
    return;
  g_free (watch->failure_detail);
  watch->failure_detail = g_strdup (detail);
  if (g_strcmp0 (watch->state, MIDWAY_STATE_FAILED) == 0)
    on_failed (watch);
}

guint
midway_notifier_get_fold_window (MidwayNotifier *self)
{
  g_return_val_if_fail (MIDWAY_IS_NOTIFIER (self), 0);

  return self->fold_window_ms;
}

void
midway_notifier_set_fold_window (MidwayNotifier *self,
                                 guint           milliseconds)
{
  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));

  if (self->fold_window_ms == milliseconds)
    return;
  self->fold_window_ms = milliseconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FOLD_WINDOW]);
}

/* ---- GObject ------------------------------------------------------------ */

static void
midway_notifier_finalize (GObject *object)
{
  MidwayNotifier *self = MIDWAY_NOTIFIER (object);

  g_clear_pointer (&self->watches, g_hash_table_unref);
  g_clear_pointer (&self->refusals, g_hash_table_unref);

  G_OBJECT_CLASS (midway_notifier_parent_class)->finalize (object);
}

static void
midway_notifier_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MidwayNotifier *self = MIDWAY_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_FOLD_WINDOW:
      g_value_set_uint (value, self->fold_window_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
midway_notifier_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MidwayNotifier *self = MIDWAY_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_FOLD_WINDOW:
      midway_notifier_set_fold_window (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- Connect refused, before any tunnel ---------------------------------- */

static void
on_refusal_action (NotifyNotification *notification,
                   char               *action,
                   gpointer            user_data)
{
  MidwayNotifier *self = MIDWAY_NOTIFIER (user_data);
  const char *profile_id = g_object_get_data (G_OBJECT (notification), "midway-profile-id");

  if (g_strcmp0 (action, "retry") == 0)
    g_signal_emit (self, signals[SIGNAL_RETRY_PROFILE], 0, profile_id);
  else
    g_signal_emit (self, signals[SIGNAL_SHOW_PROFILE], 0, profile_id);
}

void
midway_notifier_show_refusal (MidwayNotifier *self,
                              const char     *profile_id,
                              const char     *summary,
                              const char     *body)
{
  NotifyNotification *notification;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));
  g_return_if_fail (profile_id != NULL);

  /* One bubble per profile: a second refusal replaces the first. */
  notification = g_hash_table_lookup (self->refusals, profile_id);
  if (notification == NULL)
    {
      notification = notify_notification_new (summary, body, "midway-tunnel-error-symbolic");
      g_object_set_data_full (G_OBJECT (notification), "midway-profile-id", g_strdup (profile_id), g_free);
      g_hash_table_insert (self->refusals, g_strdup (profile_id), notification);
    }
  else
    notify_notification_update (notification, summary, body, "midway-tunnel-error-symbolic");
  notify_notification_set_category (notification, "network.error");
  notify_notification_set_urgency (notification, NOTIFY_URGENCY_NORMAL);
  notify_notification_clear_actions (notification);
  if (server_has_actions ())
    notify_notification_add_action (notification, "default", _("Show"), on_refusal_action, self, NULL);
  if (!notify_notification_show (notification, &error))
    g_warning ("Could not show a notification: %s", error->message);
}

void
midway_notifier_withdraw_refusal (MidwayNotifier *self,
                                  const char     *profile_id)
{
  NotifyNotification *notification;

  g_return_if_fail (MIDWAY_IS_NOTIFIER (self));

  notification = g_hash_table_lookup (self->refusals, profile_id);
  if (notification != NULL)
    {
      notify_notification_close (notification, NULL);
      g_hash_table_remove (self->refusals, profile_id);
    }
}

static void
midway_notifier_class_init (MidwayNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = midway_notifier_finalize;
  object_class->get_property = midway_notifier_get_property;
  object_class->set_property = midway_notifier_set_property;

  properties[PROP_FOLD_WINDOW] =
    g_param_spec_uint ("fold-window", NULL, NULL,
                       1, G_MAXUINT / 1000, DEFAULT_FOLD_WINDOW_MS,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SHOW_LOG] =
    g_signal_new ("show-log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MIDWAY_TYPE_TUNNEL1);
  signals[SIGNAL_RETRY] =
    g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MIDWAY_TYPE_TUNNEL1);
  /* A refusal's bubble was clicked: the profile id. */
  signals[SIGNAL_SHOW_PROFILE] =
    g_signal_new ("show-profile", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Retry on a failure whose tunnel is gone: the profile id. */
  signals[SIGNAL_RETRY_PROFILE] =
    g_signal_new ("retry-profile", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
midway_notifier_init (MidwayNotifier *self)
{
  self->fold_window_ms = DEFAULT_FOLD_WINDOW_MS;
  self->watches = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) watch_free);
  self->refusals = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  if (!notify_is_initted ())
    notify_init (_("Midway"));
}

MidwayNotifier *
midway_notifier_new (void)
{
  return g_object_new (MIDWAY_TYPE_NOTIFIER, NULL);
}
