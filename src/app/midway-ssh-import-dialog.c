/* midway-ssh-import-dialog.c: picks hosts of ~/.ssh/config to import.
 *
 * Nothing is checked at first: a configuration may name dozens of hosts
 * and only the person knows which of them run pppd.  What the file says
 * is untrusted text, so every label here is plain text, never markup.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-connection.h"
#include "midway-ssh-import-dialog.h"

typedef struct
{
  char           *alias;
  MidwayProfile  *profile;     /* NULL: not a valid profile */
  AdwActionRow   *row;
  GtkCheckButton *check;
  gboolean        imported;
} Host;

struct _MidwaySshImportDialog
{
  AdwWindow   parent_instance;

  GtkLabel   *summary;
  GtkListBox *hosts;
  GtkLabel   *problems;

  GPtrArray  *entries;         /* Host */
};

enum
{
  SIGNAL_IMPORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwaySshImportDialog, midway_ssh_import_dialog, ADW_TYPE_WINDOW)

static void
host_free (gpointer data)
{
  Host *host = data;

  g_free (host->alias);
  g_clear_object (&host->profile);
  g_free (host);
}

static gboolean
same_server (MidwayProfile *a,
             MidwayProfile *b)
{
  return g_ascii_strcasecmp (midway_profile_get_host (a), midway_profile_get_host (b)) == 0 &&
         strcmp (midway_profile_get_user (a), midway_profile_get_user (b)) == 0 &&
         midway_profile_get_port (a) == midway_profile_get_port (b);
}

static gboolean
is_saved (MidwayProfile *profile,
          GListModel    *existing)
{
  guint n = existing != NULL ? g_list_model_get_n_items (existing) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (existing, i);

      if (same_server (profile, midway_connection_get_profile (connection)))
        return TRUE;
    }
  return FALSE;
}

static char *
describe (MidwayProfile *profile)
{
  const char *host = midway_profile_get_host (profile);
  const char *user = midway_profile_get_user (profile);
  g_autofree char *server = NULL;

  /* The form ssh and scp use, so an IPv6 address stays readable. */
  if (strchr (host, ':') != NULL)
    server = g_strdup_printf ("[%s]:%u", host, midway_profile_get_port (profile));
  else
    server = g_strdup_printf ("%s:%u", host, midway_profile_get_port (profile));
  if (*user == '\0')
    return g_steal_pointer (&server);
  return g_strdup_printf ("%s@%s", user, server);
}

static guint
count_checked (MidwaySshImportDialog *self)
{
  guint n = 0;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Host *host = self->entries->pdata[i];

      if (host->profile != NULL && gtk_check_button_get_active (host->check))
        n++;
    }
  return n;
}

static void
on_check_toggled (GtkCheckButton        *check,
                  MidwaySshImportDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ssh-import.import", count_checked (self) > 0);
}

static void
add_host (MidwaySshImportDialog *self,
          MidwaySshConfig       *config,
          guint                  index,
          GListModel            *existing)
{
  g_autoptr(GError) error = NULL;
  Host *host = g_new0 (Host, 1);
  g_autofree char *subtitle = NULL;

  host->alias = g_strdup (midway_ssh_config_get_alias (config, index));
  host->profile = midway_ssh_config_dup_profile (config, index, &error);
  host->row = ADW_ACTION_ROW (adw_action_row_new ());
  host->check = GTK_CHECK_BUTTON (gtk_check_button_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (host->row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (host->row), host->alias);
  adw_action_row_add_prefix (host->row, GTK_WIDGET (host->check));
  gtk_widget_set_valign (GTK_WIDGET (host->check), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (host->check),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, host->alias, -1);

  if (host->profile == NULL)
    {
      /* Said in the library's words, next to the host it is about. */
      subtitle = g_strdup_printf (_("Cannot be imported: %s"), error->message);
      gtk_widget_set_sensitive (GTK_WIDGET (host->check), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (host->row), "error");
    }
  else
    {
      g_autofree char *server = describe (host->profile);

      host->imported = is_saved (host->profile, existing);
      if (host->imported)
        subtitle = g_strdup_printf (_("Already imported: %s"), server);
      else
        subtitle = g_steal_pointer (&server);
      adw_action_row_set_activatable_widget (host->row, GTK_WIDGET (host->check));
      g_signal_connect_object (host->check, "toggled", G_CALLBACK (on_check_toggled), self, 0);
    }
  adw_action_row_set_subtitle (host->row, subtitle);
  gtk_list_box_append (self->hosts, GTK_WIDGET (host->row));
  g_ptr_array_add (self->entries, host);
}

static Host *
find_host (MidwaySshImportDialog *self,
           const char            *alias)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      Host *host = self->entries->pdata[i];

      if (g_strcmp0 (host->alias, alias) == 0)
        return host;
    }
  return NULL;
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  g_signal_emit (widget, signals[SIGNAL_IMPORT], 0);
}

