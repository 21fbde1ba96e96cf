/* test-host-key.c: host key fingerprints against ssh-keygen's own, and
 * ssh-keyscan lines, well-formed and hostile.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-host-key.h"

#define ED25519_KEY \
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"
#define ECDSA_KEY \
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFBCCQRqrYy0U6mBXGoyeKU5M5b8" \
  "qj/kLKXKu5Acv84xrcyzbPgSnSGSR1C2WG6QNPtyTAvHtt6sNGFHrZWMfjg="

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

/* A fresh key of each type from ssh-keygen, and its fingerprint as
 * ssh-keygen -lf prints it. */
static void
test_fingerprint_matches_ssh_keygen (void)
{
  static const char * const types[][2] = {
    { "ed25519", "256" },
    { "ecdsa", "256" },
    { "ecdsa", "384" },
    { "ecdsa", "521" },
    { "rsa", "2048" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = g_dir_make_tmp ("midway-host-key-XXXXXX", &error);

  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autofree char *name = g_strdup_printf ("key-%s-%s", types[i][0], types[i][1]);
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *public_path = g_strconcat (path, ".pub", NULL);
      const char * const keygen[] = {
        "ssh-keygen", "-q", "-t", types[i][0], "-b", types[i][1], "-N", "", "-C", "test@midway",
        "-f", path, NULL
      };
      const char * const list[] = { "ssh-keygen", "-l", "-E", "sha256", "-f", public_path, NULL };
      g_autofree char *listed = NULL;
      g_autofree char *public_text = NULL;
      g_autofree char *fingerprint = NULL;
      g_autofree char *type = NULL;
      g_auto(GStrv) listed_fields = NULL;
      g_auto(GStrv) public_fields = NULL;
      g_autofree char *host_key = NULL;

      g_free (run (keygen));
      listed = run (list);
      g_assert_true (g_file_get_contents (public_path, &public_text, NULL, &error));
      g_assert_no_error (error);
      /* "type base64 comment\n": the profile's form is the first two. */
      public_fields = g_strsplit (g_strchomp (public_text), " ", 3);
      g_assert_cmpuint (g_strv_length (public_fields), ==, 3);
      host_key = g_strdup_printf ("%s %s", public_fields[0], public_fields[1]);

      /* "256 SHA256:… test@midway (ED25519)" */
      listed_fields = g_strsplit (listed, " ", 3);
      g_assert_cmpuint (g_strv_length (listed_fields), ==, 3);
      g_assert_true (g_str_has_prefix (listed_fields[1], "SHA256:"));

      g_assert_true (midway_host_key_validate (host_key, &error));
      g_assert_no_error (error);
      fingerprint = midway_host_key_dup_fingerprint (host_key, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (fingerprint, ==, listed_fields[1]);

      type = midway_host_key_dup_type (host_key);
      g_assert_cmpstr (type, ==, public_fields[0]);

      g_assert_cmpint (g_remove (path), ==, 0);
      g_assert_cmpint (g_remove (public_path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (directory), ==, 0);
}

static void
test_fingerprint_refuses_invalid (void)
{
  static const char * const invalid[] = {
    "",
    "ssh-ed25519",
    "ssh-ed25519 ",
    ED25519_KEY " comment",
    "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
    /* A valid ed25519 blob under another type name. */
    "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEaz=",
    "ssh-ed25519 !!!!",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *fingerprint = midway_host_key_dup_fingerprint (invalid[i], &error);

      g_assert_null (fingerprint);
      g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
      g_assert_true (g_str_has_prefix (error->message, "host-key: "));
    }
}

static void
test_rank_and_name (void)
{
  g_autofree char *default_port = midway_host_key_dup_known_hosts_name ("vpn.example.org", 22);
  g_autofree char *other_port = midway_host_key_dup_known_hosts_name ("2001:db8::1", 2222);

  g_assert_cmpuint (midway_host_key_type_rank (ED25519_KEY), <, midway_host_key_type_rank (ECDSA_KEY));
  g_assert_cmpuint (midway_host_key_type_rank (ECDSA_KEY), <, midway_host_key_type_rank ("ssh-rsa AAAA"));
  g_assert_cmpstr (default_port, ==, "vpn.example.org");
  g_assert_cmpstr (other_port, ==, "[2001:db8::1]:2222");
}

static void
test_keyscan_line_valid (void)
{
  static const char * const lines[][3] = {
    { "vpn.example.org " ED25519_KEY, "vpn.example.org", ED25519_KEY },
    { "[127.0.0.1]:2222 " ECDSA_KEY, "[127.0.0.1]:2222", ECDSA_KEY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = NULL;
      g_autofree char *host_key = NULL;

      g_assert_true (midway_host_key_parse_keyscan_line (lines[i][0], strlen (lines[i][0]),
                                                         &name, &host_key, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, lines[i][1]);
      g_assert_cmpstr (host_key, ==, lines[i][2]);
    }
}

static void
assert_refused (const char *line,
                gsize       length)
{
  g_autoptr(GError) error = NULL;
  char *name = NULL;
  char *host_key = NULL;

  if (midway_host_key_parse_keyscan_line (line, length, &name, &host_key, &error))
    g_error ("accepted a hostile line: “%s”", line);
  g_assert_null (name);
  g_assert_null (host_key);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
  /* Whatever the line held, the message is short and printable ASCII
   * (and the "…" of a cut). */
  g_assert_cmpuint (strlen (error->message), <, 400);
  for (const char *p = error->message; *p != '\0'; p = g_utf8_next_char (p))
    g_assert_true (g_unichar_isprint (g_utf8_get_char (p)));
}

static void
test_keyscan_line_hostile (void)
{
  static const char * const lines[] = {
    "",
    " ",
    "vpn.example.org",
    "vpn.example.org ssh-ed25519",
    "# vpn.example.org:22 SSH-2.0-OpenSSH_9.2p1",
    " vpn.example.org " ED25519_KEY,
    "vpn.example.org  " ED25519_KEY,
    "vpn.example.org " ED25519_KEY " ",
    "vpn.example.org " ED25519_KEY " root@server",
    "vpn.example.org\t" ED25519_KEY,
    "vpn.example.org " ED25519_KEY "\r",
    "@cert-authority " ED25519_KEY,
    "@revoked vpn.example.org " ED25519_KEY,
    "|1|c2FsdA==|aGFzaA== " ED25519_KEY,
    "vpn.example.org ssh-dss AAAAB3NzaC1kc3MAAACBAP",
    "vpn.example.org ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF",
    "vpn.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEa",
    "vpn.example.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF==",
    "vpn.example.org ssh-ed25519 \x1b[2JAAAA",
    "v\xc3\xa9pn.example.org " ED25519_KEY,
    "vpn.example.org ssh-ed25519 \xe2\x80\xae" "AAAA",
  };
  g_autofree char *long_line = NULL;
  g_autofree char *with_nul = NULL;
  gsize nul_length;

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    assert_refused (lines[i], strlen (lines[i]));

  /* A NUL inside: the length, not strlen(), is the line. */
  with_nul = g_strdup ("vpn.example.org " ED25519_KEY "X");
  nul_length = strlen (with_nul);
  with_nul[16] = '\0';
  assert_refused (with_nul, nul_length);

  /* Past the size limit, even if it looks like a key. */
  long_line = g_strnfill (MIDWAY_HOST_KEY_LINE_MAX + 1, 'A');
  memcpy (long_line, "h ssh-rsa ", 10);
  assert_refused (long_line, strlen (long_line));
}

static void
test_describe_mismatch (void)
{
  g_autofree char *text = midway_host_key_describe_mismatch ("SHA256:aaa", "SHA256:bbb");

  g_assert_cmpstr (text, ==, "pinned SHA256:aaa, server now presents SHA256:bbb");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/host-key/fingerprint/ssh-keygen", test_fingerprint_matches_ssh_keygen);
  g_test_add_func ("/host-key/fingerprint/invalid", test_fingerprint_refuses_invalid);
  g_test_add_func ("/host-key/rank-and-name", test_rank_and_name);
  g_test_add_func ("/host-key/keyscan-line/valid", test_keyscan_line_valid);
  g_test_add_func ("/host-key/keyscan-line/hostile", test_keyscan_line_hostile);
  g_test_add_func ("/host-key/describe-mismatch", test_describe_mismatch);

  return g_test_run ();
}
