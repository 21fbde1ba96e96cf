/* test-secret-store.c: MidwaySecretStore against a real gnome-keyring-daemon
 * (run-session.sh --keyring), and against a session bus with no Secret
 * Service at all.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <string.h>

#include <libsecret/secret.h>

#include "midway-secret-store.h"
#include "midway-test-kit.h"

#define PROFILE_ID "3f1c2a9e-5b7d-4e21-9a0c-0d6b8e4f7a11"
#define OTHER_PROFILE_ID "9b2e4c60-1f3a-4d8b-b7e5-2c9a0f6d3e44"

/* Written out again rather than taken from the store: a change to the
 * schema would orphan every secret users already saved. */
static const SecretSchema midway_schema = {
  "io.github.midway_vpn.Midway.Secret", SECRET_SCHEMA_NONE,
  {
    { "profile-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static const char test_key[] =
  "-----BEGIN OPENSSH PRIVATE KEY-----\n"
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
  "-----END OPENSSH PRIVATE KEY-----\n";

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static GAsyncResult *
run_until_result (GAsyncResult **slot)
{
  midway_test_spin_until (is_set, slot, 30.0);
  return *slot;
}

static void
store_sync (MidwaySecretStore *store,
            const char        *profile_id,
            MidwaySecretKind   kind,
            const void        *data,
            gsize              size)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;

  midway_secret_store_store_async (store, profile_id, "Office", kind, bytes, NULL,
                                   store_result, &result);
  run_until_result (&result);
  midway_secret_store_store_finish (store, result, &error);
  g_assert_no_error (error);
}

static GBytes *
lookup_sync (MidwaySecretStore *store,
             const char        *profile_id,
             MidwaySecretKind   kind,
             GError           **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  midway_secret_store_lookup_async (store, profile_id, kind, NULL, store_result, &result);
  run_until_result (&result);
  return midway_secret_store_lookup_finish (store, result, error);
}

static void
test_round_trip (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(GBytes) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *raw = NULL;

  store_sync (store, PROFILE_ID, MIDWAY_SECRET_PRIVATE_KEY, test_key, strlen (test_key));
  store_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSWORD, "hunter2", 7);

  key = lookup_sync (store, PROFILE_ID, MIDWAY_SECRET_PRIVATE_KEY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpmem (g_bytes_get_data (key, NULL), g_bytes_get_size (key), test_key, strlen (test_key));

  password = lookup_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (password, NULL), g_bytes_get_size (password), "hunter2", 7);

  /* Another profile, or another kind, finds nothing and that is no error. */
  missing = lookup_sync (store, OTHER_PROFILE_ID, MIDWAY_SECRET_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_null (missing);
  missing = lookup_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_null (missing);

  /* The entry is really in the keyring, under Midway's schema and the
   * profile id, as another Secret Service client sees it. */
  attributes = secret_attributes_build (&midway_schema,
                                        "profile-id", PROFILE_ID, "kind", "password", NULL);
  raw = secret_password_lookupv_sync (&midway_schema,
                                      attributes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (raw, ==, "hunter2");
}

static void
test_credentials_and_clear (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cleared = NULL;
  g_autoptr(GAsyncResult) empty_result = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GVariant) empty = NULL;
  g_autoptr(GVariant) key = NULL;
  g_autoptr(GError) error = NULL;
  const char *passphrase = NULL;
  gsize size;

  store_sync (store, OTHER_PROFILE_ID, MIDWAY_SECRET_PRIVATE_KEY, test_key, strlen (test_key));
  store_sync (store, OTHER_PROFILE_ID, MIDWAY_SECRET_PASSPHRASE, "correct horse", 13);

  midway_secret_store_lookup_credentials_async (store, OTHER_PROFILE_ID, NULL, store_result, &result);
  run_until_result (&result);
  credentials = midway_secret_store_lookup_credentials_finish (store, result, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (credentials, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpuint (g_variant_n_children (credentials), ==, 2);
  g_assert_true (g_variant_lookup (credentials, "passphrase", "&s", &passphrase));
  g_assert_cmpstr (passphrase, ==, "correct horse");
  key = g_variant_lookup_value (credentials, "private-key", G_VARIANT_TYPE_BYTESTRING);
  g_assert_nonnull (key);
  g_assert_cmpmem (g_variant_get_fixed_array (key, &size, 1), size, test_key, strlen (test_key));

  midway_secret_store_clear_async (store, OTHER_PROFILE_ID, NULL, store_result, &cleared);
  run_until_result (&cleared);
  g_assert_true (midway_secret_store_clear_finish (store, cleared, &error));
  g_assert_no_error (error);

  midway_secret_store_lookup_credentials_async (store, OTHER_PROFILE_ID, NULL, store_result, &empty_result);
  run_until_result (&empty_result);
  empty = midway_secret_store_lookup_credentials_finish (store, empty_result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (empty), ==, 0);
}

static void
test_no_service (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static ("x", 1);
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GError) error = NULL;

  midway_secret_store_store_async (store, PROFILE_ID, "Office", MIDWAY_SECRET_PASSWORD, bytes, NULL,
                                   store_result, &result);
  run_until_result (&result);
  g_assert_false (midway_secret_store_store_finish (store, result, &error));
  g_assert_error (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE);
  g_assert_nonnull (strstr (error->message, "No keyring is running"));
  g_clear_error (&error);

  found = lookup_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSWORD, &error);
  g_assert_null (found);
  g_assert_error (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE);
}

/* A keyring locked after the fact: the lookup cannot be answered and must
 * say that the keyring is locked, not that the secret is missing. */
static void
test_locked (void)
{
  g_autoptr(MidwaySecretStore) store = midway_secret_store_new ();
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GBytes) found = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;

  store_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSWORD, "hunter2", 7);

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_append (NULL, collection);
  g_assert_cmpint (secret_service_lock_sync (service, objects, NULL, NULL, &error), ==, 1);
  g_assert_no_error (error);
  g_list_free (objects);

  found = lookup_sync (store, PROFILE_ID, MIDWAY_SECRET_PASSWORD, &error);
  g_assert_null (found);
  g_assert_error (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_LOCKED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* run-session.sh says whether it started a keyring; each test needs to
   * know which world it is in, and neither may pass in the other. */
  if (g_getenv ("MIDWAY_TEST_KEYRING") != NULL)
    {
      g_test_add_func ("/secret-store/round-trip", test_round_trip);
      g_test_add_func ("/secret-store/credentials-and-clear", test_credentials_and_clear);
      /* Last: it leaves the keyring locked. */
      g_test_add_func ("/secret-store/locked", test_locked);
    }
  else
    g_test_add_func ("/secret-store/no-service", test_no_service);

  return g_test_run ();
}
