/* test-profile.c: the profile's field rules, parsers and serialisers.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-argv.h"
#include "midway-error.h"
#include "midway-profile.h"

#define ED25519_KEY \
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"
#define ECDSA_KEY_BASE64 \
  "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFBCCQRqrYy0U6mBXGoyeKU5M5b8" \
  "qj/kLKXKu5Acv84xrcyzbPgSnSGSR1C2WG6QNPtyTAvHtt6sNGFHrZWMfjg="
#define ECDSA_KEY "ecdsa-sha2-nistp256 " ECDSA_KEY_BASE64

#define ONE_MIB (1024 * 1024)

/* ------------------------------------------------------------------------ */
/* Helpers */

static void
assert_field_error (const GError *error,
                    const char   *key)
{
  g_autofree char *prefix = g_strconcat (key, ": ", NULL);

  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("expected a message starting with “%s”, got “%s”", prefix, error->message);
}

static void
assert_message (const GError *error,
                const char   *message)
{
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_assert_cmpstr (error->message, ==, message);
}

static void
set_ok (MidwayProfile *profile,
        const char    *key,
        const char    *text)
{
  g_autoptr(GError) error = NULL;

  if (!midway_profile_set_from_string (profile, key, text, &error))
    g_error ("setting %s to “%s” failed: %s", key, text, error->message);
}

/* A complete, valid profile that uses every field. */
static MidwayProfile *
new_full_profile (void)
{
  MidwayProfile *profile = midway_profile_new ();

  set_ok (profile, "id", "123e4567-e89b-12d3-a456-426614174000");
  set_ok (profile, "name", "Office");
  set_ok (profile, "host", "vpn.example.com");
  set_ok (profile, "port", "2222");
  set_ok (profile, "user", "alice");
  set_ok (profile, "auth", "key-file");
  set_ok (profile, "key-file", "/home/alice/.ssh/id_ed25519");
  set_ok (profile, "host-key", ED25519_KEY);
  set_ok (profile, "remote-command", "sudo -n /usr/sbin/pppd");
  set_ok (profile, "local-address", "10.0.0.1");
  set_ok (profile, "remote-address", "10.0.0.2");
  set_ok (profile, "mtu", "1300");
  set_ok (profile, "echo-interval", "5");
  set_ok (profile, "echo-failures", "4");
  set_ok (profile, "reconnect", "false");

  return profile;
}

static MidwayProfile *
new_minimal_profile (void)
{
  MidwayProfile *profile = midway_profile_new ();

  set_ok (profile, "name", "Office");
  set_ok (profile, "host", "vpn.example.com");
  return profile;
}

static char *
repeat_char (char  c,
             gsize n)
{
  char *s = g_malloc (n + 1);

  memset (s, c, n);
  s[n] = '\0';
  return s;
}

/* A string variant as it could arrive from untrusted bytes: @data must
 * include the terminating NUL if it is to have one. */
static GVariant *
untrusted_variant (const GVariantType *type,
                   const void         *data,
                   gsize               size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);

  return g_variant_ref_sink (g_variant_new_from_bytes (type, bytes, FALSE));
}

/* The a{sv} of @profile with @key replaced by @value (or removed when
 * @value is NULL); @value is consumed if floating, else left to the caller. */
static GVariant *
variant_with (MidwayProfile *profile,
              const char    *key,
              GVariant      *value)
{
  g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (profile));
  g_autoptr(GVariant) owned = value ? g_variant_ref_sink (value) : NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *entry_key;
  GVariant *entry_value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, asv);
  while (g_variant_iter_loop (&iter, "{&sv}", &entry_key, &entry_value))
    {
      if (g_str_equal (entry_key, key))
        {
          if (owned != NULL)
            g_variant_builder_add (&builder, "{sv}", key, owned);
        }
      else
        {
          g_variant_builder_add (&builder, "{sv}", entry_key, entry_value);
        }
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

/* The key file of @profile with @key set to @text (escaped as GKeyFile
 * would), or removed when @text is NULL. */
static char *
data_with (MidwayProfile *profile,
           const char    *key,
           const char    *text)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autofree char *data = midway_profile_to_data (profile, NULL);

  g_assert_true (g_key_file_load_from_data (key_file, data, -1, G_KEY_FILE_NONE, NULL));
  if (text != NULL)
    g_key_file_set_string (key_file, MIDWAY_PROFILE_GROUP, key, text);
  else
    g_assert_true (g_key_file_remove_key (key_file, MIDWAY_PROFILE_GROUP, key, NULL));

  return g_key_file_to_data (key_file, NULL, NULL);
}

static GVariant *
variant_for_text (const char *key,
                  const char *text)
{
  const MidwayFieldSpec *spec = midway_profile_lookup_field (key);

  g_assert_nonnull (spec);
  switch (midway_field_spec_get_kind (spec))
    {
    case MIDWAY_FIELD_KIND_STRING:
    case MIDWAY_FIELD_KIND_ENUM:
      return g_variant_new_string (text);
    case MIDWAY_FIELD_KIND_UINT:
      {
        guint64 number = 0;
        g_autofree char *canonical = NULL;

        /* Only texts that name a number exactly ("022" is 22 on the bus,
         * where there is no text to be strict about). */
        if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &number, NULL))
          return NULL;
        canonical = g_strdup_printf ("%" G_GUINT64_FORMAT, number);
        if (!g_str_equal (canonical, text))
          return NULL;
        return g_variant_new_uint32 ((guint32) number);
      }
    case MIDWAY_FIELD_KIND_BOOLEAN:
      if (g_str_equal (text, "true") || g_str_equal (text, "false"))
        return g_variant_new_boolean (g_str_equal (text, "true"));
      return NULL;
    default:
      g_assert_not_reached ();
    }
}

/* ------------------------------------------------------------------------ */
/* Defaults and the table */

static void
test_defaults (void)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(MidwayProfile) other = midway_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (g_uuid_string_is_valid (midway_profile_get_id (profile)));
  g_assert_cmpstr (midway_profile_get_id (profile), !=, midway_profile_get_id (other));
  g_assert_cmpstr (midway_profile_get_name (profile), ==, "");
  g_assert_cmpstr (midway_profile_get_host (profile), ==, "");
  g_assert_cmpuint (midway_profile_get_port (profile), ==, 22);
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "");
  g_assert_cmpint (midway_profile_get_auth (profile), ==, MIDWAY_AUTH_AGENT);
  g_assert_cmpstr (midway_profile_get_key_file (profile), ==, "");
  g_assert_cmpstr (midway_profile_get_host_key (profile), ==, "");
  g_assert_cmpstr (midway_profile_get_remote_command (profile), ==, "sudo -n pppd");
  g_assert_cmpstr (midway_profile_get_local_address (profile), ==, "");
  g_assert_cmpstr (midway_profile_get_remote_address (profile), ==, "");
  g_assert_cmpuint (midway_profile_get_mtu (profile), ==, 1400);
  g_assert_cmpuint (midway_profile_get_echo_interval (profile), ==, 3);
  g_assert_cmpuint (midway_profile_get_echo_failures (profile), ==, 3);
  g_assert_true (midway_profile_get_reconnect (profile));

  /* A new profile is not valid until it has a name and a host. */
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "name: must not be empty");
  g_clear_error (&error);

  set_ok (profile, "name", "Office");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "host: must not be empty");
  g_clear_error (&error);

  set_ok (profile, "host", "vpn.example.com");
  g_assert_true (midway_profile_validate (profile, &error));
  g_assert_no_error (error);
}

static void
test_table (void)
{
  static const char * const keys[] = {
    "id", "name", "host", "port", "user", "auth", "key-file", "host-key",
    "remote-command", "local-address", "remote-address", "mtu",
    "echo-interval", "echo-failures", "reconnect", "routes", "full-tunnel",
    "ipv6", "dns-servers", "dns-search", "peer-dns", "fail-closed",
  };
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  const MidwayFieldSpec *fields;
  g_autofree GParamSpec **pspecs = NULL;
  guint n_fields = 0;
  guint n_pspecs = 0;

  fields = midway_profile_get_fields (&n_fields);
  g_assert_nonnull (fields);
  g_assert_cmpuint (n_fields, ==, G_N_ELEMENTS (keys));
  g_assert_true (midway_profile_get_field (0) == fields);

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (profile), &n_pspecs);
  g_assert_cmpuint (n_pspecs, ==, n_fields);

  for (guint i = 0; i < n_fields; i++)
    {
      const MidwayFieldSpec *spec = midway_profile_lookup_field (keys[i]);
      GParamSpec *pspec;

      g_assert_true (spec == midway_profile_get_field (i));
      g_assert_cmpstr (midway_field_spec_get_key (spec), ==, keys[i]);
      g_assert_cmpstr (midway_field_spec_get_label (spec), !=, "");

      pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (profile), keys[i]);
      g_assert_nonnull (pspec);
      switch (midway_field_spec_get_kind (spec))
        {
        case MIDWAY_FIELD_KIND_STRING:
        case MIDWAY_FIELD_KIND_ENUM:
          g_assert_true (G_IS_PARAM_SPEC_STRING (pspec));
          break;
        case MIDWAY_FIELD_KIND_UINT:
          g_assert_true (G_IS_PARAM_SPEC_UINT (pspec));
          break;
        case MIDWAY_FIELD_KIND_BOOLEAN:
          g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (pspec));
          break;
        default:
          g_assert_not_reached ();
        }
    }

  g_assert_null (midway_profile_lookup_field ("colour"));
  g_assert_null (midway_profile_lookup_field ("Name"));
  g_assert_cmpstr (midway_auth_method_to_string (MIDWAY_AUTH_KEYRING_KEY), ==, "keyring-key");
}

