/* freeze-preload.c: makes the "user stops the helper's child" race of
 * issue 10 (H1) deterministic, for tests/security/scenario-freeze.sh.
 *
 * A user may send SIGSTOP to any process of theirs, and a child of the
 * helper is the user's as soon as its uid changes.  Whether the user's
 * loop gets there before the child execs is luck (and on the one CPU of
 * the test guest, nearly never).  This library, put in the guest's
 * /etc/ld.so.preload, plays the user's part at the worst moment: a
 * process whose parent is midway-helper and that has just become the uid
 * named in STOP_FILE stops itself, right after its setresuid().  The test
 * sends it SIGCONT when it has seen what it wanted to see.
 *
 * Everything here may run in a forked child of a threaded process before
 * exec: only system calls after the constructor.
 *
 * Test harness code: built by the compiler alone, never installed. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#define STOP_FILE "/run/midway-test-freeze/stop-uid"
#define HELPER_EXE "/usr/libexec/midway-helper"

typedef int (*setresuid_fn) (uid_t, uid_t, uid_t);

static setresuid_fn real_setresuid;

__attribute__((constructor)) static void
resolve (void)
{
  real_setresuid = (setresuid_fn) dlsym (RTLD_NEXT, "setresuid");
}

/* Read while still root: the helper's /proc entry is closed to the user. */
static int
parent_is_helper (void)
{
  char link[64], target[sizeof HELPER_EXE + 16];
  ssize_t n;

  snprintf (link, sizeof link, "/proc/%d/exe", (int) getppid ());
  n = readlink (link, target, sizeof target - 1);
  if (n < 0)
    return 0;
  target[n] = '\0';
  return strcmp (target, HELPER_EXE) == 0;
}

static long
stop_uid (void)
{
  char buffer[32];
  ssize_t n;
  int fd = open (STOP_FILE, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return -1;
  n = read (fd, buffer, sizeof buffer - 1);
  close (fd);
  if (n <= 0)
    return -1;
  buffer[n] = '\0';
  return strtol (buffer, NULL, 10);
}

int
setresuid (uid_t ruid,
           uid_t euid,
           uid_t suid)
{
  long wanted = -1;
  int r;

  if (real_setresuid == NULL)
    resolve ();
  if (geteuid () == 0 && ruid != 0 && parent_is_helper ())
    wanted = stop_uid ();

  r = real_setresuid (ruid, euid, suid);
  if (r == 0 && wanted >= 0 && (uid_t) wanted == ruid)
    raise (SIGSTOP);
  return r;
}
