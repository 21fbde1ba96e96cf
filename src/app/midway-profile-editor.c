/* midway-profile-editor.c: the fields of one profile.
 *
 * The rows come from the shared library's field table, so a field added
 * there appears here without a change.  Each change goes through
 * midway_profile_set_from_string(), the same parser as the key file's, and
 * its message is shown under the row; nothing here knows a field's rule.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-error.h"
#include "midway-host-key-dialog.h"
#include "midway-host-key-fetcher.h"
#include "midway-profile-editor.h"

typedef struct {
  MidwayProfileEditor   *editor;
  const MidwayFieldSpec *spec;
  GtkWidget             *row;
  GtkWidget             *toggle;  /* the GtkSwitch of a boolean, else NULL */
  GtkWidget             *error_row;
  GtkLabel              *error_label;
  char                  *error_message;  /* shown under the row */
  gboolean               refused;        /* the row's text is not in the profile */
} Field;

struct _MidwayProfileEditor
{
  AdwBin         parent_instance;

  GtkListBox    *fields_box;
  GPtrArray     *fields;   /* Field, in the table's order */
  MidwayProfile *profile;
  MidwayProfile *baseline;  /* as last loaded or saved: what "modified" compares with */
  gboolean       loading;

  GtkWidget     *fetch_button;      /* on the host-key row */
  GCancellable  *fetch_cancellable; /* the fetch under way, if any */
};

G_DEFINE_FINAL_TYPE (MidwayProfileEditor, midway_profile_editor, ADW_TYPE_BIN)

static void
field_free (Field *field)
{
  g_free (field->error_message);
  g_free (field);
}

static void
field_mark (Field      *field,
            const char *message,
            gboolean    refused)
{
  field->refused = refused;
  g_free (field->error_message);
  field->error_message = g_strdup (message);
  gtk_widget_add_css_class (field->row, "error");
  gtk_label_set_text (field->error_label, message);
  gtk_widget_set_visible (field->error_row, TRUE);
}

static void
field_clear (Field *field)
{
  g_clear_pointer (&field->error_message, g_free);
  field->refused = FALSE;
  gtk_widget_remove_css_class (field->row, "error");
  gtk_label_set_text (field->error_label, "");
  gtk_widget_set_visible (field->error_row, FALSE);
}

static void
field_apply (Field      *field,
             const char *text)
{
  MidwayProfileEditor *self = field->editor;
  g_autoptr(GError) error = NULL;

  if (self->loading || self->profile == NULL)
    return;
  if (midway_profile_set_from_string (self->profile, midway_field_spec_get_key (field->spec), text, &error))
    field_clear (field);
  else
    field_mark (field, error->message, TRUE);
}

static void
on_entry_changed (GtkEditable *editable,
                  Field       *field)
{
  field_apply (field, gtk_editable_get_text (editable));
}

static void
on_switch_active (GtkSwitch  *toggle,
                  GParamSpec *pspec,
                  Field      *field)
{
  field_apply (field, gtk_switch_get_active (toggle) ? "true" : "false");
}

static Field *find_field (MidwayProfileEditor *self,
                          const char          *key);

static void
on_host_key_response (AdwMessageDialog    *dialog,
                      const char          *response,
                      MidwayProfileEditor *self)
{
  MidwayHostKeyDialog *host_key_dialog = MIDWAY_HOST_KEY_DIALOG (dialog);
  Field *field = find_field (self, MIDWAY_FIELD_HOST_KEY);
  const char *host = g_object_get_data (G_OBJECT (dialog), "midway-host");
  guint port = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (dialog), "midway-port"));

  /* Only a deliberate "Trust and Pin" sets the key; saving it stays the
   * user's own step. */
  if (g_strcmp0 (response, MIDWAY_HOST_KEY_RESPONSE_PIN) != 0 || field == NULL || self->profile == NULL)
    return;
  if (g_strcmp0 (host, midway_profile_get_host (self->profile)) != 0 ||
      port != midway_profile_get_port (self->profile))
    {
      field_mark (field, _("The server changed while its key was fetched: fetch it again"), FALSE);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (field->row), midway_host_key_dialog_get_host_key (host_key_dialog));
}

