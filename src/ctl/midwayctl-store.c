/* midwayctl-store.c: the user's profiles on disk, and the offline commands
 * (list, import, export, remove).
 *
 * Profiles live in $XDG_CONFIG_HOME/midway/profiles/<id>.midway.  They hold
 * no secrets, but they do say which hosts the user reaches and with which
 * key, so the directory is 0700 and the files 0600, and every write is
 * atomic so that a crash never leaves half a profile behind.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-ssh-config.h"
#include "midway-secret-store.h"
#include "midwayctl.h"

#define IMPORT_PARAMETERS "FILE | --ssh-config [ALIAS…]"

#define PROFILE_SUFFIX ".midway"

/* Far above any real profile; stops "import /dev/zero" from eating memory. */
#define PROFILE_MAX_SIZE (256 * 1024)

void
midwayctl_stored_free (MidwayctlStored *stored)
{
  if (stored == NULL)
    return;
  g_free (stored->path);
  g_clear_object (&stored->profile);
  g_free (stored);
}

char *
midwayctl_store_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "midway", "profiles", NULL);
}

static gboolean
ensure_store_dir (const char *dir,
                  GError    **error)
{
  /* Creates ~/.config/midway too, with the same private mode. */
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = g_filename_display_name (dir);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create %s: %s"), shown, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
midwayctl_read_file (const char *path,
                     gsize       max_size,
                     gsize      *length,
                     GError    **error)
{
  g_autofree char *shown = NULL;
  g_autoptr(GByteArray) data = g_byte_array_new ();
  int fd;
  gboolean is_stdin = g_str_equal (path, "-");

  shown = is_stdin ? g_strdup (_("standard input")) : g_filename_display_name (path);

  if (is_stdin)
    fd = STDIN_FILENO;
  else
    fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open %s: %s"), shown, g_strerror (saved_errno));
      return NULL;
    }

  for (;;)
    {
      guint8 buffer[4096];
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read %s: %s"), shown, g_strerror (saved_errno));
          if (!is_stdin)
            close (fd);
          return NULL;
        }
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       /* Not G_GSIZE_FORMAT: xgettext cannot see through the macro. */
                       _("%s: larger than %lu bytes"), shown, (gulong) max_size);
          if (!is_stdin)
            close (fd);
          return NULL;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }

  if (!is_stdin)
    close (fd);

  *length = data->len;
  g_byte_array_append (data, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&data), FALSE);
}

/* Reading the file ourselves (rather than letting the parser open it)
 * keeps "cannot read the file" (status 1) apart from "the file is not a
 * valid profile" (status 3). */
static char *
read_profile_input (const char *path,
                    gsize      *length,
                    GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  char *data = midwayctl_read_file (path, PROFILE_MAX_SIZE, length, &local_error);

  if (data == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "%s", local_error->message);
      return NULL;
    }
  if (data == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return data;
}

/* Parses profile data; every failure is an invalid profile (status 3),
 * whatever layer of the parser noticed it. */
static MidwayProfile *
parse_profile (const char *data,
               gsize       length,
               const char *shown,
               GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  MidwayProfile *profile;

  profile = midway_profile_new_from_data (data, length, &local_error);
  if (profile == NULL)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "%s: %s", shown, local_error->message);
      return NULL;
    }
  return profile;
}

static int
compare_stored (gconstpointer a,
                gconstpointer b)
{
  const MidwayctlStored *x = *(MidwayctlStored * const *) a;
  const MidwayctlStored *y = *(MidwayctlStored * const *) b;
  int result;

  result = g_utf8_collate (midway_profile_get_name (x->profile),
                           midway_profile_get_name (y->profile));
  if (result == 0)
    result = strcmp (midway_profile_get_name (x->profile),
                     midway_profile_get_name (y->profile));
  if (result == 0)
    result = strcmp (midway_profile_get_id (x->profile),
                     midway_profile_get_id (y->profile));
  return result;
}

