/* midway-helper-tunnel.c
 *
 * A tunnel is a series of attempts (midway-helper-tunnel-attempt.c), driven
 * through the phases below.  set_phase() is the only place a phase
 * changes and does every transition's side effects; phase_to_state() is
 * the only mapping to the D-Bus State.
 *
 *   new() ─► NEW ─start()─► CONNECTING ─"peer"─► NEGOTIATING ─"ip-up"─► UP
 *             │               │                   │    (link checked)   │
 *             │               └───────────────────┴─────────┬───────────┘
 *             │ no /dev/ppp                     both processes exited:
 *             ▼                          diagnosis, then the retry policy
 *           FAILED ◄─────────────── give up ────────────────┤
 *             │  ▲                     ┌────── retry ───────┤
 *             │  │                     ▼                    ▼ no route at all
 *             │  │                RETRY_WAIT ─route gone─► OFFLINE_WAIT
 *             │  │      timer, path changed │               │ a route again
 *             │  │                          └───────┬───────┘
 *             │  └── no /dev/ppp, spawn error ──────┤ ReconnectCount + 1
 *             │                                     ▼
 *             │                                 CONNECTING
 *   CONNECTING, NEGOTIATING, UP ─stop()─► STOPPING ─both exited─► STOPPED
 *   NEW, RETRY_WAIT, OFFLINE_WAIT ─stop()────────────────────────► STOPPED
 *             │ stop() dismisses                                     │
 *             └──────────────────────────► GONE ◄────────────────────┘
 *   any phase ─kill()────────────────────► GONE (terminal)
 *
 * A network change while an attempt runs (reconnect on) kills it; its end
 * then goes to the retry policy as "ended for a new path".  A refused link
 * (the peer's address is the server's, ...) kills it too, and the refusal
 * is the diagnosis.
 *
 * Side effects, by set_phase():
 *   entering UP           failures reset
 *   entering STOPPING     pppd is hung up (its Terminate-Request goes out)
 *   entering RETRY_WAIT   the retry timer, NextRetry (0 in OFFLINE_WAIT)
 *   leaving a wait        timer off, NextRetry 0
 *   entering FAILED       the fail-closed block is held for
 *                         MIDWAY_HELPER_BLOCK_FAILED_HOLD_S more
 *   leaving the attempt   tear_down(): the attempt freed (processes killed
 *   (to a phase without   if still running, link properties cleared,
 *   one)                  secret files removed), routes and DNS removed
 *   entering GONE         runtime directory removed, block lifted,
 *                         "finished" emitted (once a per-user block's
 *                         rules are gone: the firewall's worker)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-dbus-generated.h"
#include "midway-reason.h"
#include "midway-helper-block.h"
#include "midway-helper-diagnosis.h"
#include "midway-helper-log.h"
#include "midway-helper-report-protocol.h"
#include "midway-helper-retry-policy.h"
#include "midway-helper-routes.h"
#include "midway-helper-runtime-dir.h"
#include "midway-helper-dns.h"
#include "midway-helper-server-path.h"
#include "midway-helper-tunnel-attempt.h"
#include "midway-helper-tunnel.h"

#define LOG_MAX_LINES 500
#define LOG_MAX_LINE_LENGTH 512

typedef enum
{
  PHASE_NEW,           /* made, start() not through yet */
  PHASE_CONNECTING,    /* an attempt runs; the peer has not spoken yet */
  PHASE_NEGOTIATING,   /* the remote pppd speaks: PPP is negotiating */
  PHASE_UP,            /* IPCP up, routes and DNS in place */
  PHASE_STOPPING,      /* the user's stop: the attempt is ending */
  PHASE_RETRY_WAIT,    /* no attempt; a timer starts the next */
  PHASE_OFFLINE_WAIT,  /* no attempt; no route to the server, a network change starts the next */
  PHASE_FAILED,        /* given up; Disconnect dismisses it */
  PHASE_STOPPED,       /* stopped by the user; GONE follows at once */
  PHASE_GONE,          /* nothing of it runs; the manager unexports it */
} Phase;

