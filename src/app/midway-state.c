/* midway-state.c: what the app remembers between runs.
 *
 * A key file, replaced atomically, so a crash leaves the old one or the
 * new one, never half of either.  It is a convenience: a missing or
 * broken file only means nothing is remembered.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "midway-state.h"

#define GROUP "State"
#define KEY_LAST_USED "last-used"
#define KEY_AUTOCONNECT "autoconnect"

char *
midway_state_dup_path (void)
{
  return g_build_filename (g_get_user_state_dir (), "midway", "state", NULL);
}

static GKeyFile *
load (void)
{
  g_autofree char *path = midway_state_dup_path ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error) &&
      !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_debug ("Ignoring %s: %s", path, error->message);
  return g_steal_pointer (&file);
}

char *
midway_state_load_last_used (void)
{
  g_autoptr(GKeyFile) file = load ();
  g_autofree char *id = g_key_file_get_string (file, GROUP, KEY_LAST_USED, NULL);

  if (id == NULL || *id == '\0' || !g_utf8_validate (id, -1, NULL))
    return NULL;
  return g_steal_pointer (&id);
}

static gboolean
save (GKeyFile *file,
      GError  **error)
{
  g_autofree char *path = midway_state_dup_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize length;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }
  data = g_key_file_to_data (file, &length, NULL);
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

GStrv
midway_state_load_autoconnect (void)
{
  g_autoptr(GKeyFile) file = load ();
  GStrv ids = g_key_file_get_string_list (file, GROUP, KEY_AUTOCONNECT, NULL, NULL);

  return ids != NULL ? ids : g_new0 (char *, 1);
}

gboolean
midway_state_set_autoconnect (const char *profile_id,
                              gboolean    autoconnect,
                              GError    **error)
{
  g_autoptr(GKeyFile) file = load ();
  g_auto(GStrv) ids = g_key_file_get_string_list (file, GROUP, KEY_AUTOCONNECT, NULL, NULL);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  g_return_val_if_fail (profile_id != NULL, FALSE);

  for (guint i = 0; ids != NULL && ids[i] != NULL; i++)
    if (!g_str_equal (ids[i], profile_id))
      g_ptr_array_add (kept, ids[i]);
  if (autoconnect)
    g_ptr_array_add (kept, (gpointer) profile_id);
  g_key_file_set_string_list (file, GROUP, KEY_AUTOCONNECT, (const char * const *) kept->pdata, kept->len);
  return save (file, error);
}

gboolean
midway_state_save_last_used (const char *profile_id,
                             GError    **error)
{
  g_autoptr(GKeyFile) file = load ();
  g_autofree char *path = midway_state_dup_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (profile_id != NULL, FALSE);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }
  g_key_file_set_string (file, GROUP, KEY_LAST_USED, profile_id);
  data = g_key_file_to_data (file, &length, NULL);
  return g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
