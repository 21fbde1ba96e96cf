// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives the real midway-helper-pppd-plugin.so without pppd or a kernel PPP:
 * this program stands in for pppd, exporting the symbols the plugin binds to
 * (it must be linked with --export-dynamic), loads the plugin the way pppd
 * does (RTLD_GLOBAL | RTLD_NOW) and fires the notifiers and hooks by hand.
 * Output is TAP.
 *
 * Usage: test-pppd-plugin PATH/midway-helper-pppd-plugin.so
 */

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/ipcp.h>
/* Debian builds pppd with IPv6 (INET6); its headers insist on being told. */
#ifndef INET6
#define INET6 1
#endif
#include <pppd/eui64.h>
#include <pppd/ipv6cp.h>

/* ---- the part of pppd the plugin links against ---- */

char ifname[MAXIFNAMELEN];
ipcp_options ipcp_gotoptions[1];
ipcp_options ipcp_hisoptions[1];
struct notifier *phasechange;
struct notifier *exitnotify;
struct notifier *ip_up_notifier;
struct notifier *ip_down_notifier;
ipv6cp_options ipv6cp_gotoptions[1];
ipv6cp_options ipv6cp_hisoptions[1];
struct notifier *ipv6_up_notifier;
volatile int status;
struct notifier *fork_notifier;
void (*snoop_recv_hook) (unsigned char *p, int len);

static option_t *added_options;
/* The variables the plugin removed from the scripts' environment, each
 * followed by a space. */
static char unset_vars[256];
static char last_log[512];
static int n_errors, n_warnings;

void
add_options (option_t *opt)
{
  added_options = opt;
}

void
script_unsetenv (char *var)
{
  if (strlen (unset_vars) + strlen (var) + 2 < sizeof unset_vars)
    {
      strcat (unset_vars, var);
      strcat (unset_vars, " ");
    }
}

void
add_notifier (struct notifier **notif,
              notify_func       func,
              void             *arg)
{
  struct notifier *n = calloc (1, sizeof *n);

  if (n == NULL)
    abort ();
  n->func = func;
  n->arg = arg;
  n->next = *notif;
  *notif = n;
}

void
notify (struct notifier *notif,
        int              val)
{
  for (; notif != NULL; notif = notif->next)
    notif->func (notif->arg, val);
}

static void
record_log (const char *fmt,
            va_list     ap)
{
  /* pppd's %m; good enough for checking what was logged. */
  char fixed[256];
  const char *m = strstr (fmt, "%m");

  if (m != NULL)
    {
      snprintf (fixed, sizeof fixed, "%.*s<errno>%s", (int) (m - fmt), fmt, m + 2);
      fmt = fixed;
    }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  vsnprintf (last_log, sizeof last_log, fmt, ap);
#pragma GCC diagnostic pop
}

#define LOGGER(name, counter) \
  void name (char *fmt, ...) \
  { \
    va_list ap; \
    va_start (ap, fmt); \
    record_log (fmt, ap); \
    va_end (ap); \
    counter; \
  }

LOGGER (dbglog, (void) 0)
LOGGER (info, (void) 0)
LOGGER (notice, (void) 0)
LOGGER (warn, n_warnings++)
LOGGER (error, n_errors++)

/* ---- TAP ---- */

static int test_no;
static int failures;
static int in_scenario;

/* Inside a scenario (a child) checks are diagnostics; the parent turns each
 * scenario into one TAP line, so the numbering stays right. */
static void
ok (int         cond,
    const char *what)
{
  if (!cond)
    failures++;
  if (in_scenario)
    printf ("#   %s - %s\n", cond ? "ok" : "NOT OK", what);
  else
    printf ("%sok %d - %s\n", cond ? "" : "not ", ++test_no, what);
  fflush (stdout);
}

static void
ok_str (const char *got,
        const char *want,
        const char *what)
{
  ok (strcmp (got, want) == 0, what);
  if (strcmp (got, want) != 0)
    printf ("#   got:  \"%s\"\n#   want: \"%s\"\n", got, want);
}

/* ---- helpers ---- */

static int *report_fd_option;
static int prev_hook_calls;

static void
prev_hook (unsigned char *p,
           int            len)
{
  prev_hook_calls++;
}

