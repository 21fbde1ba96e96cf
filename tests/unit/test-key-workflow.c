/* test-key-workflow.c: midway-key-workflow.c, the key steps the app's key
 * panel and midwayctl share, against a real gnome-keyring
 * (run-session.sh --keyring) and the real ssh-keygen: what it stores is
 * read back through MidwaySecretStore and judged by ssh-keygen.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "midway-key-workflow.h"
#include "midway-test-kit.h"

#define PASSPHRASE "correct horse battery"

static char *
temp_path (const char *name)
{
  const char *dir = g_getenv ("MIDWAY_TEST_TMPDIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

/* "TYPE BASE64" of a key file, as ssh-keygen -y reads it. */
static char *
keygen_public (GBytes     *private_data,
               const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *path = temp_path ("verify-key");
  g_autofree char *line = NULL;
  g_auto(GStrv) words = NULL;

  g_assert_true (g_file_set_contents_full (path, g_bytes_get_data (private_data, NULL),
                                           g_bytes_get_size (private_data), G_FILE_SET_CONTENTS_NONE,
                                           0600, &error));
  g_assert_no_error (error);
  line = midway_test_run ((const char *[]) { keygen, "-y", "-P", passphrase != NULL ? passphrase : "", "-f", path, NULL });
  g_unlink (path);
  words = g_strsplit (line, " ", 3);
  g_assert_nonnull (words[1]);
  return g_strdup_printf ("%s %s", words[0], words[1]);
}

static char *
key_public (MidwaySshKey *key)
{
  g_auto(GStrv) words = g_strsplit (midway_ssh_key_get_public_line (key), " ", 3);

  g_assert_nonnull (words[1]);
  return g_strdup_printf ("%s %s", words[0], words[1]);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GBytes *
lookup (MidwaySecretStore *store,
        const char        *profile_id,
        MidwaySecretKind   kind)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *secret;

  midway_secret_store_lookup_async (store, profile_id, kind, NULL, on_done, &result);
  secret = midway_secret_store_lookup_finish (store, wait_for (&result), &error);
  g_assert_no_error (error);
  return secret;
}

static void
store_secret (MidwaySecretStore *store,
              MidwayProfile     *profile,
              MidwaySecretKind   kind,
              const char        *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) secret = g_bytes_new (text, strlen (text));

  midway_secret_store_store_async (store, midway_profile_get_id (profile), midway_profile_get_name (profile),
                                   kind, secret, NULL, on_done, &result);
  g_assert_true (midway_secret_store_store_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
}

static MidwaySshKey *
load (MidwaySecretStore *store,
      MidwayProfile     *profile,
      MidwayKeyStep     *step,
      GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  midway_key_load_async (store, midway_profile_get_id (profile), NULL, on_done, &result);
  return midway_key_load_finish (wait_for (&result), step, error);
}

static MidwaySshKey *
import (MidwaySecretStore *store,
        MidwayProfile     *profile,
        GBytes            *data,
        const char        *passphrase,
        MidwayKeyStep     *step,
        GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  midway_key_import_async (store, profile, data, passphrase, NULL, on_done, &result);
  return midway_key_import_finish (wait_for (&result), step, error);
}

static MidwayProfile *
new_profile (const char *name)
{
  MidwayProfile *profile = midway_profile_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, name, &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", &error));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_USER, "tunnel", &error));
  g_assert_no_error (error);
  return profile;
}

/* A key file made by ssh-keygen itself, read into memory. */
static GBytes *
keygen_file (const char *name,
             const char *format,
             const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keygen = midway_test_ssh_keygen_path ();
  g_autofree char *path = temp_path (name);
  g_autofree char *public_path = g_strconcat (path, ".pub", NULL);
  g_autofree char *out = NULL;
  char *contents = NULL;
  gsize length = 0;

  out = midway_test_run ((const char *[]) { keygen, "-q", "-t", "ecdsa", "-m", format, "-N", passphrase,
                                            "-C", "", "-f", path, NULL });
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_unlink (public_path);
  return g_bytes_new_take (contents, length);
}

static void
test_none_stored (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Empty");
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_CHECK;

  key = load (store, profile, &step, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_NONE);
}

