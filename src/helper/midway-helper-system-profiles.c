/* midway-helper-system-profiles.c
 *
 * An administrator's profiles carry powers a user's do not (a full
 * tunnel, machine-wide fail-closed, no session to end them), so who could
 * have written the file is the whole of the trust: root alone.  A file
 * anyone else could have written or swapped (someone else's, writable by
 * a group, a symlink, a name that is not a plain one) is not a system
 * profile at all and is never listed or connected.  The directory is read
 * again at each call, so that what configuration management drops there
 * is there at once, and a file it removes is gone.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "midway-error.h"
#include "midway-text.h"
#include "midway-helper-system-profiles.h"

#define SUFFIX ".midway"
#define MAX_BASE_LENGTH 64
/* As the common parser's limit: one byte more is refused there. */
#define MAX_FILE_SIZE (64 * 1024)
/* A directory is not a place to keep thousands of tunnels' profiles;
 * bounds what one ListSystemProfiles costs. */
#define MAX_PROFILES 64

static gboolean
file_name_is_plain (const char *file_name)
{
  gsize length = strlen (file_name);
  gsize base = length - strlen (SUFFIX);

  if (length <= strlen (SUFFIX) || !g_str_has_suffix (file_name, SUFFIX) || base > MAX_BASE_LENGTH)
    return FALSE;
  for (gsize i = 0; i < base; i++)
    if (!g_ascii_isalnum (file_name[i]) && file_name[i] != '_' && file_name[i] != '-')
      return FALSE;
  return TRUE;
}

/* Read through the descriptor that was checked, so that a file swapped
 * in between is never what is parsed. */
static char *
read_checked (const char *path,
              uid_t       owner,
              gsize      *length,
              GError    **error)
{
  g_autofree char *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  fd = open (path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ELOOP)
        g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE, "is a symbolic link");
      else
        g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                     "cannot be opened: %s", g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE, "is not a regular file");
      return NULL;
    }
  if (st.st_uid != owner)
    {
      close (fd);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "is owned by uid %u, not %u", (guint) st.st_uid, (guint) owner);
      return NULL;
    }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    {
      close (fd);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "is writable by its group or others (mode %04o)", (guint) (st.st_mode & 07777));
      return NULL;
    }
  if (st.st_size > MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "is larger than %u KiB", MAX_FILE_SIZE / 1024);
      return NULL;
    }

  data = g_malloc (MAX_FILE_SIZE + 1);
  while (done <= MAX_FILE_SIZE)
    {
      ssize_t n = read (fd, data + done, MAX_FILE_SIZE + 1 - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                       "cannot be read: %s", g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  *length = done;
  return g_steal_pointer (&data);
}

/* The key is the administrator's, read by ssh as root: only a key that
 * nobody but root could have put there, or read, signs in. */
static gboolean
check_key_file (const char *key_file,
                const char *key_dir,
                uid_t       owner,
                GError    **error)
{
  g_autofree char *prefix = g_strconcat (key_dir, "/", NULL);
  struct stat st;

  if (!g_str_has_prefix (key_file, prefix) || strstr (key_file, "/../") != NULL ||
      g_str_has_suffix (key_file, "/.."))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "key-file: must be under %s", key_dir);
      return FALSE;
    }
  if (lstat (key_file, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "key-file: %s is not a regular file", key_file);
      return FALSE;
    }
  if (st.st_uid != owner || ((st.st_mode & 07777) != 0600 && (st.st_mode & 07777) != 0400))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "key-file: %s must be owned by uid %u with mode 0600 or 0400 (it is uid %u, %04o)",
                   key_file, (guint) owner, (guint) st.st_uid, (guint) (st.st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

/* A UUID made from the file name (SHA-1, as a version 5 one), the same
 * at every read; the file's own id, if any, is not used, so that two
 * files cannot claim one id. */
static char *
id_for_file (const char *file_name)
{
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA1, file_name, -1);
  char variant = "89ab"[g_ascii_xdigit_value (digest[16]) & 3];

  return g_strdup_printf ("%.8s-%.4s-5%.3s-%c%.3s-%.12s",
                          digest, digest + 8, digest + 13, variant, digest + 17, digest + 20);
}

