/* midway-host-key-flow.c: trusting a server's host key before the first
 * connection, and naming both keys after a mismatch.
 *
 * First connection of a profile without a pinned key: the server's key is
 * fetched and shown, and only "Trust and Pin" writes it into the profile's
 * file; the application then connects.  The helper pins it for ssh, so
 * the key checked here is the key the tunnel accepts.
 *
 * After a host-key-mismatch the server's current key is fetched only to
 * name it: both fingerprints go into a loud dialog and the failure
 * notification, and nothing is pinned.
 *
 * Every fetch runs under the flow's cancellable, cancelled when the
 * application shuts down; each step's state is a typed struct.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-host-key.h"
#include "midway-host-key-dialog.h"
#include "midway-host-key-fetcher.h"
#include "midway-host-key-flow.h"
#include "midway-reason.h"
#include "midway-window.h"

struct _MidwayHostKeyFlow
{
  GObject            parent_instance;

  MidwayApplication *application;     /* not referenced: it owns the flow */
  GCancellable      *cancellable;     /* cancelled at shutdown */
  GHashTable        *trusting;        /* profile id → its GTask, while asked */
  GHashTable        *mismatch_paths;  /* failed tunnels already told about */
};

G_DEFINE_FINAL_TYPE (MidwayHostKeyFlow, midway_host_key_flow, G_TYPE_OBJECT)

/* ---- Trust before the first connection ---------------------------------- */

typedef struct
{
  char                *profile_id;
  char                *host;
  guint                port;
  MidwayHostKeyDialog *dialog;  /* while shown */
} TrustJob;

static void
trust_job_free (TrustJob *job)
{
  g_free (job->profile_id);
  g_free (job->host);
  g_clear_object (&job->dialog);
  g_free (job);
}

/* Takes @error (NULL: declined). */
static void
trust_return (GTask   *task,
              gboolean pinned,
              GError  *error)
{
  MidwayHostKeyFlow *self = g_task_get_source_object (task);
  TrustJob *job = g_task_get_task_data (task);

  if (job->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (job->dialog, task);
      g_clear_object (&job->dialog);
    }
  g_hash_table_remove (self->trusting, job->profile_id);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, pinned);
}

static void
on_trust_response (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  MidwayHostKeyFlow *self = g_task_get_source_object (task);
  TrustJob *job = g_task_get_task_data (task);
  g_autofree char *host_key = g_strdup (midway_host_key_dialog_get_host_key (MIDWAY_HOST_KEY_DIALOG (dialog)));
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (self->cancellable, &error))
    {
      trust_return (task, FALSE, error);
      return;
    }
  if (g_strcmp0 (response, MIDWAY_HOST_KEY_RESPONSE_PIN) != 0)
    {
      trust_return (task, FALSE, NULL);
      return;
    }
  if (!midway_connection_list_pin_host_key (midway_application_get_connections (self->application),
                                            job->profile_id, host_key, &error))
    {
      trust_return (task, FALSE, error);
      return;
    }
  trust_return (task, TRUE, NULL);
}

static void
on_trust_fetched (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  MidwayHostKeyFlow *self = g_task_get_source_object (task);
  TrustJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *host_key = NULL;
  GError *cancelled = NULL;

  host_key = midway_host_key_fetcher_fetch_finish (MIDWAY_HOST_KEY_FETCHER (source), result, &error);
  if (g_cancellable_set_error_if_cancelled (self->cancellable, &cancelled))
    {
      trust_return (task, FALSE, cancelled);
      return;
    }
  if (host_key != NULL)
    job->dialog = midway_host_key_dialog_new_confirm (GTK_WINDOW (midway_application_get_window (self->application)),
                                                      job->host, job->port, host_key, &error);
  if (job->dialog == NULL)
    {
      /* Translators: %s says why, e.g. the server did not answer. */
      trust_return (task, FALSE, g_error_new (error->domain, error->code,
                                              _("The server’s host key could not be fetched: %s"),
                                              error->message));
      return;
    }
  /* The window holds the dialog; the job holds it until answered, and
   * the dialog's handler holds the task. */
  g_object_ref (job->dialog);
  g_signal_connect_data (job->dialog, "response", G_CALLBACK (on_trust_response),
                         g_steal_pointer (&task), (GClosureNotify) (void (*)(void))g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (job->dialog));
}

