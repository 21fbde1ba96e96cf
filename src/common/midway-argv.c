/* midway-argv.c: the ssh and pppd argument vectors.
 *
 * These vectors are the boundary between a profile any local user can send
 * and two programs, one of them running as root.  Every element is either a
 * fixed string from this file, a number, or profile text that passed the
 * field rules in midway-profile-checks.c and is placed where the program can only
 * read it as data (an option's value, or after "--").  Nothing goes through
 * a shell and nothing is joined to be split again.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "midway-argv.h"
#include "midway-error.h"

/* The lowest fd we accept: 0-2 are the child's stdio. */
#define MIN_CHILD_FD 3
/* Below the default RLIMIT_NOFILE soft limit, so pppd can always have it. */
#define MAX_CHILD_FD 1023

#define MAX_PATH_LENGTH 4096
#define MAX_IPPARAM_LENGTH 32

static gboolean argument_error (GError    **error,
                                const char *format,
                                ...) G_GNUC_PRINTF (2, 3);

static gboolean
argument_error (GError    **error,
                const char *format,
                ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

/* The helper's own inputs come from its build configuration and its own
 * code, but a mistake there would put them on root's pppd command line, so
 * they get the same suspicion as profile data. */
static gboolean
check_absolute_path (const char *path,
                     const char *what,
                     GError    **error)
{
  if (path == NULL || path[0] != '/' || strnlen (path, MAX_PATH_LENGTH + 1) > MAX_PATH_LENGTH)
    return argument_error (error, _("%s: must be an absolute path"), what);

  for (const char *p = path; *p != '\0'; p++)
    if (g_ascii_iscntrl (*p))
      return argument_error (error, _("%s: must not contain control characters"), what);

  return TRUE;
}

static gboolean
check_fd (int         fd,
          const char *what,
          GError    **error)
{
  if (fd < MIN_CHILD_FD || fd > MAX_CHILD_FD)
    return argument_error (error, _("%s: must be between %d and %d"),
                           what, MIN_CHILD_FD, MAX_CHILD_FD);
  return TRUE;
}

/* A file ssh reads through an option value (UserKnownHostsFile) or -i.
 * ssh splits option values at whitespace and quotes, and expands "~", "%"
 * tokens and "${VAR}" in both, so only a plain alphabet is let through. */
static gboolean
check_ssh_file_path (const char *path,
                     const char *what,
                     GError    **error)
{
  static const char allowed[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-";

  if (!check_absolute_path (path, what, error))
    return FALSE;

  if (strspn (path, allowed) != strlen (path) || strstr (path, "/../") != NULL ||
      g_str_has_suffix (path, "/.."))
    return argument_error (error,
                           _("%s: may only contain letters, digits, “_”, “.”, “-” and “/”"),
                           what);

  return TRUE;
}

/* ^/dev/pts/[0-9]+$, canonical: pppd opens it as root, so nothing but a
 * pty slave may get through. */
static gboolean
check_tty_path (const char *path,
                GError    **error)
{
  const char *number;
  gsize n_digits;

  if (path == NULL || !g_str_has_prefix (path, "/dev/pts/"))
    return argument_error (error, _("%s: must be a pseudo-terminal such as /dev/pts/3"), "tty_path");

  number = path + strlen ("/dev/pts/");
  n_digits = strspn (number, "0123456789");
  if (n_digits == 0 || n_digits > 9 || number[n_digits] != '\0' ||
      (number[0] == '0' && n_digits > 1))
    return argument_error (error, _("%s: must be a pseudo-terminal such as /dev/pts/3"), "tty_path");

  return TRUE;
}

/* [a-z0-9-]{1,32}, and not starting with '-' either: it also becomes the
 * linkname, and with it a file name under /run. */
static gboolean
check_ipparam (const char *ipparam,
               GError    **error)
{
  gsize length;

  if (ipparam == NULL)
    return argument_error (error, _("%s: must be set"), "ipparam");

  length = strnlen (ipparam, MAX_IPPARAM_LENGTH + 1);
  if (length == 0 || length > MAX_IPPARAM_LENGTH || ipparam[0] == '-' ||
      strspn (ipparam, "abcdefghijklmnopqrstuvwxyz0123456789-") != length)
    return argument_error (error,
                           _("%s: must be 1 to %u lower-case letters, digits or “-”, not starting with “-”"),
                           "ipparam", (guint) MAX_IPPARAM_LENGTH);

  return TRUE;
}

/* Profile text placed as a positional argument.  The field rules already
 * exclude a leading '-'; checking again here keeps this file safe on its
 * own, should a rule ever be relaxed. */
static gboolean
add_data (GStrvBuilder *argv,
          const char   *key,
          const char   *value,
          GError      **error)
{
  if (value[0] == '\0' || value[0] == '-')
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   _("%s: must not be empty or start with “-”"), key);
      return FALSE;
    }

  g_strv_builder_add (argv, value);
  return TRUE;
}

