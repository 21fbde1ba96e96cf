/* midway-helper-launch.c
 *
 * Starts a program as a user, for midway-helper:
 *
 *   midway-helper-launch --parent=PID --uid=UID --gid=GID --groups=G,G,…
 *                        [--wait-fd=FD] [--key-file=PATH] [--agent-socket=PATH]
 *                        -- PROGRAM ARG…
 *
 * The helper forks and execs this at once, as root: it never changes its
 * uid in a fork of itself.  Until exec such a fork is a copy of the
 * helper's memory, with every tunnel's secrets, and the helper waits for
 * the exec; once the fork had the user's uid, the user could stop it with
 * SIGSTOP and the helper with it.  Here the privileges are dropped in a
 * fresh image that holds nothing, that the helper does not wait for.
 *
 * With --wait-fd it first waits, as root (so the user cannot stop it),
 * for a byte on FD: the helper sends it once this process is where it
 * should run (a systemd scope of the user's, see midway-helper-scope.c),
 * before anything of the user's could fork.
 *
 * The caller's paths are looked at after the drop, as the caller: root
 * would see (and tell) what the caller cannot.  Every failure of such a
 * check gives the one message per path, whatever the cause.
 *
 * Exits MIDWAY_LAUNCH_EXIT_FAILED with one line on stderr, starting with
 * "midway-helper-launch: ", when anything fails before the exec.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "midway-helper-launch.h"

#define MAX_GROUPS 65536

static void __attribute__((noreturn))
fail (const char *what,
      const char *detail)
{
  fprintf (stderr, "%s%s%s%s\n", MIDWAY_LAUNCH_PREFIX, what,
           detail != NULL ? ": " : "", detail != NULL ? detail : "");
  exit (MIDWAY_LAUNCH_EXIT_FAILED);
}

static unsigned long
parse_id (const char *text,
          const char *what)
{
  char *end;
  unsigned long value;

  errno = 0;
  value = strtoul (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || *text == '-' || value >= UINT_MAX)
    fail ("bad argument", what);
  return value;
}

static size_t
parse_groups (const char *text,
              gid_t     **out)
{
  size_t n = 0, size = 8;
  gid_t *groups = malloc (size * sizeof *groups);
  char *copy = strdup (text);
  char *save = NULL;

  if (groups == NULL || copy == NULL)
    fail ("out of memory", NULL);
  for (char *word = strtok_r (copy, ",", &save); word != NULL; word = strtok_r (NULL, ",", &save))
    {
      if (n == MAX_GROUPS)
        fail ("bad argument", "--groups");
      if (n == size)
        {
          size *= 2;
          groups = realloc (groups, size * sizeof *groups);
          if (groups == NULL)
            fail ("out of memory", NULL);
        }
      groups[n++] = (gid_t) parse_id (word, "--groups");
    }
  free (copy);
  *out = groups;
  return n;
}

static void
drop_privileges (uid_t        uid,
                 gid_t        gid,
                 const gid_t *groups,
                 size_t       n_groups)
{
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;

  if (setgroups (n_groups, groups) != 0)
    fail ("setgroups", strerror (errno));
  if (setresgid (gid, gid, gid) != 0)
    fail ("setresgid", strerror (errno));
  if (setresuid (uid, uid, uid) != 0)
    fail ("setresuid", strerror (errno));

  /* A silently failed drop would run ssh, its config and its
   * ProxyCommand as root. */
  if (getresuid (&ruid, &euid, &suid) != 0 || ruid != uid || euid != uid || suid != uid)
    fail ("uid check", NULL);
  if (getresgid (&rgid, &egid, &sgid) != 0 || rgid != gid || egid != gid || sgid != gid)
    fail ("gid check", NULL);
  if (uid != 0 && setuid (0) == 0)
    fail ("privileges could be regained", NULL);
}

/* lstat: a symlink of the caller's to someone else's socket or key would
 * pass a stat() owner check on the wrong object.  Missing, unreachable,
 * of the wrong kind or someone else's: one message, as the caller could
 * only have told these apart by looking themselves. */
static void
check_own (const char *key,
           const char *path,
           mode_t      type,
           const char *message)
{
  struct stat st;

  if (lstat (path, &st) != 0 || (st.st_mode & S_IFMT) != type || st.st_uid != getuid ())
    {
      fprintf (stderr, "%s%s: %s\n", MIDWAY_LAUNCH_PREFIX, key, message);
      exit (MIDWAY_LAUNCH_EXIT_FAILED);
    }
}

int
main (int   argc,
      char *argv[])
{
  const char *key_file = NULL, *agent_socket = NULL;
  int wait_fd = -1;
  int have_uid = 0, have_gid = 0, have_groups = 0;
  pid_t parent = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  gid_t *groups = NULL;
  size_t n_groups = 0;
  int i;

  for (i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "--") == 0)
        {
          i++;
          break;
        }
      else if (strncmp (arg, "--parent=", 9) == 0)
        parent = (pid_t) parse_id (arg + 9, "--parent");
      else if (strncmp (arg, "--uid=", 6) == 0)
        uid = (uid_t) parse_id (arg + 6, "--uid"), have_uid = 1;
      else if (strncmp (arg, "--gid=", 6) == 0)
        gid = (gid_t) parse_id (arg + 6, "--gid"), have_gid = 1;
      else if (strncmp (arg, "--groups=", 9) == 0)
        n_groups = parse_groups (arg + 9, &groups), have_groups = 1;
      else if (strncmp (arg, "--wait-fd=", 10) == 0)
        wait_fd = (int) parse_id (arg + 10, "--wait-fd");
      else if (strncmp (arg, "--key-file=", 11) == 0)
        key_file = arg + 11;
      else if (strncmp (arg, "--agent-socket=", 15) == 0)
        agent_socket = arg + 15;
      else
        fail ("unknown argument", arg);
    }
  if (i >= argc || argv[i][0] != '/' || parent <= 1 || !have_uid || !have_gid || !have_groups)
    fail ("usage: midway-helper-launch --parent=PID --uid=UID --gid=GID --groups=LIST "
          "[--wait-fd=FD] [--key-file=PATH] [--agent-socket=PATH] -- /PROGRAM [ARG…]", NULL);

  if (wait_fd >= 0)
    {
      char go;
      ssize_t n;

      while ((n = read (wait_fd, &go, 1)) < 0 && errno == EINTR)
        ;
      if (n != 1)
        fail ("the helper did not let the program start", NULL);
      close (wait_fd);
    }

  drop_privileges (uid, gid, groups, n_groups);
  free (groups);

  /* Changing ids cleared the death signal the helper's fork set.  The
   * helper forks from its main thread, which lives as long as it does, so
   * the signal comes when the helper goes. */
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0)
    fail ("prctl", strerror (errno));
  if (getppid () != parent)
    fail ("the helper has exited", NULL);

  if (key_file != NULL)
    check_own ("key-file", key_file, S_IFREG,
               "not found, or not a regular file of yours");
  if (agent_socket != NULL)
    check_own ("ssh-auth-sock", agent_socket, S_IFSOCK,
               "not found, or not a socket of yours");

  execv (argv[i], &argv[i]);
  fail ("could not run the program", strerror (errno));
}
