/* midway-connection-row.h: one connection in the window's list.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_CONNECTION_ROW (midway_connection_row_get_type ())
G_DECLARE_FINAL_TYPE (MidwayConnectionRow, midway_connection_row, MIDWAY, CONNECTION_ROW, AdwActionRow)

GtkWidget        *midway_connection_row_new            (MidwayConnection    *connection);
MidwayConnection *midway_connection_row_get_connection (MidwayConnectionRow *self);
/* A system profile's row: its switch connects and disconnects through
 * app.connect-system and app.disconnect-system, and it opens nothing. */
void              midway_connection_row_set_system    (MidwayConnectionRow *self);
/* The arrow that says activating the row opens the tunnel's details (the
 * window's list); in the profiles dialog activating selects instead. */
void              midway_connection_row_set_opens_details (MidwayConnectionRow *self,
                                                           gboolean             opens_details);

G_END_DECLS
