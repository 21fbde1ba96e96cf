/* midway-helper-tunnel-attempt.c: one attempt of a tunnel.
 *
 * An attempt owns a fresh pty: pppd (root) opens its slave, ssh (the
 * caller) has its master on stdin and stdout, and the two PPP streams meet
 * in the middle.  The pppd plugin reports over a socketpair (the line
 * protocol is midway-helper-report-protocol.h).  The attempt reads the
 * reports and the processes' output itself and tells the tunnel
 * (midway-helper-tunnel.c, which owns the phases) only what moves them:
 *
 *   spawn() ─► starting ─"peer"─► peer seen ─"ip-up", link checked─► link up
 *     │ (deadline runs)    │ secret files        │ properties published,
 *     │                    │ removed             │ statistics, deadline off
 *     └────────────────────┴─────────┬───────────┘
 *        one process exits: the other is terminated (or, for the deadline,
 *        hang_up(), refusal, dead peer, new path: both are ended)
 *                                    ▼
 *                             both exited ─► "ended" ─► diagnose() ─► free()
 *
 * free() is the one teardown, whether the processes ended or the helper
 * is going away: it kills what still runs, stops the channel, closes the
 * pty, removes ssh's secret files and clears the link's properties.  The
 * routes, DNS and runtime directory outlive an attempt: the tunnel's.
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

#include "midway-argv.h"
#include "midway-error.h"
#include "midway-reason.h"
#include "midway-helper-address-check.h"
#include "midway-helper-diagnosis.h"
#include "midway-helper-report-protocol.h"
#include "midway-helper-tunnel-attempt.h"

#define LOG_MAX_LINE_LENGTH 512
#define SSH_TAIL_LINES 20
#define STOP_GRACE_MS 3000
/* Longer than ssh's ConnectTimeout plus a slow sudo: an attempt that has
 * not brought the link up by then is not going to. */
#define ATTEMPT_DEADLINE_S 60
#define STATS_INTERVAL_S 2

/* g_clear_fd() is newer than GLib 2.74. */
static void
close_fd (int *fd)
{
  int old = g_steal_fd (fd);

  if (old >= 0)
    close (old);
}

static MidwayHelperTunnelAttempt *
attempt_new (const MidwayHelperTunnelAttemptSpec *spec)
{
  MidwayHelperTunnelAttempt *self = g_new0 (MidwayHelperTunnelAttempt, 1);

  self->serial = spec->serial;
  self->log = g_object_ref (spec->log);
  self->profile = g_object_ref (spec->profile);
  self->server_path = g_object_ref (spec->server_path);
  self->dir = g_object_ref (spec->dir);
  self->iface = g_object_ref (spec->iface);
  self->events = spec->events;
  self->user_data = spec->user_data;
  self->pty_master = -1;
  self->pty_slave = -1;
  self->link_down_status = -1;
  g_queue_init (&self->ssh_tail);
  return self;
}

void
midway_helper_tunnel_attempt_free (MidwayHelperTunnelAttempt *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->deadline_source, g_source_remove);
  if (self->report != NULL)
    {
      midway_helper_line_reader_stop (self->report);
      g_signal_handlers_disconnect_by_data (self->report, self);
    }
  g_clear_object (&self->report);
  /* a no-op for a process already reaped */
  midway_helper_tunnel_attempt_kill (self);
  /* a killed process may still tell of its end: not to a freed attempt */
  if (self->ssh != NULL)
    g_signal_handlers_disconnect_by_data (self->ssh, self);
  if (self->pppd != NULL)
    g_signal_handlers_disconnect_by_data (self->pppd, self);
  g_clear_object (&self->ssh);
  g_clear_object (&self->pppd);
  close_fd (&self->pty_master);
  close_fd (&self->pty_slave);
  g_queue_clear_full (&self->ssh_tail, g_free);
  g_free (self->refusal_message);
  g_free (self->network_why);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_pointer (&self->ifname, g_free);
  midway_tunnel1_set_interface (self->iface, "");
  midway_tunnel1_set_local_address (self->iface, "");
  midway_tunnel1_set_remote_address (self->iface, "");
  midway_tunnel1_set_connected_since (self->iface, 0);
  midway_tunnel1_set_rx_bytes (self->iface, 0);
  midway_tunnel1_set_tx_bytes (self->iface, 0);
  g_clear_object (&self->iface);
  midway_helper_runtime_dir_remove_secrets (self->dir);
  g_clear_object (&self->dir);
  g_clear_object (&self->server_path);
  g_clear_object (&self->profile);
  g_clear_object (&self->log);
  g_free (self);
}