/* "-o Key=value" as two elements; ssh parses the value as a config line,
 * so callers only pass fixed text, numbers, checked paths and the UUID id. */
static void
add_ssh_option (GStrvBuilder *argv,
                const char   *key,
                const char   *value)
{
  g_autofree char *option = g_strdup_printf ("%s=%s", key, value);

  g_strv_builder_add_many (argv, "-o", option, NULL);
}

static void
add_uint (GStrvBuilder *argv,
          const char   *option,
          guint         value)
{
  g_autofree char *text = g_strdup_printf ("%u", value);

  g_strv_builder_add_many (argv, option, text, NULL);
}

char *
midway_argv_host_key_alias (MidwayProfile *profile)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  /* The id is always a UUID (the profile refuses anything else), so the
   * alias is [a-z0-9-] and safe inside an ssh option. */
  return g_strdup_printf ("midway-%s", midway_profile_get_id (profile));
}

char *
midway_argv_known_hosts_line (MidwayProfile *profile)
{
  g_autofree char *alias = NULL;
  const char *host_key;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  host_key = midway_profile_get_host_key (profile);
  g_return_val_if_fail (*host_key != '\0', NULL);

  alias = midway_argv_host_key_alias (profile);
  return g_strdup_printf ("%s %s\n", alias, host_key);
}