struct _MidwayHelperTunnel
{
  GObject                    parent_instance;

  guint                      serial;
  char                      *ipparam;
  MidwayHelperRuntimeDir    *dir;        /* this tunnel's runtime directory */
  MidwayProfile             *profile;
  MidwayHelperUser          *user;
  MidwayHelperSecrets       *secrets;
  MidwayHelperAuthority     *authority;
  MidwayObjectSkeleton      *object;
  MidwayTunnel1             *iface;
  MidwayHelperLog           *log;

  Phase                      phase;
  MidwayHelperTunnelAttempt *attempt;    /* in CONNECTING, NEGOTIATING, UP, STOPPING */
  MidwayHelperRoutes        *routes;     /* the link's routes */
  MidwayHelperDns           *dns;        /* the link's resolvers */
  MidwayHelperServerPath    *server_path; /* the path ssh's connection takes */
  MidwayHelperBlock         *block;      /* fail-closed, from start to a deliberate disconnect */
  gboolean                   system;     /* a system profile's: Disconnect and GetLog by its own action */
  gboolean                   machine_wide; /* its block is every user's */

  gboolean                   ever_up;
  guint                      failures;   /* attempts in a row that did not come up */
  gint64                     last_network_retry; /* monotonic µs */
  guint                      retry_delay_s; /* for entering RETRY_WAIT */
  guint                      retry_source;
  guint                      block_hold_source;  /* failed: the block's last seconds */
};

enum
{
  SIGNAL_FINISHED,
  SIGNAL_ACTIVITY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperTunnel, midway_helper_tunnel, G_TYPE_OBJECT)

static gboolean start_attempt (MidwayHelperTunnel *self, GError **error);
static gboolean on_retry (gpointer user_data);

/* What each phase is.  GONE has no State: the object leaves the bus
 * with its last one. */
static const struct
{
  const char *state;        /* on D-Bus */
  gboolean    active;       /* counted by the manager's idle exit */
  gboolean    has_attempt;  /* an attempt runs */
  gboolean    waits;        /* for the next attempt */
} phases[] = {
  [PHASE_NEW] = { MIDWAY_STATE_STARTING_SSH, TRUE, FALSE, FALSE },
  [PHASE_CONNECTING] = { MIDWAY_STATE_STARTING_SSH, TRUE, TRUE, FALSE },
  [PHASE_NEGOTIATING] = { MIDWAY_STATE_NEGOTIATING_PPP, TRUE, TRUE, FALSE },
  [PHASE_UP] = { MIDWAY_STATE_UP, TRUE, TRUE, FALSE },
  [PHASE_STOPPING] = { MIDWAY_STATE_STOPPING, TRUE, TRUE, FALSE },
  [PHASE_RETRY_WAIT] = { MIDWAY_STATE_RECONNECTING, TRUE, FALSE, TRUE  },
  [PHASE_OFFLINE_WAIT] = { MIDWAY_STATE_RECONNECTING, TRUE, FALSE, TRUE  },
  [PHASE_FAILED] = { MIDWAY_STATE_FAILED, FALSE, FALSE, FALSE },
  [PHASE_STOPPED] = { MIDWAY_STATE_STOPPED, FALSE, FALSE, FALSE },
  [PHASE_GONE] = { NULL, FALSE, FALSE, FALSE },
};

static const char *
phase_to_state (Phase phase)
{
  g_assert ((guint) phase < G_N_ELEMENTS (phases));
  return phases[phase].state;
}

/* only a deliberate end (stop, kill, dispose) lifts the block; a
 * failed tunnel keeps it until then, or MIDWAY_HELPER_BLOCK_FAILED_HOLD_S
 * after it failed (see on_block_hold_over()).  With CALLBACK (given a
 * reference to the tunnel), returns whether there was a block: CALLBACK
 * runs once it is gone. */