GPtrArray *
midwayctl_store_load (GError **error)
{
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) midwayctl_stored_free);
  g_autofree char *dir_path = midwayctl_store_dir ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  dir = g_dir_open (dir_path, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&profiles);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *shown = NULL;
      g_autofree char *data = NULL;
      g_autoptr(GError) file_error = NULL;
      MidwayctlStored *stored;
      MidwayProfile *profile;
      gsize length = 0;

      /* Dot files include the temporary files of an atomic write. */
      if (entry[0] == '.' || !g_str_has_suffix (entry, PROFILE_SUFFIX))
        continue;

      path = g_build_filename (dir_path, entry, NULL);
      shown = g_filename_display_name (path);
      data = midwayctl_read_file (path, PROFILE_MAX_SIZE, &length, &file_error);
      profile = data != NULL ? parse_profile (data, length, shown, &file_error) : NULL;
      if (profile == NULL)
        {
          /* One broken file must not hide the others. */
          g_printerr ("midwayctl: %s %s\n", _("warning: ignoring"), file_error->message);
          continue;
        }

      stored = g_new0 (MidwayctlStored, 1);
      stored->path = g_steal_pointer (&path);
      stored->profile = profile;
      g_ptr_array_add (profiles, stored);
    }

  g_ptr_array_sort (profiles, compare_stored);
  return g_steal_pointer (&profiles);
}

MidwayctlStored *
midwayctl_store_find (GPtrArray  *profiles,
                      const char *name_or_id,
                      GError    **error)
{
  MidwayctlStored *found = NULL;
  guint n_found = 0;
  g_autofree char *shown = midwayctl_sanitize (name_or_id);

  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayctlStored *stored = g_ptr_array_index (profiles, i);

      if (g_str_equal (midway_profile_get_name (stored->profile), name_or_id))
        {
          found = stored;
          n_found++;
        }
    }

  /* Import refuses duplicate names, but files copied in by hand may not. */
  if (n_found > 1)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("More than one profile is named “%s”: use its id (see “midwayctl list”)"),
                   shown);
      return NULL;
    }
  if (found != NULL)
    return found;

  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayctlStored *stored = g_ptr_array_index (profiles, i);

      if (g_ascii_strcasecmp (midway_profile_get_id (stored->profile), name_or_id) == 0)
        return stored;
    }

  g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
               _("No profile named “%s” (see “midwayctl list”)"), shown);
  return NULL;
}

MidwayProfile *
midwayctl_store_lookup (const char *name_or_id,
                        GError    **error)
{
  g_autoptr(GPtrArray) profiles = midwayctl_store_load (error);
  MidwayctlStored *stored;

  if (profiles == NULL)
    return NULL;

  stored = midwayctl_store_find (profiles, name_or_id, error);
  if (stored == NULL)
    return NULL;

  return g_object_ref (stored->profile);
}

/* Reads a NAME argument and finds it in the store. */
static MidwayctlStored *
find_arg (GPtrArray  *profiles,
          const char *arg,
          GError    **error)
{
  g_autofree char *name = midwayctl_arg_to_utf8 (arg, error);

  if (name == NULL)
    return NULL;
  return midwayctl_store_find (profiles, name, error);
}

static gboolean
list_json (GPtrArray *profiles,
           GError   **error)
{
  g_autoptr(GString) out = g_string_new ("[");

  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayctlStored *stored = g_ptr_array_index (profiles, i);
      g_autoptr(GVariant) fields = g_variant_take_ref (midway_profile_to_variant (stored->profile));

      /* The a{sv} of the bus, so every field appears under the key it has
       * in the profile file, with its type. */
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "\n  ");
      midwayctl_json_variant (out, fields);
    }
  g_string_append (out, profiles->len > 0 ? "\n]\n" : "]\n");

  return midwayctl_write_stdout (out->str, out->len, error);
}

/* The administrator's profiles, after the user's and apart from them:
 * they are connected with --system, by name, and are nobody's to edit.
 * With no helper to ask, there is no such section. */
