/* midway-helper-tunnel.c
 *
 * A tunnel is a series of attempts.  Each attempt owns a fresh pty: pppd
 * (root) opens its slave, ssh (the caller) has its master on stdin and
 * stdout, and the two PPP streams meet in the middle.  The pppd plugin
 * reports over a socketpair when the peer first speaks and when IPCP is up;
 * when either process ends, the other is stopped, and the attempt's outcome
 * decides between "up again after a pause" and "failed".
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n-lib.h>

#include "midway-argv.h"
#include "midway-dbus-generated.h"
#include "midway-error.h"
#include "midway-reason.h"
#include "midway-helper-address-check.h"
#include "midway-helper-block.h"
#include "midway-helper-diagnosis.h"
#include "midway-helper-line-reader.h"
#include "midway-helper-log.h"
#include "midway-helper-routes.h"
#include "midway-helper-runtime-dir.h"
#include "midway-helper-dns.h"
#include "midway-helper-server-path.h"
#include "midway-helper-tunnel.h"

#define LOG_MAX_LINES 500
#define LOG_MAX_LINE_LENGTH 512
#define REPORT_MAX_LINE 256
#define SSH_TAIL_LINES 20
#define STOP_GRACE_MS 3000
/* Longer than ssh's ConnectTimeout plus a slow sudo: an attempt that has
 * not brought the link up by then is not going to. */
#define ATTEMPT_DEADLINE_S 60
#define STATS_INTERVAL_S 2
#define MAX_BACKOFF_S 60
/* a link given up on for a new path is redone at once, but not
 * twice within this long: a path that keeps moving gets the backoff. */
#define NETWORK_RETRY_GAP_S 5
#define PLUGIN_REPORT_FD 3

struct _MidwayHelperTunnel
{
  GObject                 parent_instance;

  guint                   serial;
  char                   *ipparam;
  MidwayHelperRuntimeDir *dir;        /* this tunnel's runtime directory */
  MidwayProfile          *profile;
  MidwayHelperUser       *user;
  MidwayHelperSecrets    *secrets;
  MidwayHelperAuthority  *authority;
  MidwayObjectSkeleton   *object;
  MidwayTunnel1          *iface;
  MidwayHelperLog        *log;

  /* The attempt under way, if any. */
  gboolean                attempt_running;
  int                     pty_master;
  int                     pty_slave;
  MidwayHelperProcess    *ssh;
  MidwayHelperProcess    *pppd;
  MidwayHelperLineReader *report;
  GQueue                  ssh_tail;
  gboolean                peer_seen;
  gboolean                link_up;
  gboolean                ssh_exited_first;
  const char             *refusal;    /* a reason code: the link was refused at ip-up */
  char                   *refusal_message;
  int                     link_down_status; /* pppd's reason, from the plugin; -1 before */
  char                   *ifname;
  MidwayHelperRoutes     *routes;     /* the link's routes */
  MidwayHelperDns        *dns;        /* the link's resolvers */
  MidwayHelperServerPath *server_path; /* the path ssh's connection takes */
  gboolean                network_reconnect; /* this attempt is ended for a new path */
  char                   *network_why;
  gboolean                waiting_for_route; /* reconnecting, but no route to try on */
  gint64                  last_network_reconnect; /* monotonic µs */
  MidwayHelperBlock      *block;      /* fail-closed, from start to a deliberate disconnect */
  gboolean                system;     /* a system profile's: Disconnect and GetLog by its own action */
  gboolean                machine_wide; /* its block is every user's */

  gboolean                stopping;
  gboolean                ever_up;
  gboolean                finished;
  guint                   failures;   /* attempts in a row that did not come up */
  guint                   retry_source;
  guint                   deadline_source;
  guint                   stats_source;
  guint                   block_hold_source;  /* failed: the block's last seconds */
};

enum {
  SIGNAL_FINISHED,
  SIGNAL_ACTIVITY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperTunnel, midway_helper_tunnel, G_TYPE_OBJECT)

static gboolean start_attempt (MidwayHelperTunnel *self, GError **error);

/* only a deliberate end (stop, kill, dispose) lifts the block; a
 * failed tunnel keeps it until then, or MIDWAY_HELPER_BLOCK_FAILED_HOLD_S
 * after it failed (see on_block_hold_over()). */
static void
lift_block (MidwayHelperTunnel *self)
{
  g_clear_handle_id (&self->block_hold_source, g_source_remove);
  if (self->block != NULL)
    midway_helper_block_remove (self->block);
  g_clear_object (&self->block);
}

