/* midway-profile-dialog.c: the profiles window.
 *
 * Profiles are written where midwayctl keeps them
 * ($XDG_CONFIG_HOME/midway/profiles/<id>.midway, 0600, atomically through
 * midway_profile_save()), and the connection list is reloaded after every
 * write, so the main window and the tray follow.  Validation is the
 * library's alone: the editor shows its messages and a save the library
 * refuses writes nothing.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "midway-connection-row.h"
#include "midway-error.h"
#include "midway-key-panel.h"
#include "midway-profile-dialog.h"
#include "midway-secret-store.h"
#include "midway-server-dialog.h"
#include "midway-ssh-config.h"
#include "midway-ssh-import-dialog.h"

#define PROFILE_SUFFIX ".midway"

/* What the unsaved-changes question was asked for. */
typedef enum
{
  GUARD_SELECT,
  GUARD_NEW,
  GUARD_CLOSE,
  GUARD_QUIT,
} GuardGoal;

struct _MidwayProfileDialog
{
  AdwWindow             parent_instance;

  AdwToastOverlay      *toasts;
  GtkListBox           *profiles;
  MidwayProfileEditor  *editor;
  MidwayKeyPanel       *key_panel;

  MidwayConnectionList *list;
  MidwayProfile        *deleted;       /* what "Undo" brings back */
  AdwToast             *delete_toast;

  AdwMessageDialog     *guard;         /* weak: the unsaved-changes question open */
  GuardGoal             guard_goal;
  char                 *guard_target;  /* GUARD_SELECT: the profile to show next */
  gboolean              reverting;     /* moving the selection back, not the person */
};

G_DEFINE_FINAL_TYPE (MidwayProfileDialog, midway_profile_dialog, ADW_TYPE_WINDOW)

static char *
profile_path (MidwayProfile *profile)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *name = g_strconcat (midway_profile_get_id (profile), PROFILE_SUFFIX, NULL);

  return g_build_filename (directory, name, NULL);
}

static void
show_toast (MidwayProfileDialog *self,
            const char          *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
reload (MidwayProfileDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!midway_connection_list_load (self->list, &error))
    show_toast (self, error->message);
}

/* The same rule as midwayctl import (midway_profile_names_equal()):
 * another profile of this name, in any case, is in the way. */
static gboolean
name_taken (MidwayProfileDialog *self,
            const char          *name,
            const char          *profile_id)
{
  GListModel *model = G_LIST_MODEL (self->list);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) != 0 &&
          midway_profile_names_equal (midway_connection_get_name (connection), name))
        return TRUE;
    }
  return FALSE;
}

static gboolean
store_profile (MidwayProfileDialog *self,
               MidwayProfile       *profile,
               GError             **error)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *path = profile_path (profile);

  if (name_taken (self, midway_profile_get_name (profile), midway_profile_get_id (profile)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("A profile named “%s” already exists"), midway_profile_get_name (profile));
      return FALSE;
    }

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot create %s: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }
  return midway_profile_save (profile, path, error);
}

/* Written, then shown: moving away from unsaved edits still asks first. */
static gboolean
write_profile (MidwayProfileDialog *self,
               MidwayProfile       *profile,
               GError             **error)
{
  if (!store_profile (self, profile, error))
    return FALSE;
  reload (self);
  midway_profile_dialog_select (self, midway_profile_get_id (profile));
  return TRUE;
}

static void
select_row_quietly (MidwayProfileDialog *self,
                    const char          *profile_id)
{
  GListModel *model = G_LIST_MODEL (self->list);
  guint n = g_list_model_get_n_items (model);

  self->reverting = TRUE;
  gtk_list_box_unselect_all (self->profiles);
  for (guint i = 0; profile_id != NULL && i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) == 0)
        gtk_list_box_select_row (self->profiles, gtk_list_box_get_row_at_index (self->profiles, i));
    }
  self->reverting = FALSE;
}

static void
load_profile (MidwayProfileDialog *self,
              MidwayProfile       *profile)
{
  midway_profile_editor_set_profile (self->editor, profile);
  midway_key_panel_reload (self->key_panel);
}

/* Without asking: the edits are saved, discarded, or of a deleted profile. */
static void
show_now (MidwayProfileDialog *self,
          const char          *profile_id)
{
  MidwayConnection *connection = profile_id != NULL ? midway_connection_list_find (self->list, profile_id) : NULL;
  g_autoptr(MidwayProfile) fresh = NULL;

  select_row_quietly (self, connection != NULL ? profile_id : NULL);
  if (connection != NULL)
    load_profile (self, midway_connection_get_profile (connection));
  else
    {
      fresh = midway_profile_new ();
      load_profile (self, fresh);
    }
}

