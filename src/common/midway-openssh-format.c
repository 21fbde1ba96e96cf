/* midway-openssh-format.c: OpenSSH's own private key format
 * ("openssh-key-v1", PROTOCOL.key in OpenSSH's sources), written for a new
 * Ed25519 key and read for any key.
 *
 * Reading stops at what the format keeps in the clear (the public key,
 * even when the rest is encrypted) and, for an unencrypted key, the
 * structure of the private part: the check numbers, every length, the
 * copies of the public key and the padding.  Whether OpenSSH can use the
 * key is ssh-keygen's to say (midway_ssh_key_check_async()).  Buffers that
 * held secret bytes are wiped before they are freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "midway-openssh-format.h"
#include "midway-ssh-key.h"

#define OPENSSH_MAGIC "openssh-key-v1"   /* and its NUL */
#define BEGIN_OPENSSH "-----BEGIN OPENSSH PRIVATE KEY-----"
#define END_OPENSSH "-----END OPENSSH PRIVATE KEY-----"
#define ED25519 "ssh-ed25519"
#define MAX_COMMENT_LENGTH 1024
/* ssh-keygen writes base64 lines of 70 characters. */
#define ARMOR_LINE_LENGTH 70

/* ---- Secret memory ------------------------------------------------------ */

typedef struct
{
  gsize  length;
  guint8 data[];
} SecretBuffer;

static void
secret_buffer_free (gpointer data)
{
  SecretBuffer *buffer = data;

  explicit_bzero (buffer->data, buffer->length);
  g_free (buffer);
}

GBytes *
midway_secret_bytes_new (gsize    length,
                         guint8 **data)
{
  SecretBuffer *buffer = g_malloc0 (sizeof (SecretBuffer) + length);

  buffer->length = length;
  *data = buffer->data;
  return g_bytes_new_with_free_func (buffer->data, length, secret_buffer_free, buffer);
}


GBytes *
midway_secret_bytes_new_copy (const void *data,
                              gsize       length)
{
  guint8 *out;
  GBytes *bytes = midway_secret_bytes_new (length, &out);

  if (length > 0)
    memcpy (out, data, length);
  return bytes;
}

/* ---- The binary format -------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  gsize         left;
} Reader;

static gboolean
read_u32 (Reader  *reader,
          guint32 *value)
{
  if (reader->left < 4)
    return FALSE;
  *value = ((guint32) reader->p[0] << 24) | ((guint32) reader->p[1] << 16) |
           ((guint32) reader->p[2] << 8) | reader->p[3];
  reader->p += 4;
  reader->left -= 4;
  return TRUE;
}

static gboolean
read_string (Reader        *reader,
             const guint8 **data,
             gsize         *length)
{
  guint32 n;

  if (!read_u32 (reader, &n) || n > reader->left)
    return FALSE;
  *data = reader->p;
  *length = n;
  reader->p += n;
  reader->left -= n;
  return TRUE;
}

static gboolean
string_equal (const guint8 *data,
              gsize         length,
              const char   *text)
{
  return length == strlen (text) && memcmp (data, text, length) == 0;
}

typedef struct
{
  guint8 *p;
  gsize   left;
} Writer;

static void
write_u32 (Writer *writer,
           guint32 value)
{
  g_assert (writer->left >= 4);
  writer->p[0] = value >> 24;
  writer->p[1] = value >> 16;
  writer->p[2] = value >> 8;
  writer->p[3] = value;
  writer->p += 4;
  writer->left -= 4;
}

static void
write_raw (Writer     *writer,
           const void *data,
           gsize       length)
{
  g_assert (writer->left >= length);
  if (length > 0)
    memcpy (writer->p, data, length);
  writer->p += length;
  writer->left -= length;
}

static void
write_string (Writer     *writer,
              const void *data,
              gsize       length)
{
  write_u32 (writer, length);
  write_raw (writer, data, length);
}

gboolean
midway_openssh_check_key_type (const guint8 *data,
                               gsize         length,
                               GError      **error)
{
  if (length == 0 || length > 64)
    goto invalid;
  for (gsize i = 0; i < length; i++)
    /* strchr() finds the terminating NUL too: a NUL byte would pass. */
    if (!g_ascii_isalnum (data[i]) && (data[i] == '\0' || strchr ("-_.@", data[i]) == NULL))
      goto invalid;
  return TRUE;