static gboolean
lift_block (MidwayHelperTunnel *self,
            GAsyncReadyCallback callback)
{
  g_autoptr(MidwayHelperBlock) block = g_steal_pointer (&self->block);

  g_clear_handle_id (&self->block_hold_source, g_source_remove);
  if (block == NULL)
    return FALSE;
  midway_helper_block_remove_async (block, callback, callback != NULL ? g_object_ref (self) : NULL);
  return callback != NULL;
}

/* A tunnel that gave up does not keep its block for as long as the helper
 * runs: other users' tunnels keep the helper running, and they must not
 * be what decides how long this one's owner stays cut off. */
static gboolean
on_block_hold_over (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;

  self->block_hold_source = 0;
  midway_helper_log_appendf (self->log, "helper", "fail-closed: failed %u s ago, block lifted",
                             MIDWAY_HELPER_BLOCK_FAILED_HOLD_S);
  lift_block (self, NULL);
  return G_SOURCE_REMOVE;
}

/* The one teardown of an attempt and its link, whichever way it ended. */
static void
tear_down (MidwayHelperTunnel *self)
{
  g_clear_pointer (&self->attempt, midway_helper_tunnel_attempt_free);
  if (self->routes != NULL)
    midway_helper_routes_remove (self->routes);
  if (self->dns != NULL)
    midway_helper_dns_remove (self->dns);
}

static void
publish_state (MidwayHelperTunnel *self,
               const char         *state,
               const char         *reason,
               const char         *message)
{
  if (reason != NULL && *reason != '\0')
    {
      midway_tunnel1_set_last_reason (self->iface, reason);
      midway_tunnel1_set_last_message (self->iface, message != NULL ? message : "");
    }
  midway_tunnel1_set_state (self->iface, state);
  midway_helper_log_appendf (self->log, "helper", "state %s%s%s%s", state,
                             reason && *reason ? " (" : "", reason ? reason : "",
                             reason && *reason ? ")" : "");
  midway_tunnel1_emit_state_changed (self->iface, state, reason ? reason : "", message ? message : "");
}

/* @reason and @message: why, for LastReason and StateChanged ("" or NULL
 * leaves LastReason as it was). */
static void
on_gone_block_lifted (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MidwayHelperTunnel) self = user_data;

  midway_helper_block_remove_finish (MIDWAY_HELPER_BLOCK (source), result);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static void