static gboolean save_shown (MidwayProfileDialog *self);

static gboolean
destroy_idle (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
on_guard_response (AdwMessageDialog    *dialog,
                   const char          *response,
                   MidwayProfileDialog *self)
{
  g_autofree char *target = g_steal_pointer (&self->guard_target);

  g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->guard);
  self->guard = NULL;
  if (g_strcmp0 (response, "save") == 0)
    {
      /* A save the library refuses keeps the form and says why. */
      if (!save_shown (self))
        return;
    }
  else if (g_strcmp0 (response, "discard") != 0)
    return;

  switch (self->guard_goal)
    {
    case GUARD_SELECT:
      show_now (self, target);
      break;
    case GUARD_NEW:
      show_now (self, NULL);
      break;
    case GUARD_QUIT:
      if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
        g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
      G_GNUC_FALLTHROUGH;
    case GUARD_CLOSE:
      /* Not from inside the question's own signal: it is transient for
       * this window and still lets go of it afterwards. */
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, destroy_idle, g_object_ref (self), g_object_unref);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Save / Discard / Cancel before the form is replaced or closed. */
static void
ask_unsaved (MidwayProfileDialog *self,
             GuardGoal            goal,
             const char          *target)
{
  MidwayProfile *shown = midway_profile_editor_get_profile (self->editor);
  const char *name = shown != NULL ? midway_profile_get_name (shown) : "";
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  self->guard_goal = goal;
  g_free (self->guard_target);
  self->guard_target = g_strdup (target);
  if (self->guard != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->guard));
      return;
    }

  if (*name != '\0')
    /* Translators: %s is the profile's name. */
    body = g_strdup_printf (_("“%s” has changes that are not saved. Unsaved changes are lost."), name);
  else
    body = g_strdup (_("The new profile is not saved. Unsaved changes are lost."));
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_guard_response), self, 0);
  self->guard = ADW_MESSAGE_DIALOG (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->guard);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_close_request (GtkWindow *window,
                  gpointer   user_data)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (window);

  if (!midway_profile_editor_get_modified (self->editor))
    return FALSE;
  ask_unsaved (self, GUARD_CLOSE, NULL);
  return TRUE;
}

gboolean
midway_profile_dialog_may_quit (MidwayProfileDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), TRUE);

  if (!midway_profile_editor_get_modified (self->editor))
    return TRUE;
  gtk_window_present (GTK_WINDOW (self));
  ask_unsaved (self, GUARD_QUIT, NULL);
  return FALSE;
}

AdwMessageDialog *
midway_profile_dialog_get_unsaved_question (MidwayProfileDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), NULL);

  return self->guard;
}

gboolean
midway_profile_dialog_select (MidwayProfileDialog *self,
                              const char          *profile_id)
{
  GListModel *model;
  guint n;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), FALSE);

  model = G_LIST_MODEL (self->list);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_strcmp0 (midway_connection_get_id (connection), profile_id) == 0)
        {
          gtk_list_box_select_row (self->profiles, gtk_list_box_get_row_at_index (self->profiles, i));
          return TRUE;
        }
    }
  return FALSE;
}

static void
show_first_or_new (MidwayProfileDialog *self)
{
  g_autoptr(MidwayConnection) first = g_list_model_get_item (G_LIST_MODEL (self->list), 0);

  show_now (self, first != NULL ? midway_connection_get_id (first) : NULL);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  GtkWidget *row = midway_connection_row_new (MIDWAY_CONNECTION (item));

  midway_connection_row_set_opens_details (MIDWAY_CONNECTION_ROW (row), FALSE);
  return row;
}

static void
on_row_selected (GtkListBox          *box,
                 GtkListBoxRow       *row,
                 MidwayProfileDialog *self)
{
  MidwayConnection *connection;
  MidwayProfile *shown;

  /* A reload unselects everything before the row comes back: keep what
   * the editor shows until then. */
  if (row == NULL || self->reverting)
    return;
  connection = midway_connection_row_get_connection (MIDWAY_CONNECTION_ROW (row));
  shown = midway_profile_editor_get_profile (self->editor);
  if (!midway_profile_editor_get_modified (self->editor))
    {
      load_profile (self, midway_connection_get_profile (connection));
      return;
    }
  /* The same profile back after a reload: the edits stay. */
  if (shown != NULL && g_strcmp0 (midway_profile_get_id (shown), midway_connection_get_id (connection)) == 0)
    return;
  /* Clicked or tabbed into another row: the form stays, selected, until
   * the question is answered. */
  select_row_quietly (self, shown != NULL ? midway_profile_get_id (shown) : NULL);
  ask_unsaved (self, GUARD_SELECT, midway_connection_get_id (connection));
}

