/* midway-application.h: the desktop front end's application object.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "midway-connection-list.h"
#include "midway-notifier.h"
#include "midway-tray.h"
#include "midway-window.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_APPLICATION (midway_application_get_type ())
G_DECLARE_FINAL_TYPE (MidwayApplication, midway_application, MIDWAY, APPLICATION, AdwApplication)

MidwayApplication    *midway_application_new             (void);
MidwayConnectionList *midway_application_get_connections (MidwayApplication *self);
/* NULL before startup. */
MidwayTray           *midway_application_get_tray        (MidwayApplication *self);
MidwayNotifier       *midway_application_get_notifier    (MidwayApplication *self);
/* The main window, made if there is none. */
MidwayWindow         *midway_application_get_window      (MidwayApplication *self);

G_END_DECLS