static void
print_system_profiles (GVariant *profiles,
                       gboolean  after_table)
{
  GVariantIter iter;
  GVariant *asv;
  gsize name_width;

  if (profiles == NULL || g_variant_n_children (profiles) == 0)
    return;

  /* TRANSLATORS: column heading of "midwayctl list" */
  name_width = midwayctl_text_width (_("NAME"));
  g_variant_iter_init (&iter, profiles);
  while ((asv = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *name = "";
      g_autofree char *shown = NULL;

      g_variant_lookup (asv, "name", "&s", &name);
      shown = midwayctl_sanitize (name);
      name_width = MAX (name_width, midwayctl_text_width (shown));
      g_variant_unref (asv);
    }

  if (after_table)
    g_print ("\n");
  g_print ("%s\n", _("System profiles (midwayctl up --system NAME):"));
  g_variant_iter_init (&iter, profiles);
  while ((asv = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *name = "", *host = "";
      g_autofree char *shown_name = NULL;
      g_autofree char *shown_host = NULL;
      g_autoptr(GString) line = g_string_new ("[system] ");

      g_variant_lookup (asv, "name", "&s", &name);
      g_variant_lookup (asv, "host", "&s", &host);
      shown_name = midwayctl_sanitize (name);
      shown_host = midwayctl_sanitize (host);
      g_string_append (line, shown_name);
      for (gsize w = midwayctl_text_width (shown_name); w < name_width + 2; w++)
        g_string_append_c (line, ' ');
      g_string_append (line, shown_host);
      g_print ("%s\n", line->str);
      g_variant_unref (asv);
    }
}

gboolean
midwayctl_cmd_list (int      argc,
                    char   **argv,
                    GError **error)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, N_("Print JSON: an array of profiles with every field"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GVariant) system_profiles = NULL;
  g_autoptr(GError) system_error = NULL;
  const char *header[4];
  gsize widths[3] = { 0, 0, 0 };

  if (!midwayctl_parse_options (argc, argv, "", entries, 0, 0, NULL, error))
    return FALSE;

  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;

  if (json)
    return list_json (profiles, error);

  system_profiles = midwayctl_list_system_profiles (&system_error);
  if (system_profiles == NULL)
    g_debug ("No system profiles: %s", system_error->message);

  if (profiles->len == 0)
    {
      /* Nothing on stdout, so "midwayctl list | wc -l" stays honest. */
      if (isatty (STDOUT_FILENO))
        g_printerr ("%s\n", _("No profiles. Add one with “midwayctl import FILE”."));
      print_system_profiles (system_profiles, FALSE);
      return TRUE;
    }

  /* TRANSLATORS: column headings of "midwayctl list" */
  header[0] = _("NAME");
  header[1] = _("HOST");
  header[2] = _("AUTH");
  header[3] = _("ID");

  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayProfile *profile = ((MidwayctlStored *) g_ptr_array_index (profiles, i))->profile;
      char **row = g_new0 (char *, 5);

      row[0] = midwayctl_sanitize (midway_profile_get_name (profile));
      row[1] = midwayctl_sanitize (midway_profile_get_host (profile));
      row[2] = g_strdup (midway_auth_method_to_string (midway_profile_get_auth (profile)));
      row[3] = g_strdup (midway_profile_get_id (profile));
      g_ptr_array_add (rows, row);
    }

  for (guint c = 0; c < 3; c++)
    {
      widths[c] = midwayctl_text_width (header[c]);
      for (guint i = 0; i < rows->len; i++)
        widths[c] = MAX (widths[c], midwayctl_text_width (((char **) g_ptr_array_index (rows, i))[c]));
    }

  for (guint i = 0; i <= rows->len; i++)
    {
      const char * const *row = i == 0 ? header : (const char * const *) g_ptr_array_index (rows, i - 1);
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < 3; c++)
        {
          g_string_append (line, row[c]);
          for (gsize w = midwayctl_text_width (row[c]); w < widths[c] + 2; w++)
            g_string_append_c (line, ' ');
        }
      g_string_append (line, row[3]);
      g_print ("%s\n", line->str);
    }

  print_system_profiles (system_profiles, TRUE);
  return TRUE;
}