/* The files changed behind our back (midwayctl, another window): the
 * rows are new, and the one shown is selected again; unedited, it shows
 * what the file now says. */
static void
on_list_items_changed (GListModel          *model,
                       guint                position,
                       guint                removed,
                       guint                added,
                       MidwayProfileDialog *self)
{
  MidwayProfile *shown = midway_profile_editor_get_profile (self->editor);
  const char *id = shown != NULL ? midway_profile_get_id (shown) : NULL;

  if (id == NULL || midway_connection_list_find (self->list, id) == NULL)
    return;
  if (midway_profile_editor_get_modified (self->editor))
    select_row_quietly (self, id);
  else
    show_now (self, id);
}

/* ---- Actions ------------------------------------------------------------ */

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  midway_profile_dialog_new_profile (MIDWAY_PROFILE_DIALOG (widget));
}

void
midway_profile_dialog_new_profile (MidwayProfileDialog *self)
{
  g_return_if_fail (MIDWAY_IS_PROFILE_DIALOG (self));

  if (midway_profile_editor_get_modified (self->editor))
    ask_unsaved (self, GUARD_NEW, NULL);
  else
    show_now (self, NULL);
}

static gboolean
save_shown (MidwayProfileDialog *self)
{
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  profile = midway_profile_editor_check (self->editor, &error);
  if (profile == NULL || !store_profile (self, profile, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"), error->message);

      show_toast (self, message);
      return FALSE;
    }
  midway_profile_editor_mark_saved (self->editor);
  reload (self);
  midway_profile_dialog_select (self, midway_profile_get_id (profile));
  show_toast (self, _("Profile saved"));
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  save_shown (MIDWAY_PROFILE_DIALOG (widget));
}

static void
on_server_profile_changed (MidwayServerDialog  *server_dialog,
                           MidwayProfile       *profile,
                           MidwayProfileDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!write_profile (self, profile, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"), error->message);

      show_toast (self, message);
      return;
    }
  midway_profile_editor_set_profile (self->editor, profile);
  show_toast (self, _("Profile saved"));
}

/* The profile as saved: the server is set up for what the file says, and
 * the assistant writes its result back to that file. */
static void
server_setup_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  MidwayServerDialog *server_dialog;

  profile = midway_profile_editor_check (self->editor, &error);
  if (profile == NULL || !write_profile (self, profile, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"), error->message);

      show_toast (self, message);
      return;
    }
  server_dialog = midway_server_dialog_new (GTK_WINDOW (self), profile);
  g_signal_connect_object (server_dialog, "profile-changed",
                           G_CALLBACK (on_server_profile_changed), self, 0);
  gtk_window_present (GTK_WINDOW (server_dialog));
}

static void
duplicate_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  g_autoptr(MidwayProfile) source = NULL;
  g_autoptr(MidwayProfile) fresh = midway_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  source = midway_profile_editor_check (self->editor, &error);
  if (source != NULL)
    {
      /* A copy is a profile of its own: its own id, file and keyring items. */
      midway_profile_set_from_string (source, MIDWAY_FIELD_ID, midway_profile_get_id (fresh), &error);
      if (error == NULL)
        {
          name = g_strdup_printf (_("%s (copy)"), midway_profile_get_name (source));
          /* a second copy of the same profile needs a name of its own */
          for (guint n = 2; name_taken (self, name, midway_profile_get_id (fresh)); n++)
            {
              g_free (name);
              name = g_strdup_printf (_("%s (copy %u)"), midway_profile_get_name (source), n);
            }
          /* A name at its longest stays as it is rather than failing. */
          midway_profile_set_from_string (source, MIDWAY_FIELD_NAME, name, NULL);
        }
    }
  if (error != NULL || !write_profile (self, source, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not duplicated: %s"), error->message);

      show_toast (self, message);
    }
}

static void
on_secrets_cleared (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Nobody is left to tell but the log: the dialog may be gone. */
  if (!midway_secret_store_clear_finish (MIDWAY_SECRET_STORE (source), result, &error) &&
      !g_error_matches (error, MIDWAY_SECRET_STORE_ERROR, MIDWAY_SECRET_STORE_ERROR_NO_SERVICE))
    g_warning ("Could not remove the keyring entries of a deleted profile: %s", error->message);
}

/* The undo window is over: the delete stands, and the profile's keys and
 * passwords must not outlive it in the keyring.  A profile brought back
 * meanwhile (imported again, same id) keeps them. */
static void
forget_deleted (MidwayProfileDialog *self)
{
  g_autoptr(MidwayProfile) deleted = g_steal_pointer (&self->deleted);
  g_autoptr(MidwaySecretStore) store = NULL;
  const char *id;

  self->delete_toast = NULL;
  if (deleted == NULL)
    return;
  id = midway_profile_get_id (deleted);
  if (self->list != NULL && midway_connection_list_find (self->list, id) != NULL)
    return;
  store = midway_secret_store_new ();
  midway_secret_store_clear_async (store, id, NULL, on_secrets_cleared, NULL);
}

static void
on_delete_toast_dismissed (AdwToast            *toast,
                           MidwayProfileDialog *self)
{
  if (self->delete_toast == toast)
    forget_deleted (self);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  MidwayProfile *shown = midway_profile_editor_get_profile (self->editor);
  MidwayConnection *saved = shown != NULL ? midway_connection_list_find (self->list, midway_profile_get_id (shown)) : NULL;
  g_autofree char *path = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (saved == NULL)
    {
      /* Never saved: deleting is forgetting the edits. */
      show_first_or_new (self);
      return;
    }

  path = profile_path (midway_connection_get_profile (saved));
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_autofree char *message = g_strdup_printf (_("Cannot delete %s: %s"), path, g_strerror (saved_errno));

      show_toast (self, message);
      return;
    }

  if (self->delete_toast != NULL)
    adw_toast_dismiss (self->delete_toast);
  forget_deleted (self);
  self->deleted = midway_profile_copy (midway_connection_get_profile (saved));
  title = g_strdup_printf (_("“%s” deleted"), midway_profile_get_name (self->deleted));

  reload (self);
  show_first_or_new (self);

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "profiles.undo-delete");
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_delete_toast_dismissed), self, 0);
  self->delete_toast = toast;
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  g_autoptr(MidwayProfile) profile = g_steal_pointer (&self->deleted);
  g_autoptr(GError) error = NULL;

  if (profile == NULL)
    return;
  if (!write_profile (self, profile, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not restored: %s"), error->message);

      show_toast (self, message);
    }
}

