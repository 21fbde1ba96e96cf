/* midway-profile-private.h: what the parts of MidwayProfile share.
 *
 * INTERNAL to libmidway-common.  Only midway-profile.c (the object and the
 * field table), midway-profile-checks.c (the rules) and
 * midway-profile-keyfile.c (the key file and a{sv} forms) include it; the
 * app, midwayctl, the helper and the tests use midway-profile.h, where
 * MidwayFieldSpec is opaque, so that the table's layout can change without
 * touching them.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "midway-profile.h"

G_BEGIN_DECLS

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

/* midway-profile.c: the table's own bookkeeping. */
guint     midway_profile_field_index         (const MidwayFieldSpec  *spec);
/* Borrowed; only midway-profile.c writes the stored values. */
GVariant *midway_profile_peek_value          (MidwayProfile          *self,
                                              guint                   index);

/* midway-profile-checks.c: the rules the table points to. */
gboolean  midway_profile_check_id             (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_name           (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_host           (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_user           (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_key_file       (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_host_key       (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_remote_command (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_ipv4_address   (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_routes         (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_dns_servers    (const MidwayFieldSpec *, const char *, gsize, GError **);
gboolean  midway_profile_check_dns_search     (const MidwayFieldSpec *, const char *, gsize, GError **);

/* midway-profile-checks.c: errors.  The two *_error() set
 * MIDWAY_ERROR_INVALID_PROFILE and return FALSE, so a check can end in
 * "return …_error (…);".  escape_excerpt() makes untrusted bytes safe to
 * quote in one. */
gboolean  midway_profile_field_error         (GError                **error,
                                              const MidwayFieldSpec  *spec,
                                              const char             *format,
                                              ...) G_GNUC_PRINTF (3, 4);
gboolean  midway_profile_unknown_field_error (GError                **error,
                                              const char             *key,
                                              gsize                   length);
char     *midway_profile_escape_excerpt      (const char             *data,
                                              gsize                   length);

/* midway-profile-reach.c: "dns-servers" against the rest of the profile. */
gboolean  midway_profile_check_dns_reach     (MidwayProfile          *self,
                                              GError                **error);

/* midway-profile-keyfile.c: the text form of one field, as in a key file
 * or a text entry.  parse_text() returns a floating reference. */
GVariant *midway_profile_field_parse_text    (const MidwayFieldSpec  *spec,
                                              const char             *text,
                                              GError                **error);
char     *midway_profile_field_format_text   (const MidwayFieldSpec  *spec,
                                              GVariant               *value);

G_END_DECLS
