/* midway-test-kit-ui.h: what the gui tests that show widgets share.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "midway-application.h"
#include "midway-profile-dialog.h"
#include "midway-test-kit.h"
#include "midway-window.h"

G_BEGIN_DECLS

/* The application's main window, or NULL while it has none. */
MidwayWindow  *midway_test_find_window     (MidwayApplication *app);
MidwayProfileDialog *midway_test_find_profile_dialog (MidwayApplication *app);

/* With $MIDWAY_SCREENSHOT_DIR set, a PNG of @widget named @name in it,
 * for a person (and the README) to look at; without, nothing. */
void           midway_test_save_screenshot (GtkWidget         *widget,
                                            const char        *name);

/* The first widget at or below @root, depth first, that @match accepts
 * (with @data), or NULL. */
GtkWidget     *midway_test_find_widget     (GtkWidget         *root,
                                            gboolean         (*match) (GtkWidget     *widget,
                                                                       gconstpointer  data),
                                            gconstpointer      data);
/* The same for the usual questions: a button by its label or by its
 * action, a widget by its name, a label by its text, the first switch. */
GtkWidget     *midway_test_find_button     (GtkWidget         *root,
                                            const char        *label);
GtkWidget     *midway_test_find_action_button (GtkWidget      *root,
                                               const char     *action_name);
GtkWidget     *midway_test_find_named      (GtkWidget         *root,
                                            const char        *name);
GtkLabel      *midway_test_find_label      (GtkWidget         *root,
                                            const char        *text);
GtkSwitch     *midway_test_find_switch     (GtkWidget         *root);

G_END_DECLS