GStrv
midway_argv_build_ssh (MidwayProfile       *profile,
                       const MidwaySshArgs *args,
                       GError             **error)
{
  g_autoptr(GStrvBuilder) argv = NULL;
  g_auto(GStrv) words = NULL;
  MidwayAuthMethod auth;
  gboolean pinned;
  const char *user;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (args != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!midway_profile_validate (profile, error))
    return NULL;

  if (!check_absolute_path (args->ssh_path, "ssh_path", error))
    return NULL;

  auth = midway_profile_get_auth (profile);
  pinned = *midway_profile_get_host_key (profile) != '\0';

  /* Each file must be there exactly when the profile needs it: a stray
   * one means the caller and the profile disagree about what is done. */
  if (pinned && !check_ssh_file_path (args->known_hosts_path, "known_hosts_path", error))
    return NULL;
  if (!pinned && args->known_hosts_path != NULL)
    {
      argument_error (error, _("%s: must be unset when no host key is pinned"), "known_hosts_path");
      return NULL;
    }
  if (auth == MIDWAY_AUTH_KEYRING_KEY &&
      !check_ssh_file_path (args->identity_path, "identity_path", error))
    return NULL;
  if (auth != MIDWAY_AUTH_KEYRING_KEY && args->identity_path != NULL)
    {
      argument_error (error, _("%s: must be unset unless the key comes from the keyring"),
                      "identity_path");
      return NULL;
    }
  /* In batch mode ssh never asks, so password authentication could only
   * fail, after a round trip, with a confusing message. */
  if (auth == MIDWAY_AUTH_PASSWORD && !args->use_askpass)
    {
      argument_error (error, _("%s: is needed for password authentication"), "use_askpass");
      return NULL;
    }

  argv = g_strv_builder_new ();

  /* No tty, no X11 or agent forwarding: the session carries PPP frames
   * and nothing else, and the server gets nothing of ours to use. */
  g_strv_builder_add_many (argv, args->ssh_path, "-T", "-x", "-a", NULL);

  /* BatchMode=yes also disables SSH_ASKPASS, so it is only on when there
   * is nothing to ask. */
  add_ssh_option (argv, "BatchMode", args->use_askpass ? "no" : "yes");
  /* Without a pinned key the user's known_hosts decides; never
   * trust-on-first-use from a root-run service. */
  add_ssh_option (argv, "StrictHostKeyChecking", "yes");
  add_ssh_option (argv, "ConnectTimeout", "15");
  /* ssh notices a dead TCP connection within 45 s even if pppd's echoes
   * are slower, and its exit is what the helper watches. */
  add_ssh_option (argv, "ServerAliveInterval", "15");
  add_ssh_option (argv, "ServerAliveCountMax", "3");
  add_ssh_option (argv, "ExitOnForwardFailure", "yes");
  /* Forwardings from the user's config would open listening sockets for
   * as long as the tunnel lives. */
  add_ssh_option (argv, "ClearAllForwardings", "yes");
  /* A shared master would tie our session's lifetime to another one. */
  add_ssh_option (argv, "ControlMaster", "no");
  add_ssh_option (argv, "ControlPath", "none");
  add_ssh_option (argv, "PermitLocalCommand", "no");
  /* These undo config settings that would break the link itself: a
   * RemoteCommand makes ssh refuse ours, "SessionType none" runs nothing,
   * StdinNull cuts off the pty and ForkAfterAuthentication detaches ssh
   * from the helper.  The command line wins over the config files. */
  add_ssh_option (argv, "RemoteCommand", "none");
  add_ssh_option (argv, "SessionType", "default");
  add_ssh_option (argv, "StdinNull", "no");
  add_ssh_option (argv, "ForkAfterAuthentication", "no");
  /* PPP frames are mostly already-compressed or encrypted payloads, and
   * zlib on the stream would add latency to every packet. */
  add_ssh_option (argv, "Compression", "no");
  /* ssh marks a session without a tty as bulk: CS1 upstream from 7.8 to
   * 10.0, which Wi-Fi (WMM) and many routers put in the background queue,
   * behind everyone's best effort.  The tunnel carries calls and downloads
   * alike in one TCP flow, so no per-packet class can be right; EF or AF4x
   * for all of it would claim priority for bulk transfers (and EF is
   * policed on some networks).  Best effort (CS0) for everything is the
   * one honest mark, and it also overrides an IPQoS of the user's config
   * that was meant for shells. */
  add_ssh_option (argv, "IPQoS", "cs0");
  /* ssh's stderr goes to the tunnel log; ERROR keeps the lines the helper
   * classifies (host key mismatch, authentication failure) and drops the
   * banner and the warnings about its own options. */
  add_ssh_option (argv, "LogLevel", "ERROR");
  /* The AES-GCM ciphers go first: with AES-NI they were the fastest in our
   * throughput measurements, aes128-gcm ahead.  "^" keeps the rest of the
   * default list, so a server without them still works. */
  add_ssh_option (argv, "Ciphers", "^aes128-gcm@openssh.com,aes256-gcm@openssh.com");

  if (pinned)
    {
      g_autofree char *alias = midway_argv_host_key_alias (profile);

      /* The pinned key is the only one ssh may accept: it is looked up
       * under an alias no other known_hosts line uses, in a file holding
       * only that line, and nothing may add keys or accept others. */
      add_ssh_option (argv, "HostKeyAlias", alias);
      add_ssh_option (argv, "UserKnownHostsFile", args->known_hosts_path);
      add_ssh_option (argv, "GlobalKnownHostsFile", "/dev/null");
      add_ssh_option (argv, "UpdateHostKeys", "no");
      add_ssh_option (argv, "CheckHostIP", "no");
      add_ssh_option (argv, "KnownHostsCommand", "none");
      add_ssh_option (argv, "VerifyHostKeyDNS", "no");
    }

  switch (auth)
    {
    case MIDWAY_AUTH_AGENT:
      add_ssh_option (argv, "PreferredAuthentications", "publickey");
      add_ssh_option (argv, "IdentitiesOnly", "no");
      break;

    case MIDWAY_AUTH_KEY_FILE:
      add_ssh_option (argv, "PreferredAuthentications", "publickey");
      add_ssh_option (argv, "IdentitiesOnly", "yes");
      add_ssh_option (argv, "IdentityAgent", "none");
      g_strv_builder_add (argv, "-i");
      if (!add_data (argv, MIDWAY_FIELD_KEY_FILE, midway_profile_get_key_file (profile), error))
        return NULL;
      break;

    case MIDWAY_AUTH_KEYRING_KEY:
      add_ssh_option (argv, "PreferredAuthentications", "publickey");
      add_ssh_option (argv, "IdentitiesOnly", "yes");
      add_ssh_option (argv, "IdentityAgent", "none");
      g_strv_builder_add_many (argv, "-i", args->identity_path, NULL);
      break;

    case MIDWAY_AUTH_PASSWORD:
      add_ssh_option (argv, "PreferredAuthentications", "password,keyboard-interactive");
      add_ssh_option (argv, "PubkeyAuthentication", "no");
      /* A wrong password fails the attempt instead of prompting again. */
      add_ssh_option (argv, "NumberOfPasswordPrompts", "1");
      break;

    default:
      g_assert_not_reached ();
    }

  add_uint (argv, "-p", midway_profile_get_port (profile));

  user = midway_profile_get_user (profile);
  if (*user != '\0')
    {
      g_strv_builder_add (argv, "-l");
      if (!add_data (argv, MIDWAY_FIELD_USER, user, error))
        return NULL;
    }

  /* After "--" ssh reads the host and the command, never options. */
  g_strv_builder_add (argv, "--");
  if (!add_data (argv, MIDWAY_FIELD_HOST, midway_profile_get_host (profile), error))
    return NULL;

  /* The remote command is validated as single-space-separated words of a
   * safe alphabet, so splitting on ' ' yields exactly its words. */
  words = g_strsplit (midway_profile_get_remote_command (profile), " ", -1);
  if (!add_data (argv, MIDWAY_FIELD_REMOTE_COMMAND, words[0], error))
    return NULL;
  g_strv_builder_addv (argv, (const char **) words + 1);
  g_strv_builder_add_many (argv, MIDWAY_REMOTE_PPPD_ARGS, NULL);
  /* IPv6CP opens only when neither end refuses it: the local pppd gets
   * "noipv6" without ipv6, and the server's "+ipv6" with it, for a pppd
   * that does not open IPv6CP by default. */
  if (midway_profile_get_ipv6 (profile))
    g_strv_builder_add (argv, "+ipv6");

  return g_strv_builder_end (argv);
}

