/* midway-profile.c: a tunnel profile, its fields and their validation.
 *
 * Everything that knows about a field reads it from `fields[]` below: the
 * GObject properties, both parsers, both serialisers and the validation.
 * Adding a field means adding one row there (plus its typed getter).
 *
 * Profiles arrive from hand-written key files and, in the helper (root),
 * from any local user over the bus, so every parser here treats its input
 * as hostile: sizes are checked before content, nothing is trusted to be
 * UTF-8, and error messages never echo more than a short escaped excerpt.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "midway-error.h"
#include "midway-profile.h"

/* Larger than any sane profile (a full one is well under 10 KiB) and small
 * enough that reading and scanning it costs nothing. */
#define MAX_DATA_SIZE (64 * 1024)

/* How much of an unknown key we quote back in an error. */
#define EXCERPT_MAX_CHARS 64

#define NAME_MAX_CHARS 64
#define HOST_KEY_MAX_BASE64 8192
/* Each route costs a netlink round trip in the helper; a longer list is a
 * full tunnel in disguise. */
#define ROUTES_MAX 32
/* glibc's resolver reads only the first MAXNS (3) nameserver lines, and
 * older ones only six search domains. */
#define DNS_SERVERS_MAX 3
#define DNS_SEARCH_MAX 6

typedef enum {
  FIELD_ID,
  FIELD_NAME,
  FIELD_HOST,
  FIELD_PORT,
  FIELD_USER,
  FIELD_AUTH,
  FIELD_KEY_FILE,
  FIELD_HOST_KEY,
  FIELD_REMOTE_COMMAND,
  FIELD_LOCAL_ADDRESS,
  FIELD_REMOTE_ADDRESS,
  FIELD_MTU,
  FIELD_ECHO_INTERVAL,
  FIELD_ECHO_FAILURES,
  FIELD_RECONNECT,
  FIELD_ROUTES,
  FIELD_FULL_TUNNEL,
  FIELD_IPV6,
  FIELD_DNS_SERVERS,
  FIELD_DNS_SEARCH,
  FIELD_PEER_DNS,
  FIELD_FAIL_CLOSED,
  N_FIELDS
} FieldIndex;

/* Checks the text of a string field that is already known to be valid
 * UTF-8 without NUL bytes and at most max_length bytes long. */
typedef gboolean (*StringCheck) (const MidwayFieldSpec  *spec,
                                 const char             *value,
                                 gsize                   length,
                                 GError                **error);

struct _MidwayFieldSpec
{
  const char         *key;
  MidwayFieldKind     kind;
  const char         *type;            /* GVariant type string */
  const char         *label;           /* untranslated; N_() */
  gboolean            required;        /* must be present in an a{sv} */

  /* Defaults: string and enum fields use default_string, or make_default
   * when each profile needs its own value (the id). */
  const char         *default_string;
  char             *(*make_default) (void);
  guint               default_uint;
  gboolean            default_boolean;

  guint               min;             /* uint fields */
  guint               max;             /* uint fields */
  gsize               max_length;      /* string and enum fields, in bytes */
  const char * const *enum_values;     /* enum fields, NULL-terminated */
  StringCheck         check;           /* string fields; NULL: any text */
};

