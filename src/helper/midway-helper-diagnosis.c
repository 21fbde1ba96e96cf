/* midway-helper-diagnosis.c
 *
 * ssh reports everything with exit status 255 and says what went wrong on
 * stderr; there is no other channel, so its messages (stable for decades,
 * and ssh is run with LC_ALL=C) are matched here.  Everything that happens
 * after the remote pppd has answered comes from pppd's exit status instead.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "midway-reason.h"
#include "midway-helper-diagnosis.h"
#include "midway-helper-launch.h"
#include "midway-text.h"

#define SSH_EXIT_ERROR 255
/* Bytes of LastMessage: one line of ssh's, not a transcript. */
#define MESSAGE_MAX_LENGTH 240

typedef struct
{
  const char *needle;
  const char *reason;
} SshPattern;

/* Order matters: the first match wins, and a changed host key is also a
 * "verification failed". */
static const SshPattern ssh_patterns[] = {
  { "REMOTE HOST IDENTIFICATION HAS CHANGED", MIDWAY_REASON_HOST_KEY_MISMATCH },
  { "Host key verification failed", MIDWAY_REASON_HOST_KEY_MISMATCH },
  { "host key is known for", MIDWAY_REASON_HOST_KEY_MISMATCH },
  { "Permission denied (", MIDWAY_REASON_SSH_AUTH_FAILED },
  { "Too many authentication failures", MIDWAY_REASON_SSH_AUTH_FAILED },
  { "Timeout, server", MIDWAY_REASON_PEER_NOT_RESPONDING },
  { "Could not resolve hostname", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "Connection refused", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "No route to host", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "Network is unreachable", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "Connection timed out", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "Operation timed out", MIDWAY_REASON_SERVER_UNREACHABLE },
  { "Connection reset by peer", MIDWAY_REASON_SERVER_UNREACHABLE },
};

/* The last non-empty line that is not ssh's own "Killed by signal" noise. */
static char *
last_meaningful_line (const char *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL)
    return g_strdup ("");

  lines = g_strsplit (text, "\n", -1);
  for (guint i = g_strv_length (lines); i > 0; i--)
    {
      const char *line = g_strstrip (lines[i - 1]);

      if (*line != '\0' && !g_str_has_prefix (line, "Killed by signal"))
        return g_strdup (line);
    }
  return g_strdup ("");
}

static char *
line_containing (const char *text,
                 const char *needle)
{
  const char *hit = strstr (text, needle);
  const char *start = hit;
  const char *end;

  while (start > text && start[-1] != '\n')
    start--;
  end = strchr (hit, '\n');
  return g_strstrip (g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start)));
}

