/* midway-profile.c: a tunnel profile and its field table.
 *
 * Everything that knows about a field reads it from `fields[]` below: the
 * GObject properties, both parsers, both serialisers and the validation.
 * Adding a field means adding one row there (plus its typed getter).
 *
 * This file holds the object, the table and the access to the stored
 * values; the rules a value must pass are in midway-profile-checks.c and
 * the key file and a{sv} forms in midway-profile-keyfile.c, sharing only
 * midway-profile-private.h.  Only this file writes the stored values, so
 * each is its field's default or passed midway_profile_set_value(),
 * whichever way it came in.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "midway-profile-private.h"

/* Indexed by MidwayAuthMethod. */
static const char * const auth_values[] = {
  "agent",
  "key-file",
  "keyring-key",
  "password",
  NULL
};
G_STATIC_ASSERT (G_N_ELEMENTS (auth_values) == MIDWAY_AUTH_PASSWORD + 2);

static const MidwayFieldSpec fields[N_FIELDS] = {
  [FIELD_ID] = {
    .key = MIDWAY_FIELD_ID, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Identifier"), .required = TRUE,
    .make_default = g_uuid_string_random,
    .max_length = 36, .check = midway_profile_check_id,
  },
  [FIELD_NAME] = {
    .key = MIDWAY_FIELD_NAME, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Name"), .required = TRUE,
    .default_string = "",
    /* The limit is NAME_MAX_CHARS characters; this only bounds the bytes
     * (4 per character at most) before anything reads them. */
    .max_length = NAME_MAX_CHARS * 4, .check = midway_profile_check_name,
  },
  [FIELD_HOST] = {
    .key = MIDWAY_FIELD_HOST, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Server"), .required = TRUE,
    .default_string = "",
    .max_length = 253, .check = midway_profile_check_host,
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
    .max_length = 32, .check = midway_profile_check_user,
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
    .max_length = 4096, .check = midway_profile_check_key_file,
  },
  [FIELD_HOST_KEY] = {
    .key = MIDWAY_FIELD_HOST_KEY, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Server host key"),
    .default_string = "",
    /* Room for the longest type name, the space and the base64 blob. */
    .max_length = HOST_KEY_MAX_BASE64 + 64, .check = midway_profile_check_host_key,
  },
  [FIELD_REMOTE_COMMAND] = {
    .key = MIDWAY_FIELD_REMOTE_COMMAND, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Remote command"),
    .default_string = "sudo -n pppd",
    .max_length = 256, .check = midway_profile_check_remote_command,
  },
  [FIELD_LOCAL_ADDRESS] = {
    .key = MIDWAY_FIELD_LOCAL_ADDRESS, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Local address"),
    .default_string = "",
    .max_length = 15, .check = midway_profile_check_ipv4_address,
  },
  [FIELD_REMOTE_ADDRESS] = {
    .key = MIDWAY_FIELD_REMOTE_ADDRESS, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("Remote address"),
    .default_string = "",
    .max_length = 15, .check = midway_profile_check_ipv4_address,
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
    /* With 3 failures a dead peer is known within 9 s, before WireGuard
     * would even retry its handshake (15 s), while an idle link sends one
     * 12-byte echo every 3 s and a busy one none (midway-argv.c). */
    .default_uint = 3, .min = 1, .max = 300,
  },
  [FIELD_ECHO_FAILURES] = {
    .key = MIDWAY_FIELD_ECHO_FAILURES, .kind = MIDWAY_FIELD_KIND_UINT, .type = "u",
    .label = N_("Echo failures"),
    /* At least 2: pppd gets failures - 1 or - 2 (see midway-argv.c) and
     * treats lcp-echo-failure 0 as "never give up". */
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
    .max_length = ROUTES_MAX * 44, .check = midway_profile_check_routes,
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
    .max_length = DNS_SERVERS_MAX * 40, .check = midway_profile_check_dns_servers,
  },
  [FIELD_DNS_SEARCH] = {
    .key = MIDWAY_FIELD_DNS_SEARCH, .kind = MIDWAY_FIELD_KIND_STRING, .type = "s",
    .label = N_("DNS search domains"),
    .default_string = "",
    .max_length = DNS_SEARCH_MAX * 254, .check = midway_profile_check_dns_search,
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
  GObject parent_instance;

  /* Indexed like fields[]; each holds a non-floating value of the field's
   * type that passed midway_field_spec_validate(), or the field's default
   * (which may not pass: a new profile has no name or host yet). */
  GVariant *values[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (MidwayProfile, midway_profile, G_TYPE_OBJECT)

/* Property ids are field indexes + 1; 0 is reserved by GObject. */
static GParamSpec *properties[N_FIELDS + 1];

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

guint
midway_profile_field_index (const MidwayFieldSpec *spec)
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
midway_profile_set_value (MidwayProfile *self,
                          const char    *key,
                          GVariant      *value,
                          GError       **error)
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
    return midway_profile_unknown_field_error (error, key, strlen (key));

  if (!midway_field_spec_validate (spec, owned, error))
    return FALSE;

  index = midway_profile_field_index (spec);
  if (g_variant_equal (self->values[index], owned))
    return TRUE;

  g_variant_unref (self->values[index]);
  self->values[index] = field_copy_value (spec, owned);
  g_object_notify_by_pspec (G_OBJECT (self), properties[index + 1]);

  return TRUE;
}

gboolean
midway_profile_set_from_string (MidwayProfile *self,
                                const char    *key,
                                const char    *text,
                                GError       **error)
{
  const MidwayFieldSpec *spec;
  GVariant *value;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  spec = midway_profile_lookup_field (key);
  if (spec == NULL)
    return midway_profile_unknown_field_error (error, key, strlen (key));

  value = midway_profile_field_parse_text (spec, text, error);
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

  return g_variant_ref (self->values[midway_profile_field_index (spec)]);
}

/* For the serialisers, which only read: only this file writes a value. */
GVariant *
midway_profile_peek_value (MidwayProfile *self,
                           guint          index)
{
  return self->values[index];
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

  return midway_profile_field_format_text (spec, self->values[midway_profile_field_index (spec)]);
}

/* ------------------------------------------------------------------------ */
/* Whole-profile checks */

gboolean
midway_profile_validate (MidwayProfile *self,
                         GError       **error)
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
    return midway_profile_field_error (error, &fields[FIELD_KEY_FILE],
                                       _("must be set when the authentication is “key-file”"));

  local_address = midway_profile_get_local_address (self);
  remote_address = midway_profile_get_remote_address (self);
  if (*local_address != '\0' && strcmp (local_address, remote_address) == 0)
    return midway_profile_field_error (error, &fields[FIELD_REMOTE_ADDRESS],
                                       _("must differ from the local address"));
  /* The kernel's route to the peer would take the ssh session's own
   * packets into the link it carries: up for a moment, then dead. */
  if (*remote_address != '\0' && strcmp (remote_address, midway_profile_get_host (self)) == 0)
    return midway_profile_field_error (error, &fields[FIELD_REMOTE_ADDRESS],
                                       _("must not be the SSH server’s own address (host)"));

  if (!midway_profile_get_ipv6 (self) && strchr (midway_profile_get_routes (self), ':') != NULL)
    return midway_profile_field_error (error, &fields[FIELD_ROUTES],
                                       _("IPv6 networks need “ipv6” to be true"));

  /* Without IPv6CP the tunnel has no IPv6 path to such a server. */
  if (!midway_profile_get_ipv6 (self) && strchr (midway_profile_get_dns_servers (self), ':') != NULL)
    return midway_profile_field_error (error, &fields[FIELD_DNS_SERVERS],
                                       _("IPv6 servers need “ipv6” to be true"));

  return midway_profile_check_dns_reach (self, error);
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

static char *
name_key (const char *name)
{
  g_autofree char *normal = g_utf8_normalize (name, -1, G_NORMALIZE_ALL);

  /* Not UTF-8 (a name is checked to be, but a caller may be early):
   * then only the same bytes are the same name. */
  if (normal == NULL)
    return g_strdup (name);
  return g_utf8_casefold (normal, -1);
}

gboolean
midway_profile_names_equal (const char *a,
                            const char *b)
{
  g_autofree char *ka = NULL;
  g_autofree char *kb = NULL;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  ka = name_key (a);
  kb = name_key (b);
  return g_str_equal (ka, kb);
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