invalid:
  g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                       _("The key names no key type OpenSSH knows"));
  return FALSE;
}

gboolean
midway_openssh_check_comment (const char *comment,
                              gsize       length,
                              GError    **error)
{
  if (length > MAX_COMMENT_LENGTH || !g_utf8_validate (comment, length, NULL))
    goto invalid;
  for (gsize i = 0; i < length; i++)
    if (g_ascii_iscntrl (comment[i]))
      goto invalid;
  return TRUE;

invalid:
  g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
               _("The key comment must be text on one line of at most %d bytes"), MAX_COMMENT_LENGTH);
  return FALSE;
}

GBytes *
midway_openssh_ed25519_blob (const guint8 public_key[MIDWAY_ED25519_KEY_SIZE])
{
  guint8 blob[4 + sizeof ED25519 - 1 + 4 + MIDWAY_ED25519_KEY_SIZE];
  Writer writer = { blob, sizeof blob };

  write_string (&writer, ED25519, strlen (ED25519));
  write_string (&writer, public_key, MIDWAY_ED25519_KEY_SIZE);
  g_assert (writer.left == 0);
  return g_bytes_new (blob, sizeof blob);
}

GBytes *
midway_openssh_write_ed25519 (const guint8 public_key[MIDWAY_ED25519_KEY_SIZE],
                              const guint8 seed[MIDWAY_ED25519_KEY_SIZE],
                              const char  *comment,
                              guint32      check)
{
  g_autoptr(GBytes) blob = midway_openssh_ed25519_blob (public_key);
  g_autoptr(GBytes) binary = NULL;
  GBytes *armored;
  gsize comment_length = strlen (comment);
  gsize blob_length = g_bytes_get_size (blob);
  gsize private_length, padding, binary_length, armored_length, encoded_length;
  guint8 *out;
  char *encoded;
  Writer writer;

  /* check ints, type, public key, seed || public key, comment; then
   * padding 1, 2, 3, … to the cipher's block size (8 for "none"). */
  private_length = 8 + (4 + strlen (ED25519)) + (4 + MIDWAY_ED25519_KEY_SIZE) +
                   (4 + 2 * MIDWAY_ED25519_KEY_SIZE) + (4 + comment_length);
  padding = (8 - private_length % 8) % 8;
  private_length += padding;
  binary_length = sizeof OPENSSH_MAGIC + (4 + 4) + (4 + 4) + 4 + 4 +
                  (4 + blob_length) + (4 + private_length);

  binary = midway_secret_bytes_new (binary_length, &out);
  writer = (Writer) { out, binary_length };
  write_raw (&writer, OPENSSH_MAGIC, sizeof OPENSSH_MAGIC);
  write_string (&writer, "none", 4);
  write_string (&writer, "none", 4);
  write_string (&writer, "", 0);
  write_u32 (&writer, 1);
  write_string (&writer, g_bytes_get_data (blob, NULL), blob_length);
  write_u32 (&writer, private_length);
  write_u32 (&writer, check);
  write_u32 (&writer, check);
  write_string (&writer, ED25519, strlen (ED25519));
  write_string (&writer, public_key, MIDWAY_ED25519_KEY_SIZE);
  write_u32 (&writer, 2 * MIDWAY_ED25519_KEY_SIZE);
  write_raw (&writer, seed, MIDWAY_ED25519_KEY_SIZE);
  write_raw (&writer, public_key, MIDWAY_ED25519_KEY_SIZE);
  write_string (&writer, comment, comment_length);
  for (gsize i = 1; i <= padding; i++)
    {
      guint8 byte = i;

      write_raw (&writer, &byte, 1);
    }
  g_assert (writer.left == 0);

  encoded = g_base64_encode (g_bytes_get_data (binary, NULL), binary_length);
  encoded_length = strlen (encoded);
  armored_length = strlen (BEGIN_OPENSSH) + 1 + encoded_length +
                   (encoded_length + ARMOR_LINE_LENGTH - 1) / ARMOR_LINE_LENGTH +
                   strlen (END_OPENSSH) + 1;
  armored = midway_secret_bytes_new (armored_length, &out);
  writer = (Writer) { out, armored_length };
  write_raw (&writer, BEGIN_OPENSSH "\n", strlen (BEGIN_OPENSSH) + 1);
  for (gsize i = 0; i < encoded_length; i += ARMOR_LINE_LENGTH)
    {
      write_raw (&writer, encoded + i, MIN (ARMOR_LINE_LENGTH, encoded_length - i));
      write_raw (&writer, "\n", 1);
    }
  write_raw (&writer, END_OPENSSH "\n", strlen (END_OPENSSH) + 1);
  g_assert (writer.left == 0);
  explicit_bzero (encoded, encoded_length);
  g_free (encoded);
  return armored;
}

