/* test-secure-memory.c: a secret's pages stay out of core dumps and forks.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "midway-helper-secure-memory.h"

/* The VmFlags of the mapping that holds @address, from /proc/self/smaps. */
static char *
vm_flags_of (gconstpointer address)
{
  g_autofree char *smaps = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 start, end;
      char *dash;

      if (g_ascii_isxdigit (lines[i][0]) && (dash = strchr (lines[i], '-')) != NULL &&
          strchr (lines[i], ' ') > dash)
        {
          start = g_ascii_strtoull (lines[i], NULL, 16);
          end = g_ascii_strtoull (dash + 1, NULL, 16);
          inside = (guintptr) address >= start && (guintptr) address < end;
        }
      else if (inside && g_str_has_prefix (lines[i], "VmFlags:"))
        return g_strdup (lines[i] + strlen ("VmFlags:"));
    }
  return NULL;
}

static gboolean
has_flag (const char *flags,
          const char *flag)
{
  g_auto(GStrv) words = g_strsplit (flags, " ", -1);

  return g_strv_contains ((const char * const *) words, flag);
}

static void
test_not_dumped_nor_forked (void)
{
  char *secret = midway_helper_secure_alloc (100);
  g_autofree char *flags = NULL;
  pid_t pid;
  int status;

  for (int i = 0; i < 100; i++)
    g_assert_cmpint (secret[i], ==, 0);
  memset (secret, 'S', 100);

  flags = vm_flags_of (secret);
  g_assert_nonnull (flags);
  g_test_message ("VmFlags:%s", flags);
  g_assert_true (has_flag (flags, "dd"));  /* MADV_DONTDUMP */
  g_assert_true (has_flag (flags, "wf"));  /* MADV_WIPEONFORK */

  /* A fork sees zeros where the secret was; the parent keeps it. */
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      for (int i = 0; i < 100; i++)
        if (secret[i] != 0)
          _exit (1);
      _exit (0);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpint (secret[99], ==, 'S');

  midway_helper_secure_free (secret);
  midway_helper_secure_free (NULL);
}

static void
test_copies (void)
{
  g_autofree char *flags = NULL;
  char *text = midway_helper_secure_strndup ("passphrase and more", 10);
  GBytes *bytes = midway_helper_secure_bytes ("-----BEGIN KEY", 14);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_assert_cmpstr (text, ==, "passphrase");
  g_assert_cmpuint (size, ==, 14);
  g_assert_cmpmem (data, size, "-----BEGIN KEY", 14);
  flags = vm_flags_of (data);
  g_assert_nonnull (flags);
  g_assert_true (has_flag (flags, "dd") && has_flag (flags, "wf"));

  midway_helper_secure_free (text);
  g_bytes_unref (bytes);

  /* Larger than a page. */
  text = midway_helper_secure_alloc (3 * 4096 + 5);
  memset (text, 'x', 3 * 4096 + 5);
  midway_helper_secure_free (text);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secure-memory/not-dumped-nor-forked", test_not_dumped_nor_forked);
  g_test_add_func ("/secure-memory/copies", test_copies);
  return g_test_run ();
}