/* ------------------------------------------------------------------------ */
/* Every field's valid and invalid values */

typedef struct
{
  const char *key;
  const char *text;
  gboolean    valid;
} Example;

static const Example examples[] = {
  { "id", "123e4567-e89b-12d3-a456-426614174000", TRUE },
  { "id", "", FALSE },
  { "id", "not-a-uuid", FALSE },
  { "id", "123E4567-E89B-12D3-A456-426614174000", FALSE },
  { "id", "123e4567e89b12d3a456426614174000", FALSE },
  { "id", "{123e4567-e89b-12d3-a456-426614174000}", FALSE },

  { "name", "Office", TRUE },
  { "name", "x", TRUE },
  { "name", "Büro – Zürich 🚀", TRUE },
  { "name", "a\u200Db", TRUE },                /* ZWJ: emoji sequences need it */
  { "name", "a=b [x] #c \\d \"q\" ;", TRUE },  /* key file syntax is escaped */
  { "name", "", FALSE },
  { "name", " Office", FALSE },
  { "name", "Office ", FALSE },
  { "name", "\u00A0Office", FALSE },
  { "name", "a\tb", FALSE },
  { "name", "a\nb", FALSE },
  { "name", "a\rb", FALSE },
  { "name", "a\x1b[31mb", FALSE },
  { "name", "a\x7f", FALSE },
  { "name", "a\xc2\x85" "b", FALSE },           /* C1 control (NEL) */
  { "name", "a\u2028b", FALSE },
  { "name", "a\u2029b", FALSE },
  { "name", "evil\u202Egnp.exe", FALSE },      /* bidi override */
  { "name", "a\u2066b", FALSE },
  { "name", "a\u200Bb", FALSE },               /* zero-width space */
  { "name", "a\uFEFFb", FALSE },

  { "host", "vpn.example.com", TRUE },
  { "host", "localhost", TRUE },
  { "host", "a-b.c-d.example", TRUE },
  { "host", "xn--bcher-kva.example", TRUE },
  { "host", "123.example.com", TRUE },
  { "host", "192.0.2.1", TRUE },
  { "host", "::1", TRUE },
  { "host", "2001:db8::1", TRUE },
  { "host", "::ffff:192.0.2.1", TRUE },
  { "host", "", FALSE },
  { "host", "-oProxyCommand=x", FALSE },
  { "host", "-host", FALSE },
  { "host", "host name", FALSE },
  { "host", "host\nname", FALSE },
  { "host", "user@host", FALSE },
  { "host", "host:22", FALSE },
  { "host", "[::1]", FALSE },
  { "host", "fe80::1%eth0", FALSE },
  { "host", "fe80::1%25eth0", FALSE },
  { "host", "1:2:3:4:5:6:7:8:9", FALSE },
  { "host", "example.com.", FALSE },
  { "host", ".example.com", FALSE },
  { "host", "a..b", FALSE },
  { "host", "-a.example", FALSE },
  { "host", "a-.example", FALSE },
  { "host", "a_b.example", FALSE },
  { "host", "bücher.example", FALSE },
  { "host", "01.2.3.4", FALSE },
  { "host", "1.2.3", FALSE },
  { "host", "256.1.1.1", FALSE },
  { "host", "2130706433", FALSE },             /* inet_aton: 127.0.0.1 */
  { "host", "0x7f.1", FALSE },
  { "host", "127.1", FALSE },
  { "host", "$(id)", FALSE },
  { "host", "`id`", FALSE },
  { "host", ";", FALSE },

  { "port", "22", TRUE },
  { "port", "1", TRUE },
  { "port", "65535", TRUE },
  { "port", "0", FALSE },
  { "port", "65536", FALSE },
  { "port", "", FALSE },
  { "port", "22 ", FALSE },
  { "port", " 22", FALSE },
  { "port", "+22", FALSE },
  { "port", "-22", FALSE },
  { "port", "0x16", FALSE },
  { "port", "022", FALSE },
  { "port", "1e3", FALSE },
  { "port", "22.0", FALSE },
  { "port", "4294967318", FALSE },             /* 2^32 + 22 */
  { "port", "99999999999999999999999999", FALSE },
  { "port", "1400 plugin /tmp/x.so", FALSE },

  { "user", "", TRUE },
  { "user", "alice", TRUE },
  { "user", "_svc", TRUE },
  { "user", "Alice9.b-c_d", TRUE },
  { "user", "a2345678901234567890123456789012", TRUE },  /* 32 */
  { "user", "a23456789012345678901234567890123", FALSE }, /* 33 */
  { "user", "-oProxyCommand=x", FALSE },
  { "user", "9lives", FALSE },
  { "user", ".hidden", FALSE },
  { "user", "a b", FALSE },
  { "user", "a@b", FALSE },
  { "user", "root;id", FALSE },
  { "user", "a$", FALSE },
  { "user", "ünï", FALSE },

  { "auth", "agent", TRUE },
  { "auth", "key-file", TRUE },
  { "auth", "keyring-key", TRUE },
  { "auth", "password", TRUE },
  { "auth", "", FALSE },
  { "auth", "Agent", FALSE },
  { "auth", "agent ", FALSE },
  { "auth", "publickey", FALSE },

  { "key-file", "", TRUE },
  { "key-file", "/home/alice/.ssh/id_ed25519", TRUE },
  { "key-file", "/home/alice/My Keys/id", TRUE },
  { "key-file", "/home/alice/clés/id", TRUE },
  { "key-file", "id_ed25519", FALSE },
  { "key-file", "~/.ssh/id", FALSE },
  { "key-file", "./id", FALSE },
  { "key-file", "-i", FALSE },
  { "key-file", "/", FALSE },
  { "key-file", "/a/../b", FALSE },
  { "key-file", "/a/./b", FALSE },
  { "key-file", "/a//b", FALSE },
  { "key-file", "/a/", FALSE },
  { "key-file", "/a/..", FALSE },
  { "key-file", "/a/.", FALSE },
  { "key-file", "/a/%d/id", FALSE },
  { "key-file", "/a/${HOME}/id", FALSE },
  { "key-file", "/a\nb", FALSE },
  { "key-file", "/a\u202Eb", FALSE },

  { "host-key", "", TRUE },
  { "host-key", ED25519_KEY, TRUE },
  { "host-key", ECDSA_KEY, TRUE },
  { "host-key", "ssh-ed25519", FALSE },
  { "host-key", "ssh-ed25519 ", FALSE },
  { "host-key", ED25519_KEY " user@laptop", FALSE },
  { "host-key", ED25519_KEY " ", FALSE },
  { "host-key", " " ED25519_KEY, FALSE },
  { "host-key", "ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF", FALSE },
  { "host-key", "ssh-ed25519\tAAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF", FALSE },
  { "host-key", "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF", FALSE },
  { "host-key", "ssh-dss AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF", FALSE },
  { "host-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEaz", FALSE },
  { "host-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEaz!", FALSE },
  { "host-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5", FALSE },  /* the type and nothing else */
  { "host-key", "ssh-ed25519 AAAA", FALSE },
  { "host-key", "ssh-ed25519 ====", FALSE },
  /* The same ECDSA key with non-zero padding bits ('h' instead of 'g'). */
  { "host-key", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFBCCQRqrYy0U6mBXGoyeKU5M5b8qj/kLKXKu5Acv84xrcyzbPgSnSGSR1C2WG6QNPtyTAvHtt6sNGFHrZWMfjh=", FALSE },
  { "host-key", "@cert-authority * " ED25519_KEY, FALSE },

  { "remote-command", "sudo -n pppd", TRUE },
  { "remote-command", "/usr/sbin/pppd", TRUE },
  { "remote-command", "pppd", TRUE },
  { "remote-command", "env LC_ALL=C sudo -n /usr/sbin/pppd", TRUE },
  { "remote-command", "", FALSE },
  { "remote-command", "-pppd", FALSE },
  { "remote-command", " pppd", FALSE },
  { "remote-command", "pppd ", FALSE },
  { "remote-command", "sudo  pppd", FALSE },
  { "remote-command", "pppd;id", FALSE },
  { "remote-command", "pppd && id", FALSE },
  { "remote-command", "pppd | id", FALSE },
  { "remote-command", "$(id)", FALSE },
  { "remote-command", "`id`", FALSE },
  { "remote-command", "pppd 'x'", FALSE },
  { "remote-command", "pppd\tx", FALSE },
  { "remote-command", "pppd\nid", FALSE },
  { "remote-command", "pppd >/tmp/x", FALSE },
  { "remote-command", "pppd ~", FALSE },
  { "remote-command", "pppd *", FALSE },

  { "local-address", "", TRUE },
  { "local-address", "10.0.0.1", TRUE },
  { "local-address", "192.168.254.1", TRUE },
  { "local-address", "1.2.3.4", TRUE },
  { "local-address", "223.255.255.254", TRUE },
  { "local-address", "0.0.0.0", FALSE },
  { "local-address", "0.1.2.3", FALSE },
  { "local-address", "127.0.0.1", FALSE },
  { "local-address", "224.0.0.1", FALSE },
  { "local-address", "239.255.255.255", FALSE },
  { "local-address", "240.0.0.1", FALSE },
  { "local-address", "255.255.255.255", FALSE },
  { "local-address", "10.0.0.01", FALSE },
  { "local-address", "010.0.0.1", FALSE },
  { "local-address", "10.0.0", FALSE },
  { "local-address", "10.0.0.1.5", FALSE },
  { "local-address", "10.0.0.256", FALSE },
  { "local-address", "10.0.0.1 ", FALSE },
  { "local-address", "10.0.0.1:", FALSE },
  { "local-address", "::1", FALSE },
  { "local-address", "gateway", FALSE },

  { "remote-address", "", TRUE },
  { "remote-address", "10.0.0.2", TRUE },
  { "remote-address", "0.0.0.0", FALSE },
  { "remote-address", "224.0.0.1", FALSE },
  { "remote-address", "255.255.255.255", FALSE },
  { "remote-address", "10.0.0.2:10.0.0.3", FALSE },

  { "mtu", "576", TRUE },
  { "mtu", "1500", TRUE },
  { "mtu", "575", FALSE },
  { "mtu", "1501", FALSE },
  { "mtu", "0", FALSE },
  { "mtu", "1400 plugin /tmp/x.so", FALSE },

  { "echo-interval", "1", TRUE },
  { "echo-interval", "300", TRUE },
  { "echo-interval", "0", FALSE },
  { "echo-interval", "301", FALSE },

  { "echo-failures", "2", TRUE },
  { "echo-failures", "30", TRUE },
  { "echo-failures", "0", FALSE },
  { "echo-failures", "1", FALSE },
  { "echo-failures", "31", FALSE },

  { "reconnect", "true", TRUE },
  { "reconnect", "false", TRUE },
  { "reconnect", "", FALSE },
  { "reconnect", "TRUE", FALSE },
  { "reconnect", "1", FALSE },
  { "reconnect", "0", FALSE },
  { "reconnect", "yes", FALSE },
  { "reconnect", "true ", FALSE },

  { "routes", "", TRUE },
  { "routes", "10.99.0.0/24", TRUE },
  { "routes", "10.99.0.0/24,fd00:99::/64", TRUE },
  { "routes", "192.0.2.7/32,2001:db8::1/128,10.0.0.0/8", TRUE },
  { "routes", "10.99.0.1/24", FALSE },         /* host bits set */
  { "routes", "fd00:99::1/64", FALSE },
  { "routes", "10.99.0.0", FALSE },            /* no prefix length */
  { "routes", "10.99.0.0/33", FALSE },
  { "routes", "fd00::/129", FALSE },
  { "routes", "10.99.0.0/024", FALSE },
  { "routes", "10.99.0.0/+24", FALSE },
  { "routes", "010.99.0.0/24", FALSE },
  { "routes", "10.99/16", FALSE },
  { "routes", "0.0.0.0/0", FALSE },            /* that is full-tunnel */
  { "routes", "::/0", FALSE },
  { "routes", "10.99.0.0/24, 10.98.0.0/24", FALSE },
  { "routes", "10.99.0.0/24,", FALSE },
  { "routes", ",10.99.0.0/24", FALSE },
  { "routes", "10.99.0.0/24;10.98.0.0/24", FALSE },
  { "routes", "vpn.example.com/24", FALSE },
  { "routes", "10.99.0.0/24 dev eth0", FALSE },
  { "routes", "fd00::%eth0/64", FALSE },

  { "full-tunnel", "true", TRUE },
  { "full-tunnel", "false", TRUE },
  { "full-tunnel", "1", FALSE },

  { "ipv6", "true", TRUE },
  { "ipv6", "false", TRUE },
  { "ipv6", "yes", FALSE },

  { "dns-servers", "", TRUE },
  { "dns-servers", "10.66.0.2", TRUE },
  { "dns-servers", "10.66.0.2,fd00:66::2,192.0.2.53", TRUE },
  { "dns-servers", "10.66.0.2,10.66.0.3,10.66.0.4,10.66.0.5", FALSE }, /* MAXNS is 3 */
  { "dns-servers", "10.66.0.2,10.66.0.2", FALSE },
  { "dns-servers", "10.66.0.02", FALSE },
  { "dns-servers", "10.66.2", FALSE },
  { "dns-servers", "0.0.0.0", FALSE },
  { "dns-servers", "224.0.0.251", FALSE },
  { "dns-servers", "FD00::2", FALSE },           /* inet_ntop writes lower case */
  { "dns-servers", "fd00:0::2", FALSE },
  { "dns-servers", "::", FALSE },
  { "dns-servers", "ff02::fb", FALSE },
  { "dns-servers", "fe80::1%eth0", FALSE },
  { "dns-servers", "10.66.0.2, 10.66.0.3", FALSE },
  { "dns-servers", "10.66.0.2,", FALSE },
  { "dns-servers", "10.66.0.2#53", FALSE },
  { "dns-servers", "ns.example.com", FALSE },
  { "dns-servers", "10.66.0.2\nnameserver 6.6.6.6", FALSE },

  { "dns-search", "", TRUE },
  { "dns-search", "corp.example.com", TRUE },
  { "dns-search", "corp.example.com,lab.example,x", TRUE },
  { "dns-search", "a,b,c,d,e,f", TRUE },
  { "dns-search", "a,b,c,d,e,f,g", FALSE },
  { "dns-search", "corp.example.com,CORP.example.com", FALSE },
  { "dns-search", "corp..example.com", FALSE },
  { "dns-search", "corp.example.com.", FALSE },
  { "dns-search", "-corp.example.com", FALSE },
  { "dns-search", "corp.example.com lab.example", FALSE },
  { "dns-search", "corp.example.com,", FALSE },
  { "dns-search", "corp.example.com\noptions ndots:15", FALSE },
  { "dns-search", "corp_x.example.com", FALSE },

  { "peer-dns", "true", TRUE },
  { "peer-dns", "false", TRUE },
  { "peer-dns", "on", FALSE },

  { "fail-closed", "true", TRUE },
  { "fail-closed", "false", TRUE },
  { "fail-closed", "1", FALSE },
  { "fail-closed", "yes", FALSE },
};

static void
test_field_example (gconstpointer case_data)
{
  const Example *example = case_data;
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(MidwayProfile) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = midway_profile_get_as_string (profile, example->key);
  g_autofree char *data = NULL;
  g_autoptr(GVariant) value = NULL;
  gboolean ok;

  /* The full profile uses key-file authentication and a local address
   * of 10.0.0.1; move those out of the way of examples that are only
   * valid without them. */
  if (g_str_equal (example->key, "key-file"))
    set_ok (profile, "auth", "agent");
  if (g_str_equal (example->key, "remote-address"))
    set_ok (profile, "local-address", "");
  /* IPv6 networks are only valid on an IPv6 tunnel. */
  if (g_str_equal (example->key, "routes") || g_str_equal (example->key, "dns-servers"))
    set_ok (profile, "ipv6", "true");
  /* A DNS server must be reached through the tunnel (test_dns_reach). */
  if (g_str_equal (example->key, "dns-servers"))
    set_ok (profile, "full-tunnel", "true");

  g_test_message ("%s = “%s” (%s)", example->key, example->text,
                  example->valid ? "valid" : "invalid");

  /* The text form: midwayctl, text entries. */
  ok = midway_profile_set_from_string (profile, example->key, example->text, &error);
  if (example->valid)
    {
      g_autofree char *after = NULL;

      g_assert_no_error (error);
      g_assert_true (ok);
      after = midway_profile_get_as_string (profile, example->key);
      g_assert_cmpstr (after, ==, example->text);
      g_assert_true (midway_profile_validate (profile, NULL));
    }
  else
    {
      g_autofree char *after = NULL;

      g_assert_false (ok);
      assert_field_error (error, example->key);
      /* A refused value leaves the field alone. */
      after = midway_profile_get_as_string (profile, example->key);
      g_assert_cmpstr (after, ==, before);
    }
  g_clear_error (&error);

  /* The key file: GKeyFile escapes what it must, and the parser sees
   * the unescaped value. */
  data = data_with (profile, example->key, example->text);
  parsed = midway_profile_new_from_data (data, -1, &error);
  if (example->valid)
    {
      g_assert_no_error (error);
      g_assert_nonnull (parsed);
      g_assert_true (midway_profile_equal (parsed, profile));
    }
  else
    {
      g_assert_null (parsed);
      assert_field_error (error, example->key);
    }
  g_clear_error (&error);
  g_clear_object (&parsed);

  /* The a{sv}, for every example that has a value of the right type. */
  value = variant_for_text (example->key, example->text);
  if (value != NULL)
    {
      g_autoptr(GVariant) asv = variant_with (profile, example->key, g_steal_pointer (&value));

      parsed = midway_profile_new_from_variant (asv, &error);
      if (example->valid)
        {
          g_assert_no_error (error);
          g_assert_true (midway_profile_equal (parsed, profile));
        }
      else
        {
          g_assert_null (parsed);
          assert_field_error (error, example->key);
        }
    }
}

static void
test_messages (void)
{
  static const struct
  {
    const char *key;
    const char *text;
    const char *message;
  } cases[] = {
    { "port", "0", "port: must be between 1 and 65535" },
    { "port", "22 ", "port: must be a number written with digits only" },
    { "port", "022", "port: must not have leading zeros" },
    { "mtu", "9000", "mtu: must be between 576 and 1500" },
    { "name", "", "name: must not be empty" },
    { "name", " x", "name: must not start or end with a space" },
    { "host", "-oProxyCommand=x", "host: must not start with “-”" },
    { "host", "a b", "host: must be a host name or an IP address" },
    { "auth", "publickey", "auth: must be one of agent, key-file, keyring-key, password" },
    { "reconnect", "yes", "reconnect: must be “true” or “false”" },
    { "id", "x", "id: must be a UUID" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MidwayProfile) profile = new_minimal_profile ();
      g_autoptr(GError) error = NULL;

      g_assert_false (midway_profile_set_from_string (profile, cases[i].key, cases[i].text, &error));
      assert_message (error, cases[i].message);
    }
}

/* ------------------------------------------------------------------------ */
/* Hostile values in every string field */

typedef struct
{
  const char *value;
  const char *valid_in;  /* the fields that accept it, space-separated */
} Hostile;

static const Hostile hostile_values[] = {
  { "-oProxyCommand=x", "name" },
  { "host\nname", "" },
  { "a b", "name remote-command" },
  { "$(id)", "name" },
  { "`id`", "name" },
  { ";", "name" },
  { "1400 plugin /tmp/x.so", "name remote-command" },
  { "22 ", "" },
  { "+22", "name remote-command" },
  { "0x16", "name remote-command" },
  { "plugin", "name host user remote-command" },
  { "pty", "name host user remote-command" },
  { "connect", "name host user remote-command" },
  { "file", "name host user remote-command" },
  { "call", "name host user remote-command" },
  { "init", "name host user remote-command" },
  { "nodetach", "name host user remote-command" },
  { "--", "name" },
  { "/tmp/x.so", "name key-file remote-command" },
  { "%h", "name remote-command" },
  { "${HOME}", "name" },
  { "~root", "name" },
  { "x=y", "name remote-command" },
  { "'", "name" },
  { "a\rb", "" },
  { "a\x01" "b", "" },
};

static const char * const string_fields[] = {
  "id", "name", "host", "user", "auth", "key-file", "host-key",
  "remote-command", "local-address", "remote-address",
};

static const char * const number_fields[] = {
  "port", "mtu", "echo-interval", "echo-failures", "reconnect",
};

/* Walks an ssh argv and checks that every element is a fixed option, the
 * value of one, or data after "--", and that the data is exactly the
 * profile's. */
static void
assert_ssh_data_only (char * const  *argv,
                      MidwayProfile *profile,
                      const char    *hostile)
{
  g_auto(GStrv) words = g_strsplit (midway_profile_get_remote_command (profile), " ", -1);
  g_autofree char *port = midway_profile_get_as_string (profile, "port");
  guint i = 1;

  while (argv[i] != NULL && !g_str_equal (argv[i], "--"))
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "-T") || g_str_equal (arg, "-x") || g_str_equal (arg, "-a"))
        {
          i++;
          continue;
        }

      g_assert_nonnull (argv[i + 1]);
      if (g_str_equal (arg, "-o"))
        {
          /* Fixed text, numbers, the UUID alias or a helper path; never
           * profile text. */
          g_assert_true (g_regex_match_simple ("^[A-Za-z]+=[A-Za-z0-9^@.,/_-]+$", argv[i + 1], 0, 0));
          g_assert_null (strstr (argv[i + 1], hostile));
        }
      else if (g_str_equal (arg, "-p"))
        g_assert_cmpstr (argv[i + 1], ==, port);
      else if (g_str_equal (arg, "-l"))
        g_assert_cmpstr (argv[i + 1], ==, midway_profile_get_user (profile));
      else if (g_str_equal (arg, "-i"))
        g_assert_cmpstr (argv[i + 1], ==, midway_profile_get_key_file (profile));
      else
        g_error ("unexpected ssh argument “%s”", arg);
      g_assert_false (g_str_has_prefix (argv[i + 1], "-"));
      i += 2;
    }

  g_assert_cmpstr (argv[i], ==, "--");
  g_assert_cmpstr (argv[i + 1], ==, midway_profile_get_host (profile));
  i += 2;
  for (guint w = 0; words[w] != NULL; w++, i++)
    g_assert_cmpstr (argv[i], ==, words[w]);
  g_assert_cmpstr (argv[i++], ==, "nodetach");
  g_assert_cmpstr (argv[i++], ==, "notty");
  g_assert_cmpstr (argv[i++], ==, "noauth");
  g_assert_null (argv[i]);
}

