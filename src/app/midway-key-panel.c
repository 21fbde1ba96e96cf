/* midway-key-panel.c: the profile's sign-in key, kept in the keyring only.
 *
 * A generated key goes from memory to the Secret Service and nowhere else;
 * an imported one is read from the user's file, checked by ssh-keygen and
 * stored the same way, the file left as it was: the workflow of
 * midway-key-workflow.c, shared with midwayctl.  The panel adds what needs
 * a person: the file chooser, the passphrase dialog, the confirmation.
 *
 * The panel works on the editor's profile as edited, so the server lines
 * follow the user and remote command being typed.  Every keyring or
 * ssh-keygen round trip belongs to one profile: showing another cancels
 * it, and a late answer is dropped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-key-panel.h"
#include "midway-key-workflow.h"
#include "midway-openssh-format.h"

struct _MidwayKeyPanel
{
  AdwBin               parent_instance;

  AdwActionRow        *key_row;
  AdwActionRow        *public_row;
  AdwActionRow        *authorized_keys_row;
  AdwActionRow        *sudoers_row;
  GtkLabel            *status_label;

  MidwayProfileEditor *editor;
  MidwayProfile       *profile;       /* the editor's, watched for edits */
  gulong               notify_id;
  MidwaySecretStore   *store;
  MidwaySshKey        *key;           /* stored for the profile, or NULL */
  GCancellable        *cancellable;   /* of the current profile's round trips */
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (MidwayKeyPanel, midway_key_panel, ADW_TYPE_BIN)

/* One round trip's state, for one profile. */
typedef struct
{
  MidwayKeyPanel *self;
  GCancellable   *cancellable;
  GBytes         *data;         /* the private key, as imported */
  char           *passphrase;   /* wiped when freed */
} Op;

static void
op_free (Op *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->cancellable);
  g_clear_pointer (&op->data, g_bytes_unref);
  if (op->passphrase != NULL)
    explicit_bzero (op->passphrase, strlen (op->passphrase));
  g_free (op->passphrase);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

static Op *
op_new (MidwayKeyPanel *self)
{
  Op *op = g_new0 (Op, 1);

  op->self = g_object_ref (self);
  op->cancellable = g_object_ref (self->cancellable);
  return op;
}

/* FALSE once another profile is shown (or the panel is gone). */
static gboolean
op_is_current (Op *op)
{
  return op->cancellable == op->self->cancellable && !g_cancellable_is_cancelled (op->cancellable);
}

/* ---- Showing ------------------------------------------------------------ */

static void
set_status (MidwayKeyPanel *self,
            const char     *message)
{
  gtk_label_set_text (self->status_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), message != NULL && *message != '\0');
}

static char *
dup_public_line (MidwayKeyPanel *self)
{
  g_autofree char *comment = NULL;

  if (*midway_ssh_key_get_comment (self->key) != '\0')
    return g_strdup (midway_ssh_key_get_public_line (self->key));
  /* A PEM file or a still-encrypted key has no comment to show. */
  comment = midway_ssh_key_comment_for_profile (self->profile);
  return g_strdup_printf ("%s %s", midway_ssh_key_get_public_line (self->key), comment);
}

static void
refresh (MidwayKeyPanel *self)
{
  g_autofree char *key_text = NULL;
  g_autofree char *public_line = NULL;
  g_autofree char *authorized = NULL;
  g_autofree char *sudoers = NULL;
  g_autoptr(GError) error = NULL;
  gboolean idle = self->profile != NULL && !self->busy;

  if (self->key != NULL)
    {
      key_text = g_strdup_printf ("%s (%s)", midway_ssh_key_get_fingerprint (self->key),
                                  midway_ssh_key_get_key_type (self->key));
      public_line = dup_public_line (self);
      authorized = midway_ssh_key_dup_authorized_keys_line (self->key, self->profile);
    }
  else
    {
      key_text = g_strdup (self->busy ? _("Looking in the keyring…") : _("No key stored for this profile"));
      public_line = g_strdup (_("Generate or import a key first"));
      authorized = g_strdup (public_line);
    }
  if (self->profile != NULL)
    {
      sudoers = midway_ssh_key_dup_sudoers_line (self->profile, &error);
      if (sudoers == NULL)
        sudoers = g_strdup (error->message);
    }

  adw_action_row_set_subtitle (self->key_row, key_text);
  adw_action_row_set_subtitle (self->public_row, public_line);
  adw_action_row_set_subtitle (self->authorized_keys_row, authorized);
  adw_action_row_set_subtitle (self->sudoers_row, sudoers != NULL ? sudoers : "");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key.generate", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key.import", idle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key.copy-public", self->key != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key.copy-authorized-keys", self->key != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "key.copy-sudoers", error == NULL && sudoers != NULL);
}