/* Reads what the plugin sent, non-blocking; returns "" when nothing. */
static const char *
drain (int fd)
{
  static char buf[4096];
  size_t len = 0;

  for (;;)
    {
      ssize_t n = recv (fd, buf + len, sizeof buf - 1 - len, MSG_DONTWAIT);

      if (n < 0 && errno == ENOTSOCK)
        n = read (fd, buf + len, sizeof buf - 1 - len);
      if (n <= 0)
        break;
      len += (size_t) n;
    }
  buf[len] = '\0';
  return buf;
}

static void
set_addrs (const char *local,
           const char *remote,
           const char *dns1,
           const char *dns2)
{
  inet_pton (AF_INET, local, &ipcp_gotoptions[0].ouraddr);
  inet_pton (AF_INET, remote, &ipcp_hisoptions[0].hisaddr);
  inet_pton (AF_INET, dns1, &ipcp_gotoptions[0].dnsaddr[0]);
  inet_pton (AF_INET, dns2, &ipcp_gotoptions[0].dnsaddr[1]);
}

/*
 * Each scenario runs in its own child, since the plugin's state (first use,
 * "peer" once) is per process, like it is per pppd.
 */
typedef void (*scenario_fn) (void);

static void
run (const char *name,
     scenario_fn fn)
{
  pid_t pid;
  int wstatus;

  printf ("# %s\n", name);
  fflush (stdout);
  pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      exit (1);
    }
  if (pid == 0)
    {
      in_scenario = 1;
      fn ();
      fflush (stdout);
      _exit (failures == 0 ? 0 : 1);
    }
  while (waitpid (pid, &wstatus, 0) < 0)
    if (errno != EINTR)
      {
        perror ("waitpid");
        exit (1);
      }
  ok (WIFEXITED (wstatus) && WEXITSTATUS (wstatus) == 0, name);
}

static void
scenario_sequence (int type)
{
  int sv[2];
  int flags;

  if (socketpair (AF_UNIX, type, 0, sv) < 0)
    abort ();
  /* What the helper would do: plugin end at a fixed number, no CLOEXEC. */
  if (dup2 (sv[1], 7) < 0)
    abort ();
  close (sv[1]);
  *report_fd_option = 7;

  notify (phasechange, PHASE_SERIALCONN);
  ok_str (drain (sv[0]), "phase 2\n", "phase line");
  flags = fcntl (7, F_GETFD);
  ok (flags >= 0 && (flags & FD_CLOEXEC), "report fd is close-on-exec after first use");

  notify (phasechange, PHASE_ESTABLISH);
  snoop_recv_hook ((unsigned char *) "\xff\x03\xc0\x21", 4);
  snoop_recv_hook ((unsigned char *) "\xff\x03\xc0\x21", 4);
  ok_str (drain (sv[0]), "phase 4\npeer\n", "peer reported once");
  ok (prev_hook_calls == 2, "previous snoop_recv_hook still called");

  strcpy (ifname, "ppp0");
  set_addrs ("10.1.2.3", "192.168.255.1", "9.9.9.9", "0.0.0.0");
  notify (phasechange, PHASE_RUNNING);
  unset_vars[0] = '\0';
  notify (ip_up_notifier, 0);
  ok_str (drain (sv[0]), "phase 8\nip-up ppp0 10.1.2.3 192.168.255.1 9.9.9.9 0.0.0.0\n",
          "ip-up line");
  /* /etc/ppp/ip-up runs right after the notifier; Debian's
   * ip-up.d/0000usepeerdns acts on these. */
  ok_str (unset_vars, "USEPEERDNS DNS1 DNS2 ",
          "the peer's DNS servers are hidden from the ip-up scripts");

  set_addrs ("0.0.0.0", "255.255.255.255", "1.0.0.1", "100.64.0.10");
  strcpy (ifname, "vpn-long-interface-name-0123456");
  notify (ip_up_notifier, 0);
  ok_str (drain (sv[0]),
          "ip-up vpn-long-interface-name-0123456 0.0.0.0 255.255.255.255 1.0.0.1 100.64.0.10\n",
          "ip-up with extreme values and a 31-char ifname");

  {
    static const unsigned char ours[8] = { 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x0a, 0x01 };
    static const unsigned char his[8] = { 0, 0, 0, 0, 0, 0, 0, 0x02 };

    strcpy (ifname, "ppp0");
    memcpy (ipv6cp_gotoptions[0].ourid.e8, ours, 8);
    memcpy (ipv6cp_hisoptions[0].hisid.e8, his, 8);
    notify (ipv6_up_notifier, 0);
    ok_str (drain (sv[0]),
            "ip6-up ppp0 fe80::0200:5eff:fe00:0a01 fe80::0000:0000:0000:0002\n",
            "ip6-up line with both link-local addresses");
  }

  strcpy (ifname, "pp p\n\x80");
  notify (ip_down_notifier, 0);
  ifname[0] = '\0';
  notify (ip_down_notifier, 0);
  ok_str (drain (sv[0]), "ip-down pp?p??\nip-down ?\n", "ifname sanitised");

  /* LcpLinkFailure() sets status before lcp_close() enters TERMINATE. */
  status = EXIT_PEER_DEAD;
  notify (phasechange, PHASE_TERMINATE);
  ok_str (drain (sv[0]), "phase 9\nlink-down 15\n", "link-down carries pppd's status");

  notify (phasechange, PHASE_DEAD);
  notify (exitnotify, EXIT_HANGUP);
  ok_str (drain (sv[0]), "phase 0\nexit 16\n", "exit line");
  ok (n_errors == 0 && n_warnings == 0, "nothing logged as error or warning");
}