/* g_clear_fd() is newer than GLib 2.74. */
static void
close_fd (int *fd)
{
  int old = g_steal_fd (fd);

  if (old >= 0)
    close (old);
}

static gboolean
state_is_active (const char *state)
{
  return g_strcmp0 (state, MIDWAY_STATE_FAILED) != 0 &&
         g_strcmp0 (state, MIDWAY_STATE_STOPPED) != 0;
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
  lift_block (self);
  return G_SOURCE_REMOVE;
}

static void
set_state (MidwayHelperTunnel *self,
           const char         *state,
           const char         *reason,
           const char         *message)
{
  gboolean was_active = state_is_active (midway_tunnel1_get_state (self->iface));

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

  if (self->block != NULL && g_strcmp0 (state, MIDWAY_STATE_FAILED) == 0 &&
      self->block_hold_source == 0)
    self->block_hold_source = g_timeout_add_seconds (MIDWAY_HELPER_BLOCK_FAILED_HOLD_S,
                                                     on_block_hold_over, self);
  if (was_active != state_is_active (state))
    g_signal_emit (self, signals[SIGNAL_ACTIVITY_CHANGED], 0);
}

static void
emit_finished (MidwayHelperTunnel *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  /* Not left to dispose: a reference held elsewhere (a call still in
   * polkit) must not keep the directory around. */
  midway_helper_runtime_dir_remove (self->dir);
  lift_block (self);   /* after the routes through ppp are gone */
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

/* Link statistics ----------------------------------------------------------- */

static guint64
read_counter (const char *ifname,
              const char *counter)
{
  g_autofree char *path = g_strdup_printf ("/sys/class/net/%s/statistics/%s", ifname, counter);
  g_autofree char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  return g_ascii_strtoull (text, NULL, 10);
}

static gboolean
on_stats_tick (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;
  guint64 rx, tx;

  if (self->ifname == NULL)
    return G_SOURCE_CONTINUE;

  rx = read_counter (self->ifname, "rx_bytes");
  tx = read_counter (self->ifname, "tx_bytes");
  /* Setting an unchanged value would still notify: idle links stay quiet. */
  if (midway_tunnel1_get_rx_bytes (self->iface) != rx)
    midway_tunnel1_set_rx_bytes (self->iface, rx);
  if (midway_tunnel1_get_tx_bytes (self->iface) != tx)
    midway_tunnel1_set_tx_bytes (self->iface, tx);
  return G_SOURCE_CONTINUE;
}

static void
clear_link_properties (MidwayHelperTunnel *self)
{
  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_pointer (&self->ifname, g_free);
  midway_tunnel1_set_interface (self->iface, "");
  midway_tunnel1_set_local_address (self->iface, "");
  midway_tunnel1_set_remote_address (self->iface, "");
  midway_tunnel1_set_connected_since (self->iface, 0);
  midway_tunnel1_set_rx_bytes (self->iface, 0);
  midway_tunnel1_set_tx_bytes (self->iface, 0);
}

/* The plugin's reports ----------------------------------------------------- */

static gboolean
is_interface_name (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len >= 16 || g_str_equal (name, ".") || g_str_equal (name, ".."))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
is_ipv4_address (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);

  return address != NULL && g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4;
}

/* Ends the attempt for good: what the peer gave would be the same again. */
static gboolean
refuse_link (MidwayHelperTunnel *self,
             const char         *reason,
             char               *message)
{
  midway_helper_log_appendf (self->log, "helper", "link refused: %s", message);
  self->refusal = reason;
  g_free (self->refusal_message);
  self->refusal_message = message;
  midway_helper_process_kill (self->pppd);
  midway_helper_process_kill (self->ssh);
  return FALSE;
}

/* What the peer negotiated, before anything is done with it.  pppd has
 * already put the addresses on the link; refusing kills it, and the
 * kernel takes them away with the interface. */