static void
test_generate (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Generated");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwaySshKey) loaded = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char * public = NULL;
  g_autofree char *stored_public = NULL;
  g_autofree char *loaded_public = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_CHECK;

  midway_key_generate_async (store, profile, NULL, on_done, &result);
  key = midway_key_generate_finish (wait_for (&result), &step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_NONE);
  g_assert_cmpstr (midway_ssh_key_get_key_type (key), ==, "ssh-ed25519");
  g_assert_cmpstr (midway_ssh_key_get_comment (key), ==, "midway-Generated");

  /* What the keyring holds is the key returned, as ssh-keygen reads it. */
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_nonnull (stored);
  public = key_public (key);
  stored_public = keygen_public (stored, NULL);
  g_assert_cmpstr (stored_public, ==, public);
  passphrase = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PASSPHRASE);
  g_assert_null (passphrase);

  loaded = load (store, profile, &step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  loaded_public = key_public (loaded);
  g_assert_cmpstr (loaded_public, ==, public);
  g_assert_cmpstr (midway_ssh_key_get_fingerprint (loaded), ==, midway_ssh_key_get_fingerprint (key));
}

/* An encrypted PEM key: refused without its passphrase (nothing stored),
 * stored with it, and read back through ssh-keygen with the stored one. */
static void
test_import_pem (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Imported PEM");
  g_autoptr(GBytes) data = keygen_file ("pem-key", "PEM", PASSPHRASE);
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(MidwaySshKey) loaded = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char * public = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *loaded_public = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_NONE;

  g_assert_true (g_str_has_prefix (g_bytes_get_data (data, NULL), "-----BEGIN EC PRIVATE KEY-----"));

  key = import (store, profile, data, NULL, &step, &error);
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE);
  g_assert_null (key);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_CHECK);
  g_clear_error (&error);
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_null (stored);

  key = import (store, profile, data, "wrong horse", &step, &error);
  g_assert_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE);
  g_assert_null (key);
  g_clear_error (&error);

  key = import (store, profile, data, PASSPHRASE, &step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_NONE);
  g_assert_true (midway_ssh_key_is_encrypted (key));
  expected = keygen_public (data, PASSPHRASE);
  public = key_public (key);
  g_assert_cmpstr (public, ==, expected);

  /* The file's bytes as they were, and the passphrase beside them. */
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_nonnull (stored);
  g_assert_true (g_bytes_equal (stored, data));
  passphrase = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PASSPHRASE);
  g_assert_nonnull (passphrase);
  g_assert_cmpmem (g_bytes_get_data (passphrase, NULL), g_bytes_get_size (passphrase),
                   PASSPHRASE, strlen (PASSPHRASE));

  loaded = load (store, profile, &step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  loaded_public = key_public (loaded);
  g_assert_cmpstr (loaded_public, ==, expected);
}

/* A passphrase given for a key without one is not kept. */
static void
test_import_unencrypted (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Imported plain");
  g_autoptr(GBytes) data = keygen_file ("plain-key", "RFC4716", "");
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) passphrase = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_CHECK;

  key = import (store, profile, data, "not needed", &step, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_false (midway_ssh_key_is_encrypted (key));
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_nonnull (stored);
  passphrase = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PASSPHRASE);
  g_assert_null (passphrase);
}

/* A keyring entry that is no key: the key's step, not the keyring's. */
static void
test_load_unusable (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Broken");
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_NONE;

  store_secret (store, profile, MIDWAY_SECRET_PRIVATE_KEY, "not a key at all\n");
  key = load (store, profile, &step, &error);
  g_assert_null (key);
  g_assert_nonnull (error);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_CHECK);
}

/* Garbage in a file is not imported and stores nothing. */
static void
test_import_invalid (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Invalid");
  g_autoptr(GBytes) data = g_bytes_new_static ("-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n", 39);
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep step = MIDWAY_KEY_STEP_NONE;

  key = import (store, profile, data, NULL, &step, &error);
  g_assert_null (key);
  g_assert_nonnull (error);
  g_assert_cmpint (step, ==, MIDWAY_KEY_STEP_CHECK);
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_null (stored);
}

static void
test_cancelled (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(MidwayProfile) profile = new_profile ("Cancelled");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  midway_key_generate_async (store, profile, cancellable, on_done, &result);
  key = midway_key_generate_finish (wait_for (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key);
  stored = lookup (store, midway_profile_get_id (profile), MIDWAY_SECRET_PRIVATE_KEY);
  g_assert_null (stored);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/key-workflow/none-stored", test_none_stored);
  g_test_add_func ("/key-workflow/generate", test_generate);
  g_test_add_func ("/key-workflow/import-pem", test_import_pem);
  g_test_add_func ("/key-workflow/import-unencrypted", test_import_unencrypted);
  g_test_add_func ("/key-workflow/import-invalid", test_import_invalid);
  g_test_add_func ("/key-workflow/load-unusable", test_load_unusable);
  g_test_add_func ("/key-workflow/cancelled", test_cancelled);

  return g_test_run ();
}