static void
scenario_seqpacket (void)
{
  scenario_sequence (SOCK_SEQPACKET);
}

static void
scenario_stream (void)
{
  scenario_sequence (SOCK_STREAM);
}

static void
scenario_seqpacket_records (void)
{
  int sv[2];
  char buf[512];
  ssize_t n;

  if (socketpair (AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
    abort ();
  *report_fd_option = sv[1];
  notify (phasechange, PHASE_ESTABLISH);
  notify (exitnotify, -2147483647 - 1);
  n = recv (sv[0], buf, sizeof buf, 0);
  ok (n == 8 && memcmp (buf, "phase 4\n", 8) == 0, "one line per SEQPACKET record");
  n = recv (sv[0], buf, sizeof buf, 0);
  ok (n == 17 && memcmp (buf, "exit -2147483648\n", 17) == 0,
      "INT_MIN formatted without overflow");
}

static void
scenario_no_option (void)
{
  int sv[2];

  if (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) < 0)
    abort ();
  /* Option not given: *report_fd_option keeps its default. */
  ok (*report_fd_option == -1, "option defaults to -1");
  notify (phasechange, PHASE_ESTABLISH);
  snoop_recv_hook ((unsigned char *) "\xff\x03\xc0\x21", 4);
  notify (ip_up_notifier, 0);
  notify (exitnotify, 0);
  ok_str (drain (sv[0]), "", "nothing reported without the option");
  ok (prev_hook_calls == 1, "hook chain intact without the option");
  ok (n_errors == 0 && n_warnings == 0, "nothing logged without the option");
}

static void
scenario_closed_fd (void)
{
  *report_fd_option = 900;      /* not open */
  notify (phasechange, PHASE_ESTABLISH);
  /* Also proves the plugin's error@GLIBC_2.2.5 reference binds to the host
   * program's error(), as it does in pppd, and not to glibc's error(3). */
  ok (n_errors == 1 && strstr (last_log, "900") != NULL, "closed fd logged as an error");
  notify (phasechange, PHASE_NETWORK);
  notify (exitnotify, 1);
  ok (n_errors == 1, "checked only once, then silent");
}

static void
scenario_tty_refused (void)
{
  int fd = open ("/dev/null", O_WRONLY);

  if (fd < 0)
    abort ();
  *report_fd_option = fd;
  notify (phasechange, PHASE_ESTABLISH);
  ok (n_errors == 1 && strstr (last_log, "neither") != NULL,
      "character device refused");
}

static void
scenario_regular_file (void)
{
  char path[] = "/tmp/test-pppd-plugin-XXXXXX";
  int fd = mkstemp (path);

  if (fd < 0)
    abort ();
  unlink (path);
  *report_fd_option = fd;
  notify (phasechange, PHASE_ESTABLISH);
  notify (exitnotify, 5);
  if (lseek (fd, 0, SEEK_SET) < 0)
    abort ();
  ok_str (drain (fd), "phase 4\nexit 5\n", "regular file gets plain write()s");
}

static void
scenario_helper_gone_socket (void)
{
  int sv[2];

  /* Default SIGPIPE disposition: MSG_NOSIGNAL must keep us alive. */
  signal (SIGPIPE, SIG_DFL);
  if (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) < 0)
    abort ();
  close (sv[0]);
  *report_fd_option = sv[1];
  notify (phasechange, PHASE_ESTABLISH);
  ok (n_warnings == 1 && n_errors == 0, "EPIPE on a socket: one warning, no SIGPIPE");
  notify (exitnotify, 0);
  ok (n_warnings == 1, "no further attempts after EPIPE");
}

