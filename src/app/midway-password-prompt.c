/* midway-password-prompt.c: asks for a profile's SSH password when it
 * connects.  The password goes to the helper for this connection only,
 * or, with "Remember in keyring", into the Secret Service first, where
 * the next connection finds it without asking.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-password-prompt.h"

struct _MidwayPasswordPrompt
{
  AdwMessageDialog parent_instance;

  GtkWidget       *entry;
  GtkWidget       *remember;
};

G_DEFINE_FINAL_TYPE (MidwayPasswordPrompt, midway_password_prompt, ADW_TYPE_MESSAGE_DIALOG)

/* Nothing to send before something is typed. */
static void
on_entry_changed (GtkEditable          *entry,
                  MidwayPasswordPrompt *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT,
                                           *gtk_editable_get_text (entry) != '\0');
}

static void
on_entry_activate (GtkEntry             *entry,
                   MidwayPasswordPrompt *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (entry)) != '\0')
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT);
}

GtkEditable *
midway_password_prompt_get_entry (MidwayPasswordPrompt *self)
{
  g_return_val_if_fail (MIDWAY_IS_PASSWORD_PROMPT (self), NULL);

  return GTK_EDITABLE (self->entry);
}

GtkCheckButton *
midway_password_prompt_get_remember (MidwayPasswordPrompt *self)
{
  g_return_val_if_fail (MIDWAY_IS_PASSWORD_PROMPT (self), NULL);

  return GTK_CHECK_BUTTON (self->remember);
}

static void
midway_password_prompt_class_init (MidwayPasswordPromptClass *klass)
{
}

static void
midway_password_prompt_init (MidwayPasswordPrompt *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  /* Not a GtkPasswordEntry: GTK 4.8's warns of an invalid cast in its own
   * code when its dialog is destroyed right after a response. */
  self->entry = gtk_entry_new ();
  gtk_entry_set_visibility (GTK_ENTRY (self->entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->entry), GTK_INPUT_PURPOSE_PASSWORD);
  g_signal_connect (self->entry, "changed", G_CALLBACK (on_entry_changed), self);
  g_signal_connect (self->entry, "activate", G_CALLBACK (on_entry_activate), self);
  self->remember = gtk_check_button_new_with_mnemonic (_("_Remember in keyring"));
  gtk_box_append (GTK_BOX (box), self->entry);
  gtk_box_append (GTK_BOX (box), self->remember);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    MIDWAY_PASSWORD_PROMPT_RESPONSE_CANCEL, _("_Cancel"),
                                    MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT, _("C_onnect"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT, FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CONNECT);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), MIDWAY_PASSWORD_PROMPT_RESPONSE_CANCEL);
}

static MidwayPasswordPrompt *
prompt_new (GtkWindow  *parent,
            const char *heading,
            const char *body,
            const char *what,
            gboolean    can_remember)
{
  MidwayPasswordPrompt *self = g_object_new (MIDWAY_TYPE_PASSWORD_PROMPT,
                                             "transient-for", parent,
                                             "modal", parent != NULL,
                                             "heading", heading,
                                             "body", body,
                                             NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry), GTK_ACCESSIBLE_PROPERTY_LABEL, what, -1);
  gtk_widget_set_sensitive (self->remember, can_remember);
  if (!can_remember)
    gtk_widget_set_tooltip_text (self->remember, _("No keyring is running: the password is used this time only"));
  return self;
}

MidwayPasswordPrompt *
midway_password_prompt_new_passphrase (GtkWindow  *parent,
                                       const char *profile_name,
                                       const char *key_file,
                                       gboolean    can_remember)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autofree char *shown = g_filename_display_name (key_file);

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  /* Translators: %s is the profile's name. */
  heading = g_strdup_printf (_("Sign In to “%s”"), profile_name);
  /* Translators: %s is the path of the private key file. */
  body = g_strdup_printf (_("The passphrase of the key %s"), shown);
  return prompt_new (parent, heading, body, _("Passphrase"), can_remember);
}

MidwayPasswordPrompt *
midway_password_prompt_new (GtkWindow  *parent,
                            const char *profile_name,
                            const char *account,
                            gboolean    can_remember)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);

  /* Translators: %s is the profile's name. */
  heading = g_strdup_printf (_("Sign In to “%s”"), profile_name);
  /* Translators: %s is the account, "user@server". */
  body = g_strdup_printf (_("The SSH password of %s"), account);
  return prompt_new (parent, heading, body, _("Password"), can_remember);
}
