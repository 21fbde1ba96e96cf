/* midway-server-dialog.c: "Set Up Server…".
 *
 * The same code as "midwayctl server" (MidwayServerSetup, libmidway-user)
 * with the same rules: the profile's own ssh settings, the sudo password
 * written to sudo only when it prompts and dropped from the entry as soon
 * as the run starts, the server's output read as data.  A keyring-key
 * profile lends its key for the run, as it does to the helper.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-secret-store.h"
#include "midway-server-dialog.h"
#include "midway-server-setup.h"

struct _MidwayServerDialog
{
  AdwWindow            parent_instance;

  GtkLabel            *intro;
  AdwEntryRow         *lan_row;
  GtkSwitch           *gateway_switch;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow         *identity_row;
  GtkSpinner          *spinner;
  GtkLabel            *status;
  GtkListBox          *steps;

  MidwayProfile       *profile;
  MidwaySecretStore   *store;
  GCancellable        *cancellable;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (MidwayServerDialog, midway_server_dialog, ADW_TYPE_WINDOW)

enum { SIGNAL_PROFILE_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  MidwayServerDialog *self;
  MidwayServerAction  action;
  GBytes             *password;
} Run;

static void
run_free (Run *run)
{
  g_object_unref (run->self);
  g_clear_pointer (&run->password, g_bytes_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)

static void
set_busy (MidwayServerDialog *self,
          gboolean            busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.setup", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.check", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.remove", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "server.copy-script", !busy);
}

static void
clear_steps (MidwayServerDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps))) != NULL)
    gtk_list_box_remove (self->steps, child);
}

static void
show_status (MidwayServerDialog *self,
             const char         *text)
{
  gtk_label_set_text (self->status, text);
}

/* Networks as typed: separated by commas or blanks.  The library checks
 * each one; this only splits. */
static GStrv
parse_lans (MidwayServerDialog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) words = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (self->lan_row)), ", \t", -1);

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);
  return g_strv_builder_end (builder);
}

static MidwayServerSetup *
make_setup (MidwayServerDialog *self,
            MidwayServerAction  action,
            GBytes             *keyring_key)
{
  g_autoptr(MidwayServerSetup) setup = midway_server_setup_new (self->profile, action);
  g_autofree char *public_key = NULL;
  const char *identity = gtk_editable_get_text (GTK_EDITABLE (self->identity_row));

  if (action == MIDWAY_SERVER_ACTION_SETUP)
    {
      g_auto(GStrv) lans = parse_lans (self);

      midway_server_setup_set_lans (setup, (const char * const *) lans);
      midway_server_setup_set_gateway (setup, gtk_switch_get_active (self->gateway_switch));
    }
  /* For remove too: the key names the client's pair and files. */
  public_key = midway_server_public_key_for_profile (self->profile, keyring_key);
  midway_server_setup_set_public_key (setup, public_key);
  if (*identity != '\0')
    midway_server_setup_set_identity_file (setup, identity);
  else if (keyring_key != NULL)
    midway_server_setup_set_identity_data (setup, keyring_key);
  return g_steal_pointer (&setup);
}

