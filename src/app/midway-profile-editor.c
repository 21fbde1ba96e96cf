/* midway-profile-editor.c: the fields of one profile.
 *
 * The rows come from the shared library's field table, so a field added
 * there appears here without a change (under "Advanced" until it is given
 * a section).  Each change goes through midway_profile_set_from_string(),
 * the same parser as the key file's, and its message is shown under the
 * row with the row's own label; nothing here knows a field's rule: a
 * number's range is asked of the library's validator.
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

/* The sections, in order, and the fields each holds. */
static const struct
{
  const char *title;
  const char *keys[8];
} sections[] = {
  { N_("Server"), { MIDWAY_FIELD_NAME, MIDWAY_FIELD_HOST, MIDWAY_FIELD_PORT, MIDWAY_FIELD_HOST_KEY } },
  { N_("Sign-in"), { MIDWAY_FIELD_USER, MIDWAY_FIELD_AUTH, MIDWAY_FIELD_KEY_FILE } },
  { N_("Addresses and Routes"), { MIDWAY_FIELD_LOCAL_ADDRESS, MIDWAY_FIELD_REMOTE_ADDRESS, MIDWAY_FIELD_ROUTES,
                                  MIDWAY_FIELD_FULL_TUNNEL, MIDWAY_FIELD_IPV6, MIDWAY_FIELD_FAIL_CLOSED } },
  { N_("DNS"), { MIDWAY_FIELD_DNS_SERVERS, MIDWAY_FIELD_DNS_SEARCH, MIDWAY_FIELD_PEER_DNS } },
  { N_("Advanced"), { MIDWAY_FIELD_REMOTE_COMMAND, MIDWAY_FIELD_MTU, MIDWAY_FIELD_ECHO_INTERVAL,
                      MIDWAY_FIELD_ECHO_FAILURES, MIDWAY_FIELD_RECONNECT } },
};
#define ADVANCED_SECTION (G_N_ELEMENTS (sections) - 1)

/* The sign-in methods by what a person calls them. */
static const struct
{
  MidwayAuthMethod method;
  const char      *label;
} auth_choices[] = {
  { MIDWAY_AUTH_AGENT, N_("SSH agent") },
  { MIDWAY_AUTH_KEY_FILE, N_("Private key file") },
  { MIDWAY_AUTH_KEYRING_KEY, N_("Key in the keyring") },
  { MIDWAY_AUTH_PASSWORD, N_("Password") },
};

typedef struct
{
  MidwayProfileEditor   *editor;
  const MidwayFieldSpec *spec;
  GtkWidget             *row;
  GtkWidget             *toggle;  /* the GtkSwitch of a boolean, else NULL */
  GtkWidget             *spin;    /* the GtkSpinButton of a number, else NULL */
  gboolean               choice;  /* row is the AdwComboRow of the sign-in method */
  GtkWidget             *error_row;
  GtkLabel              *error_label;
  char                  *error_message;  /* shown under the row */
  gboolean               refused;        /* the row's text is not in the profile */
} Field;

struct _MidwayProfileEditor
{
  AdwBin               parent_instance;

  GtkBox              *sections_box;
  AdwPreferencesGroup *groups[G_N_ELEMENTS (sections)];
  GPtrArray           *fields; /* Field, in the table's order */
  MidwayProfile       *profile;
  MidwayProfile       *baseline; /* as last loaded or saved: what "modified" compares with */
  gboolean             loading;

  GtkWidget           *fetch_button; /* on the host-key row */
  GCancellable        *fetch_cancellable; /* the fetch under way, if any */
};

G_DEFINE_FINAL_TYPE (MidwayProfileEditor, midway_profile_editor, ADW_TYPE_BIN)

static void
field_free (Field *field)
{
  g_free (field->error_message);
  g_free (field);
}

/* The library's messages start with the field's key ("port: must be …");
 * a person sees the row's label there instead. */
static char *
with_label (const MidwayFieldSpec *spec,
            const char            *message)
{
  const char *key = midway_field_spec_get_key (spec);
  gsize length = strlen (key);

  if (strncmp (message, key, length) == 0 && message[length] == ':')
    return g_strconcat (midway_field_spec_get_label (spec), message + length, NULL);
  return g_strdup (message);
}

static void
field_show_message (Field *field)
{
  gtk_widget_set_visible (field->error_row,
                          field->error_message != NULL && gtk_widget_get_visible (field->row));
}

/* While the person types, the row only turns red and its tooltip says
 * why: a message row appearing under it would push every row below on
 * each keystroke.  It shows once the row is left, or at once for
 * messages that do not come from typing (a save, a fetched key). */