set_phase (MidwayHelperTunnel *self,
           Phase               phase,
           const char         *reason,
           const char         *message)
{
  Phase old = self->phase;
  const char *state = phase_to_state (phase);
  gboolean lifting = FALSE;

  /* GONE is the end: a killed attempt's late exit changes nothing. */
  g_return_if_fail (old != PHASE_GONE);

  self->phase = phase;

  /* leaving */
  if (old == PHASE_RETRY_WAIT && phase != PHASE_RETRY_WAIT)
    g_clear_handle_id (&self->retry_source, g_source_remove);
  if (phases[old].waits && !phases[phase].waits)
    midway_tunnel1_set_next_retry (self->iface, 0);
  if (self->attempt != NULL && !phases[phase].has_attempt)
    tear_down (self);

  /* entering */
  switch (phase)
    {
    case PHASE_UP:
      self->ever_up = TRUE;
      self->failures = 0;
      break;

    case PHASE_STOPPING:
      /* pppd first: it sends LCP Terminate-Request through ssh, so the
       * server learns the link is gone instead of waiting for its echo
       * timeout. */
      midway_helper_tunnel_attempt_hang_up (self->attempt);
      break;

    case PHASE_RETRY_WAIT:
      midway_tunnel1_set_next_retry (self->iface,
                                     g_get_real_time () + (gint64) self->retry_delay_s * G_USEC_PER_SEC);
      self->retry_source = self->retry_delay_s == 0
        ? g_idle_add (on_retry, self)
        : g_timeout_add_seconds (self->retry_delay_s, on_retry, self);
      break;

    case PHASE_OFFLINE_WAIT:
      midway_tunnel1_set_next_retry (self->iface, 0);
      break;

    case PHASE_FAILED:
      if (self->block != NULL && self->block_hold_source == 0)
        self->block_hold_source = g_timeout_add_seconds (MIDWAY_HELPER_BLOCK_FAILED_HOLD_S,
                                                         on_block_hold_over, self);
      break;

    case PHASE_GONE:
      /* Not left to dispose: a reference held elsewhere (a call still in
       * polkit) must not keep the directory around. */
      midway_helper_runtime_dir_remove (self->dir);
      /* after the routes through ppp are gone; "finished" once it is */
      lifting = lift_block (self, on_gone_block_lifted);
      break;

    case PHASE_NEW:
    case PHASE_NEGOTIATING:
    case PHASE_STOPPED:
    default:
      break;
    }

  /* One wait turning into the other is not news: the State stays
   * "reconnecting" and nothing is emitted. */
  if (state != NULL && !(phases[old].waits && phases[phase].waits))
    publish_state (self, state, reason, message);

  /* Finished is when nothing of it is left: whoever waits for the
   * object to go (midwayctl down) finds the user's traffic let out. */
  if (phase == PHASE_GONE && !lifting)
    g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
  else if (phases[old].active != phases[phase].active)
    g_signal_emit (self, signals[SIGNAL_ACTIVITY_CHANGED], 0);
}

/* The plugin's reports ----------------------------------------------------- */

static void
on_ip_up (const char *ifname,
          const char *dns1,
          const char *dns2,
          gpointer    user_data)
{
  MidwayHelperTunnel *self = user_data;

  /* the path the link is up on, before its own routes go in */
  midway_helper_server_path_record (self->server_path);
  /* routes, once the interface exists */
  if (self->routes == NULL)
    self->routes = midway_helper_routes_new (self->profile, self->log);
  midway_helper_routes_apply (self->routes, ifname);
  /* DNS, which may need those routes to reach its servers */
  if (self->dns == NULL)
    self->dns = midway_helper_dns_new (self->profile, self->log);
  midway_helper_dns_apply (self->dns, ifname, dns1, dns2);

  set_phase (self, PHASE_UP, "", "");
}

static void
on_peer (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;

  if (self->phase != PHASE_STOPPING)
    set_phase (self, PHASE_NEGOTIATING, "", "");
}

static void
on_ip6_up (const char *ifname,
           const char *local,
           const char *remote,
           gpointer    user_data)
{
  MidwayHelperTunnel *self = user_data;

  midway_helper_log_appendf (self->log, "helper", "IPv6 up: %s peer %s", local, remote);
  if (self->routes == NULL)
    self->routes = midway_helper_routes_new (self->profile, self->log);
  midway_helper_routes_apply_ipv6 (self->routes, ifname);
}

/* Attempts ------------------------------------------------------------------ */