gboolean
midway_helper_tunnel_attempt_prepare_dir (MidwayHelperRuntimeDir *dir,
                                          MidwayProfile          *profile,
                                          GError                **error)
{
  g_autofree char *known_hosts = NULL;

  if (!midway_helper_runtime_dir_create (dir, error))
    return FALSE;

  if (*midway_profile_get_host_key (profile) != '\0')
    {
      known_hosts = midway_argv_known_hosts_line (profile);
      /* the user's alone: which server a user pins is nobody else's business */
      if (!midway_helper_runtime_dir_write_file (dir, MIDWAY_HELPER_KNOWN_HOSTS_FILE,
                                                 known_hosts, strlen (known_hosts), TRUE, error))
        {
          midway_helper_runtime_dir_remove (dir);
          return FALSE;
        }
    }
  return TRUE;
}

void
midway_helper_tunnel_attempt_end_for_network (MidwayHelperTunnelAttempt *self,
                                              char                      *why)
{
  self->for_network = TRUE;
  g_free (self->network_why);
  self->network_why = why;
  midway_helper_tunnel_attempt_kill (self);
}

void
midway_helper_tunnel_attempt_kill (MidwayHelperTunnelAttempt *self)
{
  if (self->ssh != NULL)
    midway_helper_process_kill (self->ssh);
  if (self->pppd != NULL)
    midway_helper_process_kill (self->pppd);
}

void
midway_helper_tunnel_attempt_terminate (MidwayHelperTunnelAttempt *self)
{
  if (self->pppd != NULL)
    midway_helper_process_terminate (self->pppd, STOP_GRACE_MS);
  if (self->ssh != NULL)
    midway_helper_process_terminate (self->ssh, STOP_GRACE_MS);
}

void
midway_helper_tunnel_attempt_hang_up (MidwayHelperTunnelAttempt *self)
{
  self->stopping = TRUE;
  midway_helper_process_terminate (self->pppd, STOP_GRACE_MS);
}

/* Ends the attempt for good: what the peer gave would be the same again. */
static void
refuse_link (MidwayHelperTunnelAttempt *self,
             const char                *reason,
             char                      *message)
{
  midway_helper_log_appendf (self->log, "helper", "link refused: %s", message);
  self->refusal = reason;
  g_free (self->refusal_message);
  self->refusal_message = message;
  midway_helper_tunnel_attempt_kill (self);
}

static gboolean
on_deadline (gpointer user_data)
{
  MidwayHelperTunnelAttempt *self = user_data;

  self->deadline_source = 0;
  midway_helper_log_append (self->log, "helper", "the link did not come up in time");
  midway_helper_tunnel_attempt_terminate (self);
  return G_SOURCE_REMOVE;
}

static void
on_process_exited (MidwayHelperProcess       *process,
                   MidwayHelperTunnelAttempt *self)
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

  self->events->ended (self->user_data);
}

static void
on_ssh_line (MidwayHelperProcess       *process,
             const char                *line,
             MidwayHelperTunnelAttempt *self)
{
  midway_helper_log_append (self->log, "ssh", line);
  g_queue_push_tail (&self->ssh_tail, g_strndup (line, LOG_MAX_LINE_LENGTH));
  while (self->ssh_tail.length > SSH_TAIL_LINES)
    g_free (g_queue_pop_head (&self->ssh_tail));
}