void
midway_host_key_flow_trust_async (MidwayHostKeyFlow  *self,
                                  MidwayProfile      *profile,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(MidwayHostKeyFetcher) fetcher = NULL;
  TrustJob *job;

  g_return_if_fail (MIDWAY_IS_HOST_KEY_FLOW (self));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));

  task = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_host_key_flow_trust_async);
  /* Checked by hand: a cancelled flow says so, whatever the step. */
  g_task_set_check_cancellable (task, FALSE);

  /* A second click while the first is still being answered. */
  if (g_hash_table_contains (self->trusting, midway_profile_get_id (profile)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The host key is being asked about already");
      return;
    }

  job = g_new0 (TrustJob, 1);
  job->profile_id = g_strdup (midway_profile_get_id (profile));
  job->host = g_strdup (midway_profile_get_host (profile));
  job->port = midway_profile_get_port (profile);
  g_task_set_task_data (task, job, (GDestroyNotify) trust_job_free);
  g_hash_table_insert (self->trusting, g_strdup (job->profile_id), task);

  fetcher = midway_host_key_fetcher_new ();
  midway_host_key_fetcher_fetch_async (fetcher, profile, self->cancellable, on_trust_fetched,
                                       g_steal_pointer (&task));
}

gboolean
midway_host_key_flow_trust_finish (MidwayHostKeyFlow *self,
                                   GAsyncResult      *result,
                                   GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == midway_host_key_flow_trust_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Naming both keys after a mismatch ---------------------------------- */

typedef struct
{
  MidwayHostKeyFlow *self;
  MidwayTunnel1     *tunnel;
  char              *pinned;
  char              *host;
  guint              port;
} MismatchJob;

static void
mismatch_job_free (MismatchJob *job)
{
  g_object_unref (job->self);
  g_object_unref (job->tunnel);
  g_free (job->pinned);
  g_free (job->host);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MismatchJob, mismatch_job_free)

static void
on_mismatch_fetched (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MismatchJob) job = user_data;
  MidwayHostKeyFlow *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *presented = NULL;
  g_autofree char *pinned_fingerprint = NULL;
  g_autofree char *presented_fingerprint = NULL;
  g_autofree char *what = NULL;
  g_autofree char *detail = NULL;
  MidwayHostKeyDialog *dialog;

  presented = midway_host_key_fetcher_fetch_finish (MIDWAY_HOST_KEY_FETCHER (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  dialog = midway_host_key_dialog_new_mismatch (GTK_WINDOW (midway_application_get_window (self->application)),
                                                job->host, job->port, job->pinned,
                                                presented, error != NULL ? error->message : NULL);
  pinned_fingerprint = midway_host_key_dup_fingerprint (job->pinned, NULL);
  presented_fingerprint = g_strdup (midway_host_key_dialog_get_fingerprint (dialog));
  if (presented_fingerprint == NULL)
    /* Translators: %s says why the server's key could not be fetched. */
    presented_fingerprint = g_strdup_printf (_("unknown (%s)"), error != NULL ? error->message : "?");
  what = midway_host_key_describe_mismatch (pinned_fingerprint != NULL ? pinned_fingerprint : "?",
                                            presented_fingerprint);
  /* Translators: %s is "pinned SHA256:…, server now presents SHA256:…" */
  detail = g_strdup_printf (_("Host key changed: %s. Not re-pinned."), what);
  midway_notifier_set_failure_detail (midway_application_get_notifier (self->application), job->tunnel, detail);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
midway_host_key_flow_check_tunnel (MidwayHostKeyFlow *self,
                                   MidwayTunnel1     *tunnel)
{
  const char *path;
  MidwayConnection *connection;
  MidwayProfile *profile;
  g_autoptr(MidwayHostKeyFetcher) fetcher = NULL;
  MismatchJob *job;

  g_return_if_fail (MIDWAY_IS_HOST_KEY_FLOW (self));
  g_return_if_fail (MIDWAY_IS_TUNNEL1 (tunnel));

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  path = g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel));
  if (g_strcmp0 (midway_tunnel1_get_state (tunnel), MIDWAY_STATE_FAILED) != 0)
    {
      /* Retried: a new failure is news again. */
      g_hash_table_remove (self->mismatch_paths, path);
      return;
    }
  if (g_strcmp0 (midway_tunnel1_get_last_reason (tunnel), MIDWAY_REASON_HOST_KEY_MISMATCH) != 0 ||
      g_hash_table_contains (self->mismatch_paths, path))
    return;

  connection = midway_connection_list_find (midway_application_get_connections (self->application),
                                            midway_tunnel1_get_profile_id (tunnel));
  profile = connection != NULL ? midway_connection_get_profile (connection) : NULL;
  /* Without a pinned key ssh checked the user's known_hosts: that file,
   * not the profile, names the old key, and the notification says so. */
  if (profile == NULL || *midway_profile_get_host_key (profile) == '\0')
    return;
  g_hash_table_add (self->mismatch_paths, g_strdup (path));

  job = g_new0 (MismatchJob, 1);
  job->self = g_object_ref (self);
  job->tunnel = g_object_ref (tunnel);
  job->pinned = g_strdup (midway_profile_get_host_key (profile));
  job->host = g_strdup (midway_profile_get_host (profile));
  job->port = midway_profile_get_port (profile);
  fetcher = midway_host_key_fetcher_new ();
  midway_host_key_fetcher_fetch_async (fetcher, profile, self->cancellable, on_mismatch_fetched, job);
}

void
midway_host_key_flow_forget_tunnel (MidwayHostKeyFlow *self,
                                    MidwayTunnel1     *tunnel)
{
  g_return_if_fail (MIDWAY_IS_HOST_KEY_FLOW (self));
  g_return_if_fail (MIDWAY_IS_TUNNEL1 (tunnel));

  g_hash_table_remove (self->mismatch_paths, g_dbus_proxy_get_object_path (G_DBUS_PROXY (tunnel)));
}

/* ---- Object ------------------------------------------------------------- */

void
midway_host_key_flow_shutdown (MidwayHostKeyFlow *self)
{
  g_autoptr(GPtrArray) dialogs = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (MIDWAY_IS_HOST_KEY_FLOW (self));

  g_cancellable_cancel (self->cancellable);
  /* An unanswered dialog answers "cancel" as it closes, and its task
   * then finishes cancelled. */
  g_hash_table_iter_init (&iter, self->trusting);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TrustJob *job = g_task_get_task_data (value);

      if (job->dialog != NULL)
        g_ptr_array_add (dialogs, g_object_ref (job->dialog));
    }
  for (guint i = 0; i < dialogs->len; i++)
    gtk_window_close (g_ptr_array_index (dialogs, i));
}