static void
test_hostile_value (gconstpointer case_data)
{
  const Hostile *hostile = case_data;
  const MidwayPppdArgs pppd_args = {
    .pppd_path = "/usr/sbin/pppd",
    .tty_path = "/dev/pts/7",
    .plugin_path = "/usr/lib/pppd/2.4.9/midway-helper-pppd-plugin.so",
    .report_fd = 3,
    .ipparam = "midway-1",
  };
  g_autoptr(MidwayProfile) base = new_full_profile ();
  g_auto(GStrv) base_pppd = NULL;

  /* Addresses are the only profile text pppd gets, and their rule admits
   * nothing but dotted quads; with them empty, no profile text at all. */
  set_ok (base, "local-address", "");
  set_ok (base, "remote-address", "");
  set_ok (base, "host-key", "");
  base_pppd = midway_argv_build_pppd (base, &pppd_args, NULL);
  g_assert_nonnull (base_pppd);

  g_auto(GStrv) valid_in = g_strsplit (hostile->valid_in, " ", -1);

  for (gsize f = 0; f < G_N_ELEMENTS (string_fields); f++)
    {
      const char *key = string_fields[f];
      g_autoptr(MidwayProfile) profile = midway_profile_copy (base);
      g_autoptr(GError) error = NULL;
      gboolean expected = g_strv_contains ((const char * const *) valid_in, key);
      gboolean ok;
      g_autoptr(GVariant) asv = NULL;
      g_autoptr(MidwayProfile) from_variant = NULL;
      g_autofree char *data = NULL;
      g_autoptr(MidwayProfile) from_data = NULL;

      g_test_message ("%s = “%s”", key, hostile->value);

      ok = midway_profile_set_from_string (profile, key, hostile->value, &error);
      g_assert_cmpint (ok, ==, expected);

      /* The same verdict on every path in. */
      asv = variant_with (base, key, g_variant_new_string (hostile->value));
      from_variant = midway_profile_new_from_variant (asv, NULL);
      g_assert_cmpint (from_variant != NULL, ==, expected);
      data = data_with (base, key, hostile->value);
      from_data = midway_profile_new_from_data (data, -1, NULL);
      g_assert_cmpint (from_data != NULL, ==, expected);

      if (!ok)
        {
          assert_field_error (error, key);
          continue;
        }

      /* Accepted: the builders must still use it only as data. */
      {
        MidwaySshArgs ssh_args = { .ssh_path = "/usr/bin/ssh" };
        g_auto(GStrv) ssh = NULL;
        g_auto(GStrv) pppd = NULL;

        if (g_str_equal (key, "key-file"))
          set_ok (profile, "auth", "key-file");

        ssh = midway_argv_build_ssh (profile, &ssh_args, &error);
        g_assert_no_error (error);
        assert_ssh_data_only (ssh, profile, hostile->value);

        pppd = midway_argv_build_pppd (profile, &pppd_args, &error);
        g_assert_no_error (error);
        g_assert_true (g_strv_equal ((const char * const *) pppd,
                                     (const char * const *) base_pppd));
      }
    }

  /* No hostile text is a number or a boolean. */
  for (gsize f = 0; f < G_N_ELEMENTS (number_fields); f++)
    {
      g_autoptr(MidwayProfile) profile = midway_profile_copy (base);
      g_autoptr(GError) error = NULL;

      g_assert_false (midway_profile_set_from_string (profile, number_fields[f],
                                                      hostile->value, &error));
      assert_field_error (error, number_fields[f]);
    }
}

