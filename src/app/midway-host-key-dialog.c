/* midway-host-key-dialog.c: a host key and its fingerprint, for a person
 * to compare with what the server's administrator says.
 *
 * The fingerprint is the one `ssh-keygen -l` prints, so it can be read
 * out and compared character for character.  "Cancel" is the default and
 * what Escape answers: trusting a key takes a deliberate click.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "midway-host-key.h"
#include "midway-host-key-dialog.h"

struct _MidwayHostKeyDialog
{
  AdwMessageDialog parent_instance;

  GtkLabel        *host_label;
  GtkLabel        *port_label;
  GtkLabel        *type_label;
  GtkLabel        *pinned_title;
  GtkLabel        *pinned_label;
  GtkLabel        *fingerprint_title;
  GtkLabel        *fingerprint_label;

  char            *host_key;
  char            *fingerprint;
};

G_DEFINE_FINAL_TYPE (MidwayHostKeyDialog, midway_host_key_dialog, ADW_TYPE_MESSAGE_DIALOG)

const char *
midway_host_key_dialog_get_host_key (MidwayHostKeyDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_HOST_KEY_DIALOG (self), NULL);

  return self->host_key;
}

const char *
midway_host_key_dialog_get_fingerprint (MidwayHostKeyDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_HOST_KEY_DIALOG (self), NULL);

  return self->fingerprint;
}

static MidwayHostKeyDialog *
dialog_new (GtkWindow  *parent,
            const char *host,
            guint       port)
{
  MidwayHostKeyDialog *self = g_object_new (MIDWAY_TYPE_HOST_KEY_DIALOG,
                                            "transient-for", parent,
                                            NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  gtk_label_set_text (self->host_label, host);
  gtk_label_set_text (self->port_label, port_text);
  return self;
}

MidwayHostKeyDialog *
midway_host_key_dialog_new_confirm (GtkWindow  *parent,
                                    const char *host,
                                    guint       port,
                                    const char *host_key,
                                    GError    **error)
{
  MidwayHostKeyDialog *self;
  g_autofree char *fingerprint = NULL;
  g_autofree char *type = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (host_key != NULL, NULL);

  fingerprint = midway_host_key_dup_fingerprint (host_key, error);
  if (fingerprint == NULL)
    return NULL;
  type = midway_host_key_dup_type (host_key);

  self = dialog_new (parent, host, port);
  self->host_key = g_strdup (host_key);
  self->fingerprint = g_steal_pointer (&fingerprint);
  gtk_label_set_text (self->type_label, type);
  gtk_label_set_text (self->fingerprint_label, self->fingerprint);

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Trust This Server?"));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  _("This is the first connection to %s. Compare the fingerprint "
                                    "below with the one the server’s administrator gives you; "
                                    "only trust the key if they are the same. Midway will then "
                                    "refuse any other key from this server."),
                                  host);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    MIDWAY_HOST_KEY_RESPONSE_CANCEL, _("_Cancel"),
                                    MIDWAY_HOST_KEY_RESPONSE_PIN, _("_Trust and Pin"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_PIN,
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_CANCEL);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_CANCEL);
  return self;
}

MidwayHostKeyDialog *
midway_host_key_dialog_new_mismatch (GtkWindow  *parent,
                                     const char *host,
                                     guint       port,
                                     const char *pinned_key,
                                     const char *presented_key,
                                     const char *fetch_error)
{
  MidwayHostKeyDialog *self;
  g_autofree char *pinned_fingerprint = NULL;
  g_autofree char *type = NULL;
  g_autofree char *what = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (pinned_key != NULL, NULL);

  self = dialog_new (parent, host, port);
  /* The pinned key passed the profile's rule; "?" only guards the display. */
  pinned_fingerprint = midway_host_key_dup_fingerprint (pinned_key, NULL);
  if (pinned_fingerprint == NULL)
    pinned_fingerprint = g_strdup ("?");
  if (presented_key != NULL)
    {
      self->fingerprint = midway_host_key_dup_fingerprint (presented_key, NULL);
      if (self->fingerprint != NULL)
        self->host_key = g_strdup (presented_key);
    }

  type = midway_host_key_dup_type (self->host_key != NULL ? self->host_key : pinned_key);
  gtk_label_set_text (self->type_label, type);
  gtk_widget_set_visible (GTK_WIDGET (self->pinned_title), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->pinned_label), TRUE);
  gtk_label_set_text (self->pinned_label, pinned_fingerprint);
  gtk_label_set_text (self->fingerprint_title, _("Server now presents"));

  if (self->fingerprint != NULL)
    {
      gtk_label_set_text (self->fingerprint_label, self->fingerprint);
      what = midway_host_key_describe_mismatch (pinned_fingerprint, self->fingerprint);
    }
  else
    {
      /* Translators: %s says why the server's key could not be fetched. */
      g_autofree char *unknown = g_strdup_printf (_("unknown (%s)"),
                                                  fetch_error != NULL ? fetch_error : "?");

      gtk_label_set_text (self->fingerprint_label, unknown);
      what = midway_host_key_describe_mismatch (pinned_fingerprint, unknown);
    }

  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("The Server’s Host Key Has Changed"));
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  /* Translators: %s is a host name, then "pinned SHA256:…,
                                   * server now presents SHA256:…" */
                                  _("Midway did not connect to %s: %s. Someone may be intercepting "
                                    "the connection, or the server’s key was replaced. The pinned "
                                    "key was not changed. If the server’s administrator confirms "
                                    "the new fingerprint, clear the host key in the profile and "
                                    "fetch it again."),
                                  host, what);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_CLOSE, _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_CLOSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), MIDWAY_HOST_KEY_RESPONSE_CLOSE);
  return self;
}

static void
midway_host_key_dialog_finalize (GObject *object)
{
  MidwayHostKeyDialog *self = MIDWAY_HOST_KEY_DIALOG (object);

  g_free (self->host_key);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (midway_host_key_dialog_parent_class)->finalize (object);
}

static void
midway_host_key_dialog_class_init (MidwayHostKeyDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = midway_host_key_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-host-key-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, host_label);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, port_label);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, type_label);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, pinned_title);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, pinned_label);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, fingerprint_title);
  gtk_widget_class_bind_template_child (widget_class, MidwayHostKeyDialog, fingerprint_label);
}

static void
midway_host_key_dialog_init (MidwayHostKeyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