MidwayProfile *
midway_helper_system_profile_load (const char *dir,
                                   const char *file_name,
                                   const char *key_dir,
                                   uid_t       owner,
                                   GError    **error)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autofree char *id = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  gsize length = 0;

  g_return_val_if_fail (dir != NULL && file_name != NULL && key_dir != NULL, NULL);

  if (!file_name_is_plain (file_name))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "is not named NAME" SUFFIX " with NAME of at most %u letters, digits, _ and -",
                   MAX_BASE_LENGTH);
      return NULL;
    }
  path = g_build_filename (dir, file_name, NULL);
  data = read_checked (path, owner, &length, error);
  if (data == NULL)
    return NULL;
  profile = midway_profile_new_from_data (data, length, error);
  if (profile == NULL)
    return NULL;
  if (midway_profile_get_auth (profile) != MIDWAY_AUTH_KEY_FILE)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "auth: a system profile signs in with key-file (it has no keyring or agent)");
      return NULL;
    }
  if (!check_key_file (midway_profile_get_key_file (profile), key_dir, owner, error))
    return NULL;
  if (*midway_profile_get_host_key (profile) == '\0')
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "host-key: a system profile pins the server's key");
      return NULL;
    }
  id = id_for_file (file_name);
  if (!midway_profile_set_from_string (profile, "id", id, error))
    return NULL;
  return g_steal_pointer (&profile);
}

static int
compare_file_names (gconstpointer a,
                    gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  MidwayProfile *pa = *(MidwayProfile * const *) a;
  MidwayProfile *pb = *(MidwayProfile * const *) b;

  return g_utf8_collate (midway_profile_get_name (pa), midway_profile_get_name (pb));
}

GPtrArray *
midway_helper_system_profiles_list (const char *dir,
                                    const char *key_dir,
                                    uid_t       owner)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = NULL;
  const char *file_name;

  listing = g_dir_open (dir, 0, &error);
  if (listing == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_message ("system profiles: %s", error->message);
      return g_steal_pointer (&profiles);
    }
  /* readdir's order is the file system's; names sorted make which files
   * pass the cap, and which of two same names wins, the same each time. */
  while ((file_name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (file_name));
  g_ptr_array_sort (names, compare_file_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(MidwayProfile) profile = NULL;
      gboolean duplicate = FALSE;

      if (profiles->len >= MAX_PROFILES)
        {
          g_message ("system profile %s/%s ignored: more than %u profiles", dir, name, MAX_PROFILES);
          continue;
        }
      profile = midway_helper_system_profile_load (dir, name, key_dir, owner, &local_error);
      if (profile == NULL)
        {
          g_message ("system profile %s/%s ignored: %s", dir, name, local_error->message);
          continue;
        }
      for (guint j = 0; j < profiles->len && !duplicate; j++)
        duplicate = midway_profile_names_equal (midway_profile_get_name (profile),
                                                midway_profile_get_name (g_ptr_array_index (profiles, j)));
      if (duplicate)
        {
          g_message ("system profile %s/%s ignored: another file has the name \"%s\"",
                     dir, name, midway_profile_get_name (profile));
          continue;
        }
      g_ptr_array_add (profiles, g_steal_pointer (&profile));
    }
  g_ptr_array_sort (profiles, compare_names);
  return g_steal_pointer (&profiles);
}

MidwayProfile *
midway_helper_system_profiles_find (const char *dir,
                                    const char *key_dir,
                                    uid_t       owner,
                                    const char *name,
                                    GError    **error)
{
  g_autoptr(GPtrArray) profiles = midway_helper_system_profiles_list (dir, key_dir, owner);
  g_autofree char *shown = NULL;

  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayProfile *profile = g_ptr_array_index (profiles, i);

      if (midway_profile_names_equal (midway_profile_get_name (profile), name))
        return g_object_ref (profile);
    }
  /* the caller's own words, but kept from talking to a terminal */
  shown = midway_text_sanitize_line (name, 64);
  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_FOUND,
               _("No system profile is called “%s”"), shown);
  return NULL;
}