static void
on_pppd_line (MidwayHelperProcess       *process,
              const char                *line,
              MidwayHelperTunnelAttempt *self)
{
  midway_helper_log_append (self->log, "pppd", line);
}

const char *
midway_helper_tunnel_attempt_diagnose (MidwayHelperTunnelAttempt *self,
                                       gboolean                   stopped_by_user,
                                       char                     **message)
{
  g_autoptr(GString) tail = g_string_new (NULL);
  MidwayHelperAttempt attempt = { 0 };
  const char *reason;

  for (GList *l = self->ssh_tail.head; l != NULL; l = l->next)
    g_string_append_printf (tail, "%s\n", (const char *) l->data);

  attempt.stopped_by_user = stopped_by_user;
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
  reason = midway_helper_diagnose (&attempt, message);
  if (self->refusal != NULL && !stopped_by_user)
    {
      reason = self->refusal;
      g_free (*message);
      *message = g_strdup (self->refusal_message);
    }

  midway_helper_log_appendf (self->log, "helper", "attempt ended: ssh status %d, pppd status %d",
                             attempt.ssh_status, attempt.pppd_status);
  return reason;
}

/* The negotiated link ------------------------------------------------------ */

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

/* What the peer negotiated, before anything is done with it.  pppd has
 * already put the addresses on the link; refusing kills it, and the
 * kernel takes them away with the interface.  NULL for a usable link,
 * else the reason code it is refused with. */
static const char *
check_link (MidwayProfile          *profile,
            MidwayHelperServerPath *server_path,
            const char             *ifname,
            const char             *local,
            const char             *remote,
            char                  **message)
{
  g_auto(GStrv) servers = NULL;
  const char *dns_servers;

  /* The kernel's route to the peer would carry the ssh session's own
   * packets into the link they carry: it would come up, then die as
   * peer-not-responding, again on every reconnect. */
  if (g_str_equal (remote, midway_profile_get_host (profile)) ||
      midway_helper_server_path_is_server (server_path, remote))
    {
      *message = g_strdup_printf ("the peer's address %s is the SSH server's own: "
                                  "its route would take the SSH connection into the link",
                                  remote);
      return MIDWAY_REASON_PEER_IS_SERVER;
    }

  /* An address the profile names is the user's choice. */
  if (*midway_profile_get_local_address (profile) == '\0')
    {
      g_autoptr(GArray) addresses = midway_helper_if_addresses_get ();
      g_autofree char *why = NULL;

      if (!midway_helper_local_address_is_free (local, ifname,
                                                (const MidwayHelperIfAddress *) (gpointer) addresses->data,
                                                addresses->len, &why))
        {
          *message = g_strdup_printf ("the peer assigned %s", why);
          return MIDWAY_REASON_ADDRESS_IN_USE;
        }
    }

  /* The profile alone could not decide for a negotiated peer address;
   * with it known, every server must be reached through the link. */
  dns_servers = midway_profile_get_dns_servers (profile);
  servers = g_strsplit (dns_servers, ",", -1);
  for (guint i = 0; *dns_servers != '\0' && servers[i] != NULL; i++)
    if (midway_profile_reach_of (profile, servers[i], remote) != MIDWAY_REACH_TUNNEL ||
        midway_helper_server_path_is_server (server_path, servers[i]))
      {
        *message = g_strdup_printf ("DNS server %s is not reached through the tunnel "
                                    "(peer %s): queries would go out in the clear",
                                    servers[i], remote);
        return MIDWAY_REASON_DNS_OUTSIDE_TUNNEL;
      }

  return NULL;
}

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
  MidwayHelperTunnelAttempt *self = user_data;
  guint64 rx = read_counter (self->ifname, "rx_bytes");
  guint64 tx = read_counter (self->ifname, "tx_bytes");

  /* Setting an unchanged value would still notify: idle links stay quiet. */
  if (midway_tunnel1_get_rx_bytes (self->iface) != rx)
    midway_tunnel1_set_rx_bytes (self->iface, rx);
  if (midway_tunnel1_get_tx_bytes (self->iface) != tx)
    midway_tunnel1_set_tx_bytes (self->iface, tx);
  return G_SOURCE_CONTINUE;
}

