/* test-ssh-key.c: keys made and read by midway-ssh-key.c, judged by the
 * real ssh-keygen (and visudo for the sudoers line).  The tests write keys
 * to a temporary directory of their own, as ssh-keygen needs files; the
 * library itself never writes one.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "midway-argv.h"
#include "midway-ssh-key.h"
#include "midway-test-kit.h"

static char *tmp_dir;

static char *
write_temp (const char *name,
            GBytes     *data)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_dir, name, NULL);
  gsize length;
  const char *bytes = g_bytes_get_data (data, &length);

  g_assert_true (g_file_set_contents_full (path, bytes, length, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  return path;
}

static char *
write_temp_line (const char *name,
                 const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  g_autoptr(GBytes) data = g_bytes_new (text, strlen (text));

  return write_temp (name, data);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* ssh-keygen -t TYPE … -f tmp/NAME; returns the private key's path. */
static char *
make_key (const char *name,
          const char *type,
          const char *passphrase,
          const char *comment,
          gboolean    pem)
{
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autofree char *pub = g_strconcat (path, ".pub", NULL);
  g_autofree char *out = NULL;
  const char *argv[16] = { keygen, "-q", "-t", type, "-N", passphrase, "-C", comment, "-f", path, NULL };

  if (pem)
    {
      argv[10] = "-m";
      argv[11] = "PEM";
      argv[12] = NULL;
    }
  g_unlink (path);
  g_unlink (pub);
  out = midway_test_run (argv);
  return path;
}

static char *
public_file_line (const char *private_path)
{
  g_autofree char *pub = g_strconcat (private_path, ".pub", NULL);
  g_autoptr(GBytes) data = read_file (pub);

  return g_strchomp (g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data)));
}

typedef struct
{
  MidwaySshKey *key;
  GError       *error;
  gboolean      done;
} CheckResult;

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CheckResult *check = user_data;

  check->key = midway_ssh_key_check_finish (result, &check->error);
  check->done = TRUE;
}