static void
scenario_helper_gone_pipe (void)
{
  int p[2];
  struct sigaction sa;

  signal (SIGPIPE, SIG_DFL);
  if (pipe (p) < 0)
    abort ();
  close (p[0]);
  *report_fd_option = p[1];
  notify (exitnotify, 1);
  ok (n_warnings == 1, "EPIPE on a pipe: one warning, no SIGPIPE");
  ok (sigaction (SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL,
      "SIGPIPE disposition restored");
}

static void
scenario_fork_notifier (void)
{
  int sv[2];
  int flags;

  if (socketpair (AF_UNIX, SOCK_STREAM, 0, sv) < 0)
    abort ();
  if (dup2 (sv[1], 9) < 0)
    abort ();
  close (sv[1]);
  *report_fd_option = 9;
  /* As in pppd's safe_fork() child, before any event (demand + ip-pre-up). */
  notify (fork_notifier, 0);
  flags = fcntl (9, F_GETFD);
  ok (flags >= 0 && (flags & FD_CLOEXEC), "fork notifier sets close-on-exec");
  notify (phasechange, PHASE_ESTABLISH);
  ok_str (drain (sv[0]), "", "no reports from a forked script child");
}

int
main (int    argc,
      char **argv)
{
  void *plugin;
  void (*init) (void);
  const char *version;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s PLUGIN.so\n", argv[0]);
      return 2;
    }
  snoop_recv_hook = prev_hook;
  plugin = dlopen (argv[1], RTLD_GLOBAL | RTLD_NOW);
  if (plugin == NULL)
    {
      printf ("Bail out! %s\n", dlerror ());
      return 1;
    }
  version = dlsym (plugin, "pppd_version");
  init = (void (*)(void))dlsym (plugin, "plugin_init");
  if (version == NULL || init == NULL)
    {
      printf ("Bail out! plugin lacks pppd_version or plugin_init\n");
      return 1;
    }

  printf ("TAP version 13\n");
  ok_str (version, VERSION, "pppd_version matches the headers");
  init ();
  ok (added_options != NULL && strcmp (added_options[0].name, "midway-report-fd") == 0
      && added_options[0].type == o_int && added_options[1].name == NULL,
      "registers exactly midway-report-fd as o_int");
  ok (added_options != NULL
      && (added_options[0].flags & OPT_LIMITS) == OPT_LIMITS
      && added_options[0].lower_limit == 3 && added_options[0].upper_limit == 1023
      && (added_options[0].flags & OPT_PRIV),
      "bounds 3..1023, privileged");
  ok (snoop_recv_hook != prev_hook, "installs its snoop_recv_hook");
  ok (phasechange && exitnotify && ip_up_notifier && ip_down_notifier && fork_notifier
      && ipv6_up_notifier,
      "registers its notifiers");
  report_fd_option = added_options[0].addr;

  run ("full sequence over SOCK_SEQPACKET", scenario_seqpacket);
  run ("full sequence over SOCK_STREAM", scenario_stream);
  run ("SEQPACKET record boundaries", scenario_seqpacket_records);
  run ("no midway-report-fd option", scenario_no_option);
  run ("closed fd", scenario_closed_fd);
  run ("character device refused", scenario_tty_refused);
  run ("regular file", scenario_regular_file);
  run ("helper gone, socket", scenario_helper_gone_socket);
  run ("helper gone, pipe", scenario_helper_gone_pipe);
  run ("fork notifier", scenario_fork_notifier);

  printf ("1..%d\n", test_no);
  return failures == 0 ? 0 : 1;
}
