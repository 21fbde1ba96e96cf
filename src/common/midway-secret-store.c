/* midway-secret-store.c: profile secrets in the Secret Service.
 *
 * Each entry carries two attributes, "profile-id" and "kind", under the
 * schema io.github.midway_vpn.Midway.Secret, so that nothing but the
 * keyring ever holds a key or a password, and deleting a profile can find
 * every entry it owns.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "midway-secret-store.h"

struct _MidwaySecretStore
{
  GObject parent_instance;
};

G_DEFINE_TYPE (MidwaySecretStore, midway_secret_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (midway-secret-store-error-quark, midway_secret_store_error)

static const SecretSchema *
midway_secret_schema (void)
{
  static const SecretSchema schema = {
    "io.github.midway_vpn.Midway.Secret",
    SECRET_SCHEMA_NONE,
    {
      { "profile-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

const char *
midway_secret_kind_to_string (MidwaySecretKind kind)
{
  switch (kind)
    {
    case MIDWAY_SECRET_PRIVATE_KEY:
      return "private-key";
    case MIDWAY_SECRET_PASSPHRASE:
      return "passphrase";
    case MIDWAY_SECRET_PASSWORD:
      return "password";
    default:
      g_return_val_if_reached (NULL);
    }
}

static GHashTable *
make_attributes (const char      *profile_id,
                 MidwaySecretKind kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "profile-id", g_strdup (profile_id));
  /* A clear removes every kind at once, so the kind is optional there. */
  if ((int) kind >= 0)
    g_hash_table_insert (attributes, (gpointer) "kind",
                         g_strdup (midway_secret_kind_to_string (kind)));
  return attributes;
}

static gboolean
error_means_no_service (const GError *error)
{
  if (error->domain == G_DBUS_ERROR)
    return error->code == G_DBUS_ERROR_SERVICE_UNKNOWN ||
           error->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER ||
           error->code == G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND ||
           error->code == G_DBUS_ERROR_SPAWN_EXEC_FAILED ||
           error->code == G_DBUS_ERROR_SPAWN_CHILD_EXITED ||
           error->code == G_DBUS_ERROR_SPAWN_FAILED ||
           error->code == G_DBUS_ERROR_NO_SERVER ||
           error->code == G_DBUS_ERROR_DISCONNECTED;

  /* No session bus at all: g_bus_get() fails before any call is made. */
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

/* libsecret reports D-Bus and protocol errors as they come; a person needs
 * to know whether to start a keyring or to unlock one. */
static GError *
translate_error (GError *error)
{
  GError *translated;

  g_debug ("Secret Service error: %s (%s %d)", error->message,
           g_quark_to_string (error->domain), error->code);

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED))
    translated = g_error_new_literal (MIDWAY_SECRET_STORE_ERROR,
                                      MIDWAY_SECRET_STORE_ERROR_LOCKED,
                                      _("The keyring is locked: unlock it and try again"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;
  else if (error_means_no_service (error))
    translated = g_error_new_literal (MIDWAY_SECRET_STORE_ERROR,
                                      MIDWAY_SECRET_STORE_ERROR_NO_SERVICE,
                                      _("No keyring is running in this session (no Secret Service such as GNOME Keyring): "
                                        "keys and passwords cannot be saved or read"));
  else
    translated = g_error_new (MIDWAY_SECRET_STORE_ERROR,
                              MIDWAY_SECRET_STORE_ERROR_FAILED,
                              _("The keyring failed: %s"), error->message);

  g_error_free (error);
  return translated;
}

/* ---- Store -------------------------------------------------------------- */

static void
store_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
midway_secret_store_store_async (MidwaySecretStore  *self,
                                 const char         *profile_id,
                                 const char         *profile_name,
                                 MidwaySecretKind    kind,
                                 GBytes             *secret,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *label = NULL;
  const char *content_type;
  gconstpointer data;
  gsize size;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && *profile_id != '\0');
  g_return_if_fail (secret != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_secret_store_store_async);

  data = g_bytes_get_data (secret, &size);
  /* Passwords are text so that a keyring manager shows them as such. */
  content_type = kind == MIDWAY_SECRET_PRIVATE_KEY ? "application/octet-stream" : "text/plain";
  value = secret_value_new (data, size, content_type);

  switch (kind)
    {
    case MIDWAY_SECRET_PRIVATE_KEY:
      /* Translators: the label of a keyring entry; %s is a profile name. */
      label = g_strdup_printf (_("Midway SSH key for “%s”"), profile_name ? profile_name : profile_id);
      break;
    case MIDWAY_SECRET_PASSPHRASE:
      label = g_strdup_printf (_("Midway SSH key passphrase for “%s”"), profile_name ? profile_name : profile_id);
      break;
    case MIDWAY_SECRET_PASSWORD:
    default:
      label = g_strdup_printf (_("Midway SSH password for “%s”"), profile_name ? profile_name : profile_id);
      break;
    }

  attributes = make_attributes (profile_id, kind);
  secret_password_storev_binary (midway_secret_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                 label, value, cancellable, store_cb, g_steal_pointer (&task));
}