static void
field_mark_quietly (Field      *field,
                    const char *message,
                    gboolean    refused)
{
  field->refused = refused;
  g_free (field->error_message);
  field->error_message = with_label (field->spec, message);
  gtk_widget_add_css_class (field->row, "error");
  gtk_widget_set_tooltip_text (field->row, field->error_message);
  gtk_label_set_text (field->error_label, field->error_message);
}

static void
field_mark (Field      *field,
            const char *message,
            gboolean    refused)
{
  field_mark_quietly (field, message, refused);
  field_show_message (field);
}

static void
on_row_focus_leave (GtkEventControllerFocus *controller,
                    Field                   *field)
{
  field_show_message (field);
}

static void
field_clear (Field *field)
{
  g_clear_pointer (&field->error_message, g_free);
  field->refused = FALSE;
  gtk_widget_remove_css_class (field->row, "error");
  gtk_widget_set_tooltip_text (field->row, NULL);
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
    field_mark_quietly (field, error->message, TRUE);
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

static void
on_spin_value_changed (GtkSpinButton *spin,
                       Field         *field)
{
  g_autofree char *text = g_strdup_printf ("%u", (guint) gtk_spin_button_get_value_as_int (spin));

  field_apply (field, text);
}

static void update_visibility (MidwayProfileEditor *self);

static void
on_choice_selected (AdwComboRow *row,
                    GParamSpec  *pspec,
                    Field       *field)
{
  guint selected = adw_combo_row_get_selected (row);

  if (selected < G_N_ELEMENTS (auth_choices))
    field_apply (field, midway_auth_method_to_string (auth_choices[selected].method));
  update_visibility (field->editor);
}

static gboolean
uint_valid (const MidwayFieldSpec *spec,
            guint32                number)
{
  g_autoptr(GVariant) value = g_variant_ref_sink (g_variant_new_uint32 (number));

  return midway_field_spec_validate (spec, value, NULL);
}

/* The library's range for a number, found by asking its validator: the
 * first valid value, then the last one of the run that follows. */
static void
probe_range (const MidwayFieldSpec *spec,
             guint32               *min,
             guint32               *max)
{
  guint32 low = 0, high = G_MAXUINT32;

  while (low < (1u << 20) && !uint_valid (spec, low))
    low++;
  *min = low;
  if (uint_valid (spec, high))
    {
      *max = high;
      return;
    }
  while (high - low > 1)
    {
      guint32 middle = low + (high - low) / 2;

      if (uint_valid (spec, middle))
        low = middle;
      else
        high = middle;
    }
  *max = low;
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
on_key_file_chosen (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  MidwayProfileEditor *self = MIDWAY_PROFILE_EDITOR (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        midway_profile_editor_set_text (self, MIDWAY_FIELD_KEY_FILE, path);
    }
  g_object_unref (chooser);
}

static void
on_choose_key_file (GtkButton           *button,
                    MidwayProfileEditor *self)
{
  GtkFileChooserNative *chooser;
  g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

  chooser = gtk_file_chooser_native_new (_("Choose the Private Key"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (g_file_test (ssh_dir, G_FILE_TEST_IS_DIR))
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_key_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static guint
section_of (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    for (guint j = 0; j < G_N_ELEMENTS (sections[i].keys) && sections[i].keys[j] != NULL; j++)
      if (g_str_equal (sections[i].keys[j], key))
        return i;
  return ADVANCED_SECTION;
}

static void
add_field (MidwayProfileEditor   *self,
           const MidwayFieldSpec *spec)
{
  Field *field = g_new0 (Field, 1);
  const char *label = midway_field_spec_get_label (spec);
  const char *key = midway_field_spec_get_key (spec);
  GtkWidget *error_label;

  field->editor = self;
  field->spec = spec;

  if (g_str_equal (key, MIDWAY_FIELD_AUTH))
    {
      g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

      for (guint i = 0; i < G_N_ELEMENTS (auth_choices); i++)
        gtk_string_list_append (labels, _(auth_choices[i].label));
      field->row = adw_combo_row_new ();
      field->choice = TRUE;
      adw_combo_row_set_model (ADW_COMBO_ROW (field->row), G_LIST_MODEL (labels));
      g_signal_connect (field->row, "notify::selected", G_CALLBACK (on_choice_selected), field);
    }
  else if (midway_field_spec_get_kind (spec) == MIDWAY_FIELD_KIND_UINT)
    {
      guint32 min, max;

      probe_range (spec, &min, &max);
      field->row = adw_action_row_new ();
      field->spin = gtk_spin_button_new_with_range (min, max, 1);
      gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (field->spin), TRUE);
      gtk_widget_set_valign (field->spin, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (field->spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (field->row), field->spin);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (field->row), field->spin);
      g_signal_connect (field->spin, "value-changed", G_CALLBACK (on_spin_value_changed), field);
    }
  else if (midway_field_spec_get_kind (spec) == MIDWAY_FIELD_KIND_BOOLEAN)
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
      else if (g_str_equal (key, MIDWAY_FIELD_KEY_FILE))
        {
          GtkWidget *choose = gtk_button_new_from_icon_name ("document-open-symbolic");

          gtk_widget_set_name (choose, "choose-key-file");
          gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (choose, _("Choose the private key file"));
          gtk_widget_add_css_class (choose, "flat");
          g_signal_connect (choose, "clicked", G_CALLBACK (on_choose_key_file), self);
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), choose);
        }
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), label);
  gtk_widget_set_name (field->row, key);
  {
    GtkEventController *focus = gtk_event_controller_focus_new ();

    g_signal_connect (focus, "leave", G_CALLBACK (on_row_focus_leave), field);
    gtk_widget_add_controller (field->row, focus);
  }
  adw_preferences_group_add (self->groups[section_of (key)], field->row);

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
  adw_preferences_group_add (self->groups[section_of (key)], field->error_row);

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

/* Puts @text into the field's widget, whose own signal then applies it. */
static void
field_show_text (Field      *field,
                 const char *text)
{
  if (field->toggle != NULL)
    gtk_switch_set_active (GTK_SWITCH (field->toggle), g_strcmp0 (text, "true") == 0);
  else if (field->spin != NULL)
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (field->spin), g_ascii_strtod (text, NULL));
  else if (field->choice)
    {
      for (guint i = 0; i < G_N_ELEMENTS (auth_choices); i++)
        if (g_strcmp0 (midway_auth_method_to_string (auth_choices[i].method), text) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (field->row), i);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (field->row), text);
}