/* ------------------------------------------------------------------------ */
/* Sizes, encodings and variant types */

static void
test_huge_strings (void)
{
  g_autofree char *huge = repeat_char ('a', ONE_MIB);
  g_autofree char *huge_invalid = repeat_char ('\xff', ONE_MIB);
  g_autoptr(MidwayProfile) base = new_full_profile ();

  /* Invalid UTF-8 as well, in an untrusted variant: the size is refused
   * before anything reads the bytes. */
  huge_invalid[ONE_MIB] = '\0';

  for (gsize f = 0; f < G_N_ELEMENTS (string_fields); f++)
    {
      const char *key = string_fields[f];
      g_autofree char *expected = g_strconcat (key, ": is too long", NULL);
      g_autoptr(MidwayProfile) profile = midway_profile_copy (base);
      g_autoptr(GVariant) untrusted = untrusted_variant (G_VARIANT_TYPE_STRING, huge_invalid, ONE_MIB + 1);
      g_autoptr(GVariant) asv = NULL;
      g_autoptr(MidwayProfile) parsed = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (midway_profile_set_from_string (profile, key, huge, &error));
      assert_message (error, expected);
      g_clear_error (&error);

      g_assert_false (midway_profile_set_value (profile, key, g_variant_new_string (huge), &error));
      assert_message (error, expected);
      g_clear_error (&error);

      g_assert_false (midway_profile_set_value (profile, key, untrusted, &error));
      assert_message (error, expected);
      g_clear_error (&error);

      asv = variant_with (base, key, untrusted);
      parsed = midway_profile_new_from_variant (asv, &error);
      g_assert_null (parsed);
      assert_message (error, expected);

      g_assert_true (midway_profile_equal (profile, base));
    }
}

