// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * midway-askpass: the SSH_ASKPASS program midway-helper gives ssh.  It runs
 * as the calling user and answers ssh's prompt with the secret the helper
 * put in a file of the user's own (mode 0400) in the tunnel's runtime
 * directory under /run (tmpfs), named by MIDWAY_ASKPASS_FILE.  An inherited
 * descriptor would be simpler, but ssh closes every descriptor above 2 when
 * it starts.  The secret never travels in argv or the environment, where
 * other processes of the user could read it.
 *
 * Exit status: 0 after printing the secret and a newline, 1 otherwise.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECRET_MAX 4096

/* +1 so the reply's newline fits; the extra byte also catches a secret
 * longer than SECRET_MAX, which is refused rather than cut short. */
static char secret[SECRET_MAX + 1];

static int
fail (const char *what)
{
  explicit_bzero (secret, sizeof secret);
  fprintf (stderr, "midway-askpass: %s\n", what);
  return 1;
}

static int
fail_errno (const char *what,
            int         err)
{
  explicit_bzero (secret, sizeof secret);
  fprintf (stderr, "midway-askpass: %s: %s\n", what, strerror (err));
  return 1;
}

/* The helper writes the file for this user only; anything else (a path
 * someone else controls, a symlink, a file others can read) is not its. */
static int
open_secret (const char *path,
             int        *fd_out)
{
  struct stat st;
  int fd = -1;

  if (path == NULL || path[0] != '/' || strlen (path) > 4096)
    return fail ("MIDWAY_ASKPASS_FILE is missing or not an absolute path");
  fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    return fail_errno ("cannot open the secret file", errno);
  if (fstat (fd, &st) < 0)
    {
      int err = errno;
      close (fd);
      return fail_errno ("cannot use the secret file", err);
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      return fail ("the secret file is not a regular file");
    }
  if (st.st_uid != getuid () || (st.st_mode & 077) != 0)
    {
      close (fd);
      return fail ("the secret file is not private to this user");
    }
  *fd_out = fd;
  return 0;
}

int
main (int    argc,
      char **argv)
{
  const char *prompt_kind = getenv ("SSH_ASKPASS_PROMPT");
  size_t len = 0;
  size_t off = 0;
  int fd = -1;

  /*
   * "confirm" is ssh asking yes/no (a new host key, an agent key use) and
   * "none" is a message to show; neither is for us to answer on the user's
   * behalf, and staying silent makes ssh treat it as a refusal.
   */
  if (prompt_kind != NULL
      && (strcmp (prompt_kind, "confirm") == 0 || strcmp (prompt_kind, "none") == 0))
    return 1;

  if (open_secret (getenv ("MIDWAY_ASKPASS_FILE"), &fd) != 0)
    return 1;

  while (len < sizeof secret)
    {
      ssize_t n = pread (fd, secret + len, sizeof secret - len, (off_t) len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return fail_errno ("cannot read the secret", errno);
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }
  if (len > SECRET_MAX)
    return fail ("the secret is longer than 4096 bytes");
  /* ssh reads one line: these would truncate it or smuggle in a second. */
  if (memchr (secret, '\0', len) != NULL)
    return fail ("the secret contains a NUL byte");
  if (memchr (secret, '\n', len) != NULL || memchr (secret, '\r', len) != NULL)
    return fail ("the secret contains a line break");

  secret[len++] = '\n';
  while (off < len)
    {
      ssize_t n = write (STDOUT_FILENO, secret + off, len - off);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return fail_errno ("cannot write to ssh", errno);
        }
      off += (size_t) n;
    }
  explicit_bzero (secret, sizeof secret);
  return 0;
}