static void
show_report (MidwayServerDialog *self,
             MidwayServerReport *report)
{
  for (guint i = 0; i < report->steps->len; i++)
    {
      const MidwayServerStep *step = &g_array_index (report->steps, MidwayServerStep, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon;
      const char *icon_name;

      switch (step->status)
        {
        case MIDWAY_SERVER_STEP_MISSING:
        case MIDWAY_SERVER_STEP_WRONG:
        case MIDWAY_SERVER_STEP_FAILED:
          icon_name = "dialog-error-symbolic";
          break;
        case MIDWAY_SERVER_STEP_SKIPPED:
          icon_name = "list-remove-symbolic";
          break;
        default:
          icon_name = "emblem-ok-symbolic";
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), midway_server_step_describe (step->name));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), midway_server_step_status_describe (step->status));
      icon = gtk_image_new_from_icon_name (icon_name);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->steps, row);
    }
}

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  MidwayServerDialog *self = run->self;
  MidwayServerSetup *setup = MIDWAY_SERVER_SETUP (source);
  g_autoptr(MidwayServerReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *messages;

  report = midway_server_setup_run_finish (setup, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  if (report == NULL)
    g_string_append (text, error->message);
  else
    {
      show_report (self, report);
      if (report->server_address != NULL)
        {
          g_string_append_printf (text, _("Address pair: %s on the server, %s for this client (pool %s)"),
                                  report->server_address, report->client_address, report->pool);
          g_string_append_c (text, '\n');
        }
      if (!report->ok)
        g_string_append (text, run->action == MIDWAY_SERVER_ACTION_CHECK
                                 ? _("The server’s half is not complete.")
                                 : _("The server’s half failed; the steps below say what is in place."));
      else if (run->action == MIDWAY_SERVER_ACTION_CHECK)
        g_string_append (text, _("Everything is in place."));
      else
        {
          g_autoptr(MidwayProfile) updated = midway_profile_copy (self->profile);
          g_autoptr(GError) apply_error = NULL;

          g_string_append (text, run->action == MIDWAY_SERVER_ACTION_SETUP
                                   ? _("The server is set up; the profile now uses it.")
                                   : _("Removed from the server."));
          if (midway_server_setup_apply_to_profile (setup, updated, &apply_error))
            {
              g_set_object (&self->profile, updated);
              g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0, updated);
            }
          else
            g_string_append_printf (text, "\n%s", apply_error->message);
        }
    }

  /* Already free of control characters; they are the server's words. */
  messages = midway_server_setup_get_server_messages (setup);
  if (*messages != '\0' && (report == NULL || !report->ok))
    g_string_append_printf (text, "\n%s\n%s", _("The server said:"), messages);
  show_status (self, g_strstrip (text->str));
}

static void
start_run (MidwayServerDialog *self,
           MidwayServerAction  action,
           GBytes             *keyring_key,
           GBytes             *password)
{
  g_autoptr(MidwayServerSetup) setup = make_setup (self, action, keyring_key);
  Run *run = g_new0 (Run, 1);

  run->self = g_object_ref (self);
  run->action = action;
  midway_server_setup_set_sudo_password (setup, password);
  midway_server_setup_run_async (setup, self->cancellable, run_done, run);
}

typedef struct
{
  MidwayServerDialog *self;
  MidwayServerAction  action;
  GBytes             *password;
} KeyLookup;

static void
key_lookup_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  KeyLookup *lookup = user_data;
  g_autoptr(MidwayServerDialog) self = lookup->self;
  g_autoptr(GBytes) password = lookup->password;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  MidwayServerAction action = lookup->action;

  g_free (lookup);
  key = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    {
      set_busy (self, FALSE);
      show_status (self, error->message);
      return;
    }
  start_run (self, action, key, password);
}

static GBytes *
take_password (MidwayServerDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  GBytes *password = *text != '\0' ? midway_server_password_new (text, strlen (text)) : NULL;

  /* Used for this run only: the entry forgets it at once. */
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  return password;
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  MidwayServerDialog *self = MIDWAY_SERVER_DIALOG (widget);
  MidwayServerAction action;
  g_autoptr(GBytes) password = NULL;
  g_autoptr(MidwayServerSetup) probe = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (action_name, "server.setup"))
    action = MIDWAY_SERVER_ACTION_SETUP;
  else if (g_str_equal (action_name, "server.check"))
    action = MIDWAY_SERVER_ACTION_CHECK;
  else
    action = MIDWAY_SERVER_ACTION_REMOVE;

  clear_steps (self);
  /* Bad input is refused here, before ssh and before the password is
   * taken from the entry. */
  probe = make_setup (self, action, NULL);
  script = midway_server_setup_build_script (probe, TRUE, &error);
  if (script == NULL)
    {
      show_status (self, error->message);
      return;
    }

  password = take_password (self);
  set_busy (self, TRUE);
  show_status (self, _("Working on the server…"));
  if (midway_profile_get_auth (self->profile) == MIDWAY_AUTH_KEYRING_KEY)
    {
      KeyLookup *lookup = g_new0 (KeyLookup, 1);

      lookup->self = g_object_ref (self);
      lookup->action = action;
      lookup->password = g_steal_pointer (&password);
      midway_secret_store_lookup_async (self->store, midway_profile_get_id (self->profile),
                                        MIDWAY_SECRET_PRIVATE_KEY, self->cancellable,
                                        key_lookup_done, lookup);
      return;
    }
  start_run (self, action, NULL, password);
}

