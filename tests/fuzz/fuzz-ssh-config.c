/* fuzz-ssh-config.c: the ssh_config(5) importer, on a configuration the
 * user may have been handed, and the command lines built from every
 * profile it offers.
 *
 * "~", %d and relative Include paths resolve under a home directory made
 * once in a temporary directory, holding one file to include, so the
 * Include code runs without reading the real ~/.ssh.  An absolute or
 * "../" Include would glob and read the real file system (slow, and not
 * the same from one machine to the next), and the library has no switch
 * to stop it: inputs that could name one are left out.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "fuzz-invariants.h"
#include "midway-error.h"
#include "midway-ssh-config.h"

/* As in midway-ssh-config.c. */
#define ENTRIES_MAX 512
#define WARNINGS_MAX 50

static char *home_dir;

static const char included_config[] =
  "Host included\n"
  "  HostName included.example.com\n"
  "  Port 2222\n"
  "  Include extra\n";

G_GNUC_NORETURN static void
fail (const char *what,
      const char *text)
{
  fprintf (stderr, "fuzz invariant broken: %s\n  text: «%s»\n", what, text ? text : "");
  abort ();
}

static void
remove_home_dir (void)
{
  g_autofree char *ssh_dir = g_build_filename (home_dir, ".ssh", NULL);
  g_autofree char *extra = g_build_filename (ssh_dir, "extra", NULL);

  g_unlink (extra);
  g_rmdir (ssh_dir);
  g_rmdir (home_dir);
}

static void
init_home_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ssh_dir = NULL;
  g_autofree char *extra = NULL;

  if (home_dir != NULL)
    return;

  home_dir = g_dir_make_tmp ("midway-fuzz-home-XXXXXX", &error);
  if (home_dir == NULL)
    {
      fprintf (stderr, "fuzz setup: %s\n", error->message);
      abort ();
    }
  atexit (remove_home_dir);
  ssh_dir = g_build_filename (home_dir, ".ssh", NULL);
  extra = g_build_filename (ssh_dir, "extra", NULL);
  /* 0755 and 0644: ssh (and the importer) refuse group- or world-writable
   * files, whatever the umask of the run. */
  if (g_mkdir (ssh_dir, 0755) != 0 ||
      !g_file_set_contents (extra, included_config, -1, &error) ||
      g_chmod (extra, 0644) != 0)
    {
      fprintf (stderr, "fuzz setup: %s\n", error != NULL ? error->message : g_strerror (errno));
      abort ();
    }
}

/* Whether an Include in @data could leave the temporary home directory:
 * any '/' does (an absolute path, "~/../", "../"); without one a pattern
 * stays in home/.ssh.  Escapes and quotes make no '/' of other bytes. */
static gboolean
may_include_outside (const char *data,
                     gsize       size)
{
  static const char keyword[] = "include";
  gboolean has_include = FALSE;

  if (memchr (data, '/', size) == NULL)
    return FALSE;
  for (gsize i = 0; !has_include && i + strlen (keyword) <= size; i++)
    has_include = g_ascii_strncasecmp (data + i, keyword, strlen (keyword)) == 0;
  return has_include;
}

static gboolean
is_clean_text (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = size > 0 ? (const char *) data : "";
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwaySshConfig) config = NULL;
  const char * const *warnings;
  guint n_entries;
  guint n_warnings;

  fuzz_init ();
  init_home_dir ();

  if (may_include_outside (text, size))
    return 0;

  config = midway_ssh_config_new (home_dir);
  if (!midway_ssh_config_load_data (config, text, size, &error))
    {
      /* Only a size limit refuses data; -max_len keeps inputs below it. */
      fprintf (stderr, "unexpected error: %s\n", error->message);
      abort ();
    }

  n_entries = midway_ssh_config_get_n_entries (config);
  if (n_entries > ENTRIES_MAX)
    fail ("more entries than the limit", NULL);

  for (guint i = 0; i < n_entries; i++)
    {
      g_autoptr(GError) profile_error = NULL;
      g_autoptr(MidwayProfile) profile = NULL;
      const char *alias = midway_ssh_config_get_alias (config, i);

      /* The import list shows it as a label. */
      if (alias == NULL || !is_clean_text (alias))
        fail ("an alias is not displayable text", alias);

      profile = midway_ssh_config_dup_profile (config, i, &profile_error);
      if (profile == NULL)
        {
          if (profile_error == NULL || profile_error->domain != MIDWAY_ERROR ||
              !g_utf8_validate (profile_error->message, -1, NULL) ||
              profile_error->message[0] == '\0')
            fail ("an entry without a profile has no error to show", alias);
          continue;
        }
      fuzz_check_accepted_profile (profile);
    }

  warnings = midway_ssh_config_get_warnings (config);
  for (n_warnings = 0; warnings[n_warnings] != NULL; n_warnings++)
    if (!g_utf8_validate (warnings[n_warnings], -1, NULL) || warnings[n_warnings][0] == '\0')
      fail ("a warning is not text to show", NULL);
  if (n_warnings > WARNINGS_MAX)
    fail ("more warnings than the limit", NULL);
  return 0;
}
