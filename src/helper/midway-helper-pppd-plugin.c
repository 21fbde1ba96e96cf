// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * midway-helper-pppd-plugin.so: runs as root inside pppd (2.4.9) and tells
 * midway-helper what the link is doing, over a file descriptor the helper
 * hands to pppd.
 *
 * Enabling it
 * -----------
 *   pppd ... plugin /path/midway-helper-pppd-plugin.so midway-report-fd N ...
 *
 * "plugin" must come before "midway-report-fd" on the command line: pppd
 * only learns the option when it loads the plugin, so the other order fails
 * with "unrecognized option" (exit 2).  N is 3..1023 (pppd parses it with
 * strtol base 0, so write it in plain decimal without leading zeros), and
 * the option is privileged (root or a root-owned options file only).  pppd
 * refuses a value out of range with exit status 2 before doing anything.
 * Without the option the plugin stays silent and pppd runs as usual.
 *
 * fd N should be the pppd end of a blocking AF_UNIX SOCK_SEQPACKET or
 * SOCK_STREAM socketpair, inherited without FD_CLOEXEC.  A FIFO or regular
 * file also works (writes then go through write(2)); anything else, such
 * as a tty, is refused, so a wrong number cannot inject bytes into the
 * link.  On the first event the plugin checks N (F_GETFD) and sets
 * FD_CLOEXEC on it, so the scripts pppd runs (ip-up, ...) never see it.
 * If N turns out to be unusable, the plugin logs an error through pppd's
 * log and reports nothing for the rest of the run; the helper then sees
 * EOF or silence, never a partial line.
 *
 * Line protocol (plugin -> helper, nothing the other way)
 * -------------------------------------------------------
 * The words, the line limit and the exit codes are in
 * midway-helper-report-protocol.h, which the helper includes too.
 * One event per line, printable ASCII, fields separated by one space, each
 * line ending in '\n' and at most MIDWAY_REPORT_LINE_MAX (256) bytes
 * including the '\n'.  Each line goes out in one send()/write(): over
 * SOCK_SEQPACKET one line is one record; over a stream, split on '\n'.
 *
 *   phase <N>
 *       pppd entered phase N, pppd's PHASE_* number (pppd.h): 0 DEAD,
 *       1 INITIALIZE, 2 SERIALCONN, 3 DORMANT, 4 ESTABLISH, 5 AUTHENTICATE,
 *       6 CALLBACK, 7 NETWORK, 8 RUNNING, 9 TERMINATE, 10 DISCONNECT,
 *       11 HOLDOFF, 12 MASTER.  Sent on every change; the same phase may
 *       repeat.  PHASE_INITIALIZE is never seen: pppd enters it before it
 *       loads plugins.
 *   peer
 *       The first PPP frame from the peer arrived, i.e. ssh got through
 *       and the remote pppd is talking.  At most once per pppd process,
 *       even with "persist".  In practice it is an LCP Configure-Request
 *       and comes while in phase 4 (ESTABLISH).
 *   ip-up <ifname> <local> <remote> <dns1> <dns2>
 *       IPCP is up and the interface is configured (before pppd starts
 *       /etc/ppp/ip-up, which runs concurrently).  Addresses are dotted
 *       quads; 0.0.0.0 means absent.  <remote> is pppd's final choice (it
 *       invents 10.64.64.64+unit when the peer gives none, and 0.0.0.0 only
 *       with "noremoteip").  DNS servers are only requested from, and
 *       reported by, pppd when it runs with "usepeerdns"; otherwise both
 *       are 0.0.0.0.  usepeerdns also makes pppd write
 *       /etc/ppp/resolv.conf (its own file) and set USEPEERDNS, DNS1 and
 *       DNS2 for /etc/ppp/ip-up; the plugin unsets those three after
 *       sending this line, so that no ip-up.d script (Debian's
 *       0000usepeerdns rewrites /etc/resolv.conf) acts on them.
 *   ip6-up <ifname> <local> <remote>
 *       IPv6CP is up (pppd runs with "+ipv6") and the interface has its
 *       link-local address.  <local> and <remote> are the link-local
 *       addresses built from the negotiated interface identifiers, written
 *       fe80::xxxx:xxxx:xxxx:xxxx (four groups of four lower-case hex
 *       digits, zeros kept).  May come before or after ip-up.
 *   ip-down <ifname>
 *       IPCP left the Opened state.  May come without a preceding ip-up:
 *       pppd calls it even when it gave up on IPCP inside ip-up (e.g. "Could
 *       not determine local IP address").
 *   link-down <status>
 *       pppd entered the TERMINATE phase (right after "phase 9");
 *       <status> is pppd's "status" global at that moment, i.e. why it is
 *       bringing the link down (15 when LCP echoes went unanswered, 16 on
 *       hangup, 5 on a signal).  lcp_close() sets the phase after the
 *       status, and pppd may go on for seconds after this (Terminate-
 *       Requests to a peer that may be dead), so this is the earliest word
 *       that the link is gone.  (pppd's link_down_notifier is not used: it
 *       is skipped unless the auth layer thinks the link was up.)
 *   exit <status>
 *       pppd is about to exit(status), after it has cleaned up the link
 *       (status is one of pppd's EXIT_* codes, 127 after a fatal signal).
 *       Only sent when pppd exits through its die(): option errors (2),
 *       "not root" (3) and "no kernel support" (4) happen before the
 *       plugin could ever report and produce no line.  The helper must
 *       therefore take the exit status from waitpid(), and treat this line
 *       as a hint that arrives just before EOF.
 *
 * <ifname> is pppd's interface name, e.g. ppp0 (or what "ifname" asked
 * for); bytes outside '!'..'~' are replaced by '?', and "?" stands for an
 * empty name, so the line always splits into the same number of fields.
 * A helper should ignore lines it does not recognise, so that events can be
 * added later.
 *
 * If the helper goes away (EPIPE), the plugin stops reporting and pppd
 * carries on; the helper is expected to have killed pppd by then anyway.
 * Run pppd with "nodetach": otherwise pppd forks to detach, and the process
 * the helper waits for is not the one that reports.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* pppd.h typedefs its own bool, so <stdbool.h> must stay out. */
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/ipcp.h>
/* Debian builds pppd with IPv6 (INET6); its headers insist on being told. */
#ifndef INET6
#define INET6 1
#endif
#include <pppd/eui64.h>
#include <pppd/ipv6cp.h>

#include "midway-helper-report-protocol.h"

/* pppd refuses to load a plugin built against another version. */
char pppd_version[] = VERSION;

static int report_fd = -1;

static option_t midway_options[] = {
  {
    .name = MIDWAY_REPORT_FD_OPTION,
    .type = o_int,
    .addr = &report_fd,
    .description = "File descriptor on which to report link events to midway-helper",
    /* Only the root helper may point a root process at one of its fds. */
    .flags = OPT_PRIV | OPT_LIMITS,
    .upper_limit = MIDWAY_REPORT_FD_MAX,
    .lower_limit = MIDWAY_REPORT_FD_MIN,
  },
  { .name = NULL },
};

enum report_state
{
  REPORT_UNCHECKED,
  REPORT_READY,
  REPORT_OFF,
};

static enum report_state report_state = REPORT_UNCHECKED;
static bool report_fd_is_socket;
static bool peer_seen;
static void (*prev_snoop_recv_hook) (unsigned char *p, int len);

/*
 * Lines are built by hand rather than with snprintf: the exit notifier can
 * run from pppd's handler for fatal signals, where only async-signal-safe
 * calls are allowed.
 */
struct report_line
{
  char   buf[MIDWAY_REPORT_LINE_MAX];
  size_t len;
};

static void
line_add_bytes (struct report_line *line,
                const char         *s,
                size_t              n)
{
  /* Keep one byte for the '\n'; no line we build comes close anyway. */
  size_t room = sizeof line->buf - 1 - line->len;

  if (n > room)
    n = room;
  memcpy (line->buf + line->len, s, n);
  line->len += n;
}

static void
line_add_str (struct report_line *line,
              const char         *s)
{
  line_add_bytes (line, s, strlen (s));
}

static void
line_add_uint (struct report_line *line,
               unsigned int        v)
{
  char digits[16];
  size_t i = sizeof digits;

  do
    {
      digits[--i] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  line_add_bytes (line, digits + i, sizeof digits - i);
}

static void
line_add_int (struct report_line *line,
              int                 v)
{
  if (v < 0)
    {
      line_add_str (line, "-");
      /* Negating in unsigned arithmetic keeps INT_MIN defined. */
      line_add_uint (line, 0u - (unsigned int) v);
    }
  else
    {
      line_add_uint (line, (unsigned int) v);
    }
}

static void
line_add_ipv4 (struct report_line *line,
               u_int32_t           addr_network_order)
{
  unsigned char octets[4];

  /* Network order means the bytes already sit in dotted-quad order. */
  memcpy (octets, &addr_network_order, sizeof octets);
  for (size_t i = 0; i < sizeof octets; i++)
    {
      line_add_str (line, i == 0 ? " " : ".");
      line_add_uint (line, octets[i]);
    }
}

static void
line_add_ifname (struct report_line *line)
{
  size_t n = strnlen (ifname, MAXIFNAMELEN);

  line_add_str (line, " ");
  if (n == 0)
    {
      line_add_str (line, "?");
      return;
    }
  for (size_t i = 0; i < n; i++)
    {
      unsigned char c = (unsigned char) ifname[i];
      char out = (c >= '!' && c <= '~') ? (char) c : '?';

      line_add_bytes (line, &out, 1);
    }
}

static bool
report_check_fd (void)
{
  struct stat st;
  int flags;

  flags = fcntl (report_fd, F_GETFD);
  if (flags < 0)
    {
      error ("midway: midway-report-fd %d is not open: %m", report_fd);
      return 0;
    }
  if ((flags & FD_CLOEXEC) == 0
      && fcntl (report_fd, F_SETFD, flags | FD_CLOEXEC) < 0)
    {
      error ("midway: cannot set close-on-exec on fd %d: %m", report_fd);
      return 0;
    }
  if (fstat (report_fd, &st) < 0)
    {
      error ("midway: cannot stat fd %d: %m", report_fd);
      return 0;
    }
  if (!S_ISSOCK (st.st_mode) && !S_ISFIFO (st.st_mode) && !S_ISREG (st.st_mode))
    {
      error ("midway: fd %d is neither a socket, a pipe nor a file; not reporting",
             report_fd);
      return 0;
    }
  report_fd_is_socket = S_ISSOCK (st.st_mode);
  dbglog ("midway: reporting link events on fd %d", report_fd);
  return 1;
}

static bool
report_ready (void)
{
  switch (report_state)
    {
    case REPORT_READY:
      return 1;
    case REPORT_OFF:
      return 0;
    case REPORT_UNCHECKED:
    default:
      break;
    }
  if (report_fd < 0)
    {
      report_state = REPORT_OFF;
      return 0;
    }
  report_state = report_check_fd () ? REPORT_READY : REPORT_OFF;
  return report_state == REPORT_READY;
}

static ssize_t
report_write_once (const char *buf,
                   size_t      len)
{
  struct sigaction ignore = { .sa_handler = SIG_IGN };
  struct sigaction old;
  bool restore = 0;
  ssize_t n;
  int saved_errno;

  if (report_fd_is_socket)
    return send (report_fd, buf, len, MSG_NOSIGNAL);

  /*
   * pppd only ignores SIGPIPE once its setup_signals() has run; an early
   * fatal() still reaches the exit notifier with the inherited disposition,
   * and a dead pipe reader must not kill pppd before it has cleaned up.
   * pppd is single-threaded, so swapping the disposition around this one
   * write cannot affect anyone else.
   */
  if (sigaction (SIGPIPE, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
    restore = sigaction (SIGPIPE, &ignore, NULL) == 0;
  n = write (report_fd, buf, len);
  saved_errno = errno;
  if (restore)
    (void) sigaction (SIGPIPE, &old, NULL);
  errno = saved_errno;
  return n;
}

static void
report (struct report_line *line)
{
  size_t done = 0;

  if (!report_ready ())
    return;

  line->buf[line->len++] = '\n';
  /*
   * One call carries the whole line; the loop only matters if a stream
   * write is cut short by a signal, so the helper never sees half a line.
   */
  while (done < line->len)
    {
      ssize_t n = report_write_once (line->buf + done, line->len - done);

      if (n > 0)
        {
          done += (size_t) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      /* No progress without an error would otherwise spin here forever. */
      if (n == 0)
        errno = EIO;
      if (errno == EPIPE || errno == ECONNRESET)
        warn ("midway: helper closed the report channel; no longer reporting");
      else
        error ("midway: cannot report on fd %d: %m; no longer reporting",
               report_fd);
      report_state = REPORT_OFF;
      return;
    }
}

static void
on_phase_change (void *arg,
                 int   new_phase_num)
{
  struct report_line line = { .len = 0 };

  line_add_str (&line, MIDWAY_REPORT_PHASE " ");
  line_add_int (&line, new_phase_num);
  report (&line);

  if (new_phase_num == PHASE_TERMINATE)
    {
      struct report_line down = { .len = 0 };

      line_add_str (&down, MIDWAY_REPORT_LINK_DOWN " ");
      line_add_int (&down, status);
      report (&down);
    }
}

static void
on_recv (unsigned char *p,
         int            len)
{
  if (!peer_seen)
    {
      struct report_line line = { .len = 0 };

      peer_seen = 1;
      line_add_str (&line, MIDWAY_REPORT_PEER);
      report (&line);
    }
  if (prev_snoop_recv_hook != NULL)
    prev_snoop_recv_hook (p, len);
}

static void
on_ip_up (void *arg,
          int   unused)
{
  struct report_line line = { .len = 0 };

  line_add_str (&line, MIDWAY_REPORT_IP_UP);
  line_add_ifname (&line);
  line_add_ipv4 (&line, ipcp_gotoptions[0].ouraddr);
  line_add_ipv4 (&line, ipcp_hisoptions[0].hisaddr);
  line_add_ipv4 (&line, ipcp_gotoptions[0].dnsaddr[0]);
  line_add_ipv4 (&line, ipcp_gotoptions[0].dnsaddr[1]);
  report (&line);

  /* The helper applies the peer's DNS servers itself (and undoes them on
   * down).  ipcp_up() has already put them in the scripts' environment
   * and runs /etc/ppp/ip-up right after this notifier: without these
   * variables Debian's ip-up.d/0000usepeerdns (which merges them into
   * /etc/resolv.conf) and its ip-down.d twin do nothing. */
  script_unsetenv ("USEPEERDNS");
  script_unsetenv ("DNS1");
  script_unsetenv ("DNS2");
}

static void
line_add_link_local (struct report_line *line,
                     eui64_t             id)
{
  static const char hex[] = "0123456789abcdef";

  line_add_str (line, " fe80:");
  for (size_t i = 0; i < 8; i++)
    {
      char digits[2] = { hex[id.e8[i] >> 4], hex[id.e8[i] & 0xf] };

      if (i % 2 == 0)
        line_add_str (line, ":");
      line_add_bytes (line, digits, 2);
    }
}

static void
on_ip6_up (void *arg,
           int   unused)
{
  struct report_line line = { .len = 0 };

  line_add_str (&line, MIDWAY_REPORT_IP6_UP);
  line_add_ifname (&line);
  line_add_link_local (&line, ipv6cp_gotoptions[0].ourid);
  line_add_link_local (&line, ipv6cp_hisoptions[0].hisid);
  report (&line);
}

static void
on_ip_down (void *arg,
            int   unused)
{
  struct report_line line = { .len = 0 };

  line_add_str (&line, MIDWAY_REPORT_IP_DOWN);
  line_add_ifname (&line);
  report (&line);
}

static void
on_exit_notify (void *arg,
                int   exit_status)
{
  struct report_line line = { .len = 0 };

  /* die() passes the status it is about to exit() with; it is not always
   * the "status" global (fatal() exits with 1 whatever that says). */
  line_add_str (&line, MIDWAY_REPORT_EXIT " ");
  line_add_int (&line, exit_status);
  report (&line);
}

static void
on_fork (void *arg,
         int   unused)
{
  /*
   * We are in a child of pppd about to exec a script.  The first event
   * normally comes before any such fork, but with "demand" pppd runs
   * ip-pre-up first, so make sure the child cannot inherit the channel,
   * and never report from it.
   */
  if (report_fd >= 0 && report_state != REPORT_READY)
    {
      int flags = fcntl (report_fd, F_GETFD);

      if (flags >= 0)
        (void) fcntl (report_fd, F_SETFD, flags | FD_CLOEXEC);
    }
  report_state = REPORT_OFF;
}

void plugin_init (void);

void
plugin_init (void)
{
  add_options (midway_options);
  add_notifier (&phasechange, on_phase_change, NULL);
  add_notifier (&ip_up_notifier, on_ip_up, NULL);
  add_notifier (&ip_down_notifier, on_ip_down, NULL);
  add_notifier (&ipv6_up_notifier, on_ip6_up, NULL);
  add_notifier (&exitnotify, on_exit_notify, NULL);
  add_notifier (&fork_notifier, on_fork, NULL);

  prev_snoop_recv_hook = snoop_recv_hook;
  snoop_recv_hook = on_recv;
}