static char *
field_dup_text (Field *field)
{
  if (field->toggle != NULL)
    return g_strdup (gtk_switch_get_active (GTK_SWITCH (field->toggle)) ? "true" : "false");
  if (field->spin != NULL)
    return g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (field->spin)));
  if (field->choice)
    {
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (field->row));

      return g_strdup (selected < G_N_ELEMENTS (auth_choices) ?
                       midway_auth_method_to_string (auth_choices[selected].method) : "");
    }
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (field->row)));
}

/* Rows that do not apply to the profile as it is are hidden: the key
 * file only matters when signing in with one. */
static void
update_visibility (MidwayProfileEditor *self)
{
  Field *key_file = find_field (self, MIDWAY_FIELD_KEY_FILE);
  gboolean uses_file;

  if (key_file == NULL || self->profile == NULL)
    return;
  uses_file = midway_profile_get_auth (self->profile) == MIDWAY_AUTH_KEY_FILE;
  gtk_widget_set_visible (key_file->row, uses_file);
  gtk_widget_set_visible (key_file->error_row, uses_file && key_file->error_message != NULL);
}

void
midway_profile_editor_set_text (MidwayProfileEditor *self,
                                const char          *key,
                                const char          *text)
{
  Field *field;

  g_return_if_fail (MIDWAY_IS_PROFILE_EDITOR (self));

  field = find_field (self, key);
  g_return_if_fail (field != NULL);
  field_show_text (field, text);
}

char *
midway_profile_editor_dup_text (MidwayProfileEditor *self,
                                const char          *key)
{
  Field *field;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_EDITOR (self), NULL);

  field = find_field (self, key);
  g_return_val_if_fail (field != NULL, NULL);
  return field_dup_text (field);
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

      field_show_text (field, text != NULL ? text : "");
      field_clear (field);
    }
  self->loading = FALSE;
  update_visibility (self);
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
midway_profile_editor_check (MidwayProfileEditor *self,
                             GError             **error)
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
          field_show_message (field);
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
        {
          field_mark (field, local_error->message, FALSE);
          g_set_error_literal (error, local_error->domain, local_error->code, field->error_message);
        }
      else
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
  gtk_widget_class_bind_template_child_full (widget_class, "sections", FALSE,
                                             G_STRUCT_OFFSET (MidwayProfileEditor, sections_box));
}

static void
midway_profile_editor_init (MidwayProfileEditor *self)
{
  guint n_fields = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      self->groups[i] = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
      adw_preferences_group_set_title (self->groups[i], _(sections[i].title));
      gtk_box_append (self->sections_box, GTK_WIDGET (self->groups[i]));
    }

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
