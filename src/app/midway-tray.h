/* midway-tray.h: the tray icon, as a StatusNotifierItem with its menu
 * exported over com.canonical.dbusmenu.  GLib only: GTK 4 has no tray.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MIDWAY_TYPE_TRAY (midway_tray_get_type ())
G_DECLARE_FINAL_TYPE (MidwayTray, midway_tray, MIDWAY, TRAY, GObject)

/* @connections: a GListModel of MidwayConnection.  @actions: where the
 * menu sends what a person picks: "connect" and "disconnect" (s, a
 * profile id), "disconnect-all", "show-window", "profiles",
 * "show-log", "quit". */
MidwayTray *midway_tray_new          (GListModel   *connections,
                                      GActionGroup *actions);

/* The bus name it owns, org.kde.StatusNotifierItem-PID-1. */
const char *midway_tray_get_bus_name (MidwayTray   *self);

/* The XDG activation token the host provided for the click it is about
 * to send (ProvideXdgActivationToken), or NULL; taken once. */
char       *midway_tray_take_activation_token (MidwayTray *self);

/* Whether a StatusNotifierWatcher with a host took the item: without
 * one, nobody sees the icon. */
gboolean    midway_tray_get_has_host (MidwayTray   *self);

G_END_DECLS
