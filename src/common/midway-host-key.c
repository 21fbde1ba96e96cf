/* midway-host-key.c: host key fingerprints and ssh-keyscan lines.
 *
 * What makes a host key valid is the profile's rule (midway-profile-checks.c,
 * through its field table), so a key accepted here is one the profile
 * stores and the helper pins, and nothing here can drift from it.
 *
 * ssh-keyscan's output is whatever a server on the network chose to send,
 * passed through: lines are checked for size and for printable ASCII
 * before anything splits them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "midway-error.h"
#include "midway-host-key.h"
#include "midway-profile.h"

#define EXCERPT_MAX_CHARS 40

gboolean
midway_host_key_validate (const char *host_key,
                          GError    **error)
{
  const MidwayFieldSpec *spec = midway_profile_lookup_field (MIDWAY_FIELD_HOST_KEY);
  g_autoptr(GVariant) value = NULL;

  g_return_val_if_fail (host_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The field allows "" (no key pinned yet); a key to show or pin may not be. */
  if (*host_key == '\0')
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "%s: %s", MIDWAY_FIELD_HOST_KEY, _("must not be empty"));
      return FALSE;
    }
  if (!g_utf8_validate (host_key, -1, NULL))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
                   "%s: %s", MIDWAY_FIELD_HOST_KEY, _("must be valid UTF-8 text"));
      return FALSE;
    }

  value = g_variant_ref_sink (g_variant_new_string (host_key));
  return midway_field_spec_validate (spec, value, error);
}

char *
midway_host_key_dup_fingerprint (const char *host_key,
                                 GError    **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guchar *blob = NULL;
  g_autofree char *encoded = NULL;
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  gsize blob_length = 0;
  gsize length;

  g_return_val_if_fail (host_key != NULL, NULL);

  if (!midway_host_key_validate (host_key, error))
    return NULL;

  blob = g_base64_decode (strchr (host_key, ' ') + 1, &blob_length);
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, blob, blob_length);
  g_checksum_get_digest (checksum, digest, &digest_length);

  /* ssh-keygen drops the base64 padding. */
  encoded = g_base64_encode (digest, digest_length);
  length = strlen (encoded);
  while (length > 0 && encoded[length - 1] == '=')
    encoded[--length] = '\0';

  return g_strconcat ("SHA256:", encoded, NULL);
}

char *
midway_host_key_dup_type (const char *host_key)
{
  const char *space;

  g_return_val_if_fail (host_key != NULL, NULL);

  space = strchr (host_key, ' ');
  return space != NULL ? g_strndup (host_key, space - host_key) : g_strdup (host_key);
}

guint
midway_host_key_type_rank (const char *host_key)
{
  g_return_val_if_fail (host_key != NULL, G_MAXUINT);

  if (g_str_has_prefix (host_key, "ssh-ed25519 "))
    return 0;
  if (g_str_has_prefix (host_key, "ecdsa-sha2-"))
    return 1;
  if (g_str_has_prefix (host_key, "ssh-rsa "))
    return 2;
  return 3;
}

char *
midway_host_key_dup_known_hosts_name (const char *host,
                                      guint       port)
{
  g_return_val_if_fail (host != NULL, NULL);

  if (port == 22)
    return g_strdup (host);
  return g_strdup_printf ("[%s]:%u", host, port);
}

/* Printable ASCII kept, everything else as \xNN: the excerpt ends up in a
 * dialog and a log, and came from the network. */
static char *
escape_excerpt (const char *data,
                gsize       length)
{
  GString *out = g_string_new (NULL);
  gsize i;

  for (i = 0; i < length && i < EXCERPT_MAX_CHARS; i++)
    {
      guchar c = (guchar) data[i];

      if (c >= 0x20 && c < 0x7f && c != '\\')
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\x%02x", c);
    }
  if (i < length)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

static gboolean
line_error (GError    **error,
            const char *line,
            gsize       length,
            const char *why)
{
  g_autofree char *excerpt = escape_excerpt (line, length);

  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
               /* Translators: the first %s says what is wrong, the second
                * quotes the start of the line */
               _("Unexpected ssh-keyscan output (%s): “%s”"), why, excerpt);
  return FALSE;
}

gboolean
midway_host_key_parse_keyscan_line (const char *line,
                                    gsize       length,
                                    char      **name,
                                    char      **host_key,
                                    GError    **error)
{
  const char *first_space;
  g_autofree char *key = NULL;
  g_autoptr(GError) key_error = NULL;

  g_return_val_if_fail (line != NULL || length == 0, FALSE);
  g_return_val_if_fail (name != NULL && host_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Sizes first, then bytes, then structure. */
  if (length == 0)
    return line_error (error, line, length, _("empty line"));
  if (length > MIDWAY_HOST_KEY_LINE_MAX)
    return line_error (error, line, length, _("line too long"));
  for (gsize i = 0; i < length; i++)
    if ((guchar) line[i] < 0x21 && line[i] != ' ')
      return line_error (error, line, length, _("control character"));
    else if ((guchar) line[i] >= 0x7f)
      return line_error (error, line, length, _("not ASCII"));

  first_space = memchr (line, ' ', length);
  if (first_space == NULL || first_space == line)
    return line_error (error, line, length, _("not “name type key”"));

  /* Exactly two spaces, single: no comment, no marker, no empty field. */
  {
    const char *rest = first_space + 1;
    gsize rest_length = length - (rest - line);
    const char *second_space = memchr (rest, ' ', rest_length);

    if (second_space == NULL || second_space == rest ||
        second_space == line + length - 1 ||
        memchr (second_space + 1, ' ', length - (second_space + 1 - line)) != NULL)
      return line_error (error, line, length, _("not “name type key”"));
  }

  /* A hashed name (|1|…) or a marker (@cert-authority) is not what we asked for. */
  if (line[0] == '#' || line[0] == '@' || line[0] == '|')
    return line_error (error, line, length, _("not “name type key”"));

  key = g_strndup (first_space + 1, length - (first_space + 1 - line));
  if (!midway_host_key_validate (key, &key_error))
    return line_error (error, line, length, key_error->message);

  *name = g_strndup (line, first_space - line);
  *host_key = g_steal_pointer (&key);
  return TRUE;
}

char *
midway_host_key_describe_mismatch (const char *pinned_fingerprint,
                                   const char *presented_fingerprint)
{
  g_return_val_if_fail (pinned_fingerprint != NULL, NULL);
  g_return_val_if_fail (presented_fingerprint != NULL, NULL);

  /* Translators: both %s are key fingerprints ("SHA256:…"); the first is
   * the key the profile trusts, the second the one the server sent now. */
  return g_strdup_printf (_("pinned %s, server now presents %s"),
                          pinned_fingerprint, presented_fingerprint);
}