static void
on_link_up (MidwayHelperTunnelAttempt *self,
            const char                *ifname,
            const char                *local,
            const char                *remote,
            const char                *dns1,
            const char                *dns2)
{
  char *message = NULL;
  const char *refusal;

  if (!is_interface_name (ifname) || !is_ipv4_address (local) || !is_ipv4_address (remote) ||
      !is_ipv4_address (dns1) || !is_ipv4_address (dns2))
    {
      midway_helper_log_append (self->log, "helper", "malformed ip-up report ignored");
      return;
    }

  refusal = check_link (self->profile, self->server_path, ifname, local, remote, &message);
  if (refusal != NULL)
    {
      refuse_link (self, refusal, message);
      return;
    }

  g_free (self->ifname);
  self->ifname = g_strdup (ifname);
  self->link_up = TRUE;
  g_clear_handle_id (&self->deadline_source, g_source_remove);

  midway_tunnel1_set_interface (self->iface, ifname);
  midway_tunnel1_set_local_address (self->iface, local);
  midway_tunnel1_set_remote_address (self->iface, remote);
  midway_tunnel1_set_connected_since (self->iface, g_get_real_time ());
  if (self->stats_source == 0)
    self->stats_source = g_timeout_add_seconds (STATS_INTERVAL_S, on_stats_tick, self);

  self->events->ip_up (ifname, dns1, dns2, self->user_data);
}

static void
on_report_line (MidwayHelperLineReader    *reader,
                const char                *line,
                MidwayHelperTunnelAttempt *self)
{
  g_auto(GStrv) words = g_strsplit (line, " ", 8);
  guint n = g_strv_length (words);

  if (n == 0)
    return;

  if (g_str_equal (words[0], MIDWAY_REPORT_PEER) && n == MIDWAY_REPORT_PEER_WORDS)
    {
      if (self->peer_seen)
        return;
      self->peer_seen = TRUE;
      /* ssh is through: what it needed to authenticate can go. */
      midway_helper_runtime_dir_remove_secrets (self->dir);
      self->events->peer (self->user_data);
    }
  else if (g_str_equal (words[0], MIDWAY_REPORT_IP_UP) && n == MIDWAY_REPORT_IP_UP_WORDS)
    {
      if (!self->stopping)
        on_link_up (self, words[1], words[2], words[3], words[4], words[5]);
    }
  else if (g_str_equal (words[0], MIDWAY_REPORT_IP6_UP) && n == MIDWAY_REPORT_IP6_UP_WORDS)
    {
      if (!self->stopping && is_interface_name (words[1]))
        self->events->ip6_up (words[1], words[2], words[3], self->user_data);
    }
  else if (g_str_equal (words[0], MIDWAY_REPORT_LINK_DOWN) && n == MIDWAY_REPORT_LINK_DOWN_WORDS)
    {
      guint64 status;

      if (!g_ascii_string_to_unsigned (words[1], 10, 0, 255, &status, NULL))
        return;
      self->link_down_status = (int) status;
      /* A dead peer will not acknowledge pppd's Terminate-Requests: waiting
       * for them would only delay the reconnect by pppd's restart timers. */
      if (status == MIDWAY_PPPD_EXIT_PEER_DEAD)
        {
          midway_helper_log_append (self->log, "helper", "the peer stopped answering LCP echoes");
          midway_helper_tunnel_attempt_kill (self);
        }
    }
  else if ((g_str_equal (words[0], MIDWAY_REPORT_PHASE) && n == MIDWAY_REPORT_PHASE_WORDS) ||
           (g_str_equal (words[0], MIDWAY_REPORT_IP_DOWN) && n == MIDWAY_REPORT_IP_DOWN_WORDS) ||
           (g_str_equal (words[0], MIDWAY_REPORT_EXIT) && n == MIDWAY_REPORT_EXIT_WORDS))
    {
      g_debug ("tunnel %u: pppd reports %s %s", self->serial, words[0], words[1]);
    }
  else
    {
      midway_helper_log_append (self->log, "helper", "unexpected report from the pppd plugin ignored");
    }
}