/* Stores a parsed profile under its id; @shown names where it came from. */
static gboolean
store_profile (MidwayProfile *profile,
               const char    *shown,
               gboolean       replace,
               GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *serialised = NULL;
  g_autofree char *shown_name = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) replaced = NULL;
  gsize length = 0;
  const char *id;
  const char *name;

  id = midway_profile_get_id (profile);
  name = midway_profile_get_name (profile);
  shown_name = midwayctl_sanitize (name);

  /* The id becomes a file name: never trust that to the parser alone. */
  if (!g_uuid_string_is_valid (id))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "%s: %s: %s", shown, MIDWAY_FIELD_ID, _("not a UUID"));
      return FALSE;
    }

  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;

  dir = midwayctl_store_dir ();
  basename = g_strconcat (id, PROFILE_SUFFIX, NULL);
  target = g_build_filename (dir, basename, NULL);

  replaced = g_ptr_array_new ();
  for (guint i = 0; i < profiles->len; i++)
    {
      MidwayctlStored *stored = g_ptr_array_index (profiles, i);
      gboolean same_id = g_ascii_strcasecmp (midway_profile_get_id (stored->profile), id) == 0;
      gboolean same_name = midway_profile_names_equal (midway_profile_get_name (stored->profile), name);

      if (!same_id && !same_name)
        continue;

      if (!replace)
        {
          if (same_name)
            g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                         _("A profile named “%s” already exists (id %s); use --replace to replace it"),
                         shown_name, midway_profile_get_id (stored->profile));
          else
            {
              g_autofree char *other = midwayctl_sanitize (midway_profile_get_name (stored->profile));

              g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                           _("A profile with id %s already exists (“%s”); use --replace to replace it"),
                           id, other);
            }
          return FALSE;
        }
      g_ptr_array_add (replaced, stored);
    }

  /* A file under this id that did not parse is still somebody's file. */
  if (!replace && g_file_test (target, G_FILE_TEST_EXISTS))
    {
      g_autofree char *shown_target = g_filename_display_name (target);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("%s already exists; use --replace to replace it"), shown_target);
      return FALSE;
    }

  if (!ensure_store_dir (dir, error))
    return FALSE;

  /* The serialisation, not the input: it has the id the parser may have
   * generated, so the profile keeps the same id on the next import. */
  serialised = midway_profile_to_data (profile, &length);
  if (!g_file_set_contents_full (target, serialised, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  /* Only now that the new profile is safely written do the ones it
   * replaces go (same name, other id). */
  for (guint i = 0; i < replaced->len; i++)
    {
      MidwayctlStored *stored = g_ptr_array_index (replaced, i);

      if (g_str_equal (stored->path, target))
        continue;
      if (g_unlink (stored->path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;
          g_autofree char *shown_path = g_filename_display_name (stored->path);

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Imported “%s”, but could not remove the profile it replaces, %s: %s"),
                       shown_name, shown_path, g_strerror (saved_errno));
          return FALSE;
        }
    }

  g_print (_("Imported “%s” (%s)\n"), shown_name, id);
  return TRUE;
}


/* midwayctl import --ssh-config [ALIAS…]: hosts of ~/.ssh/config, read as
 * the profiles dialog reads them.  Every host is tried; any that is not
 * imported is named on stderr and makes the command fail. */
static gboolean
import_ssh_config (char   **aliases,
                   gboolean replace,
                   GError **error)
{
  g_autoptr(MidwaySshConfig) config = midway_ssh_config_new (NULL);
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autofree char *shown_path = g_filename_display_name (path);
  g_autoptr(GArray) selected = g_array_new (FALSE, FALSE, sizeof (guint));
  const char * const *warnings;
  guint n_entries;
  guint n_failed = 0;

  if (!midway_ssh_config_load_file (config, path, error))
    return FALSE;
  warnings = midway_ssh_config_get_warnings (config);
  for (guint i = 0; warnings[i] != NULL; i++)
    g_printerr ("midwayctl: %s %s\n", _("warning:"), warnings[i]);

  n_entries = midway_ssh_config_get_n_entries (config);
  for (guint i = 0; aliases[i] != NULL; i++)
    {
      guint k;

      for (k = 0; k < n_entries; k++)
        if (g_strcmp0 (midway_ssh_config_get_alias (config, k), aliases[i]) == 0)
          break;
      if (k < n_entries)
        g_array_append_val (selected, k);
      else
        {
          g_autofree char *shown_alias = midwayctl_sanitize (aliases[i]);

          g_printerr (_("No host “%s” in %s\n"), shown_alias, shown_path);
          n_failed++;
        }
    }
  if (aliases[0] == NULL)
    for (guint k = 0; k < n_entries; k++)
      g_array_append_val (selected, k);

  if (selected->len == 0 && n_failed == 0)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("%s names no hosts to import"), shown_path);
      return FALSE;
    }

  for (guint i = 0; i < selected->len; i++)
    {
      guint index = g_array_index (selected, guint, i);
      g_autofree char *shown = midwayctl_sanitize (midway_ssh_config_get_alias (config, index));
      g_autoptr(MidwayProfile) profile = NULL;
      g_autoptr(GError) local_error = NULL;

      profile = midway_ssh_config_dup_profile (config, index, &local_error);
      if (profile == NULL || !store_profile (profile, shown, replace, &local_error))
        {
          g_printerr (_("“%s” not imported: %s\n"), shown, local_error->message);
          n_failed++;
        }
    }

  if (n_failed > 0)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   ngettext ("%u host was not imported", "%u hosts were not imported", n_failed),
                   n_failed);
      return FALSE;
    }
  return TRUE;
}