/* ---- Reading ------------------------------------------------------------ */

/* The base64 between the armor lines, decoded into wiped memory. */
static GBytes *
decode_armor (const char *text,
              gsize       length,
              GError    **error)
{
  const char *end = text + length;
  const char *body, *body_end, *after;
  GBytes *decoded;
  guint8 *out;
  char *clean;
  gsize n = 0, decoded_length;

  body = text + strlen (BEGIN_OPENSSH);
  body_end = g_strstr_len (body, end - body, END_OPENSSH);
  if (body_end == NULL)
    goto invalid;
  for (after = body_end + strlen (END_OPENSSH); after < end; after++)
    if (!g_ascii_isspace (*after))
      goto invalid;

  clean = g_malloc (body_end - body + 1);
  for (const char *p = body; p < body_end; p++)
    {
      if (g_ascii_isalnum (*p) || *p == '+' || *p == '/' || *p == '=')
        clean[n++] = *p;
      else if (!g_ascii_isspace (*p))
        {
          explicit_bzero (clean, n);
          g_free (clean);
          goto invalid;
        }
    }
  clean[n] = '\0';
  if (n == 0 || n % 4 != 0)
    {
      explicit_bzero (clean, n);
      g_free (clean);
      goto invalid;
    }
  g_base64_decode_inplace (clean, &decoded_length);
  decoded = midway_secret_bytes_new (decoded_length, &out);
  memcpy (out, clean, decoded_length);
  explicit_bzero (clean, n);
  g_free (clean);
  return decoded;

invalid:
  g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                       _("The OpenSSH private key is damaged: its text is not complete base64"));
  return NULL;
}

/* The fields of each key type between its type name and its comment. */
static int
private_field_count (const guint8 *type,
                     gsize         length)
{
  if (string_equal (type, length, ED25519))
    return 2;   /* public key, seed || public key */
  if (string_equal (type, length, "ssh-rsa"))
    return 6;   /* n, e, d, iqmp, p, q */
  if (string_equal (type, length, "ssh-dss"))
    return 5;   /* p, q, g, y, x */
  if (length > strlen ("ecdsa-sha2-") && memcmp (type, "ecdsa-sha2-", strlen ("ecdsa-sha2-")) == 0)
    return 3;   /* curve, point, scalar */
  return -1;
}