gboolean
midway_secret_store_store_finish (MidwaySecretStore *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Lookup ------------------------------------------------------------- */

static void
lookup_locked_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GList *items;
  gboolean locked = FALSE;

  items = secret_service_search_finish (NULL, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    locked |= secret_item_get_locked (l->data);
  g_list_free_full (items, g_object_unref);

  if (locked)
    g_task_return_new_error (task, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_LOCKED,
                             _("The keyring is locked: unlock it and try again"));
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  SecretValue *value;
  gconstpointer data;
  gsize size;

  value = secret_password_lookup_binary_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }
  if (value == NULL)
    {
      GHashTable *attributes = g_task_get_task_data (task);
      GCancellable *cancellable = g_task_get_cancellable (task);

      /* libsecret answers "nothing" when the matching items are locked and
       * unlocking them failed: look again without unlocking to tell a
       * locked keyring from a missing secret. */
      secret_service_search (NULL, midway_secret_schema (), attributes, SECRET_SEARCH_ALL,
                             cancellable, lookup_locked_cb,
                             g_steal_pointer (&task));
      return;
    }

  /* libsecret keeps values in non-pageable memory and wipes them when
   * freed: the bytes point into the value rather than copy it. */
  data = secret_value_get (value, &size);
  g_task_return_pointer (task,
                         g_bytes_new_with_free_func (data, size, (GDestroyNotify) secret_value_unref, value),
                         (GDestroyNotify) g_bytes_unref);
}

void
midway_secret_store_lookup_async (MidwaySecretStore  *self,
                                  const char         *profile_id,
                                  MidwaySecretKind    kind,
                                  GCancellable       *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && *profile_id != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_secret_store_lookup_async);

  attributes = make_attributes (profile_id, kind);
  g_task_set_task_data (task, g_hash_table_ref (attributes), (GDestroyNotify) g_hash_table_unref);
  secret_password_lookupv (midway_secret_schema (), attributes, cancellable,
                           lookup_cb, g_steal_pointer (&task));
}

GBytes *
midway_secret_store_lookup_finish (MidwaySecretStore *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Clear -------------------------------------------------------------- */

static void
clear_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
midway_secret_store_clear_async (MidwaySecretStore  *self,
                                 const char         *profile_id,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GHashTable) attributes = NULL;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && *profile_id != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_secret_store_clear_async);

  attributes = make_attributes (profile_id, (MidwaySecretKind) -1);
  secret_password_clearv (midway_secret_schema (), attributes, cancellable,
                          clear_cb, g_steal_pointer (&task));
}