static gboolean check_id             (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_name           (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_host           (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_user           (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_key_file       (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_host_key       (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_remote_command (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_ipv4_address   (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_routes         (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_dns_servers    (const MidwayFieldSpec *, const char *, gsize, GError **);
static gboolean check_dns_search     (const MidwayFieldSpec *, const char *, gsize, GError **);

/* Indexed by MidwayAuthMethod. */
static const char * const auth_values[] = {
  "agent",
  "key-file",
  "keyring-key",
  "password",
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (auth_values) == MIDWAY_AUTH_PASSWORD + 2);

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

static const MidwayFieldSpec fields[N_FIELDS] = {
  [FIELD_ID] = {
    .key = MIDWAY_FIELD_ID, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Identifier"), .required = TRUE,
    .make_default = g_uuid_string_random,
    .max_length = 36, .check = check_id,
  },
  [FIELD_NAME] = {
    .key = MIDWAY_FIELD_NAME, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Name"), .required = TRUE,
    .default_string = "",
    /* The limit is NAME_MAX_CHARS characters; this only bounds the bytes
     * (4 per character at most) before anything reads them. */
    .max_length = NAME_MAX_CHARS * 4, .check = check_name,
  },
  [FIELD_HOST] = {
    .key = MIDWAY_FIELD_HOST, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Server"), .required = TRUE,
    .default_string = "",
    .max_length = 253, .check = check_host,
  },
  [FIELD_PORT] = {
    .key = MIDWAY_FIELD_PORT, .kind = MIDWAY_FIELD_KIND_UINT, .type = "u",
    .label = N_("Port"),
    .default_uint = 22, .min = 1, .max = 65535,
  },
  [FIELD_USER] = {
    .key = MIDWAY_FIELD_USER, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("User name"),
    .default_string = "",
    .max_length = 32, .check = check_user,
  },
  [FIELD_AUTH] = {
    .key = MIDWAY_FIELD_AUTH, .kind = MIDWAY_FIELD_KIND_ENUM, .type = "s",
    .label = N_("Authentication"),
    .default_string = "agent",
    .max_length = 16, .enum_values = auth_values,
  },
  [FIELD_KEY_FILE] = {
    .key = MIDWAY_FIELD_KEY_FILE, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Private key file"),
    .default_string = "",
    .max_length = 4096, .check = check_key_file,
  },
  [FIELD_HOST_KEY] = {
    .key = MIDWAY_FIELD_HOST_KEY, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Server host key"),
    .default_string = "",
    /* Room for the longest type name, the space and the base64 blob. */
    .max_length = HOST_KEY_MAX_BASE64 + 64, .check = check_host_key,
  },
  [FIELD_REMOTE_COMMAND] = {
    .key = MIDWAY_FIELD_REMOTE_COMMAND, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Remote command"),
    .default_string = "sudo -n pppd",
    .max_length = 256, .check = check_remote_command,
  },
  [FIELD_LOCAL_ADDRESS] = {
    .key = MIDWAY_FIELD_LOCAL_ADDRESS, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Local address"),
    .default_string = "",
    .max_length = 15, .check = check_ipv4_address,
  },
  [FIELD_REMOTE_ADDRESS] = {
    .key = MIDWAY_FIELD_REMOTE_ADDRESS, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Remote address"),
    .default_string = "",
    .max_length = 15, .check = check_ipv4_address,
  },
  [FIELD_MTU] = {
    .key = MIDWAY_FIELD_MTU, .kind = MIDWAY_FIELD_KIND_UINT, .type = "u",
    .label = N_("MTU"),
    /* 576 is the smallest datagram every IPv4 host must accept; above 1500
     * the PPP frames no longer fit the ssh channel's typical path MTU. */
    .default_uint = 1400, .min = 576, .max = 1500,
  },
  [FIELD_ECHO_INTERVAL] = {
    .key = MIDWAY_FIELD_ECHO_INTERVAL, .kind = MIDWAY_FIELD_KIND_UINT, .type = "u",
    .label = N_("Echo interval"),
    .default_uint = 10, .min = 1, .max = 300,
  },
  [FIELD_ECHO_FAILURES] = {
    .key = MIDWAY_FIELD_ECHO_FAILURES, .kind = MIDWAY_FIELD_KIND_UINT, .type = "u",
    .label = N_("Echo failures"),
    /* At least 2: pppd gets failures - 1 (see midway-argv.c) and treats
     * lcp-echo-failure 0 as "never give up". */
    .default_uint = 3, .min = 2, .max = 30,
  },
  [FIELD_RECONNECT] = {
    .key = MIDWAY_FIELD_RECONNECT, .kind = MIDWAY_FIELD_KIND_BOOLEAN, .type = "b",
    .label = N_("Reconnect automatically"),
    .default_boolean = TRUE,
  },
  [FIELD_ROUTES] = {
    /* A comma-separated string rather than an "as": every field keeps one
     * text form that is the same in the key file, a text entry and
     * midwayctl, and the table has no list kind. */
    .key = MIDWAY_FIELD_ROUTES, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Networks through the tunnel"),
    .default_string = "",
    .max_length = ROUTES_MAX * 44, .check = check_routes,
  },
  [FIELD_FULL_TUNNEL] = {
    .key = MIDWAY_FIELD_FULL_TUNNEL, .kind = MIDWAY_FIELD_KIND_BOOLEAN, .type = "b",
    .label = N_("Send all traffic through the tunnel"),
    .default_boolean = FALSE,
  },
  [FIELD_IPV6] = {
    .key = MIDWAY_FIELD_IPV6, .kind = MIDWAY_FIELD_KIND_BOOLEAN, .type = "b",
    .label = N_("IPv6"),
    .default_boolean = FALSE,
  },
  [FIELD_DNS_SERVERS] = {
    .key = MIDWAY_FIELD_DNS_SERVERS, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("DNS servers"),
    .default_string = "",
    .max_length = DNS_SERVERS_MAX * 40, .check = check_dns_servers,
  },
  [FIELD_DNS_SEARCH] = {
    .key = MIDWAY_FIELD_DNS_SEARCH, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("DNS search domains"),
    .default_string = "",
    .max_length = DNS_SEARCH_MAX * 254, .check = check_dns_search,
  },
  [FIELD_PEER_DNS] = {
    .key = MIDWAY_FIELD_PEER_DNS, .kind = MIDWAY_FIELD_KIND_BOOLEAN, .type = "b",
    .label = N_("Use the server's DNS servers"),
    .default_boolean = FALSE,
  },
  [FIELD_FAIL_CLOSED] = {
    .key = MIDWAY_FIELD_FAIL_CLOSED, .kind = MIDWAY_FIELD_KIND_BOOLEAN, .type = "b",
    .label = N_("Block the tunnel's networks while it is down"),
    .default_boolean = FALSE,
  },
};

struct _MidwayProfile
{
  GObject   parent_instance;

  /* Indexed like fields[]; each holds a non-floating value of the field's
   * type that passed midway_field_spec_validate(), or the field's default
   * (which may not pass: a new profile has no name or host yet). */
  GVariant *values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MidwayProfile, midway_profile, G_TYPE_OBJECT)

/* Property ids are field indexes + 1; 0 is reserved by GObject. */
static GParamSpec *properties[N_FIELDS + 1];

/* ------------------------------------------------------------------------ */
/* Errors */

static gboolean field_error (GError                **error,
                             const MidwayFieldSpec  *spec,
                             const char             *format,
                             ...) G_GNUC_PRINTF (3, 4);

static gboolean
field_error (GError                **error,
             const MidwayFieldSpec  *spec,
             const char             *format,
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
 * controls, line and paragraph separators, and invisible format characters
 * (bidi overrides can make one name display as another).  ZWJ and ZWNJ are
 * format characters too, but several scripts and emoji need them and they
 * cannot reorder text. */
static gboolean
unichar_is_unsafe (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
      return TRUE;
    case G_UNICODE_FORMAT:
      return c != 0x200C && c != 0x200D;
    default:
      return FALSE;
    }
}

/* A short, printable rendering of untrusted bytes for an error message:
 * at most EXCERPT_MAX_CHARS characters, anything unsafe or invalid escaped. */
static char *
escape_excerpt (const char *data,
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

static gboolean
unknown_field_error (GError     **error,
                     const char  *key,
                     gsize        length)
{
  g_autofree char *excerpt = escape_excerpt (key, length);

  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE,
               /* Translators: %s is a key found in a profile, e.g. "colour" */
               _("unknown field “%s”"), excerpt);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Field rules */

static gboolean
check_id (const MidwayFieldSpec  *spec,
          const char             *value,
          gsize                   length,
          GError                **error)
{
  if (!g_uuid_string_is_valid (value))
    return field_error (error, spec, _("must be a UUID"));

  /* One spelling per id: the helper compares ids as strings. */
  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      return field_error (error, spec, _("must be written in lower case"));

  return TRUE;
}

static gboolean
check_name (const MidwayFieldSpec  *spec,
            const char             *value,
            gsize                   length,
            GError                **error)
{
  guint n_chars = 0;

  if (length == 0)
    return field_error (error, spec, _("must not be empty"));

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (unichar_is_unsafe (g_utf8_get_char (p)))
        return field_error (error, spec,
                            _("must not contain control or invisible formatting characters"));
      n_chars++;
    }

  if (n_chars > NAME_MAX_CHARS)
    return field_error (error, spec, _("must be at most %u characters long"),
                        (guint) NAME_MAX_CHARS);

  if (g_unichar_isspace (g_utf8_get_char (value)) ||
      g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (value + length))))
    return field_error (error, spec, _("must not start or end with a space"));

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

static gboolean
check_host (const MidwayFieldSpec  *spec,
            const char             *value,
            gsize                   length,
            GError                **error)
{
  guint8 octets[4];

  if (length == 0)
    return field_error (error, spec, _("must not be empty"));

  if (value[0] == '-')
    return field_error (error, spec, _("must not start with “-”"));

  if (strchr (value, '%') != NULL)
    return field_error (error, spec, _("must not contain an IPv6 zone index"));

  if (strchr (value, ':') != NULL)
    {
      g_autoptr(GInetAddress) address = NULL;

      /* g_hostname_is_ip_address() alone is lax about zone ids and
       * GInetAddress alone about nothing we know of; ask both. */
      if (g_hostname_is_ip_address (value))
        address = g_inet_address_new_from_string (value);
      if (address == NULL ||
          g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
        return field_error (error, spec, _("must be a host name or an IP address"));
      return TRUE;
    }

  if (parse_ipv4 (value, octets) || is_dns_name (value, length))
    return TRUE;

  return field_error (error, spec, _("must be a host name or an IP address"));
}

static gboolean
check_user (const MidwayFieldSpec  *spec,
            const char             *value,
            gsize                   length,
            GError                **error)
{
  /* Empty lets ssh decide (its config or the local user name). */
  if (length == 0)
    return TRUE;

  /* The POSIX portable set; also what ssh >= 9.6 insists on before it will
   * substitute %u into a ProxyCommand from the user's own config. */
  if (!g_ascii_isalpha (value[0]) && value[0] != '_')
    return field_error (error, spec, _("must start with a letter or “_”"));

  for (gsize i = 1; i < length; i++)
    if (!g_ascii_isalnum (value[i]) && strchr ("_.-", value[i]) == NULL)
      return field_error (error, spec,
                          _("may only contain letters, digits, “_”, “.” and “-”"));

  return TRUE;
}

static gboolean
check_key_file (const MidwayFieldSpec  *spec,
                const char             *value,
                gsize                   length,
                GError                **error)
{
  if (length == 0)
    return TRUE;

  if (value[0] != '/')
    return field_error (error, spec, _("must be an absolute path"));

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (unichar_is_unsafe (g_utf8_get_char (p)))
      return field_error (error, spec,
                          _("must not contain control or invisible formatting characters"));

  /* ssh runs -i through its %-token and ${VAR} expansion. */
  if (strchr (value, '%') != NULL || strchr (value, '$') != NULL)
    return field_error (error, spec, _("must not contain “%%” or “$”"));

  /* One spelling per file, so what the dialog shows is what ssh opens. */
  if (strstr (value, "//") != NULL || strstr (value, "/./") != NULL ||
      strstr (value, "/../") != NULL || g_str_has_suffix (value, "/.") ||
      g_str_has_suffix (value, "/..") || g_str_has_suffix (value, "/"))
    return field_error (error, spec,
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

static gboolean
check_host_key (const MidwayFieldSpec  *spec,
                const char             *value,
                gsize                   length,
                GError                **error)
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
    return field_error (error, spec,
                        _("must be a key type and a base64 key separated by one space"));

  type = g_strndup (value, space - value);
  if (!g_strv_contains (host_key_types, type))
    return field_error (error, spec, _("has an unsupported key type"));

  base64 = space + 1;
  base64_length = length - (base64 - value);
  if (memchr (base64, ' ', base64_length) != NULL)
    return field_error (error, spec,
                        _("must be a key type and a base64 key separated by one space, without a comment"));

  if (base64_length > HOST_KEY_MAX_BASE64 || !is_strict_base64 (base64, base64_length))
    return field_error (error, spec, _("has an invalid base64 key"));

  blob = g_base64_decode (base64, &blob_length);

  /* g_base64_decode() ignores stray bits in the last group; only the
   * canonical encoding of a key is accepted so that one key has one text. */
  reencoded = g_base64_encode (blob, blob_length);
  if (strcmp (reencoded, base64) != 0)
    return field_error (error, spec, _("has an invalid base64 key"));

  /* The SSH wire format starts with the key type as a string (uint32
   * length, then the bytes); a key pasted under the wrong type would never
   * match and fail later with a misleading host-key-mismatch. */
  if (blob_length < 4)
    return field_error (error, spec, _("has a key that does not match its type"));
  memcpy (&type_length, blob, sizeof type_length);
  type_length = GUINT32_FROM_BE (type_length);
  if (type_length != strlen (type) ||
      blob_length - 4 <= type_length ||
      memcmp (blob + 4, type, type_length) != 0)
    return field_error (error, spec, _("has a key that does not match its type"));

  return TRUE;
}

static gboolean
check_remote_command (const MidwayFieldSpec  *spec,
                      const char             *value,
                      gsize                   length,
                      GError                **error)
{
  /* ssh joins the command words with spaces and the remote shell splits
   * them again, so only characters no shell treats specially are allowed. */
  static const char word_punctuation[] = "_./:=,@+%-";

  if (length == 0)
    return field_error (error, spec, _("must not be empty"));

  for (gsize i = 0; i < length; i++)
    {
      char c = value[i];

      if (c == ' ')
        {
          if (i == 0 || i == length - 1 || value[i + 1] == ' ')
            return field_error (error, spec, _("must be words separated by single spaces"));
        }
      else if (!g_ascii_isalnum (c) && strchr (word_punctuation, c) == NULL)
        {
          return field_error (error, spec,
                              _("may only contain letters, digits, spaces and “_./:=,@+%%-”"));
        }
    }

  if (value[0] == '-')
    return field_error (error, spec, _("must not start with “-”"));

  return TRUE;
}

static gboolean
check_ipv4_address (const MidwayFieldSpec  *spec,
                    const char             *value,
                    gsize                   length,
                    GError                **error)
{
  guint8 octets[4];

  /* Empty: negotiated with the peer. */
  if (length == 0)
    return TRUE;

  if (!parse_ipv4 (value, octets))
    return field_error (error, spec, _("must be an IPv4 address such as 10.0.0.1"));

  /* "This network", loopback, multicast and the reserved block that holds
   * the broadcast address cannot be one end of a point-to-point link. */
  if (octets[0] == 0 || octets[0] == 127 || octets[0] >= 224)
    return field_error (error, spec, _("must be a unicast IPv4 address"));

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

static gboolean
check_routes (const MidwayFieldSpec  *spec,
              const char             *value,
              gsize                   length,
              GError                **error)
{
  g_auto(GStrv) networks = NULL;

  if (length == 0)
    return TRUE;

  networks = g_strsplit (value, ",", -1);
  if (g_strv_length (networks) > ROUTES_MAX)
    return field_error (error, spec, _("must list at most %u networks"), (guint) ROUTES_MAX);

  for (guint i = 0; networks[i] != NULL; i++)
    {
      guint8 address[16];
      guint family, prefix;

      if (!midway_profile_parse_network (networks[i], &family, address, &prefix))
        {
          g_autofree char *excerpt = escape_excerpt (networks[i], strlen (networks[i]));

          return field_error (error, spec,
                              /* Translators: %s is what the user wrote, e.g. "10.0.0.1/8" */
                              _("“%s” is not a network such as 10.1.0.0/16 or fd00:1::/64 "
                                "(comma-separated, no spaces, no host bits set)"),
                              excerpt);
        }
      /* The ssh connection itself would follow a default route into the
       * tunnel; "full-tunnel" keeps the server reachable. */
      if (prefix == 0)
        return field_error (error, spec,
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

/* Splits a comma-separated list that check_dns_*() accepts, or "". */
static gboolean
check_list_shape (const MidwayFieldSpec  *spec,
                  const char             *value,
                  guint                   max_items,
                  GStrv                  *items_out,
                  GError                **error)
{
  g_auto(GStrv) items = g_strsplit (value, ",", -1);

  if (g_strv_length (items) > max_items)
    return field_error (error, spec, _("must list at most %u entries"), max_items);

  for (guint i = 0; items[i] != NULL; i++)
    for (guint j = 0; j < i; j++)
      if (g_ascii_strcasecmp (items[i], items[j]) == 0)
        return field_error (error, spec, _("must not list an entry twice"));

  *items_out = g_steal_pointer (&items);
  return TRUE;
}

static gboolean
check_dns_servers (const MidwayFieldSpec  *spec,
                   const char             *value,
                   gsize                   length,
                   GError                **error)
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
          g_autofree char *excerpt = escape_excerpt (servers[i], strlen (servers[i]));

          return field_error (error, spec,
                              /* Translators: %s is what the user wrote, e.g. "10.0.0.01" */
                              _("“%s” is not an address such as 10.1.0.53 or fd00::53 "
                                "(comma-separated, no spaces)"),
                              excerpt);
        }
    }

  return TRUE;
}

static gboolean
check_dns_search (const MidwayFieldSpec  *spec,
                  const char             *value,
                  gsize                   length,
                  GError                **error)
{
  g_auto(GStrv) domains = NULL;

  if (length == 0)
    return TRUE;

  if (!check_list_shape (spec, value, DNS_SEARCH_MAX, &domains, error))
    return FALSE;

  for (guint i = 0; domains[i] != NULL; i++)
    if (!is_dns_name (domains[i], strlen (domains[i])))
      {
        g_autofree char *excerpt = escape_excerpt (domains[i], strlen (domains[i]));

        return field_error (error, spec,
                            /* Translators: %s is what the user wrote, e.g. "corp..example" */
                            _("“%s” is not a domain such as corp.example.com "
                              "(comma-separated, no spaces)"),
                            excerpt);
      }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* The table */

const MidwayFieldSpec *
midway_profile_get_fields (guint *n_fields)
{
  if (n_fields != NULL)
    *n_fields = N_FIELDS;
  return fields;
}

const MidwayFieldSpec *
midway_profile_get_field (guint index)
{
  g_return_val_if_fail (index < N_FIELDS, NULL);

  return &fields[index];
}

const MidwayFieldSpec *
midway_profile_lookup_field (const char *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < N_FIELDS; i++)
    if (strcmp (fields[i].key, key) == 0)
      return &fields[i];

  return NULL;
}

static guint
field_index (const MidwayFieldSpec *spec)
{
  return (guint) (spec - fields);
}

const char *
midway_field_spec_get_key (const MidwayFieldSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return spec->key;
}

MidwayFieldKind
midway_field_spec_get_kind (const MidwayFieldSpec *spec)
{
  g_return_val_if_fail (spec != NULL, MIDWAY_FIELD_KIND_STRING);

  return spec->kind;
}

const char *
midway_field_spec_get_label (const MidwayFieldSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  return _(spec->label);
}

/* Validates one value for one field.  Cheap checks come first: a 1 MiB
 * string is refused on its size before anything reads its bytes. */
gboolean
midway_field_spec_validate (const MidwayFieldSpec  *spec,
                            GVariant               *value,
                            GError                **error)
{
  const char *text;
  gsize length;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
    return field_error (error, spec,
                        /* Translators: %s is a D-Bus type code such as "u" */
                        _("has the wrong type (expected %s)"), spec->type);

  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_UINT:
      {
        guint32 number;

        if (!g_variant_is_normal_form (value))
          return field_error (error, spec, _("is not a valid value"));
        number = g_variant_get_uint32 (value);
        if (number < spec->min || number > spec->max)
          return field_error (error, spec, _("must be between %u and %u"),
                              spec->min, spec->max);
        return TRUE;
      }

    case MIDWAY_FIELD_KIND_BOOLEAN:
      if (!g_variant_is_normal_form (value))
        return field_error (error, spec, _("is not a valid value"));
      return TRUE;

    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      /* A serialised string's size is its length plus the NUL. */
      if (g_variant_get_size (value) > spec->max_length + 1)
        return field_error (error, spec, _("is too long"));

      /* Variants built with g_variant_new_from_data() are not checked
       * until asked; a non-normal string would read back as "". */
      if (!g_variant_is_normal_form (value))
        return field_error (error, spec, _("must be valid UTF-8 text"));

      text = g_variant_get_string (value, &length);
      if (!g_utf8_validate_len (text, length, NULL))
        return field_error (error, spec, _("must be valid UTF-8 text"));

      if (spec->kind == MIDWAY_FIELD_KIND_ENUM)
        {
          g_autofree char *choices = NULL;

          if (g_strv_contains (spec->enum_values, text))
            return TRUE;
          choices = g_strjoinv (", ", (GStrv) spec->enum_values);
          return field_error (error, spec,
                              /* Translators: %s is a list such as "agent, password" */
                              _("must be one of %s"), choices);
        }

      return spec->check == NULL || spec->check (spec, text, length, error);

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/* Parses the text form used in key files and text entries. */
static GVariant *
field_parse_text (const MidwayFieldSpec  *spec,
                  const char             *text,
                  GError                **error)
{
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      {
        gsize length = strnlen (text, spec->max_length + 1);

        if (length > spec->max_length)
          {
            field_error (error, spec, _("is too long"));
            return NULL;
          }
        /* g_variant_new_string() would only complain with a critical. */
        if (!g_utf8_validate (text, length, NULL))
          {
            field_error (error, spec, _("must be valid UTF-8 text"));
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
            field_error (error, spec, _("must be a number written with digits only"));
            return NULL;
          }
        for (const char *p = text; *p != '\0'; p++)
          {
            if (!g_ascii_isdigit (*p))
              {
                field_error (error, spec, _("must be a number written with digits only"));
                return NULL;
              }
            /* Saturate rather than overflow; anything this big is out of
             * range anyway. */
            if (number <= G_MAXUINT32)
              number = number * 10 + (guint64) (*p - '0');
          }
        if (text[0] == '0' && text[1] != '\0')
          {
            field_error (error, spec, _("must not have leading zeros"));
            return NULL;
          }
        if (number < spec->min || number > spec->max)
          {
            field_error (error, spec, _("must be between %u and %u"), spec->min, spec->max);
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
      field_error (error, spec, _("must be “true” or “false”"));
      return NULL;

    default:
      g_assert_not_reached ();
    }

  return NULL;
}

static char *
field_format_text (const MidwayFieldSpec *spec,
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

static GVariant *
field_default (const MidwayFieldSpec *spec)
{
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      if (spec->make_default != NULL)
        {
          g_autofree char *text = spec->make_default ();

          return g_variant_ref_sink (g_variant_new_string (text));
        }
      return g_variant_ref_sink (g_variant_new_string (spec->default_string));
    case MIDWAY_FIELD_KIND_UINT:
      return g_variant_ref_sink (g_variant_new_uint32 (spec->default_uint));
    case MIDWAY_FIELD_KIND_BOOLEAN:
      return g_variant_ref_sink (g_variant_new_boolean (spec->default_boolean));
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

/* A fresh copy of a validated value, so that a stored field never keeps a
 * large untrusted message buffer alive and is always trusted. */
static GVariant *
field_copy_value (const MidwayFieldSpec *spec,
                  GVariant              *value)
{
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      return g_variant_ref_sink (g_variant_new_string (g_variant_get_string (value, NULL)));
    case MIDWAY_FIELD_KIND_UINT:
      return g_variant_ref_sink (g_variant_new_uint32 (g_variant_get_uint32 (value)));
    case MIDWAY_FIELD_KIND_BOOLEAN:
      return g_variant_ref_sink (g_variant_new_boolean (g_variant_get_boolean (value)));
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

/* ------------------------------------------------------------------------ */
/* GObject */

static void
midway_profile_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MidwayProfile *self = MIDWAY_PROFILE (object);
  const MidwayFieldSpec *spec;
  GVariant *stored;

  if (prop_id == 0 || prop_id > N_FIELDS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  spec = &fields[prop_id - 1];
  stored = self->values[prop_id - 1];

  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      g_value_set_string (value, g_variant_get_string (stored, NULL));
      break;
    case MIDWAY_FIELD_KIND_UINT:
      g_value_set_uint (value, g_variant_get_uint32 (stored));
      break;
    case MIDWAY_FIELD_KIND_BOOLEAN:
      g_value_set_boolean (value, g_variant_get_boolean (stored));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
midway_profile_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  MidwayProfile *self = MIDWAY_PROFILE (object);
  const MidwayFieldSpec *spec;
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;

  if (prop_id == 0 || prop_id > N_FIELDS)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }

  spec = &fields[prop_id - 1];

  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      {
        const char *text = g_value_get_string (value);

        /* Strings are never NULL in a profile; NULL means unset. */
        ok = midway_profile_set_from_string (self, spec->key, text ? text : "", &error);
        break;
      }
    case MIDWAY_FIELD_KIND_UINT:
      ok = midway_profile_set_value (self, spec->key,
                                     g_variant_new_uint32 (g_value_get_uint (value)),
                                     &error);
      break;
    case MIDWAY_FIELD_KIND_BOOLEAN:
      ok = midway_profile_set_value (self, spec->key,
                                     g_variant_new_boolean (g_value_get_boolean (value)),
                                     &error);
      break;
    default:
      g_assert_not_reached ();
    }

  /* GObject itself refuses out-of-range values with a warning and keeps
   * the old one; do the same for values the table refuses.  Callers that
   * want the error use midway_profile_set_value(). */
  if (!ok)
    g_warning ("Ignoring invalid value for property “%s”: %s", spec->key, error->message);
}

static void
midway_profile_finalize (GObject *object)
{
  MidwayProfile *self = MIDWAY_PROFILE (object);

  for (guint i = 0; i < N_FIELDS; i++)
    g_clear_pointer (&self->values[i], g_variant_unref);

  G_OBJECT_CLASS (midway_profile_parent_class)->finalize (object);
}

static GParamSpec *
field_param_spec (const MidwayFieldSpec *spec)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  /* Enum fields are string properties holding the text form, the same as
   * in the key file and on the bus, so one binding fits every source. */
  switch (spec->kind)
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      return g_param_spec_string (spec->key, spec->label, spec->label,
                                  spec->default_string, flags);
    case MIDWAY_FIELD_KIND_UINT:
      return g_param_spec_uint (spec->key, spec->label, spec->label,
                                spec->min, spec->max, spec->default_uint, flags);
    case MIDWAY_FIELD_KIND_BOOLEAN:
      return g_param_spec_boolean (spec->key, spec->label, spec->label,
                                   spec->default_boolean, flags);
    default:
      g_assert_not_reached ();
    }

  return NULL;
}

static void
midway_profile_class_init (MidwayProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = midway_profile_get_property;
  object_class->set_property = midway_profile_set_property;
  object_class->finalize = midway_profile_finalize;

  for (guint i = 0; i < N_FIELDS; i++)
    properties[i + 1] = field_param_spec (&fields[i]);

  g_object_class_install_properties (object_class, G_N_ELEMENTS (properties), properties);
}

static void
midway_profile_init (MidwayProfile *self)
{
  for (guint i = 0; i < N_FIELDS; i++)
    self->values[i] = field_default (&fields[i]);
}

MidwayProfile *
midway_profile_new (void)
{
  return g_object_new (MIDWAY_TYPE_PROFILE, NULL);
}

MidwayProfile *
midway_profile_copy (MidwayProfile *self)
{
  MidwayProfile *copy;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);

  copy = midway_profile_new ();
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_variant_unref (copy->values[i]);
      copy->values[i] = g_variant_ref (self->values[i]);
    }

  return copy;
}

/* ------------------------------------------------------------------------ */
/* Generic access */

/* If @value is floating, it is consumed. */
gboolean
midway_profile_set_value (MidwayProfile  *self,
                          const char     *key,
                          GVariant       *value,
                          GError        **error)
{
  g_autoptr(GVariant) owned = NULL;
  const MidwayFieldSpec *spec;
  guint index;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);

  spec = midway_profile_lookup_field (key);
  if (spec == NULL)
    return unknown_field_error (error, key, strlen (key));

  if (!midway_field_spec_validate (spec, owned, error))
    return FALSE;

  index = field_index (spec);
  if (g_variant_equal (self->values[index], owned))
    return TRUE;

  g_variant_unref (self->values[index]);
  self->values[index] = field_copy_value (spec, owned);
  g_object_notify_by_pspec (G_OBJECT (self), properties[index + 1]);

  return TRUE;
}

gboolean
midway_profile_set_from_string (MidwayProfile  *self,
                                const char     *key,
                                const char     *text,
                                GError        **error)
{
  const MidwayFieldSpec *spec;
  GVariant *value;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  spec = midway_profile_lookup_field (key);
  if (spec == NULL)
    return unknown_field_error (error, key, strlen (key));

  value = field_parse_text (spec, text, error);
  if (value == NULL)
    return FALSE;

  return midway_profile_set_value (self, key, value, error);
}

/* Returns a new reference. */
GVariant *
midway_profile_get_value (MidwayProfile *self,
                          const char    *key)
{
  const MidwayFieldSpec *spec;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  spec = midway_profile_lookup_field (key);
  g_return_val_if_fail (spec != NULL, NULL);

  return g_variant_ref (self->values[field_index (spec)]);
}

char *
midway_profile_get_as_string (MidwayProfile *self,
                              const char    *key)
{
  const MidwayFieldSpec *spec;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  spec = midway_profile_lookup_field (key);
  g_return_val_if_fail (spec != NULL, NULL);

  return field_format_text (spec, self->values[field_index (spec)]);
}

/* ------------------------------------------------------------------------ */
/* Whole-profile checks */

gboolean
midway_profile_validate (MidwayProfile  *self,
                         GError        **error)
{
  const char *local_address;
  const char *remote_address;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Stored values passed their field's rule when set, but the defaults of
   * required fields (an empty name and host) do not. */
  for (guint i = 0; i < N_FIELDS; i++)
    if (!midway_field_spec_validate (&fields[i], self->values[i], error))
      return FALSE;

  if (midway_profile_get_auth (self) == MIDWAY_AUTH_KEY_FILE &&
      *midway_profile_get_key_file (self) == '\0')
    return field_error (error, &fields[FIELD_KEY_FILE],
                        _("must be set when the authentication is “key-file”"));

  local_address = midway_profile_get_local_address (self);
  remote_address = midway_profile_get_remote_address (self);
  if (*local_address != '\0' && strcmp (local_address, remote_address) == 0)
    return field_error (error, &fields[FIELD_REMOTE_ADDRESS],
                        _("must differ from the local address"));

  if (!midway_profile_get_ipv6 (self) && strchr (midway_profile_get_routes (self), ':') != NULL)
    return field_error (error, &fields[FIELD_ROUTES],
                        _("IPv6 networks need “ipv6” to be true"));

  /* Without IPv6CP the tunnel has no IPv6 path to such a server. */
  if (!midway_profile_get_ipv6 (self) && strchr (midway_profile_get_dns_servers (self), ':') != NULL)
    return field_error (error, &fields[FIELD_DNS_SERVERS],
                        _("IPv6 servers need “ipv6” to be true"));

  return TRUE;
}

gboolean
midway_profile_equal (MidwayProfile *a,
                      MidwayProfile *b)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (a), FALSE);
  g_return_val_if_fail (MIDWAY_IS_PROFILE (b), FALSE);

  for (guint i = 0; i < N_FIELDS; i++)
    if (!g_variant_equal (a->values[i], b->values[i]))
      return FALSE;

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Key file */

static gboolean
profile_error (GError     **error,
               const char  *format,
               ...) G_GNUC_PRINTF (2, 3);

static gboolean
profile_error (GError     **error,
               const char  *format,
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
scan_key_file (const char  *data,
               gsize        length,
               gboolean     seen[N_FIELDS],
               GError     **error)
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
              g_autofree char *excerpt = escape_excerpt (p + 1, close - p - 1);

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
        return unknown_field_error (error, p, key_end - p);

      if (bracket != NULL)
        {
          g_autofree char *excerpt = escape_excerpt (p, key_end - p);

          return field_error (error, spec,
                              _("translations such as “%s” are not supported"), excerpt);
        }

      if (seen[field_index (spec)])
        return field_error (error, spec, _("is set more than once"));
      seen[field_index (spec)] = TRUE;
    }

  if (!in_group)
    return profile_error (error, _("the [%s] group is missing"), MIDWAY_PROFILE_GROUP);

  return TRUE;
}

/* @length may be (gsize) -1 for a NUL-terminated string, as for GKeyFile. */
MidwayProfile *
midway_profile_new_from_data (const char  *data,
                              gsize        length,
                              GError     **error)
{
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
              field_error (error, &fields[i], _("is required"));
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
          field_error (error, &fields[i], _("contains an invalid escape sequence"));
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
read_bounded (const char  *path,
              gsize        limit,
              char       **contents,
              gsize       *length,
              GError     **error)
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
midway_profile_new_from_file (const char  *path,
                              GError     **error)
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
  g_autoptr(GKeyFile) key_file = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);

  key_file = g_key_file_new ();

  /* Table order, so files diff well and match the documentation. */
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = field_format_text (&fields[i], self->values[i]);

      g_key_file_set_string (key_file, MIDWAY_PROFILE_GROUP, fields[i].key, text);
    }

  /* Not translated: the file may be shared between users and locales. */
  g_key_file_set_comment (key_file, NULL, NULL,
                          " Midway tunnel profile; see midwayctl(1)", NULL);

  return g_key_file_to_data (key_file, length, NULL);
}

/* Refuses invalid profiles: a saved file must always load again. */
gboolean
midway_profile_save (MidwayProfile  *self,
                     const char     *path,
                     GError        **error)
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
midway_profile_new_from_variant (GVariant  *asv,
                                 GError   **error)
{
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
          unknown_field_error (error, raw ? raw : "", raw ? key_size : 0);
          return NULL;
        }

      if (seen[field_index (spec)])
        {
          field_error (error, spec, _("is set more than once"));
          return NULL;
        }
      seen[field_index (spec)] = TRUE;

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
          field_error (error, &fields[i], _("is required"));
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
  GVariantBuilder builder;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < N_FIELDS; i++)
    g_variant_builder_add (&builder, "{sv}", fields[i].key, self->values[i]);

  return g_variant_builder_end (&builder);
}

/* ------------------------------------------------------------------------ */
/* Typed getters */

static const char *
get_string (MidwayProfile *self,
            FieldIndex     index)
{
  return g_variant_get_string (self->values[index], NULL);
}

const char *
midway_profile_get_id (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_ID);
}

const char *
midway_profile_get_name (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_NAME);
}

const char *
midway_profile_get_host (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_HOST);
}

