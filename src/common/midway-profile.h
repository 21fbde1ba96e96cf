/* midway-profile.h: a tunnel profile, its fields and their validation.
 *
 * One table (midway-profile.c) names every field: its key, its D-Bus type,
 * its default and its rule.  Both serialisations (the key file users write
 * and the a{sv} that crosses the bus) and the GObject properties are driven
 * by that table, so a field cannot be valid in one place and not in another.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  MIDWAY_AUTH_AGENT,        /* "agent": the caller's ssh-agent */
  MIDWAY_AUTH_KEY_FILE,     /* "key-file": a private key file of the caller's */
  MIDWAY_AUTH_KEYRING_KEY,  /* "keyring-key": a private key lent over the bus */
  MIDWAY_AUTH_PASSWORD,     /* "password": ssh password authentication */
} MidwayAuthMethod;

/* The key file's only group. */
#define MIDWAY_PROFILE_GROUP "Midway Profile"

/* Every field's key; the same string names it in the key file, in the a{sv},
 * as the GObject property, and at the start of a validation message. */
#define MIDWAY_FIELD_ID             "id"
#define MIDWAY_FIELD_NAME           "name"
#define MIDWAY_FIELD_HOST           "host"
#define MIDWAY_FIELD_PORT           "port"
#define MIDWAY_FIELD_USER           "user"
#define MIDWAY_FIELD_AUTH           "auth"
#define MIDWAY_FIELD_KEY_FILE       "key-file"
#define MIDWAY_FIELD_HOST_KEY       "host-key"
#define MIDWAY_FIELD_REMOTE_COMMAND "remote-command"
#define MIDWAY_FIELD_LOCAL_ADDRESS  "local-address"
#define MIDWAY_FIELD_REMOTE_ADDRESS "remote-address"
#define MIDWAY_FIELD_MTU            "mtu"
#define MIDWAY_FIELD_ECHO_INTERVAL  "echo-interval"
#define MIDWAY_FIELD_ECHO_FAILURES  "echo-failures"
#define MIDWAY_FIELD_RECONNECT      "reconnect"
#define MIDWAY_FIELD_ROUTES         "routes"
#define MIDWAY_FIELD_FULL_TUNNEL    "full-tunnel"
#define MIDWAY_FIELD_IPV6           "ipv6"
#define MIDWAY_FIELD_DNS_SERVERS    "dns-servers"
#define MIDWAY_FIELD_DNS_SEARCH     "dns-search"
#define MIDWAY_FIELD_PEER_DNS       "peer-dns"
#define MIDWAY_FIELD_FAIL_CLOSED    "fail-closed"

typedef enum {
  MIDWAY_FIELD_KIND_STRING,
  MIDWAY_FIELD_KIND_UINT,
  MIDWAY_FIELD_KIND_BOOLEAN,
  MIDWAY_FIELD_KIND_ENUM,
} MidwayFieldKind;

typedef struct _MidwayFieldSpec MidwayFieldSpec;

#define MIDWAY_TYPE_PROFILE (midway_profile_get_type ())
G_DECLARE_FINAL_TYPE (MidwayProfile, midway_profile, MIDWAY, PROFILE, GObject)

/* A new profile with every field at its default and a fresh random id. */
MidwayProfile    *midway_profile_new                  (void);
MidwayProfile    *midway_profile_copy                 (MidwayProfile  *self);

/* Parsers.  Each rejects unknown keys, wrong types and invalid values with
 * MIDWAY_ERROR_INVALID_PROFILE and a translated message that starts with the
 * field key ("port: …"), and checks the whole profile as midway_profile_validate()
 * does.  A key file without an id gets a fresh one (for hand-written files). */
MidwayProfile    *midway_profile_new_from_data        (const char     *data,
                                                       gsize           length,
                                                       GError        **error);
MidwayProfile    *midway_profile_new_from_file        (const char     *path,
                                                       GError        **error);
MidwayProfile    *midway_profile_new_from_variant     (GVariant       *asv,
                                                       GError        **error);

/* Serialisers; the output parses back into an equal profile. */
char             *midway_profile_to_data              (MidwayProfile  *self,
                                                       gsize          *length);
gboolean          midway_profile_save                 (MidwayProfile  *self,
                                                       const char     *path,
                                                       GError        **error);
GVariant         *midway_profile_to_variant           (MidwayProfile  *self);

/* Checks that need more than one field (a key file for "key-file" auth, …). */
gboolean          midway_profile_validate             (MidwayProfile  *self,
                                                       GError        **error);
gboolean          midway_profile_equal                (MidwayProfile  *a,
                                                       MidwayProfile  *b);

/* Generic access for the profiles dialog and midwayctl: by key, validated
 * against the table.  set_from_string() parses the text form used in the key
 * file ("22", "true", "key-file"), which is also what a text entry holds. */