/* Both processes have exited. */
static void
on_attempt_ended (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;
  g_autofree char *message = NULL;
  g_autofree char *network_why = NULL;
  MidwayHelperRetryInput input = { 0 };
  MidwayHelperRetryDecision decision;
  gboolean stopping = self->phase == PHASE_STOPPING;
  const char *reason;

  reason = midway_helper_tunnel_attempt_diagnose (self->attempt, stopping, &message);
  input.for_network = self->attempt->for_network;
  input.link_was_up = self->attempt->link_up;
  network_why = g_strdup (self->attempt->network_why != NULL ? self->attempt->network_why : "");
  /* Before the policy looks at the network: the link's routes must be
   * gone from it. */
  tear_down (self);

  if (stopping)
    {
      set_phase (self, PHASE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
      set_phase (self, PHASE_GONE, NULL, NULL);
      return;
    }

  input.reconnect = midway_profile_get_reconnect (self->profile);
  input.ever_up = self->ever_up;
  input.failures = self->failures;
  input.reason = reason;
  input.offline = midway_helper_server_path_is_offline (self->server_path);
  input.now = g_get_monotonic_time ();
  input.last_network_retry = self->last_network_retry;
  decision = midway_helper_retry_decide (&input);
  self->failures = decision.failures;
  if (decision.network_retry)
    self->last_network_retry = input.now;
  if (input.for_network && decision.action != MIDWAY_HELPER_RETRY_GIVE_UP)
    {
      g_free (message);
      message = g_steal_pointer (&network_why);
    }

  switch (decision.action)
    {
    case MIDWAY_HELPER_RETRY_WHEN_ONLINE:
      /* with no route to the server an attempt can only fail; the
       * change of the network that brings one starts the next. */
      midway_helper_log_appendf (self->log, "helper", "no route to %s, waiting for the network",
                                 midway_profile_get_host (self->profile));
      set_phase (self, PHASE_OFFLINE_WAIT, decision.reason, message);
      break;

    case MIDWAY_HELPER_RETRY_AFTER_DELAY:
      self->retry_delay_s = decision.delay_s;
      set_phase (self, PHASE_RETRY_WAIT, decision.reason, message);
      break;

    case MIDWAY_HELPER_RETRY_GIVE_UP:
    default:
      set_phase (self, PHASE_FAILED, decision.reason, message);
      break;
    }
}

static const MidwayHelperTunnelAttemptEvents attempt_events = {
  .peer = on_peer,
  .ip_up = on_ip_up,
  .ip6_up = on_ip6_up,
  .ended = on_attempt_ended,
};

/* Ends in CONNECTING, or FAILED for a kernel without PPP; an error
 * (nothing started) changes no phase. */
static gboolean
start_attempt (MidwayHelperTunnel *self,
               GError            **error)
{
  MidwayHelperTunnelAttemptSpec spec = {
    .profile = self->profile,
    .user = self->user,
    .secrets = self->secrets,
    .dir = self->dir,
    .log = self->log,
    .server_path = self->server_path,
    .iface = self->iface,
    .ipparam = self->ipparam,
    .serial = self->serial,
    .events = &attempt_events,
    .user_data = self,
  };
  g_autofree char *no_ppp = NULL;

  g_return_val_if_fail (self->attempt == NULL, FALSE);

  /* Before anything runs: pppd would only find this out after ssh had
   * logged in to the server, and no retry can change the kernel. */
  if (!midway_helper_kernel_has_ppp ("/dev/ppp", &no_ppp))
    {
      midway_helper_log_append (self->log, "helper", no_ppp);
      set_phase (self, PHASE_FAILED, MIDWAY_REASON_NO_KERNEL_PPP, no_ppp);
      return TRUE;
    }

  /* Before the path is recorded: it is the pinned one from now on. */
  if (self->block != NULL)
    midway_helper_block_apply (self->block);
  midway_helper_server_path_start (self->server_path);

  self->attempt = midway_helper_tunnel_attempt_spawn (&spec, error);
  if (self->attempt == NULL)
    return FALSE;

  set_phase (self, PHASE_CONNECTING, "", "");
  return TRUE;
}

/* A wait is over: its timer, a new path or a route that came back. */
static gboolean
on_retry (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;
  g_autoptr(GError) error = NULL;

  self->retry_source = 0;
  midway_tunnel1_set_next_retry (self->iface, 0);
  midway_tunnel1_set_reconnect_count (self->iface, midway_tunnel1_get_reconnect_count (self->iface) + 1);

  if (!start_attempt (self, &error))
    {
      midway_helper_log_appendf (self->log, "helper", "%s", error->message);
      set_phase (self, PHASE_FAILED, MIDWAY_REASON_HELPER_ERROR, error->message);
    }
  return G_SOURCE_REMOVE;
}

/* D-Bus methods ------------------------------------------------------------- */

static void
on_disconnect_authorized (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MidwayHelperTunnel *self = g_object_get_data (G_OBJECT (invocation), "midway-tunnel");
  g_autoptr(GError) error = NULL;
  uid_t caller;

  if (!midway_helper_authority_authorize_finish (MIDWAY_HELPER_AUTHORITY (source), result, &caller, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  midway_helper_log_appendf (self->log, "helper", "disconnect requested by uid %u", (guint) caller);
  midway_tunnel1_complete_disconnect (self->iface, invocation);
  midway_helper_tunnel_stop (self);
}

static void
on_get_log_authorized (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GDBusMethodInvocation) invocation = user_data;
  MidwayHelperTunnel *self = g_object_get_data (G_OBJECT (invocation), "midway-tunnel");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  if (!midway_helper_authority_authorize_finish (MIDWAY_HELPER_AUTHORITY (source), result, NULL, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }

  lines = midway_helper_log_get_lines (self->log);
  midway_tunnel1_complete_get_log (self->iface, invocation,
                                   (const char * const *) lines);
}

static void
authorize_for_tunnel (MidwayHelperTunnel    *self,
                      GDBusMethodInvocation *invocation,
                      GAsyncReadyCallback    callback)
{
  /* The tunnel outlives the check even if it finishes meanwhile. */
  g_object_set_data_full (G_OBJECT (invocation), "midway-tunnel",
                          g_object_ref (self), g_object_unref);
  /* Nobody owns a system profile's tunnel: whoever may start it may also
   * stop it and read why it failed, as NetworkManager's network-control. */
  if (self->system)
    {
      midway_helper_authority_authorize_async (self->authority, invocation,
                                               MIDWAY_ACTION_CONNECT_SYSTEM_PROFILE,
                                               NULL, (uid_t) -1,
                                               callback, g_object_ref (invocation));
      return;
    }
  midway_helper_authority_authorize_async (self->authority, invocation,
                                           MIDWAY_ACTION_MANAGE_OWN_TUNNEL,
                                           MIDWAY_ACTION_MANAGE_OTHER_TUNNELS,
                                           self->user->credentials.uid,
                                           callback, g_object_ref (invocation));
}

static gboolean
on_handle_disconnect (MidwayTunnel1         *iface,
                      GDBusMethodInvocation *invocation,
                      MidwayHelperTunnel    *self)
{
  authorize_for_tunnel (self, invocation, on_disconnect_authorized);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_get_log (MidwayTunnel1         *iface,
                   GDBusMethodInvocation *invocation,
                   MidwayHelperTunnel    *self)
{
  authorize_for_tunnel (self, invocation, on_get_log_authorized);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Lifecycle ------------------------------------------------------------------ */

static void
midway_helper_tunnel_dispose (GObject *object)
{
  MidwayHelperTunnel *self = MIDWAY_HELPER_TUNNEL (object);

  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_pointer (&self->attempt, midway_helper_tunnel_attempt_free);
  midway_helper_runtime_dir_remove (self->dir);
  g_clear_object (&self->routes);   /* removes what is left */
  lift_block (self, NULL);
  if (self->dns != NULL)            /* pending replies hold references */
    midway_helper_dns_remove (self->dns);
  g_clear_object (&self->dns);
  g_clear_object (&self->server_path);

  G_OBJECT_CLASS (midway_helper_tunnel_parent_class)->dispose (object);
}

static void
midway_helper_tunnel_finalize (GObject *object)
{
  MidwayHelperTunnel *self = MIDWAY_HELPER_TUNNEL (object);

  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->log);
  g_clear_object (&self->authority);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->user, midway_helper_user_free);
  g_clear_pointer (&self->secrets, midway_helper_secrets_free);
  g_free (self->ipparam);
  g_clear_object (&self->dir);

  G_OBJECT_CLASS (midway_helper_tunnel_parent_class)->finalize (object);
}

static void
midway_helper_tunnel_class_init (MidwayHelperTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_tunnel_dispose;
  object_class->finalize = midway_helper_tunnel_finalize;

  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_ACTIVITY_CHANGED] =
    g_signal_new ("activity-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
midway_helper_tunnel_init (MidwayHelperTunnel *self)
{
  self->phase = PHASE_NEW;
}

MidwayHelperTunnel *
midway_helper_tunnel_new (guint                  serial,
                          const char            *object_path,
                          const char            *runtime_dir,
                          MidwayProfile         *profile,
                          MidwayHelperUser      *user,
                          MidwayHelperSecrets   *secrets,
                          MidwayHelperAuthority *authority)
{
  g_autofree char *dir_path = NULL;
  MidwayHelperTunnel *self;

  g_return_val_if_fail (g_variant_is_object_path (object_path), NULL);
  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (user != NULL && secrets != NULL, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_TUNNEL, NULL);
  self->serial = serial;
  self->ipparam = g_strdup_printf ("midway-%u", serial);
  dir_path = g_strdup_printf ("%s/tunnel-%u", runtime_dir, serial);
  self->dir = midway_helper_runtime_dir_new (dir_path, user->credentials.uid, user->credentials.gid);
  self->profile = g_object_ref (profile);
  self->user = user;
  self->secrets = secrets;
  self->authority = g_object_ref (authority);
  self->log = midway_helper_log_new (LOG_MAX_LINES, LOG_MAX_LINE_LENGTH);
  self->server_path = midway_helper_server_path_new (midway_profile_get_host (profile));

  self->object = midway_object_skeleton_new (object_path);
  self->iface = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (self->iface, midway_profile_get_id (profile));
  midway_tunnel1_set_profile_name (self->iface, midway_profile_get_name (profile));
  midway_tunnel1_set_owner (self->iface, user->credentials.uid);
  midway_tunnel1_set_system (self->iface, FALSE);
  midway_tunnel1_set_state (self->iface, MIDWAY_STATE_STARTING_SSH);
  midway_tunnel1_set_interface (self->iface, "");
  midway_tunnel1_set_local_address (self->iface, "");
  midway_tunnel1_set_remote_address (self->iface, "");
  midway_tunnel1_set_last_reason (self->iface, "");
  midway_tunnel1_set_last_message (self->iface, "");
  midway_object_skeleton_set_tunnel1 (self->object, self->iface);

  g_signal_connect_object (self->iface, "handle-disconnect", G_CALLBACK (on_handle_disconnect), self, 0);
  g_signal_connect_object (self->iface, "handle-get-log", G_CALLBACK (on_handle_get_log), self, 0);

  return self;
}

GDBusObjectSkeleton *
midway_helper_tunnel_get_object (MidwayHelperTunnel *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), NULL);
  return G_DBUS_OBJECT_SKELETON (self->object);
}

uid_t
midway_helper_tunnel_get_owner (MidwayHelperTunnel *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), (uid_t) -1);
  return self->user->credentials.uid;
}

