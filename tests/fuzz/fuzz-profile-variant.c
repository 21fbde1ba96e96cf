/* fuzz-profile-variant.c: the a{sv} validators, what every caller of the
 * helper's Connect controls: the profile dictionary, and the credentials
 * dictionary checked against a profile of each authentication method.
 *
 * The input is taken as a serialised a{sv} without trusting it, as GDBus
 * hands the helper a message body.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fuzz-invariants.h"
#include "midway-error.h"
#include "midway-helper-secrets.h"

#define MAX_SECRET_LENGTH 1024

static MidwayProfile *auth_profiles[4];
static char *key_file_path;

static void
remove_key_file (void)
{
  g_unlink (key_file_path);
}

static void
init_auth_profiles (void)
{
  static const char * const auths[] = { "agent", "key-file", "keyring-key", "password" };
  g_autoptr(GError) tmp_error = NULL;
  int fd;

  if (auth_profiles[0] != NULL)
    return;

  /* A key file of the caller's, so that credentials for a key-file profile
   * get past the owner check to the checks of their own. */
  fd = g_file_open_tmp ("midway-fuzz-key-XXXXXX", &key_file_path, &tmp_error);
  if (fd < 0)
    {
      fprintf (stderr, "fuzz setup: %s\n", tmp_error->message);
      abort ();
    }
  close (fd);
  atexit (remove_key_file);

  for (guint i = 0; i < G_N_ELEMENTS (auths); i++)
    {
      MidwayProfile *profile = midway_profile_new ();
      g_autoptr(GError) error = NULL;

      if (!midway_profile_set_from_string (profile, "name", "Fuzz", &error) ||
          !midway_profile_set_from_string (profile, "host", "vpn.example.com", &error) ||
          !midway_profile_set_from_string (profile, "auth", auths[i], &error) ||
          (g_str_equal (auths[i], "key-file") &&
           !midway_profile_set_from_string (profile, "key-file", key_file_path, &error)))
        {
          fprintf (stderr, "fuzz setup: %s\n", error->message);
          abort ();
        }
      auth_profiles[i] = profile;
    }
}

static gboolean
text_is_clean (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static void
check_secrets (GVariant      *credentials,
               MidwayProfile *profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayHelperSecrets) secrets = NULL;
  MidwayAuthMethod auth = midway_profile_get_auth (profile);

  secrets = midway_helper_secrets_new_from_variant (credentials, profile, getuid (), &error);
  if (secrets == NULL)
    {
      /* A key-file profile's own key file is reported as the profile's. */
      gboolean expected = g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT) ||
                          (g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE) &&
                           g_str_has_prefix (error->message, MIDWAY_FIELD_KEY_FILE ": "));

      if (!expected || !g_utf8_validate (error->message, -1, NULL))
        {
          fprintf (stderr, "unexpected credentials error: %s\n", error->message);
          abort ();
        }
      return;
    }

  /* What was accepted is what the helper hands on: askpass prints the secret
   * as one line, ssh connects to the socket, the key is written to a file. */
  if (secrets->askpass_secret != NULL &&
      (secrets->askpass_secret[0] == '\0' || strlen (secrets->askpass_secret) > MAX_SECRET_LENGTH ||
       !text_is_clean (secrets->askpass_secret) ||
       (auth != MIDWAY_AUTH_PASSWORD && auth != MIDWAY_AUTH_KEY_FILE && auth != MIDWAY_AUTH_KEYRING_KEY)))
    {
      fprintf (stderr, "accepted an askpass secret it must refuse\n");
      abort ();
    }
  if (secrets->ssh_auth_sock != NULL &&
      (auth != MIDWAY_AUTH_AGENT || !g_path_is_absolute (secrets->ssh_auth_sock) ||
       !text_is_clean (secrets->ssh_auth_sock)))
    {
      fprintf (stderr, "accepted an agent socket it must refuse\n");
      abort ();
    }
  if ((secrets->private_key != NULL) != (auth == MIDWAY_AUTH_KEYRING_KEY))
    {
      fprintf (stderr, "a private key where the profile has none, or none where it needs one\n");
      abort ();
    }
  if (auth == MIDWAY_AUTH_PASSWORD && secrets->askpass_secret == NULL)
    {
      fprintf (stderr, "password authentication accepted without a password\n");
      abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GVariant) asv = NULL;
  g_autoptr(GBytes) bytes = NULL;

  fuzz_init ();
  init_auth_profiles ();

  /* A copy: GVariant may keep the data past this call. */
  bytes = g_bytes_new (data, size);
  asv = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE_VARDICT, bytes, FALSE));

  profile = midway_profile_new_from_variant (asv, &error);
  if (profile == NULL)
    {
      if (!g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE) ||
          !g_utf8_validate (error->message, -1, NULL) || error->message[0] == '\0')
        {
          fprintf (stderr, "unexpected error: %s %d %s\n",
                   g_quark_to_string (error->domain), error->code, error->message);
          abort ();
        }
    }
  else
    {
      fuzz_check_accepted_profile (profile);
    }

  for (guint i = 0; i < G_N_ELEMENTS (auth_profiles); i++)
    check_secrets (asv, auth_profiles[i]);
  if (profile != NULL)
    check_secrets (asv, profile);

  return 0;
}