static gboolean
check_link (MidwayHelperTunnel *self,
            const char         *ifname,
            const char         *local,
            const char         *remote)
{
  g_auto(GStrv) servers = NULL;
  const char *dns_servers;

  /* The kernel's route to the peer would carry the ssh session's own
   * packets into the link they carry: it would come up, then die as
   * peer-not-responding, again on every reconnect. */
  if (g_str_equal (remote, midway_profile_get_host (self->profile)) ||
      midway_helper_server_path_is_server (self->server_path, remote))
    return refuse_link (self, MIDWAY_REASON_PEER_IS_SERVER,
                        g_strdup_printf ("the peer's address %s is the SSH server's own: "
                                         "its route would take the SSH connection into the link",
                                         remote));

  /* An address the profile names is the user's choice. */
  if (*midway_profile_get_local_address (self->profile) == '\0')
    {
      g_autoptr(GArray) addresses = midway_helper_if_addresses_get ();
      g_autofree char *why = NULL;

      if (!midway_helper_local_address_is_free (local, ifname,
                                                (const MidwayHelperIfAddress *) (gpointer) addresses->data,
                                                addresses->len, &why))
        return refuse_link (self, MIDWAY_REASON_ADDRESS_IN_USE,
                            g_strdup_printf ("the peer assigned %s", why));
    }

  /* The profile alone could not decide for a negotiated peer address;
   * with it known, every server must be reached through the link. */
  dns_servers = midway_profile_get_dns_servers (self->profile);
  servers = g_strsplit (dns_servers, ",", -1);
  for (guint i = 0; *dns_servers != '\0' && servers[i] != NULL; i++)
    if (midway_profile_reach_of (self->profile, servers[i], remote) != MIDWAY_REACH_TUNNEL ||
        midway_helper_server_path_is_server (self->server_path, servers[i]))
      return refuse_link (self, MIDWAY_REASON_DNS_OUTSIDE_TUNNEL,
                          g_strdup_printf ("DNS server %s is not reached through the tunnel "
                                           "(peer %s): queries would go out in the clear",
                                           servers[i], remote));

  return TRUE;
}

static void
on_link_up (MidwayHelperTunnel *self,
            const char         *ifname,
            const char         *local,
            const char         *remote,
            const char         *dns1,
            const char         *dns2)
{
  if (!is_interface_name (ifname) || !is_ipv4_address (local) || !is_ipv4_address (remote) ||
      !is_ipv4_address (dns1) || !is_ipv4_address (dns2))
    {
      midway_helper_log_append (self->log, "helper", "malformed ip-up report ignored");
      return;
    }

  if (!check_link (self, ifname, local, remote))
    return;

  g_free (self->ifname);
  self->ifname = g_strdup (ifname);
  self->link_up = TRUE;
  self->ever_up = TRUE;
  self->failures = 0;
  g_clear_handle_id (&self->deadline_source, g_source_remove);

  midway_tunnel1_set_interface (self->iface, ifname);
  midway_tunnel1_set_local_address (self->iface, local);
  midway_tunnel1_set_remote_address (self->iface, remote);
  midway_tunnel1_set_connected_since (self->iface, g_get_real_time ());
  if (self->stats_source == 0)
    self->stats_source = g_timeout_add_seconds (STATS_INTERVAL_S, on_stats_tick, self);

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

  set_state (self, MIDWAY_STATE_UP, "", "");
}

static void
on_report_line (MidwayHelperLineReader *reader,
                const char             *line,
                MidwayHelperTunnel     *self)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 8);
  guint n = g_strv_length (words);

  if (n == 0)
    return;

  if (g_str_equal (words[0], "peer") && n == 1)
    {
      if (self->peer_seen)
        return;
      self->peer_seen = TRUE;
      /* ssh is through: what it needed to authenticate can go. */
      midway_helper_runtime_dir_remove_secrets (self->dir);
      if (!self->stopping)
        set_state (self, MIDWAY_STATE_NEGOTIATING_PPP, "", "");
    }
  else if (g_str_equal (words[0], "ip-up") && n == 6)
    {
      if (!self->stopping)
        on_link_up (self, words[1], words[2], words[3], words[4], words[5]);
    }
  else if (g_str_equal (words[0], "ip6-up") && n == 4)
    {
      if (self->stopping || !is_interface_name (words[1]))
        return;
      midway_helper_log_appendf (self->log, "helper", "IPv6 up: %s peer %s", words[2], words[3]);
      if (self->routes == NULL)
        self->routes = midway_helper_routes_new (self->profile, self->log);
      midway_helper_routes_apply_ipv6 (self->routes, words[1]);
    }
  else if (g_str_equal (words[0], "link-down") && n == 2)
    {
      guint64 status;

      if (!g_ascii_string_to_unsigned (words[1], 10, 0, 255, &status, NULL))
        return;
      self->link_down_status = (int) status;
      /* A dead peer will not acknowledge pppd's Terminate-Requests: waiting
       * for them would only delay the reconnect by pppd's restart timers. */
      if (status == MIDWAY_PPPD_EXIT_PEER_DEAD && self->attempt_running)
        {
          midway_helper_log_append (self->log, "helper", "the peer stopped answering LCP echoes");
          midway_helper_process_kill (self->pppd);
          midway_helper_process_kill (self->ssh);
        }
    }
  else if ((g_str_equal (words[0], "phase") || g_str_equal (words[0], "ip-down") ||
            g_str_equal (words[0], "exit")) && n == 2)
    {
      g_debug ("tunnel %u: pppd reports %s %s", self->serial, words[0], words[1]);
    }
  else
    {
      midway_helper_log_append (self->log, "helper", "unexpected report from the pppd plugin ignored");
    }
}