static void
test_invalid_utf8 (void)
{
  static const struct
  {
    const char *key;
    const char *bytes;
    gsize       size;  /* including any NUL */
  } cases[] = {
    { "name", "ab\xff", 4 },
    { "name", "\xc0\x80", 3 },          /* overlong NUL */
    { "name", "\xed\xa0\x80", 4 },      /* surrogate */
    { "name", "abc", 3 },               /* no terminating NUL */
    { "name", "a\0b", 4 },              /* embedded NUL */
    { "host", "h\xffst", 5 },
    { "remote-command", "pppd\xfe", 6 },
    { "auth", "agen\xff", 6 },
  };
  g_autoptr(MidwayProfile) base = new_full_profile ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MidwayProfile) profile = midway_profile_copy (base);
      g_autoptr(GVariant) value = untrusted_variant (G_VARIANT_TYPE_STRING, cases[i].bytes, cases[i].size);
      g_autoptr(GVariant) asv = NULL;
      g_autoptr(MidwayProfile) parsed = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_false (midway_profile_set_value (profile, cases[i].key, value, &error));
      assert_field_error (error, cases[i].key);
      g_clear_error (&error);

      asv = variant_with (base, cases[i].key, value);
      parsed = midway_profile_new_from_variant (asv, &error);
      g_assert_null (parsed);
      assert_field_error (error, cases[i].key);
    }
}

/* A serialised, untrusted a{sv} with one byte string replaced in place. */
static GVariant *
corrupted_asv_bytes (MidwayProfile *profile,
                     const void    *find,
                     const void    *replace,
                     gsize          length)
{
  g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (profile));
  gsize size = g_variant_get_size (asv);
  g_autofree guint8 *data = g_memdup2 (g_variant_get_data (asv), size);
  guint8 *at = memmem (data, size, find, length);

  g_assert_nonnull (at);
  /* Exactly one place, so the test corrupts what it means to. */
  g_assert_null (memmem (at + 1, size - (at + 1 - data), find, length));
  memcpy (at, replace, length);

  return untrusted_variant (G_VARIANT_TYPE_VARDICT, data, size);
}

static GVariant *
corrupted_asv (MidwayProfile *profile,
               const char    *find,
               const char    *replace)
{
  g_assert_cmpuint (strlen (find), ==, strlen (replace));
  return corrupted_asv_bytes (profile, find, replace, strlen (find));
}

static void
test_untrusted_dictionary (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(GVariant) bad_value = corrupted_asv (profile, "Office", "Offic\xff");
  g_autoptr(GVariant) bad_key = corrupted_asv (profile, "remote-command", "remote\x1b" "command");
  /* The port, 2222 little-endian, then the variant's NUL and type "u". */
  static const guint8 port_u[] = { 0xAE, 0x08, 0x00, 0x00, 0x00, 'u' };
  static const guint8 port_i[] = { 0xAE, 0x08, 0x00, 0x00, 0x00, 'i' };
  g_autoptr(GVariant) bad_type = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);
  bad_type = corrupted_asv_bytes (profile, port_u, port_i, sizeof port_u);

  parsed = midway_profile_new_from_variant (bad_value, &error);
  g_assert_null (parsed);
  assert_field_error (error, "name");
  g_clear_error (&error);

  /* The key is quoted back, escaped. */
  parsed = midway_profile_new_from_variant (bad_key, &error);
  g_assert_null (parsed);
  assert_message (error, "unknown field “remote\\u001Bcommand”");
  g_clear_error (&error);

  parsed = midway_profile_new_from_variant (bad_type, &error);
  g_assert_null (parsed);
  assert_message (error, "port: has the wrong type (expected u)");
}

static void
test_non_normal_values (void)
{
  static const guint8 short_uint[3] = { 22, 0, 0 };
  static const guint8 bad_boolean[1] = { 2 };
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(GVariant) port = untrusted_variant (G_VARIANT_TYPE_UINT32, short_uint, sizeof short_uint);
  g_autoptr(GVariant) reconnect = untrusted_variant (G_VARIANT_TYPE_BOOLEAN, bad_boolean, sizeof bad_boolean);
  g_autoptr(GError) error = NULL;

  g_assert_false (midway_profile_set_value (profile, "port", port, &error));
  assert_message (error, "port: is not a valid value");
  g_clear_error (&error);

  g_assert_false (midway_profile_set_value (profile, "reconnect", reconnect, &error));
  assert_message (error, "reconnect: is not a valid value");
}

static void
test_wrong_types (void)
{
  static const struct
  {
    const char *key;
    const char *text;  /* g_variant_parse() syntax */
    const char *message;
  } cases[] = {
    { "port", "int32 22", "port: has the wrong type (expected u)" },
    { "port", "uint16 22", "port: has the wrong type (expected u)" },
    { "port", "uint64 22", "port: has the wrong type (expected u)" },
    { "port", "'22'", "port: has the wrong type (expected u)" },
    { "port", "<uint32 22>", "port: has the wrong type (expected u)" },
    { "mtu", "[uint32 1400]", "mtu: has the wrong type (expected u)" },
    { "name", "uint32 1", "name: has the wrong type (expected s)" },
    { "name", "@o '/x'", "name: has the wrong type (expected s)" },
    { "name", "b'Office'", "name: has the wrong type (expected s)" },
    { "auth", "uint32 0", "auth: has the wrong type (expected s)" },
    { "reconnect", "'true'", "reconnect: has the wrong type (expected b)" },
    { "reconnect", "uint32 1", "reconnect: has the wrong type (expected b)" },
  };
  g_autoptr(MidwayProfile) base = new_full_profile ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MidwayProfile) profile = midway_profile_copy (base);
      g_autoptr(GVariant) value = g_variant_parse (NULL, cases[i].text, NULL, NULL, NULL);
      g_autoptr(GVariant) asv = NULL;
      g_autoptr(MidwayProfile) parsed = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (value);
      g_assert_false (midway_profile_set_value (profile, cases[i].key, value, &error));
      assert_message (error, cases[i].message);
      g_clear_error (&error);

      asv = variant_with (base, cases[i].key, value);
      parsed = midway_profile_new_from_variant (asv, &error);
      g_assert_null (parsed);
      assert_message (error, cases[i].message);
    }
}

/* Not a dictionary. */
static void
test_variant_not_dictionary (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;

  parsed = midway_profile_new_from_variant (g_variant_new_string ("x"), &error);
  g_assert_null (parsed);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_clear_error (&error);
}

/* Unknown keys, named and bounded. */
static void
test_variant_unknown_keys (void)
{
  g_autofree char *long_key = repeat_char ('k', 1000);
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;
  GVariantBuilder builder;

  {
    g_autoptr(GVariant) with_unknown = NULL;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "bogus", g_variant_new_string ("x"));
    with_unknown = g_variant_ref_sink (g_variant_builder_end (&builder));
    parsed = midway_profile_new_from_variant (with_unknown, &error);
    g_assert_null (parsed);
    assert_message (error, "unknown field “bogus”");
    g_clear_error (&error);
  }
  {
    g_autoptr(GVariant) with_unknown = NULL;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", long_key, g_variant_new_string ("x"));
    with_unknown = g_variant_ref_sink (g_variant_builder_end (&builder));
    parsed = midway_profile_new_from_variant (with_unknown, &error);
    g_assert_null (parsed);
    g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
    g_assert_true (g_str_has_prefix (error->message, "unknown field “kkkk"));
    g_assert_true (g_str_has_suffix (error->message, "…”"));
    g_assert_cmpuint (strlen (error->message), <, 120);
    g_clear_error (&error);
  }
  {
    g_autoptr(GVariant) with_unknown = NULL;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "na\nme", g_variant_new_string ("x"));
    with_unknown = g_variant_ref_sink (g_variant_builder_end (&builder));
    parsed = midway_profile_new_from_variant (with_unknown, &error);
    g_assert_null (parsed);
    assert_message (error, "unknown field “na\\u000Ame”");
    g_clear_error (&error);
  }
}

