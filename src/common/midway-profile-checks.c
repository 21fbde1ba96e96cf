/* midway-profile-checks.c: what makes a profile field's value valid.
 *
 * The rules the field table (midway-profile.c) points to, one per string
 * field that needs more than "any text", and midway_field_spec_validate(),
 * which applies a field's type, size and range before its rule.  They are
 * apart from the object so that the part of the profile the root helper
 * relies on against any local user can be read and reviewed on its own.
 *
 * Every value here is hostile until it passes: sizes are checked before
 * content, nothing is trusted to be UTF-8, and error messages never echo
 * more than a short escaped excerpt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "midway-error.h"
#include "midway-profile-private.h"
#include "midway-text.h"

/* The key types OpenSSH writes in known_hosts; certificates and
 * @cert-authority lines are deliberately out of scope. */
static const char * const host_key_types[] = {
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
  NULL
};

/* ------------------------------------------------------------------------ */
/* Errors */

gboolean
midway_profile_field_error (GError               **error,
                            const MidwayFieldSpec *spec,
                            const char            *format,
                            ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* The key is prefixed here rather than inside each translatable string so
   * that no translation can break the "key: " contract the app relies on
   * to put the message next to the right field. */
  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
               "%s: %s", spec->key, detail);
  return FALSE;
}

/* Characters that must never reach a label, a log line or a terminal:
 * the shared control-character rule (midway-text.c), and invisible
 * format characters (bidi overrides can make one name display as
 * another). */
static gboolean
unichar_is_unsafe (gunichar c)
{
  return midway_unichar_is_control (c) || midway_unichar_is_invisible_format (c);
}

/* A short, printable rendering of untrusted bytes for an error message:
 * at most EXCERPT_MAX_CHARS characters, anything unsafe or invalid escaped. */
char *
midway_profile_escape_excerpt (const char *data,
                               gsize       length)
{
  GString *out = g_string_new (NULL);
  const char *p = data;
  const char *end = data + length;
  guint n_chars;

  for (n_chars = 0; p < end && n_chars < EXCERPT_MAX_CHARS; n_chars++)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }

      if (c == '\\' || unichar_is_unsafe (c) || !g_unichar_isprint (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }

  if (p < end)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

gboolean
midway_profile_unknown_field_error (GError    **error,
                                    const char *key,
                                    gsize       length)
{
  g_autofree char *excerpt = midway_profile_escape_excerpt (key, length);

  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
               /* Translators: %s is a key found in a profile, e.g. "colour" */
               _("unknown field “%s”"), excerpt);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Field rules */

gboolean
midway_profile_check_id (const MidwayFieldSpec *spec,
                         const char            *value,
                         gsize                  length,
                         GError               **error)
{
  if (!g_uuid_string_is_valid (value))
    return midway_profile_field_error (error, spec, _("must be a UUID"));

  /* One spelling per id: the helper compares ids as strings. */
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      return midway_profile_field_error (error, spec, _("must be written in lower case"));

  return TRUE;
}

gboolean
midway_profile_check_name (const MidwayFieldSpec *spec,
                           const char            *value,
                           gsize                  length,
                           GError               **error)
{
  guint n_chars = 0;

  if (length == 0)
    return midway_profile_field_error (error, spec, _("must not be empty"));

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (unichar_is_unsafe (g_utf8_get_char (p)))
        return midway_profile_field_error (error, spec,
                                           _("must not contain control or invisible formatting characters"));
      n_chars++;
    }

  if (n_chars > NAME_MAX_CHARS)
    return midway_profile_field_error (error, spec, _("must be at most %u characters long"),
                                       (guint) NAME_MAX_CHARS);

  if (g_unichar_isspace (g_utf8_get_char (value)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (value + length))))
    return midway_profile_field_error (error, spec, _("must not start or end with a space"));

  return TRUE;
}

/* Only the canonical dotted quad: inet_aton() would also read "10.1",
 * "012.0.0.1" (octal) and "0x0a.0.0.1" as addresses, and we want the text
 * a user sees to be the address that gets used. */
static gboolean
parse_ipv4 (const char *value,
            guint8      octets[4])
{
  const char *p = value;

  for (guint i = 0; i < 4; i++)
    {
      const char *start;
      guint octet = 0;
      guint n_digits = 0;

      if (i > 0 && *p++ != '.')
        return FALSE;

      for (start = p; g_ascii_isdigit (*p) && n_digits < 4; p++, n_digits++)
        octet = octet * 10 + (guint) (*p - '0');

      if (n_digits == 0 || n_digits > 3 || octet > 255 ||
          (n_digits > 1 && *start == '0'))
        return FALSE;
      octets[i] = (guint8) octet;
    }

  return *p == '\0';
}