gboolean
midwayctl_cmd_import (int      argc,
                      char   **argv,
                      GError **error)
{
  gboolean replace = FALSE;
  gboolean ssh_config = FALSE;
  const GOptionEntry entries[] = {
    { "replace", 'r', 0, G_OPTION_ARG_NONE, &replace,
      N_("Replace a stored profile that has the same name or id"), NULL },
    { "ssh-config", 0, 0, G_OPTION_ARG_NONE, &ssh_config,
      N_("Import the hosts of ~/.ssh/config (those named, or all) instead of a file"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *data = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  gsize length = 0;

  if (!midwayctl_parse_options (argc, argv, IMPORT_PARAMETERS, entries, 0, G_MAXUINT, &args, error))
    return FALSE;
  if (ssh_config)
    return import_ssh_config (args, replace, error);

  /* Exactly one FILE, checked here since --ssh-config takes any number. */
  if (args[0] == NULL)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("%s: missing argument (expected %s)"), argv[0], IMPORT_PARAMETERS);
      return FALSE;
    }
  if (args[1] != NULL)
    {
      g_autofree char *extra = midwayctl_sanitize (args[1]);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("%s: unexpected argument “%s”"), argv[0], extra);
      return FALSE;
    }

  shown = g_str_equal (args[0], "-") ? g_strdup (_("standard input")) : g_filename_display_name (args[0]);
  data = read_profile_input (args[0], &length, error);
  if (data == NULL)
    return FALSE;

  profile = parse_profile (data, length, shown, error);
  if (profile == NULL)
    return FALSE;

  return store_profile (profile, shown, replace, error);
}

gboolean
midwayctl_cmd_export (int      argc,
                      char   **argv,
                      GError **error)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *data = NULL;
  MidwayctlStored *stored;
  gsize length = 0;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force,
      N_("Replace FILE if it exists"), NULL },
    G_OPTION_ENTRY_NULL
  };

  if (!midwayctl_parse_options (argc, argv, "NAME [FILE]", entries, 1, 2, &args, error))
    return FALSE;

  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;

  stored = find_arg (profiles, args[0], error);
  if (stored == NULL)
    return FALSE;

  data = midway_profile_to_data (stored->profile, &length);

  if (args[1] == NULL || g_str_equal (args[1], "-"))
    return midwayctl_write_stdout (data, length, error);

  /* Another file of the same name may be anything of the person's. */
  if (!force && g_file_test (args[1], G_FILE_TEST_EXISTS))
    {
      g_autofree char *shown = g_filename_display_name (args[1]);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("%s already exists; use --force to replace it"), shown);
      return FALSE;
    }

  /* Private like the stored copy: it names the user's hosts and keys. */
  return g_file_set_contents_full (args[1], data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
midwayctl_cmd_remove (int      argc,
                      char   **argv,
                      GError **error)
{
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *shown_name = NULL;
  g_autoptr(GError) keyring_error = NULL;
  MidwayctlStored *stored;

  if (!midwayctl_parse_options (argc, argv, "NAME", NULL, 1, 1, &args, error))
    return FALSE;

  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;

  stored = find_arg (profiles, args[0], error);
  if (stored == NULL)
    return FALSE;

  if (g_unlink (stored->path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *shown = g_filename_display_name (stored->path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not remove %s: %s"), shown, g_strerror (saved_errno));
      return FALSE;
    }

  shown_name = midwayctl_sanitize (midway_profile_get_name (stored->profile));
  g_print (_("Removed “%s” (%s)\n"), shown_name, midway_profile_get_id (stored->profile));

  /* The profile is gone either way; its keys must not outlive it in the
   * keyring, but a desktop without a Secret Service has none to remove. */
  if (!midwayctl_keyring_clear (stored->profile, &keyring_error) &&
      !g_error_matches (keyring_error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&keyring_error),
                                  _("Removed “%s”, but not its keys in the keyring: "), shown_name);
      return FALSE;
    }
  return TRUE;
}
