/* midway-profile-keyfile.c: a profile's key file and a{sv} forms.
 *
 * The text form of one field, the key file users write and midwayctl
 * imports, and the a{sv} dictionary that crosses the bus.  They are apart
 * from the object because they are the parsers of untrusted input: a key
 * file is whatever a user hands midwayctl, and an a{sv} reaches the root
 * helper from any local user.  So sizes are checked before content,
 * nothing is trusted to be UTF-8, and error messages never echo more than
 * a short escaped excerpt.  Every value still goes through
 * midway_profile_set_value() and every profile through
 * midway_profile_validate(), like any other way into a profile.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-profile-private.h"

/* Larger than any sane profile (a full one is well under 10 KiB) and small
 * enough that reading and scanning it costs nothing. */
#define MAX_DATA_SIZE (64 * 1024)

/* ------------------------------------------------------------------------ */
/* A field's text form */

/* Parses the text form used in key files and text entries. */
GVariant *
midway_profile_field_parse_text (const MidwayFieldSpec *spec,
                                 const char            *text,
                                 GError               **error)
{
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      {
        gsize length = strnlen (text, spec->max_length + 1);

        if (length > spec->max_length)
          {
            midway_profile_field_error (error, spec, _("is too long"));
            return NULL;
          }
        /* g_variant_new_string() would only complain with a critical. */
        if (!g_utf8_validate (text, length, NULL))
          {
            midway_profile_field_error (error, spec, _("must be valid UTF-8 text"));
            return NULL;
          }
        return g_variant_new_string (text);
      }

    case MIDWAY_FIELD_KIND_UINT:
      {
        guint64 number = 0;

        /* Digits only: no sign, no spaces, no 0x.  strtoul() would take
         * " +22", and "22 " followed by more words is what an option
         * injection into a hand-written file looks like. */
        if (*text == '\0')
          {
            midway_profile_field_error (error, spec,
                                        _("must be a number written with digits only"));
            return NULL;
          }
        for (const char *p = text; *p != '\0'; p++)
          {
            if (!g_ascii_isdigit (*p))
              {
                midway_profile_field_error (error, spec,
                                            _("must be a number written with digits only"));
                return NULL;
              }
            /* Saturate rather than overflow; anything this big is out of
             * range anyway. */
            if (number <= G_MAXUINT32)
              number = number * 10 + (guint64) (*p - '0');
          }
        if (text[0] == '0' && text[1] != '\0')
          {
            midway_profile_field_error (error, spec, _("must not have leading zeros"));
            return NULL;
          }
        if (number < spec->min || number > spec->max)
          {
            midway_profile_field_error (error, spec, _("must be between %u and %u"),
                                        spec->min, spec->max);
            return NULL;
          }
        return g_variant_new_uint32 ((guint32) number);
      }

    case MIDWAY_FIELD_KIND_BOOLEAN:
      /* GKeyFile would also take "1" and "0"; one spelling is enough. */
      if (strcmp (text, "true") == 0)
        return g_variant_new_boolean (TRUE);
      if (strcmp (text, "false") == 0)
        return g_variant_new_boolean (FALSE);
      midway_profile_field_error (error, spec, _("must be “true” or “false”"));
      return NULL;

    default:
      g_assert_not_reached ();
    }

  return NULL;
}

char *
midway_profile_field_format_text (const MidwayFieldSpec *spec,
                                  GVariant              *value)
{
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      return g_variant_dup_string (value, NULL);
    case MIDWAY_FIELD_KIND_UINT:
      return g_strdup_printf ("%u", g_variant_get_uint32 (value));
    case MIDWAY_FIELD_KIND_BOOLEAN:
      return g_strdup (g_variant_get_boolean (value) ? "true" : "false");
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Key file */

static gboolean
profile_error (GError    **error,
               const char *format,
               ...) G_GNUC_PRINTF (2, 3);

static gboolean
profile_error (GError    **error,
               const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE, message);
  return FALSE;
}

