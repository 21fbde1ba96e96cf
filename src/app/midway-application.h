/* midway-application.h: the desktop front end's application object.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-tray.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_APPLICATION (midway_application_get_type ())
G_DECLARE_FINAL_TYPE (MidwayApplication, midway_application, MIDWAY, APPLICATION, AdwApplication)

MidwayApplication    *midway_application_new             (void);
MidwayConnectionList *midway_application_get_connections (MidwayApplication *self);
/* NULL before startup. */
MidwayTray           *midway_application_get_tray        (MidwayApplication *self);

G_END_DECLS