/* Duplicate keys. */
static void
test_variant_duplicate_keys (void)
{
  g_autoptr(MidwayProfile) base = new_full_profile ();
  g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (base));
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;
  GVariantBuilder builder;

  {
    g_autoptr(GVariant) duplicated = NULL;
    GVariantIter iter;
    const char *key;
    GVariant *value;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_iter_init (&iter, asv);
    while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
      g_variant_builder_add (&builder, "{sv}", key, value);
    g_variant_builder_add (&builder, "{sv}", "port", g_variant_new_uint32 (23));
    duplicated = g_variant_ref_sink (g_variant_builder_end (&builder));
    parsed = midway_profile_new_from_variant (duplicated, &error);
    g_assert_null (parsed);
    assert_message (error, "port: is set more than once");
    g_clear_error (&error);
  }
}

/* Required fields; the id is required on the bus. */
static void
test_variant_required (void)
{
  g_autoptr(MidwayProfile) base = new_full_profile ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;

  {
    static const char * const required[] = { "id", "name", "host" };

    for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
      {
        g_autoptr(GVariant) missing = variant_with (base, required[i], NULL);
        g_autofree char *expected = g_strconcat (required[i], ": is required", NULL);

        parsed = midway_profile_new_from_variant (missing, &error);
        g_assert_null (parsed);
        assert_message (error, expected);
        g_clear_error (&error);
      }
  }
}

/* Optional fields take their defaults. */
static void
test_variant_defaults (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = NULL;
  GVariantBuilder builder;

  {
    g_autoptr(GVariant) minimal = NULL;

    g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&builder, "{sv}", "id", g_variant_new_string ("123e4567-e89b-12d3-a456-426614174000"));
    g_variant_builder_add (&builder, "{sv}", "name", g_variant_new_string ("Office"));
    g_variant_builder_add (&builder, "{sv}", "host", g_variant_new_string ("vpn.example.com"));
    minimal = g_variant_ref_sink (g_variant_builder_end (&builder));
    parsed = midway_profile_new_from_variant (minimal, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (midway_profile_get_port (parsed), ==, 22);
    g_assert_cmpuint (midway_profile_get_mtu (parsed), ==, 1400);
    g_assert_cmpstr (midway_profile_get_remote_command (parsed), ==, "sudo -n pppd");
    g_assert_true (midway_profile_get_reconnect (parsed));
  }
}

/* ------------------------------------------------------------------------ */
/* Key files */

#define VALID_FILE \
  "[Midway Profile]\n" \
  "name=Office\n" \
  "host=vpn.example.com\n"

static void
test_key_file_rejects (void)
{
  static const struct
  {
    const char *data;
    const char *message;  /* exact, or a "key: " prefix when ending in ": " */
  } cases[] = {
    { "", "the [Midway Profile] group is missing" },
    { "# nothing\n", "the [Midway Profile] group is missing" },
    { "name=Office\n[Midway Profile]\nhost=h\n", "line 1 comes before the [Midway Profile] group" },
    { VALID_FILE "[Other]\nx=1\n", "unknown group “Other”" },
    { "[Other]\n" VALID_FILE, "unknown group “Other”" },
    { VALID_FILE "[Midway Profile]\nport=23\n", "line 4 repeats the [Midway Profile] group" },
    { VALID_FILE "[Midway Profile\n", "line 4 is not a valid group header" },
    { VALID_FILE "[Midway Profile] x\n", "line 4 is not a valid group header" },
    { VALID_FILE "just words\n", "line 4 is not a key, a group or a comment" },
    { VALID_FILE "=value\n", "line 4 is not a key, a group or a comment" },
    { VALID_FILE "colour=red\n", "unknown field “colour”" },
    { VALID_FILE "Name=x\n", "unknown field “Name”" },
    { VALID_FILE "na\x1bme=x\n", "unknown field “na\\u001Bme”" },
    { VALID_FILE "name[de]=Büro\n", "name: translations such as “name[de]” are not supported" },
    { VALID_FILE "name[de=Büro\n", "name: translations such as “name[de” are not supported" },
    { VALID_FILE "port=22\nport=23\n", "port: is set more than once" },
    { VALID_FILE "name=Other\n", "name: is set more than once" },
    { VALID_FILE "port=22 \n", "port: must be a number written with digits only" },
    { VALID_FILE "port=+22\n", "port: must be a number written with digits only" },
    { VALID_FILE "port=0x16\n", "port: must be a number written with digits only" },
    { VALID_FILE "port=1400 plugin /tmp/x.so\n", "port: must be a number written with digits only" },
    { VALID_FILE "mtu=1400 plugin /tmp/x.so\n", "mtu: must be a number written with digits only" },
    { VALID_FILE "port=22\r", "port: must be a number written with digits only" },
    { VALID_FILE "reconnect=1\n", "reconnect: must be “true” or “false”" },
    { VALID_FILE "user=a\\nb\n", "user: " },
    { VALID_FILE "remote-command=pppd\\tx\n", "remote-command: " },
    { VALID_FILE "key-file=/a\\nb\n", "key-file: " },
    { VALID_FILE "host-key=" ED25519_KEY "\\n\n", "host-key: " },
    { VALID_FILE "user=bob\\\n", "user: contains an invalid escape sequence" },
    { VALID_FILE "user=b\\xob\n", "user: contains an invalid escape sequence" },
    { "[Midway Profile]\nname=a\\nb\nhost=h\n", "name: must not contain control or invisible formatting characters" },
    { "[Midway Profile]\nname=\\sOffice\nhost=h\n", "name: must not start or end with a space" },
    { "[Midway Profile]\nname=Office\\s\nhost=h\n", "name: must not start or end with a space" },
    { "[Midway Profile]\nhost=vpn.example.com\n", "name: is required" },
    { "[Midway Profile]\nname=Office\n", "host: is required" },
    { VALID_FILE "auth=key-file\n", "key-file: must be set when the authentication is “key-file”" },
    { VALID_FILE "local-address=10.0.0.1\nremote-address=10.0.0.1\n", "remote-address: must differ from the local address" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MidwayProfile) profile = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, cases[i].data);
      profile = midway_profile_new_from_data (cases[i].data, strlen (cases[i].data), &error);
      g_assert_null (profile);
      if (g_str_has_suffix (cases[i].message, ": "))
        {
          g_autofree char *key = g_strndup (cases[i].message, strlen (cases[i].message) - 2);

          assert_field_error (error, key);
        }
      else
        {
          assert_message (error, cases[i].message);
        }
    }
}

static void
test_key_file_bytes (void)
{
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  static const char with_nul[] = VALID_FILE "user=bob\0rest\n";
  static const char invalid[] = VALID_FILE "user=b\xffob\n";
  g_autoptr(GString) big = g_string_new (VALID_FILE);

  profile = midway_profile_new_from_data (with_nul, sizeof with_nul - 1, &error);
  g_assert_null (profile);
  assert_message (error, "the profile is not valid UTF-8 text");
  g_clear_error (&error);

  profile = midway_profile_new_from_data (invalid, sizeof invalid - 1, &error);
  g_assert_null (profile);
  assert_message (error, "the profile is not valid UTF-8 text");
  g_clear_error (&error);

  /* 64 KiB is the limit, comments included. */
  while (big->len <= 64 * 1024)
    g_string_append (big, "# padding padding padding padding padding padding padding\n");
  profile = midway_profile_new_from_data (big->str, big->len, &error);
  g_assert_null (profile);
  assert_message (error, "the profile is larger than 64 KiB");
  g_clear_error (&error);

  /* A value far over its limit, in a file under the file's. */
  {
    g_autofree char *long_host = repeat_char ('a', 60 * 1024);
    g_autofree char *data = g_strdup_printf ("[Midway Profile]\nname=x\nhost=%s\n", long_host);

    profile = midway_profile_new_from_data (data, -1, &error);
    g_assert_null (profile);
    assert_message (error, "host: is too long");
    g_clear_error (&error);
  }
}