gboolean
midway_secret_store_clear_finish (MidwaySecretStore *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Credentials for Helper1.Connect ------------------------------------ */

typedef struct
{
  char            *profile_id;
  MidwaySecretKind next;
  GVariantDict     dict;
} CredentialsData;

static void
credentials_data_free (CredentialsData *data)
{
  g_free (data->profile_id);
  g_variant_dict_clear (&data->dict);
  g_free (data);
}

static void credentials_lookup_next (GTask *task);

static void
credentials_lookup_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CredentialsData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) secret = NULL;
  GError *error = NULL;

  secret = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (secret != NULL)
    {
      gsize size;
      const char *bytes = g_bytes_get_data (secret, &size);

      if (data->next == MIDWAY_SECRET_PRIVATE_KEY)
        g_variant_dict_insert_value (&data->dict, "private-key",
                                     g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, secret, TRUE));
      else if (g_utf8_validate (bytes, size, NULL) && memchr (bytes, '\0', size) == NULL)
        g_variant_dict_insert_value (&data->dict, midway_secret_kind_to_string (data->next),
                                     g_variant_new_take_string (g_strndup (bytes, size)));
      else
        {
          g_task_return_new_error (task, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_FAILED,
                                   _("The keyring holds a %s for this profile that is not text"),
                                   midway_secret_kind_to_string (data->next));
          return;
        }
    }

  if (data->next == MIDWAY_SECRET_PASSWORD)
    {
      g_task_return_pointer (task, g_variant_ref_sink (g_variant_dict_end (&data->dict)),
                             (GDestroyNotify) g_variant_unref);
      return;
    }

  data->next++;
  credentials_lookup_next (g_steal_pointer (&task));
}

static void
credentials_lookup_next (GTask *task)
{
  CredentialsData *data = g_task_get_task_data (task);

  midway_secret_store_lookup_async (g_task_get_source_object (task), data->profile_id, data->next,
                                    g_task_get_cancellable (task), credentials_lookup_cb, task);
}

void
midway_secret_store_lookup_credentials_async (MidwaySecretStore  *self,
                                              const char         *profile_id,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data)
{
  GTask *task;
  CredentialsData *data;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (self));
  g_return_if_fail (profile_id != NULL && *profile_id != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_secret_store_lookup_credentials_async);
  data = g_new0 (CredentialsData, 1);
  data->profile_id = g_strdup (profile_id);
  data->next = MIDWAY_SECRET_PRIVATE_KEY;
  g_variant_dict_init (&data->dict, NULL);
  g_task_set_task_data (task, data, (GDestroyNotify) credentials_data_free);

  credentials_lookup_next (task);
}

GVariant *
midway_secret_store_lookup_credentials_finish (MidwaySecretStore *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GVariant *
midway_secret_store_filter_credentials (GVariant        *credentials,
                                        MidwayAuthMethod auth)
{
  g_auto(GVariantDict) kept = G_VARIANT_DICT_INIT (NULL);
  const char *wanted[3] = { NULL, NULL, NULL };

  g_return_val_if_fail (credentials != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (credentials, G_VARIANT_TYPE_VARDICT), NULL);

  switch (auth)
    {
    case MIDWAY_AUTH_KEY_FILE:
      wanted[0] = "passphrase";
      break;
    case MIDWAY_AUTH_KEYRING_KEY:
      wanted[0] = "private-key";
      wanted[1] = "passphrase";
      break;
    case MIDWAY_AUTH_PASSWORD:
      wanted[0] = "password";
      break;
    case MIDWAY_AUTH_AGENT:
    default:
      break;
    }

  for (gsize i = 0; wanted[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_variant_lookup_value (credentials, wanted[i], NULL);

      if (value != NULL)
        g_variant_dict_insert_value (&kept, wanted[i], value);
    }
  return g_variant_ref_sink (g_variant_dict_end (&kept));
}

/* ---- GObject ------------------------------------------------------------ */

static void
midway_secret_store_class_init (MidwaySecretStoreClass *klass)
{
}

static void
midway_secret_store_init (MidwaySecretStore *self)
{
}

MidwaySecretStore *
midway_secret_store_new (void)
{
  return g_object_new (MIDWAY_TYPE_SECRET_STORE, NULL);
}