const char *
midway_helper_tunnel_get_profile_id (MidwayHelperTunnel *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), NULL);
  return midway_profile_get_id (self->profile);
}

void
midway_helper_tunnel_set_system (MidwayHelperTunnel *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));
  self->system = TRUE;
  self->machine_wide = TRUE;
  midway_tunnel1_set_system (self->iface, TRUE);
}

gboolean
midway_helper_tunnel_get_system (MidwayHelperTunnel *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), FALSE);
  return self->system;
}

void
midway_helper_tunnel_set_machine_wide (MidwayHelperTunnel *self,
                                       gboolean            machine_wide)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));
  g_return_if_fail (self->block == NULL);
  self->machine_wide = machine_wide;
}

gboolean
midway_helper_tunnel_is_active (MidwayHelperTunnel *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), FALSE);
  return phases[self->phase].active;
}

gboolean
midway_helper_tunnel_start (MidwayHelperTunnel *self,
                            GError            **error)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), FALSE);

  if (!midway_helper_tunnel_attempt_prepare_dir (self->dir, self->profile, error))
    return FALSE;

  /* blocked from now on; the first attempt puts it in place. */
  if (midway_profile_get_fail_closed (self->profile))
    {
      self->block = midway_helper_block_new (self->profile, self->user->credentials.uid, self->log);
      midway_helper_block_set_machine_wide (self->block, self->machine_wide);
    }
  if (!start_attempt (self, error))
    {
      midway_helper_runtime_dir_remove (self->dir);
      lift_block (self, NULL);
      return FALSE;
    }
  return TRUE;
}