static void
fetch_host_key_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MidwayProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *host_key = NULL;
  Field *field = find_field (self, MIDWAY_FIELD_HOST_KEY);
  MidwayHostKeyDialog *dialog = NULL;
  const char *host = g_object_get_data (source, "midway-host");
  guint port = GPOINTER_TO_UINT (g_object_get_data (source, "midway-port"));

  host_key = midway_host_key_fetcher_fetch_finish (MIDWAY_HOST_KEY_FETCHER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->fetch_cancellable);
  gtk_widget_set_sensitive (self->fetch_button, TRUE);
  if (host_key != NULL)
    dialog = midway_host_key_dialog_new_confirm (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                 host, port, host_key, &error);
  if (host_key == NULL || dialog == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot fetch the host key: %s"), error->message);

      field_mark (field, message, FALSE);
      return;
    }
  g_object_set_data_full (G_OBJECT (dialog), "midway-host", g_strdup (host), g_free);
  g_object_set_data (G_OBJECT (dialog), "midway-port", GUINT_TO_POINTER (port));
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_host_key_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_fetch_clicked (GtkButton           *button,
                  MidwayProfileEditor *self)
{
  g_autoptr(MidwayHostKeyFetcher) fetcher = NULL;

  if (self->profile == NULL || self->fetch_cancellable != NULL)
    return;
  field_clear (find_field (self, MIDWAY_FIELD_HOST_KEY));
  fetcher = midway_host_key_fetcher_new ();
  /* What the dialog will name, as it was when asked. */
  g_object_set_data_full (G_OBJECT (fetcher), "midway-host",
                          g_strdup (midway_profile_get_host (self->profile)), g_free);
  g_object_set_data (G_OBJECT (fetcher), "midway-port",
                     GUINT_TO_POINTER (midway_profile_get_port (self->profile)));
  self->fetch_cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->fetch_button, FALSE);
  midway_host_key_fetcher_fetch_async (fetcher, self->profile, self->fetch_cancellable,
                                       fetch_host_key_cb, g_object_ref (self));
}

static void
add_field (MidwayProfileEditor   *self,
           const MidwayFieldSpec *spec)
{
  Field *field = g_new0 (Field, 1);
  const char *label = midway_field_spec_get_label (spec);
  GtkWidget *error_label;

  field->editor = self;
  field->spec = spec;

  if (midway_field_spec_get_kind (spec) == MIDWAY_FIELD_KIND_BOOLEAN)
    {
      field->row = adw_action_row_new ();
      field->toggle = gtk_switch_new ();
      gtk_widget_set_valign (field->toggle, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), field->toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), field->toggle);
      g_signal_connect (field->toggle, "notify::active", G_CALLBACK (on_switch_active), field);
    }
  else
    {
      /* Enumerations too: the library's message lists the choices. */
      field->row = adw_entry_row_new ();
      g_signal_connect (field->row, "changed", G_CALLBACK (on_entry_changed), field);
      if (g_strcmp0 (midway_field_spec_get_key (spec), MIDWAY_FIELD_HOST_KEY) == 0)
        {
          self->fetch_button = gtk_button_new_with_mnemonic (_("_Fetch Host Key"));
          gtk_widget_set_name (self->fetch_button, "fetch-host-key");
          gtk_widget_set_valign (self->fetch_button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (self->fetch_button,
                                       _("Ask the server for its key and show its fingerprint"));
          g_signal_connect (self->fetch_button, "clicked", G_CALLBACK (on_fetch_clicked), self);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), self->fetch_button);
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), label);
  gtk_widget_set_name (field->row, midway_field_spec_get_key (spec));
  gtk_list_box_append (self->fields_box, field->row);

  /* Under its row, so the message reads as the row's. */
  error_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (error_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (error_label), 0.0);
  gtk_widget_add_css_class (error_label, "error");
  gtk_widget_set_margin_start (error_label, 12);
  gtk_widget_set_margin_end (error_label, 12);
  gtk_widget_set_margin_top (error_label, 6);
  gtk_widget_set_margin_bottom (error_label, 6);
  field->error_label = GTK_LABEL (error_label);
  field->error_row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (field->error_row), error_label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (field->error_row), FALSE);
  gtk_list_box_row_set_selectable (GTK_LIST_BOX_ROW (field->error_row), FALSE);
  gtk_widget_set_visible (field->error_row, FALSE);
  gtk_list_box_append (self->fields_box, field->error_row);

  g_ptr_array_add (self->fields, field);
}

static Field *
find_field (MidwayProfileEditor *self,
            const char          *key)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (midway_field_spec_get_key (field->spec), key) == 0)
        return field;
    }
  return NULL;
}

/* The library's messages start with the field's key and a colon. */
static Field *
find_field_for_message (MidwayProfileEditor *self,
                        const char          *message)
{
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      const char *key = midway_field_spec_get_key (field->spec);
      gsize length = strlen (key);

      if (strncmp (message, key, length) == 0 && message[length] == ':')
        return field;
    }
  return NULL;
}