gboolean
midway_profile_dialog_import_file (MidwayProfileDialog *self,
                                   GFile               *file,
                                   GError             **error)
{
  g_autofree char *path = NULL;
  g_autoptr(MidwayProfile) profile = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only local files can be imported"));
      return FALSE;
    }
  profile = midway_profile_new_from_file (path, error);
  return profile != NULL && write_profile (self, profile, error);
}

gboolean
midway_profile_dialog_export_file (MidwayProfileDialog *self,
                                   GFile               *file,
                                   GError             **error)
{
  g_autofree char *path = NULL;
  g_autoptr(MidwayProfile) profile = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("Only local files can be exported to"));
      return FALSE;
    }
  profile = midway_profile_editor_check (self->editor, error);
  return profile != NULL && midway_profile_save (profile, path, error);
}

static void
on_import_response (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (!midway_profile_dialog_import_file (self, file, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Not imported: %s"), error->message);

          show_toast (self, message);
        }
    }
  g_object_unref (chooser);
}

static void
on_export_response (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (user_data);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autoptr(GError) error = NULL;

      if (!midway_profile_dialog_export_file (self, file, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Not exported: %s"), error->message);

          show_toast (self, message);
        }
    }
  g_object_unref (chooser);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import a Profile"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_import_response), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_ssh_import (MidwaySshImportDialog *import_dialog,
               MidwayProfileDialog   *self)
{
  g_autoptr(GPtrArray) selected = midway_ssh_import_dialog_dup_selected (import_dialog);
  g_autofree char *message = NULL;
  guint n_imported = 0;

  for (guint i = 0; i < selected->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (write_profile (self, selected->pdata[i], &error))
        n_imported++;
      else
        {
          g_autofree char *failure = g_strdup_printf (_("Not imported: %s"), error->message);

          show_toast (self, failure);
        }
    }
  message = g_strdup_printf (ngettext ("Imported %u profile", "Imported %u profiles", n_imported),
                             n_imported);
  show_toast (self, message);
  gtk_window_destroy (GTK_WINDOW (import_dialog));
}