static void
test_key_file_accepts (void)
{
  static const char * const files[] = {
    VALID_FILE,
    "# comment\n\n" VALID_FILE "\n# trailing comment\n",
    "[Midway Profile]\r\nname=Office\r\nhost=vpn.example.com\r\n",
    "  [Midway Profile]  \n  name = Office\n\thost\t=\tvpn.example.com\n",
    "[Midway Profile]\nname=Office\nhost=vpn.example.com",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(MidwayProfile) profile = NULL;
      g_autoptr(GError) error = NULL;

      profile = midway_profile_new_from_data (files[i], -1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (midway_profile_get_name (profile), ==, "Office");
      g_assert_cmpstr (midway_profile_get_host (profile), ==, "vpn.example.com");
      g_assert_cmpuint (midway_profile_get_port (profile), ==, 22);
    }
}

static void
test_key_file_without_id (void)
{
  g_autoptr(MidwayProfile) first = NULL;
  g_autoptr(MidwayProfile) second = NULL;
  g_autoptr(GError) error = NULL;

  first = midway_profile_new_from_data (VALID_FILE, -1, &error);
  g_assert_no_error (error);
  second = midway_profile_new_from_data (VALID_FILE, -1, &error);
  g_assert_no_error (error);

  g_assert_true (g_uuid_string_is_valid (midway_profile_get_id (first)));
  g_assert_true (g_uuid_string_is_valid (midway_profile_get_id (second)));
  g_assert_cmpstr (midway_profile_get_id (first), !=, midway_profile_get_id (second));
  g_assert_true (midway_profile_validate (first, NULL));
}

static void
test_key_file_round_trip (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(MidwayProfile) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  const char *previous = NULL;
  gsize length = 0;
  guint n_fields;

  /* Characters GKeyFile has to escape or that mean something in it. */
  set_ok (profile, "name", "Büro \\ [x] #1 a=b \"q\" ;");
  data = midway_profile_to_data (profile, &length);
  g_assert_cmpuint (length, ==, strlen (data));
  g_assert_true (g_str_has_prefix (data, "#"));

  /* Every field, in table order. */
  midway_profile_get_fields (&n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      g_autofree char *needle = g_strdup_printf ("\n%s=", midway_field_spec_get_key (midway_profile_get_field (i)));
      const char *at = strstr (data, needle);

      g_assert_nonnull (at);
      g_assert_true (previous == NULL || at > previous);
      previous = at;
    }

  parsed = midway_profile_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_true (midway_profile_equal (parsed, profile));
  g_assert_cmpstr (midway_profile_get_name (parsed), ==, "Büro \\ [x] #1 a=b \"q\" ;");

  /* And the defaults too. */
  {
    g_autoptr(MidwayProfile) minimal = new_minimal_profile ();
    g_autofree char *minimal_data = midway_profile_to_data (minimal, NULL);
    g_autoptr(MidwayProfile) minimal_parsed = midway_profile_new_from_data (minimal_data, -1, &error);

    g_assert_no_error (error);
    g_assert_true (midway_profile_equal (minimal_parsed, minimal));
  }
}

static void
test_variant_round_trip (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(MidwayProfile) parsed = NULL;
  g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (profile));
  g_autoptr(GVariant) port = NULL;
  g_autoptr(GVariant) reconnect = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_variant_is_of_type (asv, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpuint (g_variant_n_children (asv), ==, 22);
  port = g_variant_lookup_value (asv, "port", NULL);
  g_assert_true (g_variant_is_of_type (port, G_VARIANT_TYPE_UINT32));
  reconnect = g_variant_lookup_value (asv, "reconnect", NULL);
  g_assert_true (g_variant_is_of_type (reconnect, G_VARIANT_TYPE_BOOLEAN));

  parsed = midway_profile_new_from_variant (asv, &error);
  g_assert_no_error (error);
  g_assert_true (midway_profile_equal (parsed, profile));

  /* Also from untrusted serialised bytes, as a message would carry it. */
  {
    g_autoptr(GVariant) untrusted = untrusted_variant (G_VARIANT_TYPE_VARDICT,
                                                       g_variant_get_data (asv),
                                                       g_variant_get_size (asv));
    g_autoptr(MidwayProfile) from_bytes = midway_profile_new_from_variant (untrusted, &error);

    g_assert_no_error (error);
    g_assert_true (midway_profile_equal (from_bytes, profile));
  }
}

/* ------------------------------------------------------------------------ */
/* Cross-field checks */

static void
test_cross_field (void)
{
  g_autoptr(MidwayProfile) profile = new_minimal_profile ();
  g_autoptr(GError) error = NULL;

  set_ok (profile, "auth", "key-file");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "key-file: must be set when the authentication is “key-file”");
  g_clear_error (&error);

  set_ok (profile, "key-file", "/home/alice/.ssh/id_ed25519");
  g_assert_true (midway_profile_validate (profile, NULL));

  /* A key file with another method is kept, just unused. */
  set_ok (profile, "auth", "agent");
  g_assert_true (midway_profile_validate (profile, NULL));

  set_ok (profile, "local-address", "10.0.0.1");
  g_assert_true (midway_profile_validate (profile, NULL));
  set_ok (profile, "remote-address", "10.0.0.1");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "remote-address: must differ from the local address");
  g_clear_error (&error);

  set_ok (profile, "remote-address", "10.0.0.2");
  g_assert_true (midway_profile_validate (profile, NULL));
  set_ok (profile, "local-address", "");
  g_assert_true (midway_profile_validate (profile, NULL));

  /* IPv6 networks need IPv6CP. */
  set_ok (profile, "routes", "10.99.0.0/24,fd00:99::/64");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "routes: IPv6 networks need “ipv6” to be true");
  g_clear_error (&error);
  set_ok (profile, "ipv6", "true");
  g_assert_true (midway_profile_validate (profile, NULL));
  g_assert_cmpstr (midway_profile_get_routes (profile), ==, "10.99.0.0/24,fd00:99::/64");
  g_assert_true (midway_profile_get_ipv6 (profile));
  set_ok (profile, "routes", "");
  set_ok (profile, "ipv6", "false");

  /* So do IPv6 DNS servers. */
  set_ok (profile, "routes", "10.66.0.0/24,fd00:66::/64");
  set_ok (profile, "dns-servers", "10.66.0.2,fd00:66::2");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "routes: IPv6 networks need “ipv6” to be true");
  g_clear_error (&error);
  set_ok (profile, "routes", "10.66.0.0/24");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "dns-servers: IPv6 servers need “ipv6” to be true");
  g_clear_error (&error);
  set_ok (profile, "routes", "10.66.0.0/24,fd00:66::/64");
  set_ok (profile, "ipv6", "true");
  g_assert_true (midway_profile_validate (profile, NULL));
  g_assert_cmpstr (midway_profile_get_dns_servers (profile), ==, "10.66.0.2,fd00:66::2");
  set_ok (profile, "dns-servers", "");
  set_ok (profile, "routes", "");
  set_ok (profile, "ipv6", "false");
  set_ok (profile, "dns-search", "corp.example.com");
  set_ok (profile, "peer-dns", "true");
  g_assert_cmpstr (midway_profile_get_dns_search (profile), ==, "corp.example.com");
  g_assert_true (midway_profile_get_peer_dns (profile));
  set_ok (profile, "dns-search", "");
  set_ok (profile, "peer-dns", "false");
  g_assert_false (midway_profile_get_fail_closed (profile));
  set_ok (profile, "fail-closed", "true");
  g_assert_true (midway_profile_get_fail_closed (profile));
  set_ok (profile, "fail-closed", "false");
  g_assert_false (midway_profile_get_fail_closed (profile));

  /* The same through the a{sv}. */
  set_ok (profile, "auth", "key-file");
  set_ok (profile, "key-file", "");
  {
    g_autoptr(GVariant) asv = g_variant_ref_sink (midway_profile_to_variant (profile));
    g_autoptr(MidwayProfile) parsed = midway_profile_new_from_variant (asv, &error);

    g_assert_null (parsed);
    assert_field_error (error, "key-file");
  }
}

/* ------------------------------------------------------------------------ */
/* GObject, copies, files */

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (void)
{
  g_autoptr(MidwayProfile) profile = new_minimal_profile ();
  g_autofree char *auth = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GVariant) value = NULL;
  guint port = 0;
  gboolean reconnect = FALSE;
  guint n_notify = 0;

  g_signal_connect (profile, "notify::port", G_CALLBACK (count_notify), &n_notify);

  g_object_set (profile, "port", 2222, NULL);
  g_assert_cmpuint (midway_profile_get_port (profile), ==, 2222);
  g_assert_cmpuint (n_notify, ==, 1);

  /* No change, no notification. */
  g_object_set (profile, "port", 2222, NULL);
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_true (midway_profile_set_value (profile, "port", g_variant_new_uint32 (2222), NULL));
  g_assert_cmpuint (n_notify, ==, 1);
  g_assert_true (midway_profile_set_value (profile, "port", g_variant_new_uint32 (22), NULL));
  g_assert_cmpuint (n_notify, ==, 2);

  g_object_set (profile, "auth", "password", "name", "Home", "reconnect", FALSE, NULL);
  g_object_get (profile, "auth", &auth, "name", &name, "port", &port, "reconnect", &reconnect, NULL);
  g_assert_cmpstr (auth, ==, "password");
  g_assert_cmpint (midway_profile_get_auth (profile), ==, MIDWAY_AUTH_PASSWORD);
  g_assert_cmpstr (name, ==, "Home");
  g_assert_cmpuint (port, ==, 22);
  g_assert_false (reconnect);

  value = midway_profile_get_value (profile, "name");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "Home");
}

static void
test_properties_invalid (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(MidwayProfile) profile = new_minimal_profile ();

      /* g_test_init() makes warnings fatal; this one is expected. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
      g_object_set (profile, "host", "-oProxyCommand=x", NULL);
      g_assert_cmpstr (midway_profile_get_host (profile), ==, "vpn.example.com");
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* Quotes are left out: they depend on the locale's charset. */
  g_test_trap_assert_stderr ("*Ignoring invalid value for property*host: must not start with*");
}

static void
test_copy_equal (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(MidwayProfile) copy = midway_profile_copy (profile);

  g_assert_true (midway_profile_equal (profile, copy));
  set_ok (copy, "mtu", "1500");
  g_assert_false (midway_profile_equal (profile, copy));
  g_assert_cmpuint (midway_profile_get_mtu (profile), ==, 1300);
}