static MidwaySshKey *
check_sync (GBytes     *data,
            const char *passphrase,
            GError    **error)
{
  CheckResult check = { 0 };

  midway_ssh_key_check_async (data, passphrase, NULL, on_checked, &check);
  while (!check.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true ((check.key == NULL) != (check.error == NULL));
  if (check.error != NULL)
    g_propagate_error (error, check.error);
  return check.key;
}

static void
test_generate (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwaySshKey) other = NULL;
  g_autoptr(MidwaySshKey) parsed = NULL;
  g_autoptr(MidwaySshKey) checked = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *path = NULL;
  g_autofree char *public_line = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *expected = NULL;
  const char *text;

  key = midway_ssh_key_generate_ed25519 ("midway-Office", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_ssh_key_get_key_type (key), ==, "ssh-ed25519");
  g_assert_cmpstr (midway_ssh_key_get_comment (key), ==, "midway-Office");
  g_assert_false (midway_ssh_key_is_encrypted (key));
  g_assert_true (g_str_has_prefix (midway_ssh_key_get_public_line (key), "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
  g_assert_true (g_str_has_suffix (midway_ssh_key_get_public_line (key), " midway-Office"));

  data = midway_ssh_key_dup_private_data (key);
  text = g_bytes_get_data (data, NULL);
  g_assert_true (g_str_has_prefix (text, "-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  /* Lines of 70 base64 characters, as ssh-keygen writes them. */
  g_assert_cmpint (strchr (text + 36, '\n') - (text + 36), ==, 70);

  /* The real ssh-keygen reads it and derives the same public key… */
  path = write_temp ("generated", data);
  public_line = midway_test_run ((const char *[]) { keygen, "-y", "-f", path, NULL });
  g_assert_cmpstr (public_line, ==, midway_ssh_key_get_public_line (key));
  /* …with the same fingerprint. */
  listing = midway_test_run ((const char *[]) { keygen, "-l", "-E", "sha256", "-f", path, NULL });
  expected = g_strdup_printf ("256 %s midway-Office (ED25519)", midway_ssh_key_get_fingerprint (key));
  g_assert_cmpstr (listing, ==, expected);

  /* Our own parser and the check through ssh-keygen agree. */
  parsed = midway_ssh_key_new_from_private_data (data, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_ssh_key_get_public_line (parsed), ==, midway_ssh_key_get_public_line (key));
  g_assert_cmpstr (midway_ssh_key_get_fingerprint (parsed), ==, midway_ssh_key_get_fingerprint (key));
  checked = check_sync (data, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_ssh_key_get_public_line (checked), ==, midway_ssh_key_get_public_line (key));

  /* Every key is new. */
  other = midway_ssh_key_generate_ed25519 ("midway-Office", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_ssh_key_get_public_line (other), !=, midway_ssh_key_get_public_line (key));

  /* Padding to 8 bytes for every comment length. */
  for (guint length = 0; length < 9; length++)
    {
      g_autofree char *comment = g_strnfill (length, 'c');
      g_autoptr(MidwaySshKey) sized = midway_ssh_key_generate_ed25519 (comment, &error);
      g_autoptr(GBytes) sized_data = NULL;
      g_autofree char *sized_path = NULL;
      g_autofree char *sized_line = NULL;

      g_assert_no_error (error);
      sized_data = midway_ssh_key_dup_private_data (sized);
      sized_path = write_temp ("sized", sized_data);
      sized_line = midway_test_run ((const char *[]) { keygen, "-y", "-f", sized_path, NULL });
      g_assert_cmpstr (sized_line, ==, midway_ssh_key_get_public_line (sized));
    }

  /* A comment that would break the public line is refused. */
  g_assert_null (midway_ssh_key_generate_ed25519 ("two\nlines", &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
}

static void
assert_imports (const char *name,
                const char *type,
                const char *passphrase,
                gboolean    pem)
{
  g_autofree char *path = make_key (name, type, passphrase, "imported-comment", pem);
  g_autofree char *expected = public_file_line (path);
  g_autoptr(GBytes) data = read_file (path);
  g_autoptr(MidwaySshKey) parsed = NULL;
  g_autoptr(MidwaySshKey) checked = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) words = g_strsplit (expected, " ", 3);
  g_autofree char *without_comment = g_strdup_printf ("%s %s", words[0], words[1]);
  gboolean encrypted = *passphrase != '\0';

  parsed = midway_ssh_key_new_from_private_data (data, &error);
  if (pem)
    {
      g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_UNSUPPORTED);
      g_clear_error (&error);
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpint (midway_ssh_key_is_encrypted (parsed), ==, encrypted);
      /* Encrypted keys keep their comment in the encrypted part. */
      g_assert_cmpstr (midway_ssh_key_get_public_line (parsed), ==, encrypted ? without_comment : expected);
    }

  if (encrypted)
    {
      g_assert_null (check_sync (data, NULL, &error));
      g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE);
      g_assert_cmpstr (error->message, ==, "The key is protected by a passphrase");
      g_clear_error (&error);
      g_assert_null (check_sync (data, "not the passphrase", &error));
      g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE);
      g_assert_cmpstr (error->message, ==, "The passphrase is wrong");
      g_clear_error (&error);
    }
  checked = check_sync (data, encrypted ? passphrase : NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (midway_ssh_key_is_encrypted (checked), ==, encrypted);
  g_assert_cmpstr (midway_ssh_key_get_key_type (checked), ==, words[0]);
  /* PEM files keep no comment. */
  g_assert_cmpstr (midway_ssh_key_get_public_line (checked), ==, pem ? without_comment : expected);
  {
    g_autoptr(GBytes) stored = midway_ssh_key_dup_private_data (checked);

    g_assert_true (g_bytes_equal (stored, data));
  }
  if (parsed != NULL)
    g_assert_cmpstr (midway_ssh_key_get_fingerprint (checked), ==, midway_ssh_key_get_fingerprint (parsed));
}

static void
test_import (void)
{
  assert_imports ("ed25519", "ed25519", "", FALSE);
  assert_imports ("rsa", "rsa", "", FALSE);
  assert_imports ("ecdsa", "ecdsa", "", FALSE);
  assert_imports ("ed25519-protected", "ed25519", "correct horse", FALSE);
  assert_imports ("rsa-pem", "rsa", "", TRUE);
  assert_imports ("rsa-pem-protected", "rsa", "correct horse", TRUE);
}

#define TEXT(literal) g_bytes_new_static ((literal), sizeof (literal) - 1)

/* Takes @data. */
static void
assert_invalid (GBytes     *data,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(MidwaySshKey) key = midway_ssh_key_new_from_private_data (data, &error);

  g_assert_null (key);
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message_part);
  g_assert_null (check_sync (data, NULL, &check_error));
  g_assert_error (check_error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
  g_bytes_unref (data);
}

static GBytes *
armor (const guint8 *binary,
       gsize         length)
{
  g_autofree char *encoded = g_base64_encode (binary, length);
  char *text = g_strdup_printf ("-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n-----END OPENSSH PRIVATE KEY-----\n",
                                encoded);

  return g_bytes_new_take (text, strlen (text));
}

static void
test_invalid_texts (void)
{
  g_autofree char *overlong = NULL;

  assert_invalid (TEXT (""), "empty");
  assert_invalid (TEXT ("\0\1\2"), "not text");
  assert_invalid (TEXT ("hello world\n"), "not a private key");
  assert_invalid (TEXT ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 x\n"), "public key");
  assert_invalid (TEXT ("-----BEGIN OPENSSH PRIVATE KEY-----\n"), "damaged");
  assert_invalid (TEXT ("-----BEGIN OPENSSH PRIVATE KEY-----\n!!!!\n-----END OPENSSH PRIVATE KEY-----\n"),
                  "base64");

  overlong = g_strnfill (MIDWAY_SSH_KEY_MAX_SIZE + 1, 'A');
  memcpy (overlong, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36);
  assert_invalid (g_bytes_new (overlong, MIDWAY_SSH_KEY_MAX_SIZE + 1), "too large");
}

/* A fresh key's private data, its text and the decoded binary between
 * the armour lines. */
typedef struct
{
  MidwaySshKey *key;
  GBytes       *data;
  const char   *text;
  guchar       *binary;
  gsize         binary_length;
} Decoded;

static void
decoded_clear (Decoded *decoded)
{
  g_clear_object (&decoded->key);
  g_clear_pointer (&decoded->data, g_bytes_unref);
  g_clear_pointer (&decoded->binary, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Decoded, decoded_clear)

static void
decode_new_key (Decoded *decoded)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  const char *start, *end;

  decoded->key = midway_ssh_key_generate_ed25519 ("cut", &error);
  g_assert_no_error (error);
  decoded->data = midway_ssh_key_dup_private_data (decoded->key);
  decoded->text = g_bytes_get_data (decoded->data, NULL);
  start = strchr (decoded->text, '\n') + 1;
  end = strstr (decoded->text, "-----END");
  body = g_strndup (start, end - start);
  decoded->binary = g_base64_decode (body, &decoded->binary_length);
}

static void
test_invalid_cut_text (void)
{
  g_auto(Decoded) decoded = { 0 };
  g_autoptr(GError) error = NULL;
  GBytes *data;
  const char *text;

  decode_new_key (&decoded);
  data = decoded.data;
  text = decoded.text;
  /* Text cut anywhere. */
  for (gsize length = 1; length < g_bytes_get_size (data) - 2; length += 7)
    {
      g_autoptr(GBytes) cut = g_bytes_new (text, length);

      g_assert_null (midway_ssh_key_new_from_private_data (cut, &error));
      g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
      g_clear_error (&error);
    }
}

/* The decoded key cut, grown or with any one byte changed: the check
 * numbers, lengths, key copies and padding leave no byte unchecked but
 * the comment's and the secret's. */
static void
test_invalid_cut_binary (void)
{
  g_auto(Decoded) decoded = { 0 };
  g_autoptr(GError) error = NULL;
  guchar *binary;
  gsize binary_length;
  GBytes *bytes;

  decode_new_key (&decoded);
  binary = decoded.binary;
  binary_length = decoded.binary_length;
  for (gsize length = 0; length < binary_length; length++)
    {
      bytes = armor (binary, length);
      g_assert_null (midway_ssh_key_new_from_private_data (bytes, &error));
      g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
      g_clear_error (&error);
      g_bytes_unref (bytes);
    }
  {
    g_autofree guchar *longer = g_malloc0 (binary_length + 8);

    memcpy (longer, binary, binary_length);
    bytes = armor (longer, binary_length + 8);
    assert_invalid (bytes, "bytes after its end");
  }
}

static void
test_invalid_changed_byte (void)
{
  g_auto(Decoded) decoded = { 0 };
  g_autoptr(GError) error = NULL;
  MidwaySshKey *key;
  guchar *binary;
  gsize binary_length;
  GBytes *bytes;

  decode_new_key (&decoded);
  key = decoded.key;
  binary = decoded.binary;
  binary_length = decoded.binary_length;
  for (gsize i = 0; i < binary_length; i++)
    {
      g_autoptr(MidwaySshKey) changed = NULL;

      binary[i] ^= 0x01;
      bytes = armor (binary, binary_length);
      changed = midway_ssh_key_new_from_private_data (bytes, &error);
      if (changed != NULL)
        {
          /* Only a byte of the comment, the check numbers (both equal
           * again only if both change) or the seed can change unnoticed;
           * the public key never does. */
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (midway_ssh_key_get_public_blob (changed),
                                        midway_ssh_key_get_public_blob (key)));
        }
      else
        {
          g_assert_true (g_error_matches (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID));
          g_clear_error (&error);
        }
      binary[i] ^= 0x01;
      g_bytes_unref (bytes);
    }
}

static void
test_invalid_pem (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  /* Not openssh-key-v1 but PEM: ssh-keygen's verdict, in plain words. */
  bytes = TEXT ("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
  g_assert_null (midway_ssh_key_new_from_private_data (bytes, &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_null (check_sync (bytes, NULL, &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "OpenSSH cannot use this key: "));
  g_clear_error (&error);
  g_assert_null (check_sync (bytes, "two\nlines", &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE);
  g_bytes_unref (bytes);
}

/* The profile the server lines are written for, with IPv6 and a remote
 * command when asked; its key's comment is checked once, here. */
static MidwayProfile *
server_profile (MidwaySshKey **key,
                gboolean       ipv6,
                const char    *remote_command)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *comment = NULL;

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, "Office VPN", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_USER, "mwsrv", &error));
  g_assert_no_error (error);
  comment = midway_ssh_key_comment_for_profile (profile);
  g_assert_cmpstr (comment, ==, "midway-Office-VPN");
  *key = midway_ssh_key_generate_ed25519 (comment, &error);
  g_assert_no_error (error);
  if (ipv6)
    {
      g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_IPV6, "true", &error));
      g_assert_no_error (error);
    }
  if (remote_command != NULL)
    {
      g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_REMOTE_COMMAND, remote_command,
                                                     &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&profile);
}

static char *
visudo_path (void)
{
  char *visudo = g_find_program_in_path ("visudo");

  return visudo != NULL ? visudo : g_strdup ("/usr/sbin/visudo");
}

/* The key runs exactly what the helper sends, and nothing else. */
static void
test_server_lines_plain (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwayProfile) profile = server_profile (&key, FALSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *line = NULL;
  g_autofree char *sudoers = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *path = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *visudo = visudo_path ();
  g_auto(GStrv) words = NULL;

  line = midway_ssh_key_dup_authorized_keys_line (key, profile);
  words = g_strsplit (midway_ssh_key_get_public_line (key), " ", 3);
  expected = g_strdup_printf ("restrict,command=\"sudo -n pppd nodetach notty noauth\" %s %s midway-Office-VPN",
                              words[0], words[1]);
  g_assert_cmpstr (line, ==, expected);
  /* ssh-keygen reads authorized_keys lines, options and all. */
  path = write_temp_line ("authorized_keys", line);
  listing = midway_test_run ((const char *[]) { keygen, "-l", "-E", "sha256", "-f", path, NULL });
  g_assert_nonnull (strstr (listing, midway_ssh_key_get_fingerprint (key)));

  sudoers = midway_ssh_key_dup_sudoers_line (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sudoers, ==, "mwsrv ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth");
  g_clear_pointer (&path, g_free);
  g_clear_pointer (&listing, g_free);
  path = write_temp_line ("sudoers", sudoers);
  listing = midway_test_run ((const char *[]) { visudo, "-c", "-q", "-f", path, NULL });
}

/* IPv6 adds an option on both lines. */
static void
test_server_lines_ipv6 (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwayProfile) profile = server_profile (&key, TRUE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *sudoers = NULL;

  line = midway_ssh_key_dup_authorized_keys_line (key, profile);
  g_assert_true (g_str_has_prefix (line, "restrict,command=\"sudo -n pppd nodetach notty noauth +ipv6\" ssh-ed25519 "));
  sudoers = midway_ssh_key_dup_sudoers_line (profile, &error);
  g_assert_cmpstr (sudoers, ==, "mwsrv ALL=(root) NOPASSWD: /usr/sbin/pppd nodetach notty noauth +ipv6");
}

/* A path, a runas user and characters sudoers treats specially. */
static void
test_server_lines_special (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwayProfile) profile = server_profile (&key, TRUE,
                                                     "sudo -n -u pppuser /usr/local/sbin/pppd file=/etc/ppp/a,b");
  g_autoptr(GError) error = NULL;
  g_autofree char *sudoers = NULL;
  g_autofree char *path = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *visudo = visudo_path ();

  sudoers = midway_ssh_key_dup_sudoers_line (profile, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sudoers, ==,
                   "mwsrv ALL=(pppuser) NOPASSWD: /usr/local/sbin/pppd file\\=/etc/ppp/a\\,b nodetach notty noauth +ipv6");
  path = write_temp_line ("sudoers", sudoers);
  listing = midway_test_run ((const char *[]) { visudo, "-c", "-q", "-f", path, NULL });
}

/* The forced command is word for word what the helper's ssh sends. */
static void
test_server_lines_forced_command (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwayProfile) profile = server_profile (&key, TRUE,
                                                     "sudo -n -u pppuser /usr/local/sbin/pppd file=/etc/ppp/a,b");
  g_autoptr(GError) error = NULL;
  const MidwaySshArgs args = { .ssh_path = "/usr/bin/ssh" };
  g_auto(GStrv) argv = NULL;
  g_autofree char *sent = NULL;
  g_autofree char *forced = NULL;
  g_autofree char *line = NULL;
  guint i = 0;

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", &error));
  g_assert_no_error (error);
  argv = midway_argv_build_ssh (profile, &args, &error);
  g_assert_no_error (error);
  while (g_strcmp0 (argv[i], "--") != 0)
    i++;
  sent = g_strjoinv (" ", argv + i + 2);
  forced = g_strdup_printf ("restrict,command=\"%s\" ", sent);
  line = midway_ssh_key_dup_authorized_keys_line (key, profile);
  g_assert_true (g_str_has_prefix (line, forced));
}

