/* midway-test-helper.h: a stand-in for midway-helper on the test's bus:
 * the Helper1 object and Tunnel1 objects from the generated code, under
 * the helper's object manager, its name owned once the test has set
 * them up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-dbus-generated.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_TEST_HELPER (midway_test_helper_get_type ())
G_DECLARE_FINAL_TYPE (MidwayTestHelper, midway_test_helper, MIDWAY, TEST_HELPER, GObject)

/* On a connection of its own to the system bus (the session's private
 * one under run-session.sh), where the application looks for the helper. */
MidwayTestHelper *midway_test_helper_new              (void);

GDBusConnection  *midway_test_helper_get_connection   (MidwayTestHelper *self);

/* The Helper1 interface at the helper's object path, exported on first
 * call; connect its handle-* signals before midway_test_helper_own_name(). */
MidwayHelper1    *midway_test_helper_get_helper1      (MidwayTestHelper *self);

/* Exports @tunnel at @path under the object manager. */
void              midway_test_helper_export_tunnel    (MidwayTestHelper *self,
                                                       const char       *path,
                                                       MidwayTunnel1    *tunnel);
void              midway_test_helper_unexport_tunnel  (MidwayTestHelper *self,
                                                       const char       *path);

/* Serves the object manager and takes the helper's bus name: from here
 * on the application sees the stand-in.  Disposing gives the name up. */
void              midway_test_helper_own_name         (MidwayTestHelper *self);

G_END_DECLS