/* Attempts ------------------------------------------------------------------ */

static void
close_attempt_fds (MidwayHelperTunnel *self)
{
  close_fd (&self->pty_master);
  close_fd (&self->pty_slave);
}

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
      set_state (self, MIDWAY_STATE_FAILED, MIDWAY_REASON_HELPER_ERROR, error->message);
    }
  return G_SOURCE_REMOVE;
}

static void
attempt_finished (MidwayHelperTunnel *self)
{
  g_autofree char *message = NULL;
  g_autoptr(GString) tail = g_string_new (NULL);
  MidwayHelperAttempt attempt = { 0 };
  const char *reason;

  for (GList *l = self->ssh_tail.head; l != NULL; l = l->next)
    g_string_append_printf (tail, "%s\n", (const char *) l->data);

  attempt.stopped_by_user = self->stopping;
  attempt.peer_seen = self->peer_seen;
  attempt.link_was_up = self->link_up;
  attempt.ssh_exited_first = self->ssh_exited_first;
  attempt.ssh_status = midway_helper_process_get_status (self->ssh);
  /* Why pppd took the link down is worth more than how it exited
   * (killed, or "hangup" once ssh was gone). */
  attempt.pppd_status = self->link_down_status >= 0
    ? self->link_down_status
    : midway_helper_process_get_status (self->pppd);
  attempt.ssh_stderr = tail->str;
  reason = midway_helper_diagnose (&attempt, &message);
  if (self->refusal != NULL && !self->stopping)
    {
      reason = self->refusal;
      g_free (message);
      message = g_strdup (self->refusal_message);
    }

  midway_helper_log_appendf (self->log, "helper", "attempt ended: ssh status %d, pppd status %d",
                             attempt.ssh_status, attempt.pppd_status);

  self->attempt_running = FALSE;
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  if (self->report != NULL)
    midway_helper_line_reader_stop (self->report);
  g_clear_object (&self->report);
  g_clear_object (&self->ssh);
  g_clear_object (&self->pppd);
  g_queue_clear_full (&self->ssh_tail, g_free);
  close_attempt_fds (self);
  midway_helper_runtime_dir_remove_secrets (self->dir);
  clear_link_properties (self);
  if (self->routes != NULL)
    midway_helper_routes_remove (self->routes);
  if (self->dns != NULL)
    midway_helper_dns_remove (self->dns);

  if (self->stopping)
    {
      set_state (self, MIDWAY_STATE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
      emit_finished (self);
      return;
    }

  /* an attempt ended for a new path did not fail. */
  if (!self->link_up && !self->network_reconnect)
    self->failures++;

  if (midway_profile_get_reconnect (self->profile) &&
      (self->network_reconnect ||
       (midway_reason_is_transient (reason) &&
        (self->ever_up || self->failures < MIDWAY_MAX_ATTEMPTS_NEVER_UP))))
    {
      guint delay = self->failures == 0 ? 1 : MIN (MAX_BACKOFF_S, 1u << MIN (self->failures, 6u));

      if (self->network_reconnect)
        {
          gint64 now = g_get_monotonic_time ();

          reason = MIDWAY_REASON_NETWORK_CHANGED;
          g_free (message);
          message = g_strdup (self->network_why != NULL ? self->network_why : "");
          if (self->last_network_reconnect == 0 ||
              now - self->last_network_reconnect >= NETWORK_RETRY_GAP_S * G_USEC_PER_SEC)
            {
              delay = 0;
              self->last_network_reconnect = now;
            }
        }
      /* with no route to the server an attempt can only fail;
       * the change of the network that brings one starts the next. */
      if (midway_helper_server_path_is_offline (self->server_path))
        {
          midway_helper_log_appendf (self->log, "helper", "no route to %s, waiting for the network",
                                     midway_profile_get_host (self->profile));
          self->waiting_for_route = TRUE;
          midway_tunnel1_set_next_retry (self->iface, 0);
          set_state (self, MIDWAY_STATE_RECONNECTING, reason, message);
          return;
        }

      midway_tunnel1_set_next_retry (self->iface, g_get_real_time () + (gint64) delay * G_USEC_PER_SEC);
      self->retry_source = delay == 0 ? g_idle_add (on_retry, self)
                                      : g_timeout_add_seconds (delay, on_retry, self);
      set_state (self, MIDWAY_STATE_RECONNECTING, reason, message);
      return;
    }

  set_state (self, MIDWAY_STATE_FAILED, reason, message);
}

static void
on_process_exited (MidwayHelperProcess *process,
                   MidwayHelperTunnel  *self)
{
  MidwayHelperProcess *other = process == self->ssh ? self->pppd : self->ssh;

  midway_helper_log_appendf (self->log, "helper", "%s exited with status %d",
                             midway_helper_process_get_tag (process),
                             midway_helper_process_get_status (process));

  if (other != NULL && !midway_helper_process_get_exited (other))
    {
      if (process == self->ssh)
        self->ssh_exited_first = TRUE;
      midway_helper_process_terminate (other, STOP_GRACE_MS);
      return;
    }

  attempt_finished (self);
}

static void
on_ssh_line (MidwayHelperProcess *process,
             const char          *line,
             MidwayHelperTunnel  *self)
{
  midway_helper_log_append (self->log, "ssh", line);
  g_queue_push_tail (&self->ssh_tail, g_strndup (line, LOG_MAX_LINE_LENGTH));
  while (self->ssh_tail.length > SSH_TAIL_LINES)
    g_free (g_queue_pop_head (&self->ssh_tail));
}

static void
on_pppd_line (MidwayHelperProcess *process,
              const char          *line,
              MidwayHelperTunnel  *self)
{
  midway_helper_log_append (self->log, "pppd", line);
}

static gboolean
on_attempt_deadline (gpointer user_data)
{
  MidwayHelperTunnel *self = user_data;

  self->deadline_source = 0;
  midway_helper_log_append (self->log, "helper", "the link did not come up in time");
  if (self->pppd != NULL)
    midway_helper_process_terminate (self->pppd, STOP_GRACE_MS);
  if (self->ssh != NULL)
    midway_helper_process_terminate (self->ssh, STOP_GRACE_MS);
  return G_SOURCE_REMOVE;
}

static gboolean
open_pty (MidwayHelperTunnel *self,
          char              **tty_path,
          GError            **error)
{
  char name[64];
  struct termios tio;

  self->pty_master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->pty_master < 0 || grantpt (self->pty_master) != 0 ||
      unlockpt (self->pty_master) != 0 ||
      ptsname_r (self->pty_master, name, sizeof name) != 0)
    goto fail;

  /* Held open for the whole attempt: if ssh started before pppd opened the
   * slave, a slave nobody holds would give ssh EIO on its stdin. */
  self->pty_slave = open (name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (self->pty_slave < 0 || tcgetattr (self->pty_slave, &tio) != 0)
    goto fail;
  /* Raw from the start, as pppd's own "pty" option does: an echoing line
   * discipline would bounce the peer's first frames back into ssh. */
  cfmakeraw (&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  if (tcsetattr (self->pty_slave, TCSANOW, &tio) != 0)
    goto fail;

  *tty_path = g_strdup (name);
  return TRUE;

fail:
  {
    int saved = errno;
    close_attempt_fds (self);
    g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                 "Could not allocate a pseudo-terminal: %s", g_strerror (saved));
    return FALSE;
  }
}

static void
add_printf (GStrvBuilder *builder,
            char         *owned)
{
  g_strv_builder_add (builder, owned);
  g_free (owned);
}

static GStrv
build_ssh_environment (MidwayHelperTunnel *self)
{
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();

  add_printf (env, g_strdup_printf ("HOME=%s", self->user->home));
  add_printf (env, g_strdup_printf ("USER=%s", self->user->name));
  add_printf (env, g_strdup_printf ("LOGNAME=%s", self->user->name));
  add_printf (env, g_strdup_printf ("SHELL=%s", self->user->shell));
  g_strv_builder_add (env, "PATH=/usr/local/bin:/usr/bin:/bin");
  /* ssh's messages are matched to tell the user what went wrong. */
  g_strv_builder_add (env, "LC_ALL=C");
  if (self->secrets->ssh_auth_sock != NULL)
    add_printf (env, g_strdup_printf ("SSH_AUTH_SOCK=%s", self->secrets->ssh_auth_sock));
  if (self->secrets->askpass_secret != NULL)
    {
      g_strv_builder_add (env, "SSH_ASKPASS=" MIDWAY_LIBEXECDIR "/midway-askpass");
      g_strv_builder_add (env, "SSH_ASKPASS_REQUIRE=force");
      add_printf (env, g_strdup_printf ("MIDWAY_ASKPASS_FILE=%s/%s",
                                        midway_helper_runtime_dir_get_path (self->dir),
                                        MIDWAY_HELPER_ASKPASS_FILE));
    }
  return g_strv_builder_end (env);
}

static gboolean
start_attempt (MidwayHelperTunnel *self,
               GError            **error)
{
  static const char * const pppd_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
  g_autofree char *tty_path = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *no_ppp = NULL;
  g_auto(GStrv) pppd_argv = NULL;
  g_auto(GStrv) ssh_argv = NULL;
  g_auto(GStrv) ssh_env = NULL;
  g_autoptr(GInputStream) report_stream = NULL;
  MidwayPppdArgs pppd_args = { 0 };
  MidwaySshArgs ssh_args = { 0 };
  MidwayHelperSpawnSpec spec = { 0 };
  int pair[2];
  int plugin_target = PLUGIN_REPORT_FD;

  g_return_val_if_fail (!self->attempt_running, FALSE);

  self->peer_seen = FALSE;
  self->link_up = FALSE;
  self->ssh_exited_first = FALSE;
  self->link_down_status = -1;
  self->refusal = NULL;
  g_clear_pointer (&self->refusal_message, g_free);

  self->network_reconnect = FALSE;
  g_clear_pointer (&self->network_why, g_free);
  self->waiting_for_route = FALSE;

  /* Before anything runs: pppd would only find this out after ssh had
   * logged in to the server, and no retry can change the kernel. */
  if (!midway_helper_kernel_has_ppp ("/dev/ppp", &no_ppp))
    {
      midway_helper_log_append (self->log, "helper", no_ppp);
      set_state (self, MIDWAY_STATE_FAILED, MIDWAY_REASON_NO_KERNEL_PPP, no_ppp);
      return TRUE;
    }

  /* Before the path is recorded: it is the pinned one from now on. */
  if (self->block != NULL)
    midway_helper_block_apply (self->block);
  midway_helper_server_path_start (self->server_path);

  if (!open_pty (self, &tty_path, error))
    return FALSE;

  if (*midway_profile_get_host_key (self->profile) != '\0')
    known_hosts = g_build_filename (midway_helper_runtime_dir_get_path (self->dir),
                                    MIDWAY_HELPER_KNOWN_HOSTS_FILE, NULL);
  if (self->secrets->private_key != NULL)
    identity = g_build_filename (midway_helper_runtime_dir_get_path (self->dir),
                                 MIDWAY_HELPER_IDENTITY_FILE, NULL);

  pppd_args.pppd_path = MIDWAY_PPPD_PATH;
  pppd_args.tty_path = tty_path;
  pppd_args.plugin_path = MIDWAY_PPPD_PLUGIN_PATH;
  pppd_args.report_fd = PLUGIN_REPORT_FD;
  pppd_args.ipparam = self->ipparam;
  ssh_args.ssh_path = MIDWAY_SSH_PATH;
  ssh_args.known_hosts_path = known_hosts;
  ssh_args.identity_path = identity;
  ssh_args.use_askpass = self->secrets->askpass_secret != NULL;

  pppd_argv = midway_argv_build_pppd (self->profile, &pppd_args, error);
  ssh_argv = midway_argv_build_ssh (self->profile, &ssh_args, error);
  if (pppd_argv == NULL || ssh_argv == NULL ||
      !midway_helper_runtime_dir_write_secrets (self->dir, self->secrets, error))
    {
      close_attempt_fds (self);
      return FALSE;
    }
  ssh_env = build_ssh_environment (self);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int saved = errno;
      close_attempt_fds (self);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                   "Could not create the plugin's channel: %s", g_strerror (saved));
      return FALSE;
    }
  report_stream = g_unix_input_stream_new (pair[0], TRUE);

  /* pppd first: with "silent" it waits for the remote pppd's first packet,
   * so it must be listening before ssh can deliver one. */
  spec.argv = (const char * const *) pppd_argv;
  spec.envp = pppd_env;
  spec.credentials = NULL;
  spec.stdin_fd = -1;
  spec.stdout_fd = -1;
  spec.source_fds = &pair[1];
  spec.target_fds = &plugin_target;
  spec.n_fds = 1;
  self->pppd = midway_helper_process_spawn ("pppd", &spec, error);
  close (pair[1]);
  if (self->pppd == NULL)
    {
      close_attempt_fds (self);
      midway_helper_runtime_dir_remove_secrets (self->dir);
      return FALSE;
    }

  memset (&spec, 0, sizeof spec);
  spec.argv = (const char * const *) ssh_argv;
  spec.envp = (const char * const *) ssh_env;
  spec.credentials = &self->user->credentials;
  spec.stdin_fd = self->pty_master;
  spec.stdout_fd = self->pty_master;
  if (midway_profile_get_auth (self->profile) == MIDWAY_AUTH_KEY_FILE)
    spec.check_key_file = midway_profile_get_key_file (self->profile);
  spec.check_agent_socket = self->secrets->ssh_auth_sock;
  self->ssh = midway_helper_process_spawn ("ssh", &spec, error);
  if (self->ssh == NULL)
    {
      midway_helper_process_kill (self->pppd);
      g_clear_object (&self->pppd);
      close_attempt_fds (self);
      midway_helper_runtime_dir_remove_secrets (self->dir);
      return FALSE;
    }

  self->attempt_running = TRUE;
  midway_helper_log_appendf (self->log, "helper", "started pppd (pid %d) on %s and ssh (pid %d) as %s",
                             midway_helper_process_get_pid (self->pppd), tty_path,
                             midway_helper_process_get_pid (self->ssh), self->user->name);

  g_signal_connect_object (self->pppd, "line", G_CALLBACK (on_pppd_line), self, 0);
  g_signal_connect_object (self->ssh, "line", G_CALLBACK (on_ssh_line), self, 0);
  g_signal_connect_object (self->pppd, "exited", G_CALLBACK (on_process_exited), self, 0);
  g_signal_connect_object (self->ssh, "exited", G_CALLBACK (on_process_exited), self, 0);

  self->report = midway_helper_line_reader_new (report_stream, REPORT_MAX_LINE);
  g_signal_connect_object (self->report, "line", G_CALLBACK (on_report_line), self, 0);
  midway_helper_line_reader_start (self->report);

  self->deadline_source = g_timeout_add_seconds (ATTEMPT_DEADLINE_S, on_attempt_deadline, self);
  set_state (self, MIDWAY_STATE_STARTING_SSH, "", "");
  return TRUE;
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
  g_clear_handle_id (&self->deadline_source, g_source_remove);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  if (self->report != NULL)
    midway_helper_line_reader_stop (self->report);
  g_clear_object (&self->report);
  if (self->ssh != NULL)
    midway_helper_process_kill (self->ssh);
  if (self->pppd != NULL)
    midway_helper_process_kill (self->pppd);
  g_clear_object (&self->ssh);
  g_clear_object (&self->pppd);
  close_attempt_fds (self);
  midway_helper_runtime_dir_remove (self->dir);
  g_clear_object (&self->routes);   /* removes what is left */
  lift_block (self);
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

  g_queue_clear_full (&self->ssh_tail, g_free);
  g_clear_object (&self->iface);
  g_clear_object (&self->object);
  g_clear_object (&self->log);
  g_clear_object (&self->authority);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->user, midway_helper_user_free);
  g_clear_pointer (&self->secrets, midway_helper_secrets_free);
  g_free (self->ifname);
  g_free (self->network_why);
  g_free (self->refusal_message);
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
  self->pty_master = -1;
  self->pty_slave = -1;
  g_queue_init (&self->ssh_tail);
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
  return !self->finished && state_is_active (midway_tunnel1_get_state (self->iface));
}