void
midway_helper_tunnel_stop (MidwayHelperTunnel *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));

  switch (self->phase)
    {
    case PHASE_GONE:
    case PHASE_STOPPING:
      return;

    case PHASE_FAILED:
      /* dismissed: it keeps "failed" to the end */
      set_phase (self, PHASE_GONE, NULL, NULL);
      return;

    case PHASE_NEW:
    case PHASE_RETRY_WAIT:
    case PHASE_OFFLINE_WAIT:
    case PHASE_STOPPED:
      /* nothing runs, so it is over now */
      set_phase (self, PHASE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
      set_phase (self, PHASE_GONE, NULL, NULL);
      return;

    case PHASE_CONNECTING:
    case PHASE_NEGOTIATING:
    case PHASE_UP:
    default:
      set_phase (self, PHASE_STOPPING, MIDWAY_REASON_STOPPED_BY_USER, "");
      return;
    }
}

void
midway_helper_tunnel_kill (MidwayHelperTunnel *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));

  if (self->phase != PHASE_GONE)
    set_phase (self, PHASE_GONE, NULL, NULL);
}

/* a burst of network events is over, or the machine woke up. */
void
midway_helper_tunnel_network_changed (MidwayHelperTunnel *self,
                                      gboolean            resumed)
{
  g_autofree char *why = NULL;
  MidwayHelperNetState state;

  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));

  /* Without reconnect, a new path could only end the tunnel: its LCP
   * echoes decide, as they always did. */
  if (self->phase == PHASE_GONE || self->phase == PHASE_STOPPING ||
      !midway_profile_get_reconnect (self->profile))
    return;
  if (self->attempt != NULL && !self->attempt->for_network)
    state = MIDWAY_HELPER_NET_RUNNING;
  else if (self->phase == PHASE_RETRY_WAIT)
    state = MIDWAY_HELPER_NET_WAITING;
  else if (self->phase == PHASE_OFFLINE_WAIT)
    state = MIDWAY_HELPER_NET_OFFLINE;
  else
    return;

  switch (midway_helper_server_path_check (self->server_path, state, resumed, &why))
    {
    case MIDWAY_HELPER_NET_KEEP:
      break;

    case MIDWAY_HELPER_NET_RECONNECT:
      midway_helper_log_appendf (self->log, "helper", "%s, reconnecting now", why);
      midway_helper_tunnel_attempt_end_for_network (self->attempt, g_steal_pointer (&why));
      break;

    case MIDWAY_HELPER_NET_RETRY_NOW:
      midway_helper_log_appendf (self->log, "helper", "%s, retrying now", why);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      on_retry (self);
      break;

    case MIDWAY_HELPER_NET_WAIT_FOR_ROUTE:
      midway_helper_log_appendf (self->log, "helper", "%s, waiting for the network", why);
      set_phase (self, PHASE_OFFLINE_WAIT, NULL, NULL);
      break;

    default:
      g_assert_not_reached ();
    }
}