guint
midway_profile_get_port (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), 0);
  return g_variant_get_uint32 (self->values[FIELD_PORT]);
}

const char *
midway_profile_get_user (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_USER);
}

MidwayAuthMethod
midway_profile_get_auth (MidwayProfile *self)
{
  const char *text;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), MIDWAY_AUTH_AGENT);

  text = get_string (self, FIELD_AUTH);
  for (guint i = 0; auth_values[i] != NULL; i++)
    if (strcmp (auth_values[i], text) == 0)
      return (MidwayAuthMethod) i;

  /* set_value() only ever stores one of auth_values. */
  g_assert_not_reached ();
  return MIDWAY_AUTH_AGENT;
}

const char *
midway_profile_get_key_file (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_KEY_FILE);
}

const char *
midway_profile_get_host_key (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_HOST_KEY);
}

const char *
midway_profile_get_remote_command (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_REMOTE_COMMAND);
}

const char *
midway_profile_get_local_address (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_LOCAL_ADDRESS);
}

const char *
midway_profile_get_remote_address (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_REMOTE_ADDRESS);
}

guint
midway_profile_get_mtu (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), 0);
  return g_variant_get_uint32 (self->values[FIELD_MTU]);
}

guint
midway_profile_get_echo_interval (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), 0);
  return g_variant_get_uint32 (self->values[FIELD_ECHO_INTERVAL]);
}