static void
set_busy (MidwayKeyPanel *self,
          gboolean        busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  refresh (self);
}

static void
set_key (MidwayKeyPanel *self,
         MidwaySshKey   *key)
{
  g_set_object (&self->key, key);
  refresh (self);
}

static void fail (Op         *op,
                  const char *format,
                  ...) G_GNUC_PRINTF (2, 3);

static void
fail (Op         *op,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  set_status (op->self, message);
  set_busy (op->self, FALSE);
}

/* ---- Looking up the stored key ------------------------------------------ */

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep failed_step;

  key = midway_key_load_finish (result, &failed_step, &error);
  if (!op_is_current (op))
    return;
  if (failed_step == MIDWAY_KEY_STEP_READ)
    {
      fail (op, _("Cannot read the keyring: %s"), error->message);
      return;
    }
  if (error != NULL)
    {
      fail (op, _("The key in the keyring cannot be used: %s"), error->message);
      return;
    }
  if (key != NULL)
    set_key (op->self, key);
  set_busy (op->self, FALSE);
}

void
midway_key_panel_reload (MidwayKeyPanel *self)
{
  MidwayProfile *profile;

  g_return_if_fail (MIDWAY_IS_KEY_PANEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  profile = self->editor != NULL ? midway_profile_editor_get_profile (self->editor) : NULL;
  if (self->profile != NULL)
    g_clear_signal_handler (&self->notify_id, self->profile);
  g_set_object (&self->profile, profile);
  if (profile != NULL)
    self->notify_id = g_signal_connect_swapped (profile, "notify", G_CALLBACK (refresh), self);

  g_clear_object (&self->key);
  set_status (self, NULL);
  self->busy = FALSE;
  if (profile == NULL)
    {
      refresh (self);
      return;
    }
  set_busy (self, TRUE);
  midway_key_load_async (self->store, midway_profile_get_id (profile), self->cancellable, on_loaded, op_new (self));
}

/* ---- Storing ------------------------------------------------------------ */

static void
use_keyring_key (MidwayKeyPanel *self)
{
  /* Through the editor's row, as if chosen: the editor shows and checks it. */
  if (self->editor != NULL)
    midway_profile_editor_set_text (self->editor, MIDWAY_FIELD_AUTH,
                                    midway_auth_method_to_string (MIDWAY_AUTH_KEYRING_KEY));
  else
    midway_profile_set_from_string (self->profile, MIDWAY_FIELD_AUTH,
                                    midway_auth_method_to_string (MIDWAY_AUTH_KEYRING_KEY), NULL);
}

/* The end of a generate or an import that got as far as storing. */
static void
finish_store (Op           *op,
              MidwaySshKey *key,
              MidwayKeyStep failed_step,
              const GError *error)
{
  MidwayKeyPanel *self = op->self;

  if (failed_step == MIDWAY_KEY_STEP_STORE_KEY)
    {
      fail (op, _("The key is not stored: %s"), error->message);
      return;
    }
  if (failed_step == MIDWAY_KEY_STEP_STORE_PASSPHRASE)
    {
      fail (op, _("The key is stored but its passphrase is not: %s"), error->message);
      return;
    }
  set_key (self, key);
  use_keyring_key (self);
  set_status (self, _("The key is in the keyring and the profile signs in with it once saved. "
                      "Add the lines below on the server."));
  set_busy (self, FALSE);
}

/* ---- Generating --------------------------------------------------------- */

static void
on_generated (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep failed_step;

  key = midway_key_generate_finish (result, &failed_step, &error);
  if (!op_is_current (op))
    return;
  if (failed_step == MIDWAY_KEY_STEP_GENERATE)
    fail (op, _("No key made: %s"), error->message);
  else
    finish_store (op, key, failed_step, error);
}

static void
generate (MidwayKeyPanel *self)
{
  set_busy (self, TRUE);
  midway_key_generate_async (self->store, self->profile, self->cancellable, on_generated, op_new (self));
}

/* ---- Importing ---------------------------------------------------------- */

static void import_key (Op *op);

static void
on_passphrase_response (AdwMessageDialog *dialog,
                        const char       *response,
                        gpointer          user_data)
{
  g_autoptr(Op) op = user_data;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));

  if (!op_is_current (op))
    return;
  if (g_strcmp0 (response, "unlock") != 0)
    {
      set_status (op->self, _("Not imported: no passphrase given"));
      set_busy (op->self, FALSE);
      return;
    }
  if (op->passphrase != NULL)
    explicit_bzero (op->passphrase, strlen (op->passphrase));
  g_free (op->passphrase);
  op->passphrase = g_strdup (gtk_editable_get_text (entry));
  gtk_editable_set_text (entry, "");
  import_key (g_steal_pointer (&op));
}

