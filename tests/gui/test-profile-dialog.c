/* test-profile-dialog.c: the profiles dialog under Xvfb, driven through its
 * widgets and actions as a person would, against the profile store in a
 * fresh $XDG_CONFIG_HOME (run-session.sh --display).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <sys/stat.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "midway-connection-list.h"
#include "midway-profile-dialog.h"
#include "midway-test-kit-ui.h"

static char *
path_for (const char *id)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autofree char *name = g_strconcat (id, ".midway", NULL);

  return g_build_filename (directory, name, NULL);
}

static guint
count_files (void)
{
  g_autofree char *directory = midway_connection_list_dup_directory ();
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* What a person's typing (or choosing, or spinning) does: the row's
 * widget changes. */
static void
type_into (MidwayProfileEditor *editor,
           const char          *key,
           const char          *text)
{
  GtkWidget *row = midway_profile_editor_get_row (editor, key);
  g_autofree char *shown = NULL;

  g_assert_nonnull (row);
  if (ADW_IS_ENTRY_ROW (row))
    gtk_editable_set_text (GTK_EDITABLE (row), text);
  else
    midway_profile_editor_set_text (editor, key, text);
  shown = midway_profile_editor_dup_text (editor, key);
  g_assert_cmpstr (shown, ==, text);
}

static void
activate (MidwayProfileDialog *dialog,
          const char          *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), action, NULL));
}

static void
assert_marked (MidwayProfileEditor *editor,
               const char          *key)
{
  GtkWidget *row = midway_profile_editor_get_row (editor, key);
  GtkLabel *label = midway_profile_editor_get_error_label (editor, key);
  /* Named as the row is, never by the file's key. */
  g_autofree char *prefix = g_strconcat (midway_field_spec_get_label (midway_profile_lookup_field (key)), ": ", NULL);

  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (label), prefix));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (GTK_WIDGET (label))));
}

static void
assert_spin_range (MidwayProfileEditor *editor,
                   const char          *key,
                   double               min,
                   double               max)
{
  GtkWidget *row = midway_profile_editor_get_row (editor, key);
  GtkWidget *spin = NULL;
  double low, high;

  g_assert_true (ADW_IS_ACTION_ROW (row));
  spin = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row));
  g_assert_true (GTK_IS_SPIN_BUTTON (spin));
  gtk_spin_button_get_range (GTK_SPIN_BUTTON (spin), &low, &high);
  g_assert_cmpfloat (low, ==, min);
  g_assert_cmpfloat (high, ==, max);
}

static GtkFileChooser *
wait_for_chooser (void)
{
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;;)
    {
      g_autoptr(GList) windows = gtk_window_list_toplevels ();

      for (GList *l = windows; l != NULL; l = l->next)
        if (GTK_IS_FILE_CHOOSER_DIALOG (l->data) && gtk_widget_get_visible (l->data))
          return l->data;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* The key file's own button, and the file chooser it opens. */
static void
choose_key_file (MidwayProfileEditor *editor)
{
  GtkWidget *row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_KEY_FILE);
  GtkWidget *button = midway_test_find_named (row, "choose-key-file");
  g_autofree char *path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "id_test", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GtkFileChooser *chooser;

  g_assert_true (g_file_set_contents (path, "not read here\n", -1, &error));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_activate (button));
  chooser = wait_for_chooser ();
  g_assert_true (gtk_file_chooser_set_file (chooser, file, &error));
  g_assert_no_error (error);
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;;)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (chooser);

      if (chosen != NULL && g_file_equal (chosen, file))
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, path);
  g_assert_cmpstr (midway_profile_get_key_file (midway_profile_editor_get_profile (editor)), ==, path);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
}

static void
assert_saved_equal (MidwayProfile *expected)
{
  g_autofree char *path = path_for (midway_profile_get_id (expected));
  g_autoptr(MidwayProfile) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  loaded = midway_profile_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_true (midway_profile_equal (loaded, expected));
}