gboolean
midway_helper_tunnel_start (MidwayHelperTunnel *self,
                            GError            **error)
{
  g_autofree char *known_hosts = NULL;

  g_return_val_if_fail (MIDWAY_IS_HELPER_TUNNEL (self), FALSE);

  if (!midway_helper_runtime_dir_create (self->dir, error))
    return FALSE;

  if (*midway_profile_get_host_key (self->profile) != '\0')
    {
      known_hosts = midway_argv_known_hosts_line (self->profile);
      /* the user's alone: which server a user pins is nobody else's business */
      if (!midway_helper_runtime_dir_write_file (self->dir, MIDWAY_HELPER_KNOWN_HOSTS_FILE,
                                                 known_hosts, strlen (known_hosts), TRUE, error))
        {
          midway_helper_runtime_dir_remove (self->dir);
          return FALSE;
        }
    }

  /* blocked from now on; the first attempt puts it in place. */
  if (midway_profile_get_fail_closed (self->profile))
    {
      self->block = midway_helper_block_new (self->profile, self->user->credentials.uid, self->log);
      midway_helper_block_set_machine_wide (self->block, self->machine_wide);
    }
  if (!start_attempt (self, error))
    {
      midway_helper_runtime_dir_remove (self->dir);
      lift_block (self);
      return FALSE;
    }
  return TRUE;
}

