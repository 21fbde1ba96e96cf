/* midway-key-workflow.c: a profile's sign-in key, from and to the keyring.
 *
 * The steps the app's key panel and midwayctl share: a key read from the
 * keyring (ssh-keygen and the stored passphrase for a PEM key), a key
 * generated or imported and stored with its passphrase.  Each workflow is
 * one GTask whose task data is a KeyJob; secrets stay in GBytes that wipe
 * their memory, and a passphrase copy is wiped when the job is freed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-key-workflow.h"
#include "midway-openssh-format.h"

typedef struct
{
  char         *profile_id;
  char         *profile_name;
  GBytes       *data;         /* the private key */
  char         *passphrase;   /* wiped when freed */
  MidwaySshKey *key;
  MidwayKeyStep step;         /* the one running, or the one that failed */
} KeyJob;

static void
clear_passphrase (KeyJob *job)
{
  if (job->passphrase != NULL)
    explicit_bzero (job->passphrase, strlen (job->passphrase));
  g_clear_pointer (&job->passphrase, g_free);
}

static void
key_job_free (KeyJob *job)
{
  g_free (job->profile_id);
  g_free (job->profile_name);
  g_clear_pointer (&job->data, g_bytes_unref);
  clear_passphrase (job);
  g_clear_object (&job->key);
  g_free (job);
}

static GTask *
key_task_new (MidwaySecretStore  *store,
              const char         *profile_id,
              const char         *profile_name,
              gpointer            source_tag,
              GCancellable       *cancellable,
              GAsyncReadyCallback callback,
              gpointer            user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);
  KeyJob *job = g_new0 (KeyJob, 1);

  job->profile_id = g_strdup (profile_id);
  job->profile_name = g_strdup (profile_name);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) key_job_free);
  return task;
}

static void
fail (GTask        *task,
      MidwayKeyStep step,
      GError       *error)
{
  KeyJob *job = g_task_get_task_data (task);

  job->step = step;
  g_task_return_error (task, error);
}

static void
succeed (GTask *task)
{
  KeyJob *job = g_task_get_task_data (task);

  job->step = MIDWAY_KEY_STEP_NONE;
  if (job->key != NULL)
    g_task_return_pointer (task, g_object_ref (job->key), g_object_unref);
  else
    g_task_return_pointer (task, NULL, NULL);
}

static MidwaySshKey *
key_finish (GAsyncResult  *result,
            gpointer       source_tag,
            MidwayKeyStep *failed_step,
            GError       **error)
{
  GTask *task;
  KeyJob *job;
  g_autoptr(GError) local_error = NULL;
  MidwaySshKey *key;

  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  task = G_TASK (result);
  job = g_task_get_task_data (task);
  key = g_task_propagate_pointer (task, &local_error);
  if (failed_step != NULL)
    *failed_step = local_error != NULL ? job->step : MIDWAY_KEY_STEP_NONE;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return key;
}

/* ---- Storing ------------------------------------------------------------ */

static void
on_stored_passphrase (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!midway_secret_store_store_finish (MIDWAY_SECRET_STORE (source), result, &error))
    fail (task, MIDWAY_KEY_STEP_STORE_PASSPHRASE, error);
  else
    succeed (task);
}

static void
on_stored_key (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  g_autoptr(GBytes) passphrase = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!midway_secret_store_store_finish (MIDWAY_SECRET_STORE (source), result, &error))
    {
      fail (task, MIDWAY_KEY_STEP_STORE_KEY, error);
      return;
    }
  if (job->passphrase == NULL)
    {
      succeed (task);
      return;
    }
  job->step = MIDWAY_KEY_STEP_STORE_PASSPHRASE;
  passphrase = midway_secret_bytes_new_copy (job->passphrase, strlen (job->passphrase));
  cancellable = g_task_get_cancellable (task);
  midway_secret_store_store_async (MIDWAY_SECRET_STORE (source), job->profile_id, job->profile_name,
                                   MIDWAY_SECRET_PASSPHRASE, passphrase, cancellable,
                                   on_stored_passphrase, g_steal_pointer (&task));
}

/* Takes @task, whose job's key is set: stores it, then its passphrase. */
static void
store_key (GTask *task)
{
  KeyJob *job = g_task_get_task_data (task);
  g_autoptr(GBytes) data = midway_ssh_key_dup_private_data (job->key);

  job->step = MIDWAY_KEY_STEP_STORE_KEY;
  midway_secret_store_store_async (g_task_get_source_object (task), job->profile_id, job->profile_name,
                                   MIDWAY_SECRET_PRIVATE_KEY, data, g_task_get_cancellable (task),
                                   on_stored_key, task);
}

/* ---- Loading ------------------------------------------------------------ */

static void
on_load_checked (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->key = midway_ssh_key_check_finish (result, &error);
  if (job->key == NULL)
    fail (task, MIDWAY_KEY_STEP_CHECK, error);
  else
    succeed (task);
}