/* No sudo, no sudoers line, and a clear reason. */
static void
test_server_lines_no_sudo (void)
{
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwayProfile) profile = server_profile (&key, TRUE, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_REMOTE_COMMAND, "pppd", &error));
  g_assert_null (midway_ssh_key_dup_sudoers_line (profile, &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NO_SUDO);
  g_clear_error (&error);
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_REMOTE_COMMAND, "sudo -C 5 pppd", &error));
  g_assert_null (midway_ssh_key_dup_sudoers_line (profile, &error));
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  tmp_dir = g_dir_make_tmp ("midway-test-ssh-key-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/ssh-key/generate", test_generate);
  g_test_add_func ("/ssh-key/import", test_import);
  g_test_add_func ("/ssh-key/invalid/texts", test_invalid_texts);
  g_test_add_func ("/ssh-key/invalid/cut-text", test_invalid_cut_text);
  g_test_add_func ("/ssh-key/invalid/cut-or-grown-binary", test_invalid_cut_binary);
  g_test_add_func ("/ssh-key/invalid/changed-byte", test_invalid_changed_byte);
  g_test_add_func ("/ssh-key/invalid/pem", test_invalid_pem);
  g_test_add_func ("/ssh-key/server-lines/plain", test_server_lines_plain);
  g_test_add_func ("/ssh-key/server-lines/ipv6", test_server_lines_ipv6);
  g_test_add_func ("/ssh-key/server-lines/special-characters", test_server_lines_special);
  g_test_add_func ("/ssh-key/server-lines/forced-command", test_server_lines_forced_command);
  g_test_add_func ("/ssh-key/server-lines/no-sudo", test_server_lines_no_sudo);

  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  return status;
}