static void
ask_passphrase (Op         *op,
                const char *message)
{
  GtkWidget *dialog;
  GtkWidget *entry;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (op->self));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Passphrase of the Key"), message);
  /* Not a GtkPasswordEntry: GTK 4.8's warns of an invalid cast in its own
   * code when its dialog is destroyed right after a response. */
  entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Passphrase"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "unlock", _("_Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "unlock", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "unlock");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_passphrase_response), op);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

static void
on_imported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(MidwaySshKey) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayKeyStep failed_step;

  key = midway_key_import_finish (result, &failed_step, &error);
  if (!op_is_current (op))
    return;
  if (g_error_matches (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE))
    {
      ask_passphrase (g_steal_pointer (&op), error->message);
      return;
    }
  if (failed_step == MIDWAY_KEY_STEP_CHECK)
    fail (op, _("Not imported: %s"), error->message);
  else
    finish_store (op, key, failed_step, error);
}

/* Takes @op, whose data is the key read from the file. */
static void
import_key (Op *op)
{
  midway_key_import_async (op->self->store, op->self->profile, op->data, op->passphrase, op->cancellable,
                           on_imported, op);
}

static void
on_file_loaded (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (op_is_current (op))
        fail (op, _("Not imported: %s"), error->message);
      return;
    }
  op->data = midway_secret_bytes_new_copy (contents, MIN (length, MIDWAY_SSH_KEY_MAX_SIZE + 1));
  explicit_bzero (contents, length);
  g_free (contents);
  if (!op_is_current (op))
    return;
  import_key (g_steal_pointer (&op));
}

void
midway_key_panel_import_file (MidwayKeyPanel *self,
                              GFile          *file)
{
  g_return_if_fail (MIDWAY_IS_KEY_PANEL (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->profile != NULL);

  set_status (self, NULL);
  set_busy (self, TRUE);
  g_file_load_contents_async (file, self->cancellable, on_file_loaded, op_new (self));
}

static void
on_chooser_response (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (user_data);

  if (response == GTK_RESPONSE_ACCEPT && self->profile != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      midway_key_panel_import_file (self, file);
    }
  g_object_unref (chooser);
}

static void
choose_file (MidwayKeyPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser;
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

  chooser = gtk_file_chooser_native_new (_("Import a Private Key"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (g_file_query_exists (folder, NULL))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Actions ------------------------------------------------------------ */

typedef void (*PanelStep) (MidwayKeyPanel *self);

static void
on_replace_response (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (user_data);
  PanelStep step = g_object_get_data (G_OBJECT (dialog), "midway-step");

  if (g_strcmp0 (response, "replace") == 0 && self->profile != NULL && !self->busy)
    step (self);
}

/* Runs @step, after asking when it would replace a stored key. */
static void
confirm_replace (MidwayKeyPanel *self,
                 PanelStep       step)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->key == NULL)
    {
      step (self);
      return;
    }
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Replace the Key?"),
                                   _("The key in the keyring is deleted for good. The server then needs the "
                                     "new public key before this profile can sign in again."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "replace", _("_Replace"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "midway-step", step);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
generate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (widget);

  set_status (self, NULL);
  confirm_replace (self, generate);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (widget);

  set_status (self, NULL);
  confirm_replace (self, choose_file);
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
restore_copy_button (gpointer user_data)
{
  GtkButton *button = GTK_BUTTON (user_data);

  g_object_set_data (G_OBJECT (button), "midway-copied-source", NULL);
  gtk_button_set_icon_name (button, "edit-copy-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), g_object_get_data (G_OBJECT (button), "midway-tooltip"));
  return G_SOURCE_REMOVE;
}

/* The button itself says it worked, where the person looks: a tick for
 * two seconds. */
static void
copy_text (MidwayKeyPanel *self,
           const char     *action_name,
           const char     *text,
           const char     *message)
{
  GtkWidget *button = find_action_button (GTK_WIDGET (self), action_name);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  set_status (self, message);
  if (button == NULL)
    return;
  if (g_object_get_data (G_OBJECT (button), "midway-tooltip") == NULL)
    g_object_set_data_full (G_OBJECT (button), "midway-tooltip",
                            g_strdup (gtk_widget_get_tooltip_text (button)), g_free);
  if (g_object_get_data (G_OBJECT (button), "midway-copied-source") != NULL)
    g_source_remove (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "midway-copied-source")));
  gtk_button_set_icon_name (GTK_BUTTON (button), "object-select-symbolic");
  gtk_widget_set_tooltip_text (button, message);
  g_object_set_data (G_OBJECT (button), "midway-copied-source",
                     GUINT_TO_POINTER (g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, 2, restore_copy_button,
                                                                   g_object_ref (button), g_object_unref)));
}

/* Keys, fingerprints and the server's lines in a fixed-width font, and
 * never with hyphens that are not theirs where a long token wraps. */
static void
style_subtitle (AdwActionRow *row)
{
  GtkWidget *child;
  g_autoptr(GList) pending = g_list_prepend (NULL, row);

  while (pending != NULL)
    {
      GtkWidget *widget = pending->data;

      pending = g_list_delete_link (pending, pending);
      if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "subtitle"))
        {
          PangoAttrList *attributes = pango_attr_list_new ();

          pango_attr_list_insert (attributes, pango_attr_insert_hyphens_new (FALSE));
          gtk_label_set_attributes (GTK_LABEL (widget), attributes);
          pango_attr_list_unref (attributes);
          gtk_label_set_wrap_mode (GTK_LABEL (widget), PANGO_WRAP_WORD_CHAR);
          gtk_widget_add_css_class (widget, "monospace");
          return;
        }
      for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
        pending = g_list_prepend (pending, child);
    }
}

