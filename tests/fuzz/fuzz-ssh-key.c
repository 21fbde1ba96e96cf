/* fuzz-ssh-key.c: the openssh-key-v1 reader, on a private key file the
 * user picked (or was sent), and the lines made from whatever it accepts.
 * ssh-keygen (midway_ssh_key_check_async()) is not run: it is not ours,
 * and a process per input would make fuzzing pointless.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-invariants.h"
#include "midway-ssh-key.h"

static MidwayProfile *profile;

G_GNUC_NORETURN static void
fail (const char *what,
      const char *text)
{
  fprintf (stderr, "fuzz invariant broken: %s\n  text: «%s»\n", what, text ? text : "");
  abort ();
}

static void
init_profile (void)
{
  g_autoptr(GError) error = NULL;

  if (profile != NULL)
    return;
  profile = midway_profile_new ();
  if (!midway_profile_set_from_string (profile, "name", "Fuzz", &error) ||
      !midway_profile_set_from_string (profile, "host", "vpn.example.com", &error) ||
      !midway_profile_set_from_string (profile, "auth", "keyring-key", &error))
    {
      fprintf (stderr, "fuzz setup: %s\n", error->message);
      abort ();
    }
}

/* One line of text: these go into authorized_keys, where a line break
 * would add a key of the file's choosing, without the restrictions. */
static gboolean
is_one_line (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) private_data = NULL;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autofree char *type_prefix = NULL;
  g_autofree char *authorized = NULL;
  const char *key_type;
  const char *public_line;
  const char *fingerprint;
  const char *comment;
  gsize blob_length = 0;

  fuzz_init ();
  init_profile ();

  bytes = g_bytes_new (data, size);
  key = midway_ssh_key_new_from_private_data (bytes, &error);
  if (key == NULL)
    {
      /* The import dialog shows the message. */
      if (error == NULL || error->domain != MIDWAY_SSH_KEY_ERROR ||
          (error->code != MIDWAY_SSH_KEY_ERROR_INVALID &&
           error->code != MIDWAY_SSH_KEY_ERROR_UNSUPPORTED) ||
          !g_utf8_validate (error->message, -1, NULL) || error->message[0] == '\0')
        {
          fprintf (stderr, "unexpected error: %s %d %s\n",
                   error != NULL ? g_quark_to_string (error->domain) : "(none)",
                   error != NULL ? error->code : 0, error != NULL ? error->message : "");
          abort ();
        }
      return 0;
    }

  key_type = midway_ssh_key_get_key_type (key);
  public_line = midway_ssh_key_get_public_line (key);
  fingerprint = midway_ssh_key_get_fingerprint (key);
  comment = midway_ssh_key_get_comment (key);

  if (key_type == NULL || key_type[0] == '\0' || strchr (key_type, ' ') != NULL ||
      !is_one_line (key_type))
    fail ("the key type is not one word", key_type);
  type_prefix = g_strconcat (key_type, " ", NULL);
  if (public_line == NULL || !g_str_has_prefix (public_line, type_prefix) ||
      !is_one_line (public_line))
    fail ("the public line is not one line starting with the key type", public_line);
  if (fingerprint == NULL || !g_str_has_prefix (fingerprint, "SHA256:") ||
      fingerprint[7] == '\0' || !is_one_line (fingerprint))
    fail ("the fingerprint is not SHA256:base64", fingerprint);
  if (comment == NULL || !is_one_line (comment))
    fail ("the comment is not one line of text", comment);
  if (midway_ssh_key_get_public_blob (key) == NULL ||
      (g_bytes_get_data (midway_ssh_key_get_public_blob (key), &blob_length), blob_length == 0))
    fail ("an accepted key has no public key blob", public_line);

  /* What goes into the keyring is the file as it was, byte for byte. */
  private_data = midway_ssh_key_dup_private_data (key);
  if (private_data == NULL || !g_bytes_equal (private_data, bytes))
    fail ("the private data is not the input", public_line);

  authorized = midway_ssh_key_dup_authorized_keys_line (key, profile);
  if (authorized == NULL || !is_one_line (authorized) ||
      !g_str_has_prefix (authorized, "restrict,command=\"") ||
      strstr (authorized, public_line + strlen (type_prefix)) == NULL)
    fail ("the authorized_keys line is not one restricted line with the key", authorized);

  fuzz_n_accepted++;
  return 0;
}