static gboolean
is_dns_name (const char *value,
             gsize       length)
{
  const char *label = value;
  const char *last_label = value;

  if (length == 0 || length > 253)
    return FALSE;

  while (TRUE)
    {
      const char *dot = strchr (label, '.');
      gsize label_length = dot ? (gsize) (dot - label) : strlen (label);

      /* Also rejects empty labels, so "a..b", ".a" and "a." (the trailing
       * dot ssh would keep in known_hosts lookups). */
      if (label_length == 0 || label_length > 63 ||
          label[0] == '-' || label[label_length - 1] == '-')
        return FALSE;

      for (gsize i = 0; i < label_length; i++)
        if (!g_ascii_isalnum (label[i]) && label[i] != '-')
          return FALSE;

      last_label = label;
      if (dot == NULL)
        break;
      label = dot + 1;
    }

  /* No top-level domain starts with a digit, but every non-canonical
   * numeric address form ("2130706433", "127.1", "0x7f.1") ends in a label
   * that does, and the resolver would turn it into an address. */
  return !g_ascii_isdigit (last_label[0]);
}

gboolean
midway_profile_check_host (const MidwayFieldSpec *spec,
                           const char            *value,
                           gsize                  length,
                           GError               **error)
{
  guint8 octets[4];

  if (length == 0)
    return midway_profile_field_error (error, spec, _("must not be empty"));

  if (value[0] == '-')
    return midway_profile_field_error (error, spec, _("must not start with “-”"));

  if (strchr (value, '%') != NULL)
    return midway_profile_field_error (error, spec, _("must not contain an IPv6 zone index"));

  if (strchr (value, ':') != NULL)
    {
      g_autoptr(GInetAddress) address = NULL;

      /* g_hostname_is_ip_address() alone is lax about zone ids and
       * GInetAddress alone about nothing we know of; ask both. */
      if (g_hostname_is_ip_address (value))
        address = g_inet_address_new_from_string (value);
      if (address == NULL ||
          g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
        return midway_profile_field_error (error, spec, _("must be a host name or an IP address"));
      return TRUE;
    }

  if (parse_ipv4 (value, octets) || is_dns_name (value, length))
    return TRUE;

  return midway_profile_field_error (error, spec, _("must be a host name or an IP address"));
}

gboolean
midway_profile_check_user (const MidwayFieldSpec *spec,
                           const char            *value,
                           gsize                  length,
                           GError               **error)
{
  /* Empty lets ssh decide (its config or the local user name). */
  if (length == 0)
    return TRUE;

  /* The POSIX portable set; also what ssh >= 9.6 insists on before it will
   * substitute %u into a ProxyCommand from the user's own config. */
  if (!g_ascii_isalpha (value[0]) && value[0] != '_')
    return midway_profile_field_error (error, spec, _("must start with a letter or “_”"));

  for (gsize i = 1; i < length; i++)
    if (!g_ascii_isalnum (value[i]) && strchr ("_.-", value[i]) == NULL)
      return midway_profile_field_error (error, spec,
                                         _("may only contain letters, digits, “_”, “.” and “-”"));

  return TRUE;
}

gboolean
midway_profile_check_key_file (const MidwayFieldSpec *spec,
                               const char            *value,
                               gsize                  length,
                               GError               **error)
{
  if (length == 0)
    return TRUE;

  if (value[0] != '/')
    return midway_profile_field_error (error, spec, _("must be an absolute path"));

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (unichar_is_unsafe (g_utf8_get_char (p)))
      return midway_profile_field_error (error, spec,
                                         _("must not contain control or invisible formatting characters"));

  /* ssh runs -i through its %-token and ${VAR} expansion. */
  if (strchr (value, '%') != NULL || strchr (value, '$') != NULL)
    return midway_profile_field_error (error, spec, _("must not contain “%%” or “$”"));

  /* One spelling per file, so what the dialog shows is what ssh opens. */
  if (strstr (value, "//") != NULL || strstr (value, "/./") != NULL ||
      strstr (value, "/../") != NULL || g_str_has_suffix (value, "/.") ||
      g_str_has_suffix (value, "/..") || g_str_has_suffix (value, "/"))
    return midway_profile_field_error (error, spec,
                                       _("must be a file path without empty, “.” or “..” components"));

  return TRUE;
}

static gboolean
is_strict_base64 (const char *value,
                  gsize       length)
{
  gsize n_padding = 0;

  if (length == 0 || length % 4 != 0)
    return FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = value[i];

      if (c == '=')
        {
          n_padding++;
          continue;
        }
      if (n_padding > 0)
        return FALSE;
      if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return FALSE;
    }

  return n_padding <= 2;
}