guint
midway_profile_get_echo_failures (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), 0);
  return g_variant_get_uint32 (self->values[FIELD_ECHO_FAILURES]);
}

gboolean
midway_profile_get_reconnect (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  return g_variant_get_boolean (self->values[FIELD_RECONNECT]);
}

const char *
midway_profile_get_routes (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_ROUTES);
}

gboolean
midway_profile_get_full_tunnel (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  return g_variant_get_boolean (self->values[FIELD_FULL_TUNNEL]);
}

gboolean
midway_profile_get_ipv6 (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  return g_variant_get_boolean (self->values[FIELD_IPV6]);
}

const char *
midway_profile_get_dns_servers (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_DNS_SERVERS);
}

const char *
midway_profile_get_dns_search (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), NULL);
  return get_string (self, FIELD_DNS_SEARCH);
}

gboolean
midway_profile_get_peer_dns (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  return g_variant_get_boolean (self->values[FIELD_PEER_DNS]);
}

gboolean
midway_profile_get_fail_closed (MidwayProfile *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  return g_variant_get_boolean (self->values[FIELD_FAIL_CLOSED]);
}

const char *
midway_auth_method_to_string (MidwayAuthMethod method)
{
  g_return_val_if_fail ((guint) method <= MIDWAY_AUTH_PASSWORD, NULL);

  return auth_values[method];
}