static void
midway_host_key_flow_dispose (GObject *object)
{
  MidwayHostKeyFlow *self = MIDWAY_HOST_KEY_FLOW (object);

  if (self->cancellable != NULL)
    midway_host_key_flow_shutdown (self);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (midway_host_key_flow_parent_class)->dispose (object);
}

static void
midway_host_key_flow_finalize (GObject *object)
{
  MidwayHostKeyFlow *self = MIDWAY_HOST_KEY_FLOW (object);

  g_hash_table_unref (self->trusting);
  g_hash_table_unref (self->mismatch_paths);

  G_OBJECT_CLASS (midway_host_key_flow_parent_class)->finalize (object);
}

static void
midway_host_key_flow_class_init (MidwayHostKeyFlowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_host_key_flow_dispose;
  object_class->finalize = midway_host_key_flow_finalize;
}

static void
midway_host_key_flow_init (MidwayHostKeyFlow *self)
{
  self->cancellable = g_cancellable_new ();
  /* The tasks are held by their fetch or their dialog, not by the table. */
  self->trusting = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->mismatch_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

MidwayHostKeyFlow *
midway_host_key_flow_new (MidwayApplication *application)
{
  MidwayHostKeyFlow *self;

  g_return_val_if_fail (MIDWAY_IS_APPLICATION (application), NULL);

  self = g_object_new (MIDWAY_TYPE_HOST_KEY_FLOW, NULL);
  self->application = application;
  return self;
}
