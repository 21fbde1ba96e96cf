/* midwayctl-keyring.c: midwayctl's side of the keyring.
 *
 * The entries are the app's own (MidwaySecretStore, same schema, looked up
 * by profile id), so a key generated in the app signs in from midwayctl and
 * the other way round, and removing a profile here leaves nothing of it in
 * the keyring.  Reading, generating and storing a key are the workflow the
 * app's key panel runs too (midway-key-workflow.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-key-workflow.h"
#include "midwayctl.h"

/* Each keyring call of this one-shot program runs an async API to its
 * end on a private main context; a locked keyring's unlock prompt is
 * answered inside that time. */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
} KeyringWait;

static KeyringWait *
keyring_wait_new (void)
{
  KeyringWait *wait = g_new0 (KeyringWait, 1);

  wait->context = g_main_context_new ();
  g_main_context_push_thread_default (wait->context);
  return wait;
}

static void
keyring_wait_free (KeyringWait *wait)
{
  g_clear_object (&wait->result);
  g_main_context_unref (wait->context);
  g_free (wait);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringWait, keyring_wait_free)

/* The GAsyncReadyCallback of every call waited for. */
static void
keyring_wait_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  KeyringWait *wait = user_data;

  wait->result = g_object_ref (result);
}

/* The result of the call started with keyring_wait_done, owned by @wait. */
static GAsyncResult *
keyring_wait_run (KeyringWait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (wait->context, TRUE);
  g_main_context_pop_thread_default (wait->context);
  return wait->result;
}

GVariant *
midwayctl_keyring_lookup_credentials (MidwayProfile *profile,
                                      GError       **error)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(KeyringWait) wait = keyring_wait_new ();
  g_autoptr(GVariant) credentials = NULL;

  midway_secret_store_lookup_credentials_async (store, midway_profile_get_id (profile), NULL,
                                                keyring_wait_done, wait);
  credentials = midway_secret_store_lookup_credentials_finish (store, keyring_wait_run (wait), error);
  if (credentials == NULL)
    return NULL;
  return midway_secret_store_filter_credentials (credentials, midway_profile_get_auth (profile));
}

gboolean
midwayctl_keyring_clear (MidwayProfile *profile,
                         GError       **error)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(KeyringWait) wait = keyring_wait_new ();

  midway_secret_store_clear_async (store, midway_profile_get_id (profile), NULL, keyring_wait_done, wait);
  return midway_secret_store_clear_finish (store, keyring_wait_run (wait), error);
}

GBytes *
midwayctl_keyring_lookup_private_key (MidwayProfile *profile,
                                      GError       **error)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(KeyringWait) wait = keyring_wait_new ();

  midway_secret_store_lookup_async (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY, NULL,
                                    keyring_wait_done, wait);
  return midway_secret_store_lookup_finish (store, keyring_wait_run (wait), error);
}

/* What an admin pastes on the server, as the app's key panel shows it. */
static gboolean
print_server_lines (MidwaySshKey  *key,
                    MidwayProfile *profile,
                    GError       **error)
{
  g_autofree char *authorized = midway_ssh_key_dup_authorized_keys_line (key, profile);
  g_autofree char *sudoers = NULL;
  g_autoptr(GError) sudo_error = NULL;

  g_print ("%s\n", midway_ssh_key_get_public_line (key));
  g_print ("%s %s\n", _("Fingerprint:"), midway_ssh_key_get_fingerprint (key));
  g_print ("\n%s\n%s\n", _("For ~/.ssh/authorized_keys on the server:"), authorized);

  sudoers = midway_ssh_key_dup_sudoers_line (profile, &sudo_error);
  if (sudoers != NULL)
    g_print ("\n%s\n%s\n", _("For /etc/sudoers.d/midway on the server:"), sudoers);
  else if (g_error_matches (sudo_error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NO_SUDO))
    g_print ("\n%s\n", sudo_error->message);
  else
    {
      g_propagate_error (error, g_steal_pointer (&sudo_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
key_generate (MidwayctlStored *stored,
              gboolean         replace,
              GError         **error)
{
  MidwayProfile *profile = stored->profile;
  g_autofree char *shown = midwayctl_sanitize (midway_profile_get_name (profile));
  g_autoptr(GBytes) existing = NULL;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) lookup_error = NULL;
  g_autoptr(MidwaySecretStore) store = NULL;
  g_autoptr(KeyringWait) wait = NULL;

  existing = midwayctl_keyring_lookup_private_key (profile, &lookup_error);
  if (lookup_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }
  /* A key the server already trusts is not thrown away by a typo. */
  if (existing != NULL && !replace)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("“%s” already has a key in the keyring; give --replace to make a new one"),
                   shown);
      return FALSE;
    }

  store = midway_secret_store_new ();
  wait = keyring_wait_new ();
  midway_key_generate_async (store, profile, NULL, keyring_wait_done, wait);
  key = midway_key_generate_finish (keyring_wait_run (wait), NULL, error);
  if (key == NULL)
    return FALSE;

  if (midway_profile_get_auth (profile) != MIDWAY_AUTH_KEYRING_KEY)
    {
      if (!midway_profile_set_from_string (profile, MIDWAY_FIELD_AUTH, "keyring-key", error) ||
          !midway_profile_save (profile, stored->path, error))
        return FALSE;
    }

  return print_server_lines (key, profile, error);
}

static gboolean
key_show (MidwayctlStored *stored,
          GError         **error)
{
  MidwayProfile *profile = stored->profile;
  g_autofree char *shown = midwayctl_sanitize (midway_profile_get_name (profile));
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(KeyringWait) wait = keyring_wait_new ();
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) local_error = NULL;
  MidwayKeyStep failed_step = MIDWAY_KEY_STEP_NONE;

  midway_key_load_async (store, midway_profile_get_id (profile), NULL, keyring_wait_done, wait);
  key = midway_key_load_finish (keyring_wait_run (wait), &failed_step, &local_error);
  if (key != NULL)
    return print_server_lines (key, profile, error);
  if (local_error == NULL)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                   _("No key is stored in the keyring for “%s” (midwayctl key generate makes one)"),
                   shown);
      return FALSE;
    }
  if (failed_step == MIDWAY_KEY_STEP_READ)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                _("The key stored for “%s” is unusable: "), shown);
  return FALSE;
}

gboolean
midwayctl_cmd_key (int      argc,
                   char   **argv,
                   GError **error)
{
  gboolean replace = FALSE;
  const GOptionEntry entries[] = {
    { "replace", 0, 0, G_OPTION_ARG_NONE, &replace,
      N_("With generate: replace the key already in the keyring"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autofree char *name = NULL;
  MidwayctlStored *stored;

  if (!midwayctl_parse_options (argc, argv, "generate|show NAME", entries, 2, 2, &args, error))
    return FALSE;

  if (!g_str_equal (args[0], "generate") && !g_str_equal (args[0], "show"))
    {
      g_autofree char *what = midwayctl_sanitize (args[0]);

      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("Unknown key command “%s”: use generate or show"), what);
      return FALSE;
    }

  name = midwayctl_arg_to_utf8 (args[1], error);
  if (name == NULL)
    return FALSE;
  profiles = midwayctl_store_load (error);
  if (profiles == NULL)
    return FALSE;
  stored = midwayctl_store_find (profiles, name, error);
  if (stored == NULL)
    return FALSE;

  if (g_str_equal (args[0], "generate"))
    return key_generate (stored, replace, error);
  if (replace)
    {
      g_set_error_literal (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                           _("--replace only goes with generate"));
      return FALSE;
    }
  return key_show (stored, error);
}
