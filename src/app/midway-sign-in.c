/* midway-sign-in.c: the password or passphrase a connection needs, asked
 * for when the keyring does not hold it.
 *
 * ssh runs under the helper with no terminal to ask on, so whatever the
 * profile's sign-in needs must come with Connect: a password for
 * "password" sign-in, and the passphrase of an encrypted key file.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-password-prompt.h"
#include "midway-sign-in.h"
#include "midway-ssh-key.h"

typedef struct
{
  MidwaySecretStore *secrets;
  MidwayProfile     *profile;
  GtkWindow         *parent;  /* weak */
  MidwaySecretKind   kind;    /* MIDWAY_SECRET_PASSWORD or _PASSPHRASE */
  GVariant          *given;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_clear_object (&sign_in->secrets);
  g_clear_object (&sign_in->profile);
  g_clear_weak_pointer (&sign_in->parent);
  g_clear_pointer (&sign_in->given, g_variant_unref);
  g_free (sign_in);
}

/* The person's own key file, read as ssh would: an openssh-key-v1 key
 * says in the clear whether it is encrypted.  A file that cannot be read
 * or parsed is ssh's to judge. */
static gboolean
key_file_is_encrypted (MidwayProfile *profile)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (midway_profile_get_key_file (profile), FALSE, NULL);
  g_autoptr(GBytes) bytes = file != NULL ? g_mapped_file_get_bytes (file) : NULL;
  g_autoptr(MidwaySshKey) key = bytes != NULL ? midway_ssh_key_new_from_private_data (bytes, NULL) : NULL;

  return key != NULL && midway_ssh_key_is_encrypted (key);
}

static void
remember_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Not remembered is no reason not to connect: the answer is here. */
  if (!midway_secret_store_store_finish (MIDWAY_SECRET_STORE (source), result, &error))
    g_warning ("Could not remember the password in the keyring: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  SignIn *sign_in = g_task_get_task_data (task);
  MidwayPasswordPrompt *prompt = MIDWAY_PASSWORD_PROMPT (dialog);
  const char *answer = gtk_editable_get_text (midway_password_prompt_get_entry (prompt));
  GtkWidget *remember = GTK_WIDGET (midway_password_prompt_get_remember (prompt));
  GVariantDict dict;

  if (g_strcmp0 (response, MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT) != 0 || *answer == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", _("Not signed in"));
      return;
    }
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, sign_in->kind == MIDWAY_SECRET_PASSPHRASE ? "passphrase" : "password",
                         "s", answer);
  sign_in->given = g_variant_ref_sink (g_variant_dict_end (&dict));
  if (gtk_check_button_get_active (GTK_CHECK_BUTTON (remember)) && gtk_widget_get_sensitive (remember))
    {
      g_autoptr(GBytes) secret = g_bytes_new (answer, strlen (answer));

      midway_secret_store_store_async (sign_in->secrets, midway_profile_get_id (sign_in->profile),
                                       midway_profile_get_name (sign_in->profile), sign_in->kind, secret,
                                       g_task_get_cancellable (task), remember_cb, g_object_ref (task));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
task_closure_free (gpointer  data,
                   GClosure *closure)
{
  g_object_unref (data);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SignIn *sign_in = g_task_get_task_data (task);
  MidwayProfile *profile = sign_in->profile;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *account = NULL;
  MidwayPasswordPrompt *prompt;
  gboolean has_keyring;

  stored = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (stored != NULL)
    {
      /* The keyring lends it with Connect. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  has_keyring = error == NULL;
  if (error != NULL && !g_error_matches (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (sign_in->kind == MIDWAY_SECRET_PASSPHRASE)
    prompt = midway_password_prompt_new_passphrase (sign_in->parent, midway_profile_get_name (profile),
                                                    midway_profile_get_key_file (profile), has_keyring);
  else
    {
      account = *midway_profile_get_user (profile) != '\0' ?
                g_strdup_printf ("%s@%s", midway_profile_get_user (profile), midway_profile_get_host (profile)) :
                g_strdup (midway_profile_get_host (profile));
      prompt = midway_password_prompt_new (sign_in->parent, midway_profile_get_name (profile), account,
                                           has_keyring);
    }
  g_signal_connect_data (prompt, "response", G_CALLBACK (on_response),
                         g_steal_pointer (&task), task_closure_free, 0);
  gtk_window_present (GTK_WINDOW (prompt));
}

void
midway_sign_in_async (MidwaySecretStore  *secrets,
                      MidwayProfile      *profile,
                      GtkWindow          *parent,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (MIDWAY_IS_SECRET_STORE (secrets));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_sign_in_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->secrets = g_object_ref (secrets);
  sign_in->profile = midway_profile_copy (profile);
  g_set_weak_pointer (&sign_in->parent, parent);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);

  if (midway_profile_get_auth (profile) == MIDWAY_AUTH_PASSWORD)
    sign_in->kind = MIDWAY_SECRET_PASSWORD;
  else if (midway_profile_get_auth (profile) == MIDWAY_AUTH_KEY_FILE && key_file_is_encrypted (profile))
    sign_in->kind = MIDWAY_SECRET_PASSPHRASE;
  else
    {
      /* The agent, a key in the keyring, a key file without a passphrase. */
      g_task_return_boolean (task, TRUE);
      return;
    }
  midway_secret_store_lookup_async (secrets, midway_profile_get_id (profile), sign_in->kind, cancellable,
                                    lookup_cb, g_steal_pointer (&task));
}

gboolean
midway_sign_in_finish (GAsyncResult *result,
                       GVariant    **given,
                       GError      **error)
{
  SignIn *sign_in;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  sign_in = g_task_get_task_data (G_TASK (result));
  if (given != NULL)
    *given = sign_in->given != NULL ? g_variant_ref (sign_in->given) : NULL;
  return TRUE;
}