void
midway_profile_editor_set_profile (MidwayProfileEditor *self,
                                   MidwayProfile       *profile)
{
  g_return_if_fail (MIDWAY_IS_PROFILE_EDITOR (self));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));

  g_clear_object (&self->profile);
  self->profile = midway_profile_copy (profile);
  g_clear_object (&self->baseline);
  self->baseline = midway_profile_copy (profile);

  self->loading = TRUE;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = g_ptr_array_index (self->fields, i);
      g_autofree char *text = midway_profile_get_as_string (self->profile,
                                                            midway_field_spec_get_key (field->spec));

      if (field->toggle != NULL)
        gtk_switch_set_active (GTK_SWITCH (field->toggle), g_strcmp0 (text, "true") == 0);
      else
        gtk_editable_set_text (GTK_EDITABLE (field->row), text != NULL ? text : "");
      field_clear (field);
    }
  self->loading = FALSE;
}

MidwayProfile *
midway_profile_editor_get_profile (MidwayProfileEditor *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), NULL);

  return self->profile;
}

/* A refused text counts: what the person sees is not what is stored.
 * "Trust and Pin" and "Generate Key" go through the rows, so they count
 * like typing. */
gboolean
midway_profile_editor_get_modified (MidwayProfileEditor *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), FALSE);

  if (self->profile == NULL)
    return FALSE;
  for (guint i = 0; i < self->fields->len; i++)
    if (((Field *) g_ptr_array_index (self->fields, i))->refused)
      return TRUE;
  return !midway_profile_equal (self->profile, self->baseline);
}

void
midway_profile_editor_mark_saved (MidwayProfileEditor *self)
{
  g_return_if_fail (MIDWAY_IS_PROFILE_EDITOR (self));
  g_return_if_fail (self->profile != NULL);

  g_clear_object (&self->baseline);
  self->baseline = midway_profile_copy (self->profile);
}

MidwayProfile *
midway_profile_editor_check (MidwayProfileEditor  *self,
                             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  Field *field;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), NULL);
  g_return_val_if_fail (self->profile != NULL, NULL);

  /* A refused text left the previous value in the profile: saving that
   * would write something other than what the user sees. */
  for (guint i = 0; i < self->fields->len; i++)
    {
      field = g_ptr_array_index (self->fields, i);
      if (field->refused)
        {
          g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE, field->error_message);
          return NULL;
        }
    }

  /* A mark from the last check may no longer hold. */
  for (guint i = 0; i < self->fields->len; i++)
    field_clear (g_ptr_array_index (self->fields, i));
  if (!midway_profile_validate (self->profile, &local_error))
    {
      field = find_field_for_message (self, local_error->message);
      if (field != NULL)
        field_mark (field, local_error->message, FALSE);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return midway_profile_copy (self->profile);
}

GtkWidget *
midway_profile_editor_get_row (MidwayProfileEditor *self,
                               const char          *key)
{
  Field *field;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), NULL);

  field = find_field (self, key);
  return field != NULL ? field->row : NULL;
}

GtkLabel *
midway_profile_editor_get_error_label (MidwayProfileEditor *self,
                                       const char          *key)
{
  Field *field;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), NULL);

  field = find_field (self, key);
  return field != NULL ? field->error_label : NULL;
}

static void
midway_profile_editor_dispose (GObject *object)
{
  MidwayProfileEditor *self = MIDWAY_PROFILE_EDITOR (object);

  g_cancellable_cancel (self->fetch_cancellable);
  g_clear_object (&self->fetch_cancellable);
  g_clear_object (&self->profile);
  g_clear_object (&self->baseline);

  G_OBJECT_CLASS (midway_profile_editor_parent_class)->dispose (object);
}

static void
midway_profile_editor_finalize (GObject *object)
{
  MidwayProfileEditor *self = MIDWAY_PROFILE_EDITOR (object);

  g_clear_pointer (&self->fields, g_ptr_array_unref);

  G_OBJECT_CLASS (midway_profile_editor_parent_class)->finalize (object);
}

static void
midway_profile_editor_class_init (MidwayProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = midway_profile_editor_dispose;
  object_class->finalize = midway_profile_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-profile-editor.ui");
  gtk_widget_class_bind_template_child_full (widget_class, "fields", FALSE,
                                             G_STRUCT_OFFSET (MidwayProfileEditor, fields_box));
}

static void
midway_profile_editor_init (MidwayProfileEditor *self)
{
  guint n_fields = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);

  midway_profile_get_fields (&n_fields);
  for (guint i = 0; i < n_fields; i++)
    {
      const MidwayFieldSpec *spec = midway_profile_get_field (i);

      /* The id names the file and the keyring's items: not the user's to edit. */
      if (g_strcmp0 (midway_field_spec_get_key (spec), MIDWAY_FIELD_ID) == 0)
        continue;
      add_field (self, spec);
    }
}

GtkWidget *
midway_profile_editor_new (void)
{
  return g_object_new (MIDWAY_TYPE_PROFILE_EDITOR, NULL);
}