/* Spawning ------------------------------------------------------------------ */

static gboolean
open_pty (MidwayHelperTunnelAttempt *self,
          char                     **tty_path,
          GError                   **error)
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
build_ssh_environment (const MidwayHelperTunnelAttemptSpec *spec)
{
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();

  add_printf (env, g_strdup_printf ("HOME=%s", spec->user->home));
  add_printf (env, g_strdup_printf ("USER=%s", spec->user->name));
  add_printf (env, g_strdup_printf ("LOGNAME=%s", spec->user->name));
  add_printf (env, g_strdup_printf ("SHELL=%s", spec->user->shell));
  g_strv_builder_add (env, "PATH=/usr/local/bin:/usr/bin:/bin");
  /* ssh's messages are matched to tell the user what went wrong. */
  g_strv_builder_add (env, "LC_ALL=C");
  if (spec->secrets->ssh_auth_sock != NULL)
    add_printf (env, g_strdup_printf ("SSH_AUTH_SOCK=%s", spec->secrets->ssh_auth_sock));
  if (spec->secrets->askpass_secret != NULL)
    {
      g_strv_builder_add (env, "SSH_ASKPASS=" MIDWAY_LIBEXECDIR "/midway-askpass");
      g_strv_builder_add (env, "SSH_ASKPASS_REQUIRE=force");
      add_printf (env, g_strdup_printf ("MIDWAY_ASKPASS_FILE=%s/%s",
                                        midway_helper_runtime_dir_get_path (spec->dir),
                                        MIDWAY_HELPER_ASKPASS_FILE));
    }
  return g_strv_builder_end (env);
}