gboolean
midway_profile_check_host_key (const MidwayFieldSpec *spec,
                               const char            *value,
                               gsize                  length,
                               GError               **error)
{
  const char *space;
  const char *base64;
  gsize base64_length;
  g_autofree char *type = NULL;
  g_autofree guchar *blob = NULL;
  g_autofree char *reencoded = NULL;
  gsize blob_length = 0;
  guint32 type_length;

  if (length == 0)
    return TRUE;

  space = strchr (value, ' ');
  if (space == NULL)
    return midway_profile_field_error (error, spec,
                                       _("must be a key type and a base64 key separated by one space"));

  type = g_strndup (value, space - value);
  if (!g_strv_contains (host_key_types, type))
    return midway_profile_field_error (error, spec, _("has an unsupported key type"));

  base64 = space + 1;
  base64_length = length - (base64 - value);
  if (memchr (base64, ' ', base64_length) != NULL)
    return midway_profile_field_error (error, spec,
                                       _("must be a key type and a base64 key separated by one space, without a comment"));

  if (base64_length > HOST_KEY_MAX_BASE64 || !is_strict_base64 (base64, base64_length))
    return midway_profile_field_error (error, spec, _("has an invalid base64 key"));

  blob = g_base64_decode (base64, &blob_length);

  /* g_base64_decode() ignores stray bits in the last group; only the
   * canonical encoding of a key is accepted so that one key has one text. */
  reencoded = g_base64_encode (blob, blob_length);
  if (strcmp (reencoded, base64) != 0)
    return midway_profile_field_error (error, spec, _("has an invalid base64 key"));

  /* The SSH wire format starts with the key type as a string (uint32
   * length, then the bytes); a key pasted under the wrong type would never
   * match and fail later with a misleading host-key-mismatch. */
  if (blob_length < 4)
    return midway_profile_field_error (error, spec, _("has a key that does not match its type"));
  memcpy (&type_length, blob, sizeof type_length);
  type_length = GUINT32_FROM_BE (type_length);
  if (type_length != strlen (type) ||
      blob_length - 4 <= type_length ||
      memcmp (blob + 4, type, type_length) != 0)
    return midway_profile_field_error (error, spec, _("has a key that does not match its type"));

  return TRUE;
}

gboolean
midway_profile_check_remote_command (const MidwayFieldSpec *spec,
                                     const char            *value,
                                     gsize                  length,
                                     GError               **error)
{
  /* ssh joins the command words with spaces and the remote shell splits
   * them again, so only characters no shell treats specially are allowed. */
  static const char word_punctuation[] = "_./:=,@+%-";

  if (length == 0)
    return midway_profile_field_error (error, spec, _("must not be empty"));

  for (gsize i = 0; i < length; i++)
    {
      char c = value[i];

      if (c == ' ')
        {
          if (i == 0 || i == length - 1 || value[i + 1] == ' ')
            return midway_profile_field_error (error, spec,
                                               _("must be words separated by single spaces"));
        }
      else if (!g_ascii_isalnum (c) && strchr (word_punctuation, c) == NULL)
        {
          return midway_profile_field_error (error, spec,
                                             _("may only contain letters, digits, spaces and “_./:=,@+%%-”"));
        }
    }

  if (value[0] == '-')
    return midway_profile_field_error (error, spec, _("must not start with “-”"));

  return TRUE;
}

gboolean
midway_profile_check_ipv4_address (const MidwayFieldSpec *spec,
                                   const char            *value,
                                   gsize                  length,
                                   GError               **error)
{
  guint8 octets[4];

  /* Empty: negotiated with the peer. */
  if (length == 0)
    return TRUE;

  if (!parse_ipv4 (value, octets))
    return midway_profile_field_error (error, spec, _("must be an IPv4 address such as 10.0.0.1"));

  /* "This network", loopback, multicast and the reserved block that holds
   * the broadcast address cannot be one end of a point-to-point link. */
  if (octets[0] == 0 || octets[0] == 127 || octets[0] >= 224)
    return midway_profile_field_error (error, spec, _("must be a unicast IPv4 address"));

  return TRUE;
}