static void
on_load_passphrase (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  g_autoptr(GBytes) passphrase = NULL;
  GError *error = NULL;

  passphrase = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (error != NULL)
    {
      fail (task, MIDWAY_KEY_STEP_READ, error);
      return;
    }
  if (passphrase != NULL)
    job->passphrase = g_strndup (g_bytes_get_data (passphrase, NULL), g_bytes_get_size (passphrase));
  job->step = MIDWAY_KEY_STEP_CHECK;
  midway_ssh_key_check_async (job->data, job->passphrase, g_task_get_cancellable (task),
                              on_load_checked, g_object_ref (task));
  /* ssh-keygen has its copy on its stdin by now. */
  clear_passphrase (job);
}

static void
on_load_key (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  GCancellable *cancellable;
  GError *error = NULL;

  job->data = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (error != NULL)
    {
      fail (task, MIDWAY_KEY_STEP_READ, error);
      return;
    }
  if (job->data == NULL)
    {
      succeed (task);  /* none stored */
      return;
    }
  job->key = midway_ssh_key_new_from_private_data (job->data, &error);
  if (job->key == NULL && g_error_matches (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_UNSUPPORTED))
    {
      /* Only ssh-keygen reads PEM keys, and it needs their passphrase. */
      g_clear_error (&error);
      cancellable = g_task_get_cancellable (task);
      midway_secret_store_lookup_async (MIDWAY_SECRET_STORE (source), job->profile_id, MIDWAY_SECRET_PASSPHRASE,
                                        cancellable, on_load_passphrase, g_steal_pointer (&task));
      return;
    }
  if (job->key == NULL)
    fail (task, MIDWAY_KEY_STEP_CHECK, error);
  else
    succeed (task);
}

void
midway_key_load_async (MidwaySecretStore  *store,
                       const char         *profile_id,
                       GCancellable       *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer            user_data)
{
  GTask *task;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (store));
  g_return_if_fail (profile_id != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = key_task_new (store, profile_id, NULL, midway_key_load_async, cancellable, callback, user_data);
  ((KeyJob *) g_task_get_task_data (task))->step = MIDWAY_KEY_STEP_READ;
  midway_secret_store_lookup_async (store, profile_id, MIDWAY_SECRET_PRIVATE_KEY, cancellable,
                                    on_load_key, task);
}

MidwaySshKey *
midway_key_load_finish (GAsyncResult  *result,
                        MidwayKeyStep *failed_step,
                        GError       **error)
{
  return key_finish (result, midway_key_load_async, failed_step, error);
}

/* ---- Generating --------------------------------------------------------- */

void
midway_key_generate_async (MidwaySecretStore  *store,
                           MidwayProfile      *profile,
                           GCancellable       *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *comment = NULL;
  KeyJob *job;
  GError *error = NULL;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (store));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = key_task_new (store, midway_profile_get_id (profile), midway_profile_get_name (profile),
                       midway_key_generate_async, cancellable, callback, user_data);
  job = g_task_get_task_data (task);
  comment = midway_ssh_key_comment_for_profile (profile);
  job->key = midway_ssh_key_generate_ed25519 (comment, &error);
  if (job->key == NULL)
    {
      fail (task, MIDWAY_KEY_STEP_GENERATE, error);
      return;
    }
  store_key (g_steal_pointer (&task));
}

MidwaySshKey *
midway_key_generate_finish (GAsyncResult  *result,
                            MidwayKeyStep *failed_step,
                            GError       **error)
{
  return key_finish (result, midway_key_generate_async, failed_step, error);
}

/* ---- Importing ---------------------------------------------------------- */

static void
on_import_checked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyJob *job = g_task_get_task_data (task);
  GError *error = NULL;

  job->key = midway_ssh_key_check_finish (result, &error);
  if (job->key == NULL)
    {
      fail (task, MIDWAY_KEY_STEP_CHECK, error);
      return;
    }
  /* A passphrase typed for a key without one is not worth keeping. */
  if (!midway_ssh_key_is_encrypted (job->key))
    clear_passphrase (job);
  store_key (g_steal_pointer (&task));
}

void
midway_key_import_async (MidwaySecretStore  *store,
                         MidwayProfile      *profile,
                         GBytes             *data,
                         const char         *passphrase,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  GTask *task;
  KeyJob *job;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (store));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = key_task_new (store, midway_profile_get_id (profile), midway_profile_get_name (profile),
                       midway_key_import_async, cancellable, callback, user_data);
  job = g_task_get_task_data (task);
  job->data = g_bytes_ref (data);
  job->passphrase = g_strdup (passphrase);
  job->step = MIDWAY_KEY_STEP_CHECK;
  midway_ssh_key_check_async (job->data, job->passphrase, cancellable, on_import_checked, task);
}

MidwaySshKey *
midway_key_import_finish (GAsyncResult  *result,
                          MidwayKeyStep *failed_step,
                          GError       **error)
{
  return key_finish (result, midway_key_import_async, failed_step, error);
}
