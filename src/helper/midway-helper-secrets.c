/* midway-helper-secrets.c
 *
 * Everything here comes from an unprivileged caller.  The helper looks at
 * the text only: whether a key file or an agent socket is the caller's is
 * checked as the caller, by midway-helper-launch before it execs ssh.
 * Root looking would tell the caller about paths it cannot see.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "midway-error.h"
#include "midway-helper-secrets.h"
#include "midway-helper-secure-memory.h"
#include "midway-text.h"

#define MAX_SECRET_LENGTH 1024
#define MAX_PRIVATE_KEY_SIZE (64 * 1024)
#define MAX_SOCKET_PATH 107  /* sun_path less its NUL */

static gboolean
check_secret_string (const char *key,
                     GVariant   *value,
                     char      **out,
                     GError    **error)
{
  const char *text;
  gsize length;

  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("%s: has the wrong type (expected s)"), key);
      return FALSE;
    }
  text = g_variant_get_string (value, &length);
  if (length == 0 || length > MAX_SECRET_LENGTH)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("%s: must be between 1 and %d bytes"), key, MAX_SECRET_LENGTH);
      return FALSE;
    }
  /* askpass hands it to ssh as one line. */
  if (!midway_text_is_clean (text, length))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("%s: must not contain control characters"), key);
      return FALSE;
    }
  *out = midway_helper_secure_strndup (text, length);
  return TRUE;
}

MidwayHelperSecrets *
midway_helper_secrets_new_from_variant (GVariant      *credentials,
                                        MidwayProfile *profile,
                                        uid_t          caller,
                                        GError       **error)
{
  g_autoptr(MidwayHelperSecrets) secrets = g_new0 (MidwayHelperSecrets, 1);
  MidwayAuthMethod auth = midway_profile_get_auth (profile);
  GVariantIter iter;
  const char *key;
  GVariant *next;
  gboolean seen_socket = FALSE, seen_key = FALSE, seen_pass = FALSE, seen_password = FALSE;

  g_return_val_if_fail (credentials != NULL, NULL);

  if (!g_variant_is_of_type (credentials, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("credentials: must be a{sv}"));
      return NULL;
    }

  g_variant_iter_init (&iter, credentials);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &next))
    {
      g_autoptr(GVariant) value = next;

      if (g_str_equal (key, MIDWAY_SECRET_SSH_AUTH_SOCK) && !seen_socket && auth == MIDWAY_AUTH_AGENT)
        {
          const char *path;
          gsize length;

          seen_socket = TRUE;
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
            {
              g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("%s: has the wrong type (expected s)"), key);
              return NULL;
            }
          path = g_variant_get_string (value, &length);
          if (length == 0 || length > MAX_SOCKET_PATH || !g_path_is_absolute (path) ||
              !midway_text_is_clean (path, length) || strstr (path, "/../") != NULL)
            {
              g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("%s: must be an absolute socket path"), key);
              return NULL;
            }
          secrets->ssh_auth_sock = g_strdup (path);
        }
      else if (g_str_equal (key, MIDWAY_SECRET_PRIVATE_KEY) && !seen_key && auth == MIDWAY_AUTH_KEYRING_KEY)
        {
          const guchar *data;
          gsize size;

          seen_key = TRUE;
          if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BYTESTRING))
            {
              g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("%s: has the wrong type (expected ay)"), key);
              return NULL;
            }
          data = g_variant_get_fixed_array (value, &size, 1);
          if (size == 0 || size > MAX_PRIVATE_KEY_SIZE ||
              size < strlen ("-----BEGIN ") || memcmp (data, "-----BEGIN ", strlen ("-----BEGIN ")) != 0 ||
              memchr (data, '\0', size) != NULL)
            {
              g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("%s: must be a PEM-armoured private key of at most %d bytes"),
                           key, MAX_PRIVATE_KEY_SIZE);
              return NULL;
            }
          secrets->private_key = midway_helper_secure_bytes (data, size);
        }
      else if (g_str_equal (key, MIDWAY_SECRET_PASSPHRASE) && !seen_pass &&
               (auth == MIDWAY_AUTH_KEY_FILE || auth == MIDWAY_AUTH_KEYRING_KEY))
        {
          seen_pass = TRUE;
          if (!check_secret_string (key, value, &secrets->askpass_secret, error))
            return NULL;
        }
      else if (g_str_equal (key, MIDWAY_SECRET_PASSWORD) && !seen_password && auth == MIDWAY_AUTH_PASSWORD)
        {
          seen_password = TRUE;
          if (!check_secret_string (key, value, &secrets->askpass_secret, error))
            return NULL;
        }
      else
        {
          g_autofree char *shown = g_utf8_make_valid (key, MIN (strlen (key), 64));
          g_autofree char *escaped = g_strescape (shown, NULL);

          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                       _("credentials: “%s” is unknown, repeated or not used by the “%s” authentication"),
                       escaped, midway_auth_method_to_string (auth));
          return NULL;
        }
    }

  if (auth == MIDWAY_AUTH_KEYRING_KEY && secrets->private_key == NULL)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("%s: is required for keyring-key authentication"), MIDWAY_SECRET_PRIVATE_KEY);
      return NULL;
    }
  if (auth == MIDWAY_AUTH_PASSWORD && secrets->askpass_secret == NULL)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                   _("%s: is required for password authentication"), MIDWAY_SECRET_PASSWORD);
      return NULL;
    }
  return g_steal_pointer (&secrets);
}

void
midway_helper_secrets_free (MidwayHelperSecrets *secrets)
{
  if (secrets == NULL)
    return;
  g_free (secrets->ssh_auth_sock);
  g_clear_pointer (&secrets->private_key, g_bytes_unref);
  midway_helper_secure_free (secrets->askpass_secret);
  g_free (secrets);
}