static void
test_dialog (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) saved = NULL;
  g_autofree char *path = NULL;
  g_autofree char *copy_id = NULL;
  g_autofree char *export_path = NULL;
  g_autoptr(GFile) export_file = NULL;
  MidwayProfileDialog *dialog;
  MidwayProfileEditor *editor;
  MidwayConnection *connection;
  GtkWidget *row;
  guint n_fields = 0;

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  dialog = midway_profile_dialog_new (NULL, list);
  editor = midway_profile_dialog_get_editor (dialog);
  gtk_window_present (GTK_WINDOW (dialog));

  /* In sections, by what they are about. */
  {
    const char *titles[] = { "Server", "Sign-in", "Addresses and Routes", "DNS", "Advanced" };
    GtkWidget *box = gtk_widget_get_first_child (GTK_WIDGET (editor));
    GtkWidget *group = gtk_widget_get_first_child (box);

    for (guint i = 0; i < G_N_ELEMENTS (titles); i++, group = gtk_widget_get_next_sibling (group))
      {
        g_assert_true (ADW_IS_PREFERENCES_GROUP (group));
        g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)), ==, titles[i]);
      }
    g_assert_null (group);
    g_assert_true (gtk_widget_is_ancestor (midway_profile_editor_get_row (editor, MIDWAY_FIELD_DNS_SEARCH),
                                           gtk_widget_get_prev_sibling (gtk_widget_get_last_child (box))));
  }

  /* Every field of the library's table has a row, but the id. */
  midway_profile_get_fields (&n_fields);
  g_assert_cmpuint (n_fields, >, 0);
  for (guint i = 0; i < n_fields; i++)
    {
      const char *key = midway_field_spec_get_key (midway_profile_get_field (i));

      if (g_strcmp0 (key, MIDWAY_FIELD_ID) == 0)
        g_assert_null (midway_profile_editor_get_row (editor, key));
      else
        g_assert_nonnull (midway_profile_editor_get_row (editor, key));
    }

  /* A new profile, typed in. */
  activate (dialog, "profiles.new");
  type_into (editor, MIDWAY_FIELD_NAME, "Office");
  type_into (editor, MIDWAY_FIELD_HOST, "vpn.example.org");
  type_into (editor, MIDWAY_FIELD_USER, "mwsrv");

  /* Numbers are spin buttons over the library's own range. */
  assert_spin_range (editor, MIDWAY_FIELD_PORT, 1, 65535);
  assert_spin_range (editor, MIDWAY_FIELD_MTU, 576, 1500);
  assert_spin_range (editor, MIDWAY_FIELD_ECHO_FAILURES, 2, 30);
  type_into (editor, MIDWAY_FIELD_PORT, "2222");
  g_assert_false (gtk_widget_has_css_class (midway_profile_editor_get_row (editor, MIDWAY_FIELD_PORT), "error"));

  /* A host ssh would read as an option is refused as it is typed, and
   * so is the save; the message names the row "Server", not "host". */
  {
    GtkWidget *below = midway_profile_editor_get_row (editor, MIDWAY_FIELD_PORT);
    graphene_point_t before, after;

    midway_test_wait_for_layout (GTK_WIDGET (dialog));
    g_assert_true (gtk_widget_compute_point (below, GTK_WIDGET (dialog), &GRAPHENE_POINT_INIT (0, 0), &before));
    type_into (editor, MIDWAY_FIELD_HOST, "-oProxyCommand=x");
    midway_test_wait_for_layout (GTK_WIDGET (dialog));
    g_assert_true (gtk_widget_compute_point (below, GTK_WIDGET (dialog), &GRAPHENE_POINT_INIT (0, 0), &after));
    /* While typing the row turns red and its tooltip says why, but no
     * message row pushes the rows below; it shows when the row is left. */
    g_assert_cmpfloat (before.y, ==, after.y);
  }
  g_assert_true (g_str_has_prefix (gtk_label_get_text (midway_profile_editor_get_error_label (editor, MIDWAY_FIELD_HOST)),
                                   "Server: "));
  row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_HOST);
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (row), ==,
                   gtk_label_get_text (midway_profile_editor_get_error_label (editor, MIDWAY_FIELD_HOST)));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (
                                            GTK_WIDGET (midway_profile_editor_get_error_label (editor, MIDWAY_FIELD_HOST)))));
  gtk_widget_grab_focus (row);
  gtk_widget_grab_focus (midway_profile_editor_get_row (editor, MIDWAY_FIELD_NAME));
  assert_marked (editor, MIDWAY_FIELD_HOST);
  activate (dialog, "profiles.save");
  assert_marked (editor, MIDWAY_FIELD_HOST);
  g_assert_cmpuint (count_files (), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  /* The sign-in method is a choice by name; the key file's row is there
   * only for the method that uses it. */
  type_into (editor, MIDWAY_FIELD_HOST, "vpn.example.org");
  row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_AUTH);
  g_assert_true (ADW_IS_COMBO_ROW (row));
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row))), ==,
                   "SSH agent");
  g_assert_false (gtk_widget_get_visible (midway_profile_editor_get_row (editor, MIDWAY_FIELD_KEY_FILE)));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row))), ==,
                   "Private key file");
  g_assert_cmpint (midway_profile_get_auth (midway_profile_editor_get_profile (editor)), ==, MIDWAY_AUTH_KEY_FILE);
  g_assert_true (gtk_widget_get_visible (midway_profile_editor_get_row (editor, MIDWAY_FIELD_KEY_FILE)));

  /* A rule of the whole profile, checked only on save, marks its field. */
  g_assert_false (gtk_widget_has_css_class (midway_profile_editor_get_row (editor, MIDWAY_FIELD_AUTH), "error"));
  activate (dialog, "profiles.save");
  assert_marked (editor, MIDWAY_FIELD_KEY_FILE);
  g_assert_cmpuint (count_files (), ==, 0);
  choose_key_file (editor);
  type_into (editor, MIDWAY_FIELD_AUTH, "agent");
  g_assert_false (gtk_widget_get_visible (midway_profile_editor_get_row (editor, MIDWAY_FIELD_KEY_FILE)));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (
                                            GTK_WIDGET (midway_profile_editor_get_error_label (editor, MIDWAY_FIELD_KEY_FILE)))));

  /* Fixed: saved, 0600, parses back equal, and in the connection list. */
  activate (dialog, "profiles.save");
  saved = midway_profile_copy (midway_profile_editor_get_profile (editor));
  g_assert_cmpstr (midway_profile_get_host (saved), ==, "vpn.example.org");
  g_assert_cmpuint (midway_profile_get_port (saved), ==, 2222);
  assert_saved_equal (saved);
  g_assert_cmpuint (count_files (), ==, 1);
  path = path_for (midway_profile_get_id (saved));
  connection = midway_connection_list_find (list, midway_profile_get_id (saved));
  g_assert_nonnull (connection);
  g_assert_nonnull (gtk_list_box_get_selected_row (midway_profile_dialog_get_list (dialog)));

  /* Edited through a switch and an entry, and saved again. */
  row = midway_profile_editor_get_row (editor, MIDWAY_FIELD_RECONNECT);
  g_assert_true (ADW_IS_ACTION_ROW (row));
  gtk_widget_activate (row);
  type_into (editor, MIDWAY_FIELD_MTU, "1400");
  activate (dialog, "profiles.save");
  g_clear_object (&saved);
  saved = midway_profile_copy (midway_profile_editor_get_profile (editor));
  g_assert_cmpuint (midway_profile_get_mtu (saved), ==, 1400);
  assert_saved_equal (saved);
  connection = midway_connection_list_find (list, midway_profile_get_id (saved));
  g_assert_cmpuint (midway_profile_get_mtu (midway_connection_get_profile (connection)), ==, 1400);
  midway_test_save_screenshot (GTK_WIDGET (dialog), "profiles-dialog.png");

  /* Duplicated: a profile of its own, the rest equal. */
  activate (dialog, "profiles.duplicate");
  g_assert_cmpuint (count_files (), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  copy_id = g_strdup (midway_profile_get_id (midway_profile_editor_get_profile (editor)));
  g_assert_cmpstr (copy_id, !=, midway_profile_get_id (saved));
  g_assert_cmpstr (midway_profile_get_name (midway_profile_editor_get_profile (editor)), ==, "Office (copy)");
  g_assert_cmpuint (midway_profile_get_mtu (midway_profile_editor_get_profile (editor)), ==, 1400);
  assert_saved_equal (midway_profile_editor_get_profile (editor));

  /* Exported: the file format, parses back equal. */
  export_path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "exported.midway", NULL);
  export_file = g_file_new_for_path (export_path);
  g_assert_true (midway_profile_dialog_export_file (dialog, export_file, &error));
  g_assert_no_error (error);

  /* Deleted: the file is gone; undone: it is back, equal. */
  g_assert_true (midway_profile_dialog_select (dialog, midway_profile_get_id (saved)));
  g_assert_cmpstr (midway_profile_get_id (midway_profile_editor_get_profile (editor)), ==,
                   midway_profile_get_id (saved));
  activate (dialog, "profiles.delete");
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (midway_connection_list_find (list, midway_profile_get_id (saved)));
  g_assert_cmpuint (count_files (), ==, 1);
  activate (dialog, "profiles.undo-delete");
  assert_saved_equal (saved);
  g_assert_nonnull (midway_connection_list_find (list, midway_profile_get_id (saved)));

  /* Imported back after the copy is deleted: the same profile again. */
  g_assert_true (midway_profile_dialog_select (dialog, copy_id));
  activate (dialog, "profiles.delete");
  g_assert_cmpuint (count_files (), ==, 1);
  g_assert_true (midway_profile_dialog_import_file (dialog, export_file, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (), ==, 2);
  g_assert_nonnull (midway_connection_list_find (list, copy_id));
  g_assert_cmpstr (midway_profile_get_id (midway_profile_editor_get_profile (editor)), ==, copy_id);

  /* Names are unique whatever their case (midway_profile_names_equal()):
   * a file of another id named "OFFICE" is refused and nothing written. */
  {
    g_autoptr(MidwayProfile) clash = midway_profile_new ();
    g_autofree char *clash_path = g_build_filename (g_getenv ("MIDWAY_TEST_TMPDIR"), "clash.midway", NULL);
    g_autoptr(GFile) clash_file = g_file_new_for_path (clash_path);

    g_assert_true (midway_profile_set_from_string (clash, MIDWAY_FIELD_NAME, "OFFICE", &error));
    g_assert_true (midway_profile_set_from_string (clash, MIDWAY_FIELD_HOST, "other.example.org", &error));
    g_assert_true (midway_profile_save (clash, clash_path, &error));
    g_assert_false (midway_profile_dialog_import_file (dialog, clash_file, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
    g_clear_error (&error);
    g_assert_cmpuint (count_files (), ==, 2);
    g_assert_null (midway_connection_list_find (list, midway_profile_get_id (clash)));
  }

  /* A second copy of the same profile gets a name of its own. */
  g_assert_true (midway_profile_dialog_select (dialog, midway_profile_get_id (saved)));
  activate (dialog, "profiles.duplicate");
  g_assert_cmpuint (count_files (), ==, 3);
  g_assert_cmpstr (midway_profile_get_name (midway_profile_editor_get_profile (editor)), ==, "Office (copy 2)");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* ---- Unsaved changes ----------------------------------------------------- */

static char *
store (const char *name)
{
  return midway_test_save_profile (MIDWAY_FIELD_NAME, name,
                                   MIDWAY_FIELD_HOST, "vpn.example.org",
                                   NULL);
}

static guint
saved_mtu (const char *id)
{
  g_autofree char *path = path_for (id);
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) loaded = midway_profile_new_from_file (path, &error);

  g_assert_no_error (error);
  return midway_profile_get_mtu (loaded);
}

/* The question must be up, shown; its button is clicked as a person
 * would.  @dialog is a weak pointer: Discard or Save may close the window. */
static void
answer (MidwayProfileDialog **dialog,
        const char           *response)
{
  AdwMessageDialog *question = midway_profile_dialog_get_unsaved_question (*dialog);
  GtkWidget *button;

  g_assert_nonnull (question);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (question)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (question)) == GTK_WINDOW (*dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Save Changes?");
  button = midway_test_find_button (GTK_WIDGET (question), adw_message_dialog_get_response_label (question, response));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_activate (button));
  /* The dialog answers from its own main loop turn. */
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       *dialog != NULL && midway_profile_dialog_get_unsaved_question (*dialog) != NULL;)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
wait_closed (MidwayProfileDialog **dialog)
{
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC; *dialog != NULL;)
    {
      g_assert_false (gtk_widget_get_visible (GTK_WIDGET (*dialog)));
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* What a click on a profile in the sidebar (or tabbing onto it) does. */
static void
click_profile (MidwayProfileDialog  *dialog,
               MidwayConnectionList *list,
               const char           *id)
{
  GListModel *model = G_LIST_MODEL (list);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(MidwayConnection) connection = g_list_model_get_item (model, i);

      if (g_strcmp0 (midway_connection_get_id (connection), id) == 0)
        {
          GtkListBox *box = midway_profile_dialog_get_list (dialog);

          gtk_list_box_select_row (box, gtk_list_box_get_row_at_index (box, i));
          return;
        }
    }
  g_assert_not_reached ();
}

static const char *
shown_id (MidwayProfileEditor *editor)
{
  return midway_profile_get_id (midway_profile_editor_get_profile (editor));
}

static void
assert_text (MidwayProfileEditor *editor,
             const char          *key,
             const char          *expected)
{
  g_autofree char *text = midway_profile_editor_dup_text (editor, key);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_unsaved (void)
{
  g_autoptr(MidwayConnectionList) list = midway_connection_list_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *alpha = store ("Alpha");
  g_autofree char *beta = store ("Beta");
  MidwayProfileDialog *dialog;
  MidwayProfileEditor *editor;
  GtkListBoxRow *selected;
  guint n_files = count_files ();

  g_assert_true (midway_connection_list_load (list, &error));
  g_assert_no_error (error);
  dialog = midway_profile_dialog_new (NULL, list);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  editor = midway_profile_dialog_get_editor (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (shown_id (editor), ==, alpha);
  g_assert_false (midway_profile_editor_get_modified (editor));

  /* Another profile while Alpha has an edit: asked, and Cancel keeps the
   * edit and Alpha's row selected. */
  type_into (editor, MIDWAY_FIELD_MTU, "1300");
  g_assert_true (midway_profile_editor_get_modified (editor));
  click_profile (dialog, list, beta);
  g_assert_cmpstr (shown_id (editor), ==, alpha);
  selected = gtk_list_box_get_selected_row (midway_profile_dialog_get_list (dialog));
  g_assert_true (selected == gtk_list_box_get_row_at_index (midway_profile_dialog_get_list (dialog), 0));
  answer (&dialog, "cancel");
  g_assert_cmpstr (shown_id (editor), ==, alpha);
  assert_text (editor, MIDWAY_FIELD_MTU, "1300");

  /* Discard: Beta is shown, Alpha's file is as it was, and so is Alpha
   * when shown again. */
  click_profile (dialog, list, beta);
  answer (&dialog, "discard");
  g_assert_cmpstr (shown_id (editor), ==, beta);
  g_assert_cmpuint (saved_mtu (alpha), ==, 1400);
  click_profile (dialog, list, alpha);
  g_assert_null (midway_profile_dialog_get_unsaved_question (dialog));
  assert_text (editor, MIDWAY_FIELD_MTU, "1400");

  /* Save: written, then Beta. */
  type_into (editor, MIDWAY_FIELD_MTU, "1300");
  click_profile (dialog, list, beta);
  answer (&dialog, "save");
  g_assert_cmpuint (saved_mtu (alpha), ==, 1300);
  g_assert_cmpstr (shown_id (editor), ==, beta);
  g_assert_false (midway_profile_editor_get_modified (editor));

  /* A save the library refuses: the question goes, the form stays. */
  type_into (editor, MIDWAY_FIELD_HOST, "");
  click_profile (dialog, list, alpha);
  answer (&dialog, "save");
  g_assert_cmpstr (shown_id (editor), ==, beta);
  assert_marked (editor, MIDWAY_FIELD_HOST);
  type_into (editor, MIDWAY_FIELD_HOST, "vpn.example.org");
  g_assert_false (midway_profile_editor_get_modified (editor));

  /* A text the library refuses is a change too. */
  type_into (editor, MIDWAY_FIELD_HOST, "-oProxyCommand=x");
  g_assert_true (midway_profile_editor_get_modified (editor));
  type_into (editor, MIDWAY_FIELD_HOST, "vpn.example.org");
  g_assert_false (midway_profile_editor_get_modified (editor));

  /* A new form that was typed into is not replaced by tabbing into the
   * list, nor by another "New". */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.new", NULL));
  g_assert_null (midway_profile_dialog_get_unsaved_question (dialog));
  type_into (editor, MIDWAY_FIELD_NAME, "Fresh");
  click_profile (dialog, list, alpha);
  g_assert_cmpstr (adw_message_dialog_get_body (midway_profile_dialog_get_unsaved_question (dialog)), ==,
                   "“Fresh” has changes that are not saved. Unsaved changes are lost.");
  answer (&dialog, "cancel");
  g_assert_null (gtk_list_box_get_selected_row (midway_profile_dialog_get_list (dialog)));
  assert_text (editor, MIDWAY_FIELD_NAME, "Fresh");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "profiles.new", NULL));
  answer (&dialog, "cancel");
  assert_text (editor, MIDWAY_FIELD_NAME, "Fresh");

  /* Closing asks too; Cancel keeps the window, Discard closes it and
   * writes nothing. */
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_nonnull (dialog);
  answer (&dialog, "cancel");
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  gtk_window_close (GTK_WINDOW (dialog));
  answer (&dialog, "discard");
  wait_closed (&dialog);
  g_assert_cmpuint (count_files (), ==, n_files);

  /* Closing with Save writes the edit, then closes. */
  dialog = midway_profile_dialog_new (NULL, list);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  editor = midway_profile_dialog_get_editor (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (midway_profile_dialog_select (dialog, beta));
  type_into (editor, MIDWAY_FIELD_MTU, "1250");
  gtk_window_close (GTK_WINDOW (dialog));
  answer (&dialog, "save");
  wait_closed (&dialog);
  g_assert_cmpuint (saved_mtu (beta), ==, 1250);

  /* Unchanged, it just closes. */
  dialog = midway_profile_dialog_new (NULL, list);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (dialog);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/profile-dialog/create-edit-delete", test_dialog);
  g_test_add_func ("/profile-dialog/unsaved-changes", test_unsaved);

  return g_test_run ();
}