/* Hosts of the person's own ~/.ssh/config, as ssh would read them. */
static void
import_ssh_config_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  g_autoptr(MidwaySshConfig) config = midway_ssh_config_new (NULL);
  g_autofree char *path = g_build_filename (g_get_home_dir (), ".ssh", "config", NULL);
  g_autoptr(GError) error = NULL;
  MidwaySshImportDialog *import_dialog;

  if (!midway_ssh_config_load_file (config, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not imported: %s"), error->message);

      show_toast (self, message);
      return;
    }
  import_dialog = midway_ssh_import_dialog_new (GTK_WINDOW (self), config, G_LIST_MODEL (self->list));
  g_signal_connect_object (import_dialog, "import", G_CALLBACK (on_ssh_import), self, 0);
  gtk_window_present (GTK_WINDOW (import_dialog));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (widget);
  MidwayProfile *shown = midway_profile_editor_get_profile (self->editor);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  chooser = gtk_file_chooser_native_new (_("Export the Profile"), GTK_WINDOW (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  if (shown != NULL && *midway_profile_get_name (shown) != '\0')
    {
      name = g_strconcat (midway_profile_get_name (shown), PROFILE_SUFFIX, NULL);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_response), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Object ------------------------------------------------------------- */

MidwayProfileEditor *
midway_profile_dialog_get_editor (MidwayProfileDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), NULL);

  return self->editor;
}

GtkListBox *
midway_profile_dialog_get_list (MidwayProfileDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), NULL);

  return self->profiles;
}

MidwayKeyPanel *
midway_profile_dialog_get_key_panel (MidwayProfileDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_PROFILE_DIALOG (self), NULL);

  return self->key_panel;
}

static void
midway_profile_dialog_dispose (GObject *object)
{
  MidwayProfileDialog *self = MIDWAY_PROFILE_DIALOG (object);

  /* Closing the window ends the undo window too. */
  forget_deleted (self);
  g_clear_object (&self->list);
  if (self->guard != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->guard), (gpointer *) &self->guard);
      gtk_window_destroy (GTK_WINDOW (self->guard));
      self->guard = NULL;
    }
  g_clear_pointer (&self->guard_target, g_free);

  G_OBJECT_CLASS (midway_profile_dialog_parent_class)->dispose (object);
}

static void
midway_profile_dialog_class_init (MidwayProfileDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = midway_profile_dialog_dispose;

  g_type_ensure (MIDWAY_TYPE_PROFILE_EDITOR);
  g_type_ensure (MIDWAY_TYPE_KEY_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-profile-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayProfileDialog, toasts);
  gtk_widget_class_bind_template_child (widget_class, MidwayProfileDialog, profiles);
  gtk_widget_class_bind_template_child (widget_class, MidwayProfileDialog, editor);
  gtk_widget_class_bind_template_child (widget_class, MidwayProfileDialog, key_panel);

  gtk_widget_class_install_action (widget_class, "profiles.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "profiles.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "profiles.duplicate", NULL, duplicate_action);
  gtk_widget_class_install_action (widget_class, "profiles.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "profiles.undo-delete", NULL, undo_delete_action);
  gtk_widget_class_install_action (widget_class, "profiles.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "profiles.import-ssh-config", NULL, import_ssh_config_action);
  gtk_widget_class_install_action (widget_class, "profiles.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "profiles.server-setup", NULL, server_setup_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "profiles.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "profiles.new", NULL);
}

static void
midway_profile_dialog_init (MidwayProfileDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  midway_key_panel_set_editor (self->key_panel, self->editor);
  g_signal_connect (self->profiles, "row-selected", G_CALLBACK (on_row_selected), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
}

MidwayProfileDialog *
midway_profile_dialog_new (GtkApplication       *application,
                           MidwayConnectionList *list)
{
  MidwayProfileDialog *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (MIDWAY_IS_CONNECTION_LIST (list), NULL);

  self = g_object_new (MIDWAY_TYPE_PROFILE_DIALOG, "application", application, NULL);
  self->list = g_object_ref (list);
  gtk_list_box_bind_model (self->profiles, G_LIST_MODEL (list), create_row, NULL, NULL);
  /* After the list box's own handler: its rows are there by then. */
  g_signal_connect_object (list, "items-changed", G_CALLBACK (on_list_items_changed), self, 0);
  show_first_or_new (self);
  return self;
}