MidwayHelperTunnelAttempt *
midway_helper_tunnel_attempt_spawn (const MidwayHelperTunnelAttemptSpec *spec,
                                    GError                             **error)
{
  static const char * const pppd_env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
  g_autoptr(MidwayHelperTunnelAttempt) self = attempt_new (spec);
  g_autofree char *tty_path = NULL;
  g_autofree char *known_hosts = NULL;
  g_autofree char *identity = NULL;
  g_auto(GStrv) pppd_argv = NULL;
  g_auto(GStrv) ssh_argv = NULL;
  g_auto(GStrv) ssh_env = NULL;
  g_autoptr(GInputStream) report_stream = NULL;
  MidwayPppdArgs pppd_args = { 0 };
  MidwaySshArgs ssh_args = { 0 };
  MidwayHelperSpawnSpec process_spec = { 0 };
  int pair[2];
  int plugin_target = MIDWAY_REPORT_FD;

  if (!open_pty (self, &tty_path, error))
    return NULL;

  if (*midway_profile_get_host_key (spec->profile) != '\0')
    known_hosts = g_build_filename (midway_helper_runtime_dir_get_path (spec->dir),
                                    MIDWAY_HELPER_KNOWN_HOSTS_FILE, NULL);
  if (spec->secrets->private_key != NULL)
    identity = g_build_filename (midway_helper_runtime_dir_get_path (spec->dir),
                                 MIDWAY_HELPER_IDENTITY_FILE, NULL);

  pppd_args.pppd_path = MIDWAY_PPPD_PATH;
  pppd_args.tty_path = tty_path;
  pppd_args.plugin_path = MIDWAY_PPPD_PLUGIN_PATH;
  pppd_args.report_fd = MIDWAY_REPORT_FD;
  pppd_args.ipparam = spec->ipparam;
  ssh_args.ssh_path = MIDWAY_SSH_PATH;
  ssh_args.known_hosts_path = known_hosts;
  ssh_args.identity_path = identity;
  ssh_args.use_askpass = spec->secrets->askpass_secret != NULL;

  pppd_argv = midway_argv_build_pppd (spec->profile, &pppd_args, error);
  ssh_argv = midway_argv_build_ssh (spec->profile, &ssh_args, error);
  if (pppd_argv == NULL || ssh_argv == NULL ||
      !midway_helper_runtime_dir_write_secrets (spec->dir, spec->secrets, error))
    return NULL;
  ssh_env = build_ssh_environment (spec);

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    {
      int saved = errno;
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                   "Could not create the plugin's channel: %s", g_strerror (saved));
      return NULL;
    }
  report_stream = g_unix_input_stream_new (pair[0], TRUE);

  /* ssh's launcher is forked first but held: its fork and its scope's
   * bus calls then overlap pppd's fork instead of following it.  ssh
   * itself starts only after pppd: with "silent" pppd waits for the
   * remote pppd's first packet, so it must be listening before ssh can
   * deliver one. */
  process_spec.argv = (const char * const *) ssh_argv;
  process_spec.envp = (const char * const *) ssh_env;
  process_spec.credentials = &spec->user->credentials;
  process_spec.stdin_fd = self->pty_master;
  process_spec.stdout_fd = self->pty_master;
  if (midway_profile_get_auth (spec->profile) == MIDWAY_AUTH_KEY_FILE)
    process_spec.check_key_file = midway_profile_get_key_file (spec->profile);
  process_spec.check_agent_socket = spec->secrets->ssh_auth_sock;
  process_spec.held = TRUE;
  self->ssh = midway_helper_process_spawn ("ssh", &process_spec, error);
  if (self->ssh == NULL)
    {
      close (pair[1]);
      return NULL;   /* free() removes the secret files */
    }

  memset (&process_spec, 0, sizeof process_spec);
  process_spec.argv = (const char * const *) pppd_argv;
  process_spec.envp = pppd_env;
  process_spec.credentials = NULL;
  process_spec.stdin_fd = -1;
  process_spec.stdout_fd = -1;
  process_spec.source_fds = &pair[1];
  process_spec.target_fds = &plugin_target;
  process_spec.n_fds = 1;
  self->pppd = midway_helper_process_spawn ("pppd", &process_spec, error);
  close (pair[1]);
  if (self->pppd == NULL)
    return NULL;   /* free() kills the launcher, which never ran ssh */
  midway_helper_process_release (self->ssh);

  midway_helper_log_appendf (spec->log, "helper", "started pppd (pid %d) on %s and ssh (pid %d) as %s",
                             midway_helper_process_get_pid (self->pppd), tty_path,
                             midway_helper_process_get_pid (self->ssh), spec->user->name);

  g_signal_connect (self->pppd, "line", G_CALLBACK (on_pppd_line), self);
  g_signal_connect (self->ssh, "line", G_CALLBACK (on_ssh_line), self);
  g_signal_connect (self->pppd, "exited", G_CALLBACK (on_process_exited), self);
  g_signal_connect (self->ssh, "exited", G_CALLBACK (on_process_exited), self);

  self->report = midway_helper_line_reader_new (report_stream, MIDWAY_REPORT_LINE_MAX);
  g_signal_connect (self->report, "line", G_CALLBACK (on_report_line), self);
  midway_helper_line_reader_start (self->report);

  self->deadline_source = g_timeout_add_seconds (ATTEMPT_DEADLINE_S, on_deadline, self);
  return g_steal_pointer (&self);
}