/* GKeyFile quietly accepts what we must refuse (duplicate keys, repeated
 * groups, translated keys) and its own errors quote whole lines back, so
 * the structure is checked here first, mirroring how GKeyFile splits lines.
 * Once this passes, every key GKeyFile will see is a field key, at most
 * once.  Marks the keys present in @seen. */
static gboolean
scan_key_file (const char *data,
               gsize       length,
               gboolean    seen[N_FIELDS],
               GError    **error)
{
  const char *end = data + length;
  const char *line = data;
  guint line_number = 0;
  gboolean in_group = FALSE;

  while (line < end)
    {
      const char *newline = memchr (line, '\n', end - line);
      const char *line_end = newline ? newline : end;
      const char *p = line;
      const char *equals;
      const char *key_end;
      const char *bracket;
      const MidwayFieldSpec *spec;
      g_autofree char *key = NULL;

      line_number++;
      line = newline ? newline + 1 : end;

      /* GKeyFile drops a '\r' only when it ends a line. */
      if (newline != NULL && line_end > p && line_end[-1] == '\r')
        line_end--;
      while (p < line_end && g_ascii_isspace (*p))
        p++;

      if (p == line_end || *p == '#')
        continue;

      if (*p == '[')
        {
          const char *close = memchr (p, ']', line_end - p);
          const char *q;

          if (close == NULL)
            return profile_error (error, _("line %u is not a valid group header"), line_number);
          for (q = close + 1; q < line_end && (*q == ' ' || *q == '\t'); q++)
            ;
          if (q != line_end)
            return profile_error (error, _("line %u is not a valid group header"), line_number);

          if ((gsize) (close - p - 1) != strlen (MIDWAY_PROFILE_GROUP) ||
              memcmp (p + 1, MIDWAY_PROFILE_GROUP, close - p - 1) != 0)
            {
              g_autofree char *excerpt = midway_profile_escape_excerpt (p + 1, close - p - 1);

              return profile_error (error,
                                    /* Translators: %s is a group name from the file */
                                    _("unknown group “%s”"), excerpt);
            }
          if (in_group)
            return profile_error (error, _("line %u repeats the [%s] group"),
                                  line_number, MIDWAY_PROFILE_GROUP);
          in_group = TRUE;
          continue;
        }

      equals = memchr (p, '=', line_end - p);
      if (equals == NULL || equals == p)
        return profile_error (error, _("line %u is not a key, a group or a comment"),
                              line_number);

      if (!in_group)
        return profile_error (error, _("line %u comes before the [%s] group"),
                              line_number, MIDWAY_PROFILE_GROUP);

      key_end = equals;
      while (key_end > p && g_ascii_isspace (key_end[-1]))
        key_end--;

      /* "name[de]=…": GKeyFile would store a translation we never read. */
      bracket = memchr (p, '[', key_end - p);
      key = g_strndup (p, (bracket ? bracket : key_end) - p);
      spec = midway_profile_lookup_field (key);
      if (spec == NULL)
        return midway_profile_unknown_field_error (error, p, key_end - p);

      if (bracket != NULL)
        {
          g_autofree char *excerpt = midway_profile_escape_excerpt (p, key_end - p);

          return midway_profile_field_error (error, spec,
                                             _("translations such as “%s” are not supported"),
                                             excerpt);
        }

      if (seen[midway_profile_field_index (spec)])
        return midway_profile_field_error (error, spec, _("is set more than once"));
      seen[midway_profile_field_index (spec)] = TRUE;
    }

  if (!in_group)
    return profile_error (error, _("the [%s] group is missing"), MIDWAY_PROFILE_GROUP);

  return TRUE;
}