void
midway_helper_tunnel_stop (MidwayHelperTunnel *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));

  if (self->finished)
    return;

  if (!self->attempt_running)
    {
      /* Failed, or waiting to retry: nothing runs, so it is over now. */
      gboolean was_failed = !state_is_active (midway_tunnel1_get_state (self->iface));

      g_clear_handle_id (&self->retry_source, g_source_remove);
      midway_tunnel1_set_next_retry (self->iface, 0);
      if (!was_failed)
        set_state (self, MIDWAY_STATE_STOPPED, MIDWAY_REASON_STOPPED_BY_USER, "");
      midway_helper_runtime_dir_remove (self->dir);
      emit_finished (self);
      return;
    }

  if (self->stopping)
    return;
  self->stopping = TRUE;
  set_state (self, MIDWAY_STATE_STOPPING, MIDWAY_REASON_STOPPED_BY_USER, "");
  /* pppd first: it sends LCP Terminate-Request through ssh, so the server
   * learns the link is gone instead of waiting for its echo timeout. */
  midway_helper_process_terminate (self->pppd, STOP_GRACE_MS);
}

void
midway_helper_tunnel_kill (MidwayHelperTunnel *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_TUNNEL (self));

  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->ssh != NULL)
    midway_helper_process_kill (self->ssh);
  if (self->pppd != NULL)
    midway_helper_process_kill (self->pppd);
  if (self->routes != NULL)
    midway_helper_routes_remove (self->routes);
  if (self->dns != NULL)
    midway_helper_dns_remove (self->dns);
  midway_helper_runtime_dir_remove (self->dir);
  emit_finished (self);
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
  if (self->finished || self->stopping || !midway_profile_get_reconnect (self->profile))
    return;
  if (self->attempt_running && !self->network_reconnect)
    state = MIDWAY_HELPER_NET_RUNNING;
  else if (self->retry_source != 0)
    state = MIDWAY_HELPER_NET_WAITING;
  else if (self->waiting_for_route)
    state = MIDWAY_HELPER_NET_OFFLINE;
  else
    return;

  switch (midway_helper_server_path_check (self->server_path, state, resumed, &why))
    {
    case MIDWAY_HELPER_NET_KEEP:
      break;

    case MIDWAY_HELPER_NET_RECONNECT:
      midway_helper_log_appendf (self->log, "helper", "%s, reconnecting now", why);
      self->network_reconnect = TRUE;
      g_free (self->network_why);
      self->network_why = g_steal_pointer (&why);
      /* pppd's Terminate-Request could not get through the old path, and
       * waiting for it would only delay the new link. */
      midway_helper_process_kill (self->pppd);
      midway_helper_process_kill (self->ssh);
      break;

    case MIDWAY_HELPER_NET_RETRY_NOW:
      midway_helper_log_appendf (self->log, "helper", "%s, retrying now", why);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->waiting_for_route = FALSE;
      on_retry (self);
      break;

    case MIDWAY_HELPER_NET_WAIT_FOR_ROUTE:
      midway_helper_log_appendf (self->log, "helper", "%s, waiting for the network", why);
      g_clear_handle_id (&self->retry_source, g_source_remove);
      self->waiting_for_route = TRUE;
      midway_tunnel1_set_next_retry (self->iface, 0);
      break;

    default:
      g_assert_not_reached ();
    }
}
