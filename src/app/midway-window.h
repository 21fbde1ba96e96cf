/* midway-window.h: the main window, the list of connections.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection.h"
#include "midway-tunnel-details.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_WINDOW (midway_window_get_type ())
G_DECLARE_FINAL_TYPE (MidwayWindow, midway_window, MIDWAY, WINDOW, AdwApplicationWindow)

/* @connections: a GListModel of MidwayConnection. */
MidwayWindow *midway_window_new        (AdwApplication *application,
                                        GListModel     *connections);
/* The same with the system profiles (a GListModel of MidwayConnection,
 * or NULL) in a group of their own, read-only. */
MidwayWindow *midway_window_new_with_system (AdwApplication *application,
                                             GListModel     *connections,
                                             GListModel     *system_connections);
GtkListBox   *midway_window_get_list   (MidwayWindow   *self);
/* A short-lived message over the list, for errors a person must see. */
void          midway_window_show_error (MidwayWindow   *self,
                                        const char     *message);

/* The tunnel of one connection in full, with a way back to the list. */
void                 midway_window_show_details (MidwayWindow     *self,
                                                 MidwayConnection *connection);
void                 midway_window_show_list    (MidwayWindow     *self);
MidwayTunnelDetails *midway_window_get_details  (MidwayWindow     *self);

G_END_DECLS