static gboolean
parse_binary (GBytes            *binary,
              MidwayOpensshInfo *info,
              GError           **error)
{
  gsize binary_length;
  Reader reader = { g_bytes_get_data (binary, &binary_length), 0 };
  Reader blob_reader, private_reader;
  const guint8 *cipher, *kdf, *kdf_options, *blob, *private_part, *type, *field, *comment = NULL;
  gsize cipher_length, kdf_length, kdf_options_length, blob_length, private_length, type_length,
        field_length, comment_length = 0;
  guint32 n_keys, check1, check2;
  gboolean encrypted;
  const char *damaged = NULL;

  reader.left = binary_length;
  if (reader.left < sizeof OPENSSH_MAGIC || memcmp (reader.p, OPENSSH_MAGIC, sizeof OPENSSH_MAGIC) != 0)
    {
      damaged = _("it does not start with “openssh-key-v1”");
      goto invalid;
    }
  reader.p += sizeof OPENSSH_MAGIC;
  reader.left -= sizeof OPENSSH_MAGIC;
  if (!read_string (&reader, &cipher, &cipher_length) ||
      !read_string (&reader, &kdf, &kdf_length) ||
      !read_string (&reader, &kdf_options, &kdf_options_length) ||
      !read_u32 (&reader, &n_keys) ||
      !read_string (&reader, &blob, &blob_length) ||
      !read_string (&reader, &private_part, &private_length))
    {
      damaged = _("it ends too early");
      goto invalid;
    }
  if (reader.left != 0)
    {
      damaged = _("it has bytes after its end");
      goto invalid;
    }
  if (n_keys != 1)
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                   _("The file holds %u keys; Midway takes a file with exactly one"), n_keys);
      return FALSE;
    }

  blob_reader = (Reader) { blob, blob_length };
  if (!read_string (&blob_reader, &type, &type_length) || blob_reader.left == 0)
    {
      damaged = _("its public key is cut short");
      goto invalid;
    }
  if (!midway_openssh_check_key_type (type, type_length, error))
    return FALSE;
  info->key_type = g_strndup ((const char *) type, type_length);
  info->public_blob = g_bytes_new (blob, blob_length);

  encrypted = !string_equal (cipher, cipher_length, "none");
  if (encrypted)
    {
      if (!string_equal (kdf, kdf_length, "bcrypt") || private_length == 0)
        {
          damaged = _("it names no key derivation OpenSSH uses");
          goto invalid;
        }
      info->encrypted = TRUE;
      return TRUE;
    }

  if (!string_equal (kdf, kdf_length, "none") || kdf_options_length != 0)
    {
      damaged = _("it is unencrypted but names a key derivation");
      goto invalid;
    }
  if (private_length % 8 != 0)
    {
      damaged = _("its private part has the wrong length");
      goto invalid;
    }
  private_reader = (Reader) { private_part, private_length };
  if (!read_u32 (&private_reader, &check1) || !read_u32 (&private_reader, &check2) || check1 != check2)
    {
      damaged = _("its check numbers differ");
      goto invalid;
    }
  if (!read_string (&private_reader, &field, &field_length) ||
      field_length != type_length || memcmp (field, type, type_length) != 0)
    {
      damaged = _("its private part is of another type than its public part");
      goto invalid;
    }
  if (string_equal (type, type_length, ED25519))
    {
      const guint8 *public_key, *secret, *blob_key;
      gsize public_length, secret_length, blob_key_length;

      /* Both copies of the public key, and the one in the secret half,
       * must be the same key. */
      if (!read_string (&blob_reader, &blob_key, &blob_key_length) || blob_reader.left != 0 ||
          blob_key_length != MIDWAY_ED25519_KEY_SIZE ||
          !read_string (&private_reader, &public_key, &public_length) ||
          !read_string (&private_reader, &secret, &secret_length) ||
          public_length != MIDWAY_ED25519_KEY_SIZE || secret_length != 2 * MIDWAY_ED25519_KEY_SIZE ||
          memcmp (public_key, blob_key, MIDWAY_ED25519_KEY_SIZE) != 0 ||
          memcmp (secret + MIDWAY_ED25519_KEY_SIZE, blob_key, MIDWAY_ED25519_KEY_SIZE) != 0)
        {
          damaged = _("its Ed25519 key parts do not match");
          goto invalid;
        }
    }
  else
    {
      int n_fields = private_field_count (type, type_length);

      for (int i = 0; i < n_fields; i++)
        if (!read_string (&private_reader, &field, &field_length))
          {
            damaged = _("its private part ends too early");
            goto invalid;
          }
      /* Security-key types and newer ones: their structure is for
       * ssh-keygen to check. */
      if (n_fields < 0)
        return TRUE;
    }
  if (!read_string (&private_reader, &comment, &comment_length))
    {
      damaged = _("its comment is cut short");
      goto invalid;
    }
  for (gsize i = 0; i < private_reader.left; i++)
    if (private_reader.p[i] != (guint8) (i + 1))
      {
        damaged = _("its padding is wrong");
        goto invalid;
      }
  if (!midway_openssh_check_comment ((const char *) comment, comment_length, error))
    return FALSE;
  info->comment = g_strndup ((const char *) comment, comment_length);
  return TRUE;