/* One network of the "routes" list in its only spelling: a canonical
 * address (dotted quad, or what inet_pton() reads for IPv6), "/" and a
 * prefix length in plain decimal, no host bits set.  family is 4 or 6. */
gboolean
midway_profile_parse_network (const char *text,
                              guint      *family,
                              guint8      address[16],
                              guint      *prefix_length)
{
  const char *slash = strchr (text, '/');
  g_autofree char *host = NULL;
  guint max_prefix;
  guint prefix = 0;
  guint n_bytes;

  if (slash == NULL || slash == text)
    return FALSE;
  host = g_strndup (text, slash - text);
  memset (address, 0, 16);

  if (strchr (host, ':') != NULL)
    {
      if (inet_pton (AF_INET6, host, address) != 1)
        return FALSE;
      *family = 6;
      max_prefix = 128;
    }
  else
    {
      if (!parse_ipv4 (host, address))
        return FALSE;
      *family = 4;
      max_prefix = 32;
    }

  slash++;
  if (*slash == '\0' || (slash[0] == '0' && slash[1] != '\0') || strlen (slash) > 3)
    return FALSE;
  for (const char *p = slash; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      prefix = prefix * 10 + (guint) (*p - '0');
    }
  if (prefix > max_prefix)
    return FALSE;

  /* "10.1.2.3/8" is most likely a typo for a host route: refuse it rather
   * than guess which one was meant. */
  n_bytes = max_prefix / 8;
  for (guint bit = prefix; bit < max_prefix; bit++)
    if (bit / 8 < n_bytes && (address[bit / 8] & (0x80 >> (bit % 8))) != 0)
      return FALSE;

  *prefix_length = prefix;
  return TRUE;
}

gboolean
midway_profile_check_routes (const MidwayFieldSpec *spec,
                             const char            *value,
                             gsize                  length,
                             GError               **error)
{
  g_auto(GStrv) networks = NULL;

  if (length == 0)
    return TRUE;

  networks = g_strsplit (value, ",", -1);
  if (g_strv_length (networks) > ROUTES_MAX)
    return midway_profile_field_error (error, spec, _("must list at most %u networks"),
                                       (guint) ROUTES_MAX);

  for (guint i = 0; networks[i] != NULL; i++)
    {
      guint8 address[16];
      guint family, prefix;

      if (!midway_profile_parse_network (networks[i], &family, address, &prefix))
        {
          g_autofree char *excerpt = midway_profile_escape_excerpt (networks[i],
                                                                    strlen (networks[i]));

          return midway_profile_field_error (error, spec,
                                             /* Translators: %s is what the user wrote, e.g. "10.0.0.1/8" */
                                             _("“%s” is not a network such as 10.1.0.0/16 or fd00:1::/64 "
                                               "(comma-separated, no spaces, no host bits set)"),
                                             excerpt);
        }
      /* The ssh connection itself would follow a default route into the
       * tunnel; "full-tunnel" keeps the server reachable. */
      if (prefix == 0)
        return midway_profile_field_error (error, spec,
                                           _("must not contain a default route; use “full-tunnel” instead"));
    }

  return TRUE;
}

/* One DNS server of "dns-servers": a canonical IPv4 dotted quad or the
 * text inet_ntop() writes for an IPv6 address, so that what resolv.conf or
 * systemd-resolved shows is what the user wrote.  family is 4 or 6. */
gboolean
midway_profile_parse_dns_server (const char *text,
                                 guint      *family,
                                 guint8      address[16])
{
  char canonical[INET6_ADDRSTRLEN];

  memset (address, 0, 16);
  if (strchr (text, ':') == NULL)
    {
      if (!parse_ipv4 (text, address))
        return FALSE;
      *family = 4;
    }
  else
    {
      if (inet_pton (AF_INET6, text, address) != 1 ||
          inet_ntop (AF_INET6, address, canonical, sizeof canonical) == NULL ||
          strcmp (canonical, text) != 0)
        return FALSE;
      *family = 6;
    }

  /* Neither "any" nor a multicast group can answer queries. */
  if (*family == 4)
    return address[0] != 0 && address[0] < 224;
  return !IN6_IS_ADDR_UNSPECIFIED ((struct in6_addr *) address) && address[0] != 0xff;
}

/* Splits a comma-separated list that midway_profile_check_dns_*()
 * accepts, or "". */