/* @length may be (gsize) -1 for a NUL-terminated string, as for GKeyFile. */
MidwayProfile *
midway_profile_new_from_data (const char *data,
                              gsize       length,
                              GError    **error)
{
  const MidwayFieldSpec *fields = midway_profile_get_fields (NULL);
  g_autoptr(GKeyFile) key_file = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean seen[N_FIELDS] = { FALSE, };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length == (gsize) -1)
    length = strnlen (data, MAX_DATA_SIZE + 1);

  if (length > MAX_DATA_SIZE)
    {
      profile_error (error, _("the profile is larger than %u KiB"), MAX_DATA_SIZE / 1024);
      return NULL;
    }

  /* Also refuses NUL bytes, which GKeyFile would silently cut values at. */
  if (!g_utf8_validate_len (data, length, NULL))
    {
      profile_error (error, _("the profile is not valid UTF-8 text"));
      return NULL;
    }

  if (!scan_key_file (data, length, seen, error))
    return NULL;

  key_file = g_key_file_new ();
  if (!g_key_file_load_from_data (key_file, data, length, G_KEY_FILE_NONE, &local_error))
    {
      /* Not reached for anything scan_key_file() accepts as far as we know;
       * GKeyFile's message may quote a whole line, so it is not passed on. */
      g_debug ("GKeyFile refused a profile the scan accepted: %s", local_error->message);
      profile_error (error, _("the profile is not a valid key file"));
      return NULL;
    }

  profile = midway_profile_new ();

  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = NULL;

      if (!seen[i])
        {
          /* Hand-written files may leave the id out; the profile keeps the
           * fresh one midway_profile_new() gave it. */
          if (fields[i].required && i != FIELD_ID)
            {
              midway_profile_field_error (error, &fields[i], _("is required"));
              return NULL;
            }
          continue;
        }

      /* get_string() undoes the key file escapes (\n, \t, \s, \\), so what
       * gets validated is the value itself, newlines included.  On a bad
       * escape it sets the error but still returns the text up to it
       * ("bob\" reads as "bob"), so the error is what must be checked. */
      text = g_key_file_get_string (key_file, MIDWAY_PROFILE_GROUP, fields[i].key, &local_error);
      if (local_error != NULL || text == NULL)
        {
          g_clear_error (&local_error);
          midway_profile_field_error (error, &fields[i], _("contains an invalid escape sequence"));
          return NULL;
        }

      if (!midway_profile_set_from_string (profile, fields[i].key, text, error))
        return NULL;
    }

  if (!midway_profile_validate (profile, error))
    return NULL;

  return g_steal_pointer (&profile);
}

/* Reads at most @limit bytes, without blocking on FIFOs or devices: the
 * path is whatever the user passed to midwayctl import. */
static gboolean
read_bounded (const char *path,
              gsize       limit,
              char      **contents,
              gsize      *length,
              GError    **error)
{
  g_autofree char *display_name = g_filename_display_name (path);
  g_autofree char *buffer = NULL;
  struct stat st;
  gsize n_read = 0;
  int saved_errno;
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not open “%s”: %s"), display_name, g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      g_close (fd, NULL);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Could not read “%s”: %s"), display_name, g_strerror (saved_errno));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is not a regular file"), display_name);
      return FALSE;
    }

  /* The file may still grow between fstat() and read(), hence the limit
   * on the reads themselves too. */
  buffer = g_malloc (limit);
  while (n_read < limit)
    {
      gssize n = read (fd, buffer + n_read, limit - n_read);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          g_close (fd, NULL);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Could not read “%s”: %s"), display_name, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      n_read += (gsize) n;
    }

  g_close (fd, NULL);
  *contents = g_steal_pointer (&buffer);
  *length = n_read;
  return TRUE;
}

MidwayProfile *
midway_profile_new_from_file (const char *path,
                              GError    **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One byte over the limit is enough for new_from_data() to refuse it. */
  if (!read_bounded (path, MAX_DATA_SIZE + 1, &contents, &length, error))
    return NULL;

  return midway_profile_new_from_data (contents, length, error);
}

char *
midway_profile_to_data (MidwayProfile *self,
                        gsize         *length)
{
  const MidwayFieldSpec *fields = midway_profile_get_fields (NULL);
  g_autoptr(GKeyFile) key_file = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);

  key_file = g_key_file_new ();

  /* Table order, so files diff well and match the documentation. */
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text =
        midway_profile_field_format_text (&fields[i], midway_profile_peek_value (self, i));

      g_key_file_set_string (key_file, MIDWAY_PROFILE_GROUP, fields[i].key, text);
    }

  /* Not translated: the file may be shared between users and locales. */
  g_key_file_set_comment (key_file, NULL, NULL,
                          " Midway tunnel profile; see midwayctl(1)", NULL);

  return g_key_file_to_data (key_file, length, NULL);
}