invalid:
  g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
               _("The OpenSSH private key is damaged: %s"), damaged);
  return FALSE;
}

/* Where the armor starts, past leading blank space; NULL for binary data. */
static const char *
key_text (GBytes  *data,
          gsize   *length,
          GError **error)
{
  const char *text = g_bytes_get_data (data, length);

  if (*length > MIDWAY_SSH_KEY_MAX_SIZE)
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                   _("The file is too large to be a private key (more than %d KiB)"),
                   MIDWAY_SSH_KEY_MAX_SIZE / 1024);
      return NULL;
    }
  if (*length == 0 || memchr (text, '\0', *length) != NULL)
    {
      g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                           _("The file is not a private key: it is empty or not text"));
      return NULL;
    }
  while (*length > 0 && g_ascii_isspace (*text))
    {
      text++;
      (*length)--;
    }
  return text;
}

static gboolean
has_prefix (const char *text,
            gsize       length,
            const char *prefix)
{
  return length >= strlen (prefix) && memcmp (text, prefix, strlen (prefix)) == 0;
}

/* "-----BEGIN … PRIVATE KEY-----" as its first line. */
static gboolean
is_pem_private_key (const char *text,
                    gsize       length)
{
  const char *line_end = memchr (text, '\n', length);
  gsize line_length = line_end != NULL ? (gsize) (line_end - text) : length;

  while (line_length > 0 && g_ascii_isspace (text[line_length - 1]))
    line_length--;
  return has_prefix (text, line_length, "-----BEGIN ") &&
         line_length >= strlen (" PRIVATE KEY-----") &&
         memcmp (text + line_length - strlen (" PRIVATE KEY-----"), " PRIVATE KEY-----",
                 strlen (" PRIVATE KEY-----")) == 0;
}

gboolean
midway_openssh_parse (GBytes            *data,
                      MidwayOpensshInfo *info,
                      GError           **error)
{
  g_autoptr(GBytes) binary = NULL;
  const char *text;
  gsize length;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (info, 0, sizeof *info);

  text = key_text (data, &length, error);
  if (text == NULL)
    return FALSE;
  if (has_prefix (text, length, BEGIN_OPENSSH))
    {
      binary = decode_armor (text, length, error);
      if (binary == NULL || !parse_binary (binary, info, error))
        {
          midway_openssh_info_clear (info);
          return FALSE;
        }
      return TRUE;
    }
  if (is_pem_private_key (text, length))
    {
      g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_UNSUPPORTED,
                           _("The key is not in OpenSSH’s own format"));
      return FALSE;
    }
  if (has_prefix (text, length, "ssh-") || has_prefix (text, length, "ecdsa-") ||
      has_prefix (text, length, "sk-"))
    g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                         _("This is a public key: choose the private key file (the one without “.pub”)"));
  else
    g_set_error_literal (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                         _("The file is not a private key"));
  return FALSE;
}

gboolean
midway_openssh_is_encrypted_pem (GBytes *data)
{
  gsize length;
  const char *text = key_text (data, &length, NULL);

  /* Legacy PEM ("Proc-Type: 4,ENCRYPTED") and PKCS#8 ("BEGIN ENCRYPTED"). */
  return text != NULL && is_pem_private_key (text, length) &&
         g_strstr_len (text, length, "ENCRYPTED") != NULL;
}

void
midway_openssh_info_clear (MidwayOpensshInfo *info)
{
  g_clear_pointer (&info->key_type, g_free);
  g_clear_pointer (&info->public_blob, g_bytes_unref);
  g_clear_pointer (&info->comment, g_free);
  info->encrypted = FALSE;
}