static void
test_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("midway-test-profile-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *fifo = NULL;
  g_autofree char *big = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(MidwayProfile) loaded = NULL;
  g_autoptr(MidwayProfile) invalid = midway_profile_new ();
  struct stat st;

  g_assert_no_error (error);
  path = g_build_filename (dir, "office.midway", NULL);
  fifo = g_build_filename (dir, "fifo", NULL);
  big = g_build_filename (dir, "big", NULL);
  missing = g_build_filename (dir, "missing", NULL);

  g_assert_true (midway_profile_save (profile, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  loaded = midway_profile_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (midway_profile_equal (loaded, profile));

  /* An invalid profile is never written: it could not be read back. */
  g_assert_false (midway_profile_save (invalid, path, &error));
  assert_field_error (error, "name");
  g_clear_error (&error);
  g_clear_object (&loaded);
  loaded = midway_profile_new_from_file (path, &error);
  g_assert_no_error (error);
  g_clear_object (&loaded);

  loaded = midway_profile_new_from_file (missing, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* Opening a FIFO must neither block nor read it. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  loaded = midway_profile_new_from_file (fifo, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_clear_error (&error);

  loaded = midway_profile_new_from_file (dir, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_clear_error (&error);

  {
    g_autofree char *contents = repeat_char ('#', 200 * 1024);

    g_assert_true (g_file_set_contents (big, contents, -1, NULL));
    loaded = midway_profile_new_from_file (big, &error);
    g_assert_null (loaded);
    assert_message (error, "the profile is larger than 64 KiB");
    g_clear_error (&error);
  }

  g_unlink (path);
  g_unlink (fifo);
  g_unlink (big);
  g_rmdir (dir);
}

/* The documented rule for "dns-servers": the peer's address, an address
 * in "routes", anything with "full-tunnel", never the ssh server. */
static void
test_dns_reach (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(GError) error = NULL;

  /* remote-address is 10.0.0.2 */
  set_ok (profile, "dns-servers", "10.0.0.2");
  g_assert_true (midway_profile_validate (profile, NULL));
  g_assert_cmpint (midway_profile_reach_of (profile, "10.0.0.2", "10.0.0.2"), ==, MIDWAY_REACH_TUNNEL);

  /* A public resolver, asked in the clear by every program. */
  set_ok (profile, "dns-servers", "10.0.0.2,192.0.2.53");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "dns-servers: “192.0.2.53” is not reached through the tunnel: a server "
                  "must be the peer’s address (remote-address) or in “routes”, and not the SSH server");
  g_clear_error (&error);
  set_ok (profile, "routes", "192.0.2.0/24");
  g_assert_true (midway_profile_validate (profile, NULL));
  set_ok (profile, "routes", "192.0.2.0/25,10.99.0.0/16");
  g_assert_true (midway_profile_validate (profile, NULL));
  set_ok (profile, "routes", "192.0.2.64/26");
  g_assert_false (midway_profile_validate (profile, NULL));
  set_ok (profile, "routes", "");
  set_ok (profile, "full-tunnel", "true");
  g_assert_true (midway_profile_validate (profile, NULL));

  /* The ssh server stays outside even a full tunnel. */
  set_ok (profile, "host", "192.0.2.53");
  g_assert_false (midway_profile_validate (profile, &error));
  g_assert_true (g_str_has_prefix (error->message, "dns-servers: “192.0.2.53” is not reached"));
  g_clear_error (&error);
  set_ok (profile, "host", "vpn.example.com");
  set_ok (profile, "full-tunnel", "false");

  /* A negotiated peer: only the link can tell. */
  set_ok (profile, "dns-servers", "10.0.0.9");
  set_ok (profile, "local-address", "");
  set_ok (profile, "remote-address", "");
  g_assert_true (midway_profile_validate (profile, NULL));
  g_assert_cmpint (midway_profile_reach_of (profile, "10.0.0.9", ""), ==, MIDWAY_REACH_UNKNOWN);
  g_assert_cmpint (midway_profile_reach_of (profile, "10.0.0.9", "10.0.0.9"), ==, MIDWAY_REACH_TUNNEL);
  g_assert_cmpint (midway_profile_reach_of (profile, "10.0.0.9", "10.0.0.2"), ==, MIDWAY_REACH_OUTSIDE);

  /* IPv6 has no peer address to name: routes or a full tunnel. */
  set_ok (profile, "ipv6", "true");
  set_ok (profile, "dns-servers", "fd00:66::2");
  g_assert_false (midway_profile_validate (profile, NULL));
  set_ok (profile, "routes", "fd00:66::/64");
  g_assert_true (midway_profile_validate (profile, NULL));
}

/* The peer's route would take the ssh session into the link it carries. */
static void
test_remote_is_server (void)
{
  g_autoptr(MidwayProfile) profile = new_full_profile ();
  g_autoptr(GError) error = NULL;

  set_ok (profile, "host", "192.0.2.2");
  g_assert_true (midway_profile_validate (profile, NULL));
  set_ok (profile, "remote-address", "192.0.2.2");
  g_assert_false (midway_profile_validate (profile, &error));
  assert_message (error, "remote-address: must not be the SSH server’s own address (host)");
}

static void
test_parse_network (void)
{
  guint8 address[16];
  guint family = 0, prefix = 0;
  static const guint8 fd00_99[16] = { 0xfd, 0x00, 0x00, 0x99 };

  g_assert_true (midway_profile_parse_network ("10.99.0.0/24", &family, address, &prefix));
  g_assert_cmpuint (family, ==, 4);
  g_assert_cmpuint (prefix, ==, 24);
  g_assert_cmpmem (address, 4, ((const guint8[]) { 10, 99, 0, 0 }), 4);

  g_assert_true (midway_profile_parse_network ("fd00:99::/64", &family, address, &prefix));
  g_assert_cmpuint (family, ==, 6);
  g_assert_cmpuint (prefix, ==, 64);
  g_assert_cmpmem (address, 16, fd00_99, 16);

  g_assert_true (midway_profile_parse_network ("10.1.2.3/32", &family, address, &prefix));
  g_assert_cmpuint (prefix, ==, 32);
  g_assert_false (midway_profile_parse_network ("10.1.2.3/31", &family, address, &prefix));
  g_assert_false (midway_profile_parse_network ("/24", &family, address, &prefix));
  g_assert_false (midway_profile_parse_network ("10.0.0.0/", &family, address, &prefix));
}

/* One rule for duplicate names, for the app and midwayctl alike. */
static void
test_names_equal (void)
{
  g_assert_true (midway_profile_names_equal ("Office", "Office"));
  g_assert_true (midway_profile_names_equal ("Office", "office"));
  g_assert_true (midway_profile_names_equal ("Büro", "BÜRO"));
  /* precomposed ü and u + combining diaeresis */
  g_assert_true (midway_profile_names_equal ("B\xc3\xbcro", "Bu\xcc\x88ro"));
  g_assert_false (midway_profile_names_equal ("Office", "Office 2"));
  g_assert_false (midway_profile_names_equal ("Office", "Offce"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/profile/defaults", test_defaults);
  g_test_add_func ("/profile/table", test_table);
  for (gsize i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *path = g_strdup_printf ("/profile/field-examples/%s/%zu", examples[i].key, i);

      g_test_add_data_func (path, &examples[i], test_field_example);
    }
  g_test_add_func ("/profile/messages", test_messages);
  for (gsize h = 0; h < G_N_ELEMENTS (hostile_values); h++)
    {
      g_autofree char *path = g_strdup_printf ("/profile/hostile-values/%zu", h);

      g_test_add_data_func (path, &hostile_values[h], test_hostile_value);
    }
  g_test_add_func ("/profile/huge-strings", test_huge_strings);
  g_test_add_func ("/profile/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/profile/untrusted-dictionary", test_untrusted_dictionary);
  g_test_add_func ("/profile/non-normal-values", test_non_normal_values);
  g_test_add_func ("/profile/wrong-types", test_wrong_types);
  g_test_add_func ("/profile/variant-structure/not-a-dictionary", test_variant_not_dictionary);
  g_test_add_func ("/profile/variant-structure/unknown-keys", test_variant_unknown_keys);
  g_test_add_func ("/profile/variant-structure/duplicate-keys", test_variant_duplicate_keys);
  g_test_add_func ("/profile/variant-structure/required", test_variant_required);
  g_test_add_func ("/profile/variant-structure/defaults", test_variant_defaults);
  g_test_add_func ("/profile/key-file/rejects", test_key_file_rejects);
  g_test_add_func ("/profile/key-file/bytes", test_key_file_bytes);
  g_test_add_func ("/profile/key-file/accepts", test_key_file_accepts);
  g_test_add_func ("/profile/key-file/without-id", test_key_file_without_id);
  g_test_add_func ("/profile/key-file/round-trip", test_key_file_round_trip);
  g_test_add_func ("/profile/variant/round-trip", test_variant_round_trip);
  g_test_add_func ("/profile/cross-field", test_cross_field);
  g_test_add_func ("/profile/properties", test_properties);
  g_test_add_func ("/profile/properties/invalid", test_properties_invalid);
  g_test_add_func ("/profile/copy-equal", test_copy_equal);
  g_test_add_func ("/profile/files", test_files);
  g_test_add_func ("/profile/parse-network", test_parse_network);
  g_test_add_func ("/profile/dns-reach", test_dns_reach);
  g_test_add_func ("/profile/remote-is-server", test_remote_is_server);
  g_test_add_func ("/profile/names-equal", test_names_equal);

  return g_test_run ();
}