gboolean          midway_profile_set_value            (MidwayProfile  *self,
                                                       const char     *key,
                                                       GVariant       *value,
                                                       GError        **error);
gboolean          midway_profile_set_from_string      (MidwayProfile  *self,
                                                       const char     *key,
                                                       const char     *text,
                                                       GError        **error);
GVariant         *midway_profile_get_value            (MidwayProfile  *self,
                                                       const char     *key);
char             *midway_profile_get_as_string        (MidwayProfile  *self,
                                                       const char     *key);

/* The table, in display order.  MidwayFieldSpec is opaque, so walk it with
 * midway_profile_get_field (0 … n_fields - 1), not by indexing the array. */
const MidwayFieldSpec *midway_profile_get_fields      (guint          *n_fields);
const MidwayFieldSpec *midway_profile_get_field       (guint           index);
const MidwayFieldSpec *midway_profile_lookup_field    (const char     *key);
const char       *midway_field_spec_get_key           (const MidwayFieldSpec *spec);
MidwayFieldKind   midway_field_spec_get_kind          (const MidwayFieldSpec *spec);
const char       *midway_field_spec_get_label         (const MidwayFieldSpec *spec); /* translated */
gboolean          midway_field_spec_validate          (const MidwayFieldSpec *spec,
                                                       GVariant              *value,
                                                       GError               **error);

/* Profile names are unique per user, whatever the case or Unicode
 * normalisation: "Office" and "office" would be told apart by nobody
 * picking one from a menu.  TRUE when @a and @b are the same name. */
gboolean          midway_profile_names_equal          (const char     *a,
                                                       const char     *b);

/* Typed getters; strings are never NULL ("" when unset). */
const char       *midway_profile_get_id               (MidwayProfile  *self);
const char       *midway_profile_get_name             (MidwayProfile  *self);
const char       *midway_profile_get_host             (MidwayProfile  *self);
guint             midway_profile_get_port             (MidwayProfile  *self);
const char       *midway_profile_get_user             (MidwayProfile  *self);
MidwayAuthMethod  midway_profile_get_auth             (MidwayProfile  *self);
const char       *midway_profile_get_key_file         (MidwayProfile  *self);
const char       *midway_profile_get_host_key         (MidwayProfile  *self);
const char       *midway_profile_get_remote_command   (MidwayProfile  *self);
const char       *midway_profile_get_local_address    (MidwayProfile  *self);
const char       *midway_profile_get_remote_address   (MidwayProfile  *self);
guint             midway_profile_get_mtu              (MidwayProfile  *self);
guint             midway_profile_get_echo_interval    (MidwayProfile  *self);
guint             midway_profile_get_echo_failures    (MidwayProfile  *self);
gboolean          midway_profile_get_reconnect        (MidwayProfile  *self);
/* Comma-separated networks, each valid for midway_profile_parse_network(). */
const char       *midway_profile_get_routes           (MidwayProfile  *self);
gboolean          midway_profile_get_full_tunnel      (MidwayProfile  *self);
gboolean          midway_profile_get_ipv6             (MidwayProfile  *self);
/* Comma-separated, each valid for midway_profile_parse_dns_server(). */
const char       *midway_profile_get_dns_servers      (MidwayProfile  *self);
/* Comma-separated DNS domain names. */
const char       *midway_profile_get_dns_search       (MidwayProfile  *self);
gboolean          midway_profile_get_peer_dns         (MidwayProfile  *self);
gboolean          midway_profile_get_fail_closed      (MidwayProfile  *self);

/* One server of "dns-servers": family 4 or 6, the address in network order
 * (4 or 16 bytes used).  FALSE unless canonical and unicast. */
gboolean          midway_profile_parse_dns_server     (const char     *text,
                                                       guint          *family,
                                                       guint8          address[16]);

/* One network of "routes": family 4 or 6, the address in network order
 * (4 or 16 bytes used), the prefix length.  FALSE unless canonical. */
gboolean          midway_profile_parse_network        (const char     *text,
                                                       guint          *family,
                                                       guint8          address[16],
                                                       guint          *prefix_length);

const char       *midway_auth_method_to_string        (MidwayAuthMethod method);

/* midway-profile-reach.c: whether the tunnel carries traffic to an address. */
typedef enum {
  MIDWAY_REACH_TUNNEL,    /* through the tunnel */
  MIDWAY_REACH_OUTSIDE,   /* past it, in the clear */
  MIDWAY_REACH_UNKNOWN,   /* only if it turns out to be the peer's address */
} MidwayReach;

MidwayReach       midway_profile_reach_of             (MidwayProfile  *self,
                                                       const char     *server,
                                                       const char     *peer_address);

G_END_DECLS