GStrv
midway_argv_build_pppd (MidwayProfile        *profile,
                        const MidwayPppdArgs *args,
                        GError              **error)
{
  g_autoptr(GStrvBuilder) argv = NULL;
  const char *local_address;
  const char *remote_address;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (args != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!midway_profile_validate (profile, error))
    return NULL;

  if (!check_absolute_path (args->pppd_path, "pppd_path", error) ||
      !check_tty_path (args->tty_path, error) ||
      !check_absolute_path (args->plugin_path, "plugin_path", error) ||
      !check_fd (args->report_fd, "report_fd", error) ||
      !check_ipparam (args->ipparam, error))
    return NULL;

  argv = g_strv_builder_new ();

  /* No profile text reaches this vector: only the checked arguments above,
   * fixed keywords, numbers and canonical IPv4 addresses. */
  g_strv_builder_add_many (argv,
                           args->pppd_path,
                           args->tty_path,
                           /* The helper supervises pppd; it must not fork away. */
                           "nodetach",
                           /* The peer is the user's own server, reached
                            * through an ssh session that authenticated it. */
                           "noauth",
                           /* ...and we never authenticate to it either: a
                            * peer that asks for PAP, CHAP, MS-CHAP or EAP
                            * would otherwise get an answer made from root's
                            * /etc/ppp/{pap,chap}-secrets.  The link then
                            * fails to negotiate instead. */
                           "refuse-pap",
                           "refuse-chap",
                           "refuse-mschap",
                           "refuse-mschap-v2",
                           "refuse-eap",
                           /* A pty has no modem lines or hardware flow control. */
                           "local",
                           "nocrtscts",
                           /* Wait for the remote pppd's first LCP packet rather
                            * than send Configure-Requests into an ssh session
                            * that is still authenticating: those are lost and
                            * cost a 3 s restart timer before the next try. */
                           "silent",
                           "noccp",
                           /* Routes are the helper's business, never pppd's
                            * default behaviour or /etc/ppp/options. */
                           "nodefaultroute",
                           "noreplacedefaultroute",
                           "noproxyarp",
                           "hide-password",
                           NULL);

  add_uint (argv, "mtu", midway_profile_get_mtu (profile));
  add_uint (argv, "mru", midway_profile_get_mtu (profile));

  add_uint (argv, "lcp-echo-interval", midway_profile_get_echo_interval (profile));
  /* pppd counts an echo as failed only at the next tick, so once the link
   * goes silent it declares the peer dead between F·N and (F+1)·N seconds
   * for lcp-echo-failure F and interval N.  "lcp-echo-adaptive" sends no
   * echo at a tick that saw traffic since the last one, so a busy link
   * carries no probes at all; but a link that falls silent right after a
   * packet then costs one more tick, up to (F+2)·N.  So with adaptive
   * echoes pppd gets failures - 2, without them failures - 1: either way
   * the peer is declared dead within echo-interval × echo-failures, as the
   * profile says, and lcp-echo-failure never becomes 0 ("never give up").
   * failures = 2 leaves no room for the extra tick, so it probes even a
   * busy link. */
  if (midway_profile_get_echo_failures (profile) >= 3)
    {
      g_strv_builder_add (argv, "lcp-echo-adaptive");
      add_uint (argv, "lcp-echo-failure", midway_profile_get_echo_failures (profile) - 2);
    }
  else
    {
      add_uint (argv, "lcp-echo-failure", midway_profile_get_echo_failures (profile) - 1);
    }

  g_strv_builder_add_many (argv,
                           "ipparam", args->ipparam,
                           "linkname", args->ipparam,
                           /* pppd parses options in order, and the plugin
                            * must be loaded before its own option is seen. */
                           "plugin", args->plugin_path,
                           NULL);
  add_uint (argv, "midway-report-fd", (guint) args->report_fd);

  local_address = midway_profile_get_local_address (profile);
  remote_address = midway_profile_get_remote_address (profile);
  if (*local_address != '\0' || *remote_address != '\0')
    {
      g_autofree char *addresses = g_strdup_printf ("%s:%s", local_address, remote_address);

      g_strv_builder_add (argv, addresses);
    }
  /* Without a local address pppd would otherwise propose the address of
   * this machine's host name (its LAN address, typically) as ours; this
   * also holds when only the remote address is given. */
  if (*local_address == '\0')
    g_strv_builder_add (argv, "noipdefault");

  /* Link-local addresses come with IPv6CP; any other IPv6 route is the
   * helper's (midway-helper-routes.c).  Without ipv6 it has to be refused
   * in so many words: Debian's pppd opens IPv6CP by default, which gave an
   * IPv4 profile's link IPv6 addresses nobody asked for and put an IPv6CP
   * exchange and both sides' ipv6-up scripts into every link-up. */
  g_strv_builder_add (argv, midway_profile_get_ipv6 (profile) ? "+ipv6" : "noipv6");

  /* pppd 2.4.9 asks the peer for DNS servers (IPCP options 129 and 131)
   * only with "usepeerdns"; the plugin reports them and the helper applies
   * them (midway-helper-dns.c).  The plugin also hides them from
   * /etc/ppp/ip-up, so that Debian's ip-up.d/0000usepeerdns does not merge
   * them into /etc/resolv.conf behind the helper's back. */
  if (midway_profile_get_peer_dns (profile))
    g_strv_builder_add (argv, "usepeerdns");

  return g_strv_builder_end (argv);
}