static void
copy_public_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (widget);
  g_autofree char *line = NULL;

  if (self->key == NULL)
    return;
  line = dup_public_line (self);
  copy_text (self, "key.copy-public", line, _("Public key copied"));
}

static void
copy_authorized_keys_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (widget);
  g_autofree char *line = NULL;

  if (self->key == NULL)
    return;
  line = midway_ssh_key_dup_authorized_keys_line (self->key, self->profile);
  copy_text (self, "key.copy-authorized-keys", line, _("authorized_keys line copied"));
}

static void
copy_sudoers_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (widget);
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;

  if (self->profile == NULL)
    return;
  line = midway_ssh_key_dup_sudoers_line (self->profile, &error);
  if (line == NULL)
    set_status (self, error->message);
  else
    copy_text (self, "key.copy-sudoers", line, _("sudoers line copied"));
}

/* ---- Object ------------------------------------------------------------- */

void
midway_key_panel_set_editor (MidwayKeyPanel      *self,
                             MidwayProfileEditor *editor)
{
  g_return_if_fail (MIDWAY_IS_KEY_PANEL (self));
  g_return_if_fail (editor == NULL || MIDWAY_IS_PROFILE_EDITOR (editor));

  if (g_set_object (&self->editor, editor))
    midway_key_panel_reload (self);
}

gboolean
midway_key_panel_get_busy (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), FALSE);
  return self->busy;
}

MidwaySshKey *
midway_key_panel_get_key (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->key;
}

AdwActionRow *
midway_key_panel_get_key_row (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->key_row;
}

AdwActionRow *
midway_key_panel_get_public_row (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->public_row;
}

AdwActionRow *
midway_key_panel_get_authorized_keys_row (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->authorized_keys_row;
}

AdwActionRow *
midway_key_panel_get_sudoers_row (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->sudoers_row;
}

GtkLabel *
midway_key_panel_get_status_label (MidwayKeyPanel *self)
{
  g_return_val_if_fail (MIDWAY_IS_KEY_PANEL (self), NULL);
  return self->status_label;
}

static void
midway_key_panel_dispose (GObject *object)
{
  MidwayKeyPanel *self = MIDWAY_KEY_PANEL (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->profile != NULL)
    g_clear_signal_handler (&self->notify_id, self->profile);
  g_clear_object (&self->profile);
  g_clear_object (&self->editor);
  g_clear_object (&self->key);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (midway_key_panel_parent_class)->dispose (object);
}

static void
midway_key_panel_class_init (MidwayKeyPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = midway_key_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-key-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayKeyPanel, key_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayKeyPanel, public_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayKeyPanel, authorized_keys_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayKeyPanel, sudoers_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayKeyPanel, status_label);

  gtk_widget_class_install_action (widget_class, "key.generate", NULL, generate_action);
  gtk_widget_class_install_action (widget_class, "key.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "key.copy-public", NULL, copy_public_action);
  gtk_widget_class_install_action (widget_class, "key.copy-authorized-keys", NULL, copy_authorized_keys_action);
  gtk_widget_class_install_action (widget_class, "key.copy-sudoers", NULL, copy_sudoers_action);
}

static void
midway_key_panel_init (MidwayKeyPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  style_subtitle (self->key_row);
  style_subtitle (self->public_row);
  style_subtitle (self->authorized_keys_row);
  style_subtitle (self->sudoers_row);
  self->store = midway_secret_store_new ();
  self->cancellable = g_cancellable_new ();
  set_status (self, NULL);
  refresh (self);
}

GtkWidget *
midway_key_panel_new (void)
{
  return g_object_new (MIDWAY_TYPE_KEY_PANEL, NULL);
}