static void
copy_script (MidwayServerDialog *self,
             GBytes             *keyring_key)
{
  g_autoptr(MidwayServerSetup) setup = NULL;
  g_autoptr(MidwayProfile) updated = NULL;
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;

  /* The keyring key is used for its public half only: the script gets
   * the same authorized_keys line as a run over ssh. */
  setup = make_setup (self, MIDWAY_SERVER_ACTION_SETUP, keyring_key);
  script = midway_server_setup_build_script (setup, FALSE, &error);
  updated = midway_profile_copy (self->profile);
  if (script == NULL || !midway_server_setup_apply_to_profile (setup, updated, &error))
    {
      show_status (self, error->message);
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), script);
  show_status (self, _("The script is on the clipboard: run it as root on the server (sh FILE). The profile now uses what it sets up."));
  g_set_object (&self->profile, updated);
  g_signal_emit (self, signals[SIGNAL_PROFILE_CHANGED], 0, updated);
}

static void
copy_key_lookup_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(MidwayServerDialog) self = user_data;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;

  key = midway_secret_store_lookup_finish (MIDWAY_SECRET_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (error != NULL)
    {
      show_status (self, error->message);
      return;
    }
  /* With nothing in the keyring the script still does the rest; the
   * key's line is then the administrator's to add. */
  copy_script (self, key);
}

static void
copy_script_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MidwayServerDialog *self = MIDWAY_SERVER_DIALOG (widget);

  clear_steps (self);
  if (midway_profile_get_auth (self->profile) == MIDWAY_AUTH_KEYRING_KEY)
    {
      set_busy (self, TRUE);
      midway_secret_store_lookup_async (self->store, midway_profile_get_id (self->profile),
                                        MIDWAY_SECRET_PRIVATE_KEY, self->cancellable,
                                        copy_key_lookup_done, g_object_ref (self));
      return;
    }
  copy_script (self, NULL);
}

static void
midway_server_dialog_dispose (GObject *object)
{
  MidwayServerDialog *self = MIDWAY_SERVER_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->profile);
  G_OBJECT_CLASS (midway_server_dialog_parent_class)->dispose (object);
}

static void
midway_server_dialog_class_init (MidwayServerDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = midway_server_dialog_dispose;

  signals[SIGNAL_PROFILE_CHANGED] =
    g_signal_new ("profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, MIDWAY_TYPE_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-server-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, intro);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, lan_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, gateway_switch);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, identity_row);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, status);
  gtk_widget_class_bind_template_child (widget_class, MidwayServerDialog, steps);

  gtk_widget_class_install_action (widget_class, "server.setup", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "server.check", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "server.remove", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "server.copy-script", NULL, copy_script_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
midway_server_dialog_init (MidwayServerDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->store = midway_secret_store_new ();
}

MidwayServerDialog *
midway_server_dialog_new (GtkWindow     *parent,
                          MidwayProfile *profile)
{
  MidwayServerDialog *self;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  self = g_object_new (MIDWAY_TYPE_SERVER_DIALOG, "transient-for", parent, NULL);
  self->profile = midway_profile_copy (profile);
  intro = g_strdup_printf (_("Sets up %s for “%s”: an address pair of its own, pppd’s peers file, a sudoers drop-in allowing only that pppd, and the key’s line, over ssh as %s with sudo."),
                           midway_profile_get_host (profile), midway_profile_get_name (profile),
                           midway_profile_get_user (profile));
  gtk_label_set_text (self->intro, intro);
  return self;
}

GtkEditable *
midway_server_dialog_get_lan_row (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->lan_row);
}

GtkSwitch *
midway_server_dialog_get_gateway_switch (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return self->gateway_switch;
}

GtkEditable *
midway_server_dialog_get_password_row (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->password_row);
}

GtkEditable *
midway_server_dialog_get_identity_row (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return GTK_EDITABLE (self->identity_row);
}

GtkListBox *
midway_server_dialog_get_steps (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return self->steps;
}

GtkLabel *
midway_server_dialog_get_status (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), NULL);
  return self->status;
}

gboolean
midway_server_dialog_is_busy (MidwayServerDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_DIALOG (self), FALSE);
  return self->busy;
}