/* Refuses invalid profiles: a saved file must always load again. */
gboolean
midway_profile_save (MidwayProfile *self,
                     const char    *path,
                     GError       **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!midway_profile_validate (self, error))
    return FALSE;

  data = midway_profile_to_data (self, &length);

  /* 0600: the file names the user's server, account and key path. */
  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT |
                                   G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                   0600, error);
}

/* ------------------------------------------------------------------------ */
/* a{sv} */

/* Every check on an entry looks at sizes before contents, and the whole
 * dictionary is only checked for normal form once each entry is known to
 * be small, so a huge value costs no more than reading its size. */
MidwayProfile *
midway_profile_new_from_variant (GVariant *asv,
                                 GError  **error)
{
  const MidwayFieldSpec *fields = midway_profile_get_fields (NULL);
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GVariant) owned = NULL;
  gboolean seen[N_FIELDS] = { FALSE, };
  gsize n_entries;

  g_return_val_if_fail (asv != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Consumes a floating @asv, like midway_profile_set_value(). */
  owned = g_variant_ref_sink (asv);

  if (!g_variant_is_of_type (asv, G_VARIANT_TYPE_VARDICT))
    {
      profile_error (error, _("the profile must be a dictionary of type a{sv}"));
      return NULL;
    }

  profile = midway_profile_new ();

  /* Stops at the first unknown or repeated key, so at most N_FIELDS + 1
   * entries are ever looked at, however many there are. */
  n_entries = g_variant_n_children (asv);
  for (gsize i = 0; i < n_entries; i++)
    {
      g_autoptr(GVariant) entry = g_variant_get_child_value (asv, i);
      g_autoptr(GVariant) key_variant = g_variant_get_child_value (entry, 0);
      g_autoptr(GVariant) boxed = g_variant_get_child_value (entry, 1);
      g_autoptr(GVariant) value = NULL;
      const MidwayFieldSpec *spec = NULL;
      gsize key_size = g_variant_get_size (key_variant);

      /* No field key is anywhere near 64 bytes. */
      if (key_size <= EXCERPT_MAX_CHARS && g_variant_is_normal_form (key_variant))
        spec = midway_profile_lookup_field (g_variant_get_string (key_variant, NULL));

      if (spec == NULL)
        {
          const char *raw = g_variant_get_data (key_variant);

          /* Raw bytes, minus the serialised NUL: the key may not even be
           * a valid string. */
          if (key_size > 0 && raw[key_size - 1] == '\0')
            key_size--;
          midway_profile_unknown_field_error (error, raw ? raw : "", raw ? key_size : 0);
          return NULL;
        }

      if (seen[midway_profile_field_index (spec)])
        {
          midway_profile_field_error (error, spec, _("is set more than once"));
          return NULL;
        }
      seen[midway_profile_field_index (spec)] = TRUE;

      value = g_variant_get_variant (boxed);
      if (!midway_profile_set_value (profile, spec->key, value, error))
        return NULL;
    }

  if (!g_variant_is_normal_form (asv))
    {
      profile_error (error, _("the profile is not a valid a{sv} dictionary"));
      return NULL;
    }

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (fields[i].required && !seen[i])
        {
          midway_profile_field_error (error, &fields[i], _("is required"));
          return NULL;
        }
    }

  if (!midway_profile_validate (profile, error))
    return NULL;

  return g_steal_pointer (&profile);
}

/* Returns a floating reference, like g_variant_new(). */
GVariant *
midway_profile_to_variant (MidwayProfile *self)
{
  const MidwayFieldSpec *fields = midway_profile_get_fields (NULL);
  GVariantBuilder builder;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_FIELDS; i++)
    g_variant_builder_add (&builder, "{sv}", fields[i].key,
                           midway_profile_peek_value (self, i));

  return g_variant_builder_end (&builder);
}