GPtrArray *
midway_ssh_import_dialog_dup_selected (MidwaySshImportDialog *self)
{
  GPtrArray *selected;

  g_return_val_if_fail (MIDWAY_IS_SSH_IMPORT_DIALOG (self), NULL);

  selected = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->entries->len; i++)
    {
      Host *host = self->entries->pdata[i];

      if (host->profile != NULL && gtk_check_button_get_active (host->check))
        g_ptr_array_add (selected, g_object_ref (host->profile));
    }
  return selected;
}

guint
midway_ssh_import_dialog_get_n_rows (MidwaySshImportDialog *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_IMPORT_DIALOG (self), 0);

  return self->entries->len;
}

AdwActionRow *
midway_ssh_import_dialog_get_row (MidwaySshImportDialog *self,
                                  const char            *alias)
{
  Host *host;

  g_return_val_if_fail (MIDWAY_IS_SSH_IMPORT_DIALOG (self), NULL);

  host = find_host (self, alias);
  return host != NULL ? host->row : NULL;
}

GtkCheckButton *
midway_ssh_import_dialog_get_check (MidwaySshImportDialog *self,
                                    const char            *alias)
{
  Host *host;

  g_return_val_if_fail (MIDWAY_IS_SSH_IMPORT_DIALOG (self), NULL);

  host = find_host (self, alias);
  return host != NULL ? host->check : NULL;
}

gboolean
midway_ssh_import_dialog_is_imported (MidwaySshImportDialog *self,
                                      const char            *alias)
{
  Host *host;

  g_return_val_if_fail (MIDWAY_IS_SSH_IMPORT_DIALOG (self), FALSE);

  host = find_host (self, alias);
  return host != NULL && host->imported;
}

static void
midway_ssh_import_dialog_finalize (GObject *object)
{
  MidwaySshImportDialog *self = MIDWAY_SSH_IMPORT_DIALOG (object);

  g_ptr_array_unref (self->entries);

  G_OBJECT_CLASS (midway_ssh_import_dialog_parent_class)->finalize (object);
}

static void
midway_ssh_import_dialog_class_init (MidwaySshImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = midway_ssh_import_dialog_finalize;

  /**
   * MidwaySshImportDialog::import:
   *
   * The person confirmed; the checked profiles are in
   * midway_ssh_import_dialog_dup_selected().
   */
  signals[SIGNAL_IMPORT] = g_signal_new ("import", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/midway_vpn/Midway/midway-ssh-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, MidwaySshImportDialog, summary);
  gtk_widget_class_bind_template_child (widget_class, MidwaySshImportDialog, hosts);
  gtk_widget_class_bind_template_child (widget_class, MidwaySshImportDialog, problems);

  gtk_widget_class_install_action (widget_class, "ssh-import.import", NULL, import_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
midway_ssh_import_dialog_init (MidwaySshImportDialog *self)
{
  self->entries = g_ptr_array_new_with_free_func (host_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ssh-import.import", FALSE);
}

MidwaySshImportDialog *
midway_ssh_import_dialog_new (GtkWindow       *parent,
                              MidwaySshConfig *config,
                              GListModel      *existing)
{
  MidwaySshImportDialog *self;
  const char * const *warnings;
  guint n;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (config), NULL);
  g_return_val_if_fail (existing == NULL || G_IS_LIST_MODEL (existing), NULL);

  self = g_object_new (MIDWAY_TYPE_SSH_IMPORT_DIALOG, "transient-for", parent, NULL);

  n = midway_ssh_config_get_n_entries (config);
  for (guint i = 0; i < n; i++)
    add_host (self, config, i, existing);
  gtk_widget_set_visible (GTK_WIDGET (self->hosts), n > 0);
  if (n == 0)
    gtk_label_set_text (self->summary, _("The SSH configuration names no hosts (patterns such as “*” cannot be imported)."));
  else
    gtk_label_set_text (self->summary, _("Choose the hosts to import as profiles. Only the server, port, user and private key are taken from the SSH configuration."));

  warnings = midway_ssh_config_get_warnings (config);
  if (warnings[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("\n", (GStrv) warnings);
      g_autofree char *text = g_strdup_printf (_("Skipped in the SSH configuration:\n%s"), joined);

      gtk_label_set_text (self->problems, text);
      gtk_widget_set_visible (GTK_WIDGET (self->problems), TRUE);
    }
  return self;
}