static const char *
diagnose (const MidwayHelperAttempt *attempt,
          char                     **message)
{
  const char *err = attempt->ssh_stderr != NULL ? attempt->ssh_stderr : "";

  if (attempt->stopped_by_user)
    {
      *message = g_strdup ("");
      return MIDWAY_REASON_STOPPED_BY_USER;
    }

  /* ssh never ran: the launcher said why.  Its status alone would be a
   * remote command's; its line alone could be a ProxyCommand's. */
  if (attempt->ssh_exited_first && attempt->ssh_status == MIDWAY_LAUNCH_EXIT_FAILED &&
      strstr (err, MIDWAY_LAUNCH_PREFIX) != NULL)
    {
      g_autofree char *line = line_containing (err, MIDWAY_LAUNCH_PREFIX);
      const char *what = strstr (line, MIDWAY_LAUNCH_PREFIX) + strlen (MIDWAY_LAUNCH_PREFIX);

      *message = g_strdup (what);
      /* The caller's own key file or agent socket is unusable: no retry
       * would change that. */
      if (g_str_has_prefix (what, "key-file: ") || g_str_has_prefix (what, "ssh-auth-sock: "))
        return MIDWAY_REASON_SSH_AUTH_FAILED;
      return MIDWAY_REASON_HELPER_ERROR;
    }

  /* pppd found no PPP in the kernel (its ppp_available() check). */
  if (attempt->pppd_status == MIDWAY_PPPD_EXIT_NO_KERNEL_SUPPORT)
    {
      *message = g_strdup ("pppd exit status 4: no PPP support in the kernel");
      return MIDWAY_REASON_NO_KERNEL_PPP;
    }

  /* pppd decided the peer was dead before ssh noticed anything. */
  if (attempt->pppd_status == MIDWAY_PPPD_EXIT_PEER_DEAD)
    {
      *message = g_strdup ("");
      return MIDWAY_REASON_PEER_NOT_RESPONDING;
    }

  if (!attempt->link_was_up || attempt->ssh_exited_first)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (ssh_patterns); i++)
        if (strstr (err, ssh_patterns[i].needle) != NULL)
          {
            *message = line_containing (err, ssh_patterns[i].needle);
            return ssh_patterns[i].reason;
          }
    }

  /* ssh passes on the remote command's exit status: a status other than
   * 255 before the remote pppd ever spoke means the remote command itself
   * failed (sudo asking for a password, pppd missing, …). */
  if (!attempt->peer_seen && attempt->ssh_exited_first &&
      attempt->ssh_status >= 0 && attempt->ssh_status != SSH_EXIT_ERROR)
    {
      *message = last_meaningful_line (err);
      return MIDWAY_REASON_REMOTE_PPPD_FAILED;
    }

  switch (attempt->pppd_status)
    {
    case MIDWAY_PPPD_EXIT_NEGOTIATION_FAILED:
    case MIDWAY_PPPD_EXIT_PEER_AUTH_FAILED:
    case MIDWAY_PPPD_EXIT_AUTH_TOPEER_FAILED:
    case MIDWAY_PPPD_EXIT_LOOPBACK:
      *message = g_strdup_printf ("pppd exit status %d", attempt->pppd_status);
      return MIDWAY_REASON_PPP_NEGOTIATION_FAILED;
    default:
      break;
    }

  if (attempt->peer_seen || attempt->link_was_up)
    {
      *message = last_meaningful_line (err);
      return MIDWAY_REASON_SSH_SESSION_ENDED;
    }

  if (attempt->ssh_exited_first && attempt->ssh_status == SSH_EXIT_ERROR)
    {
      *message = last_meaningful_line (err);
      return MIDWAY_REASON_SERVER_UNREACHABLE;
    }

  *message = g_strdup_printf ("pppd exit status %d, ssh exit status %d",
                              attempt->pppd_status, attempt->ssh_status);
  return MIDWAY_REASON_HELPER_ERROR;
}

const char *
midway_helper_diagnose (const MidwayHelperAttempt *attempt,
                        char                     **message)
{
  g_autofree char *raw = NULL;
  const char *reason;

  g_return_val_if_fail (attempt != NULL, MIDWAY_REASON_HELPER_ERROR);
  g_return_val_if_fail (message != NULL, MIDWAY_REASON_HELPER_ERROR);

  /* The message becomes LastMessage and StateChanged's argument, which
   * every account on the system bus can read and every client prints:
   * what the server or ssh wrote arrives as one short, inert line, never
   * as escape sequences for someone's terminal. */
  reason = diagnose (attempt, &raw);
  *message = midway_text_sanitize_line (raw, MESSAGE_MAX_LENGTH);
  return reason;
}

gboolean
midway_helper_kernel_has_ppp (const char *device,
                              char      **message)
{
  int fd = open (device, O_RDWR | O_NOCTTY | O_CLOEXEC);
  int saved = errno;

  if (fd >= 0)
    {
      close (fd);
      return TRUE;
    }
  if (saved != ENOENT && saved != ENODEV && saved != ENXIO)
    return TRUE;

  if (message != NULL)
    *message = g_strdup_printf ("Couldn't open the %s device: %s", device, g_strerror (saved));
  return FALSE;
}