static gboolean
check_list_shape (const MidwayFieldSpec *spec,
                  const char            *value,
                  guint                  max_items,
                  GStrv                 *items_out,
                  GError               **error)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);

  if (g_strv_length (items) > max_items)
    return midway_profile_field_error (error, spec, _("must list at most %u entries"), max_items);

  for (guint i = 0; items[i] != NULL; i++)
    for (guint j = 0; j < i; j++)
      if (g_ascii_strcasecmp (items[i], items[j]) == 0)
        return midway_profile_field_error (error, spec, _("must not list an entry twice"));

  *items_out = g_steal_pointer (&items);
  return TRUE;
}

gboolean
midway_profile_check_dns_servers (const MidwayFieldSpec *spec,
                                  const char            *value,
                                  gsize                  length,
                                  GError               **error)
{
  g_auto(GStrv) servers = NULL;

  if (length == 0)
    return TRUE;

  if (!check_list_shape (spec, value, DNS_SERVERS_MAX, &servers, error))
    return FALSE;

  for (guint i = 0; servers[i] != NULL; i++)
    {
      guint8 address[16];
      guint family;

      if (!midway_profile_parse_dns_server (servers[i], &family, address))
        {
          g_autofree char *excerpt = midway_profile_escape_excerpt (servers[i],
                                                                    strlen (servers[i]));

          return midway_profile_field_error (error, spec,
                                             /* Translators: %s is what the user wrote, e.g. "10.0.0.01" */
                                             _("“%s” is not an address such as 10.1.0.53 or fd00::53 "
                                               "(comma-separated, no spaces)"),
                                             excerpt);
        }
    }

  return TRUE;
}

gboolean
midway_profile_check_dns_search (const MidwayFieldSpec *spec,
                                 const char            *value,
                                 gsize                  length,
                                 GError               **error)
{
  g_auto(GStrv) domains = NULL;

  if (length == 0)
    return TRUE;

  if (!check_list_shape (spec, value, DNS_SEARCH_MAX, &domains, error))
    return FALSE;

  for (guint i = 0; domains[i] != NULL; i++)
    if (!is_dns_name (domains[i], strlen (domains[i])))
      {
        g_autofree char *excerpt = midway_profile_escape_excerpt (domains[i], strlen (domains[i]));

        return midway_profile_field_error (error, spec,
                                           /* Translators: %s is what the user wrote, e.g. "corp..example" */
                                           _("“%s” is not a domain such as corp.example.com "
                                             "(comma-separated, no spaces)"),
                                           excerpt);
      }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Type, size and range */

/* Validates one value for one field.  Cheap checks come first: a 1 MiB
 * string is refused on its size before anything reads its bytes. */
gboolean
midway_field_spec_validate (const MidwayFieldSpec *spec,
                            GVariant              *value,
                            GError               **error)
{
  const char *text;
  gsize length;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
    return midway_profile_field_error (error, spec,
                                       /* Translators: %s is a D-Bus type code such as "u" */
                                       _("has the wrong type (expected %s)"), spec->type);

  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_UINT:
      {
        guint32 number;

        if (!g_variant_is_normal_form (value))
          return midway_profile_field_error (error, spec, _("is not a valid value"));
        number = g_variant_get_uint32 (value);
        if (number < spec->min || number > spec->max)
          return midway_profile_field_error (error, spec, _("must be between %u and %u"),
                                             spec->min, spec->max);
        return TRUE;
      }

    case MIDWAY_FIELD_KIND_BOOLEAN:
      if (!g_variant_is_normal_form (value))
        return midway_profile_field_error (error, spec, _("is not a valid value"));
      return TRUE;

    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      /* A serialised string's size is its length plus the NUL. */
      if (g_variant_get_size (value) > spec->max_length + 1)
        return midway_profile_field_error (error, spec, _("is too long"));

      /* Variants built with g_variant_new_from_data() are not checked
       * until asked; a non-normal string would read back as "". */
      if (!g_variant_is_normal_form (value))
        return midway_profile_field_error (error, spec, _("must be valid UTF-8 text"));

      text = g_variant_get_string (value, &length);
      if (!g_utf8_validate_len (text, length, NULL))
        return midway_profile_field_error (error, spec, _("must be valid UTF-8 text"));

      if (spec->kind == MIDWAY_FIELD_KIND_ENUM)
        {
          g_autofree char *choices = NULL;

          if (g_strv_contains (spec->enum_values, text))
            return TRUE;
          choices = g_strjoinv (", ", (GStrv) spec->enum_values);
          return midway_profile_field_error (error, spec,
                                             /* Translators: %s is a list such as "agent, password" */
                                             _("must be one of %s"), choices);
        }

      return spec->check == NULL || spec->check (spec, text, length, error);

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}
