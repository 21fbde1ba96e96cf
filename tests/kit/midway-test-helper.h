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
 * on the application sees the stand-in.  Disposing gives the name up.
 * Not getting the name, or losing it, fails the test. */
void              midway_test_helper_own_name         (MidwayTestHelper *self);

/* Answers every Connect from here on with @tunnel_path, keeping what it
 * carried (see below).  With @fail_reason set, the tunnel is exported at
 * that path in starting-ssh, with the profile's id and name and this
 * process's uid as owner, and 300 ms later fails with @fail_reason and
 * @fail_message, as the helper's does when ssh gives up; without, no
 * tunnel is exported. */
void              midway_test_helper_answer_connect   (MidwayTestHelper *self,
                                                       const char       *tunnel_path,
                                                       const char       *fail_reason,
                                                       const char       *fail_message);
/* Refuses every Connect from here on with the helper's registered
 * error @code (MidwayError) and @message, keeping what it carried. */
void              midway_test_helper_refuse_connect   (MidwayTestHelper *self,
                                                       int               code,
                                                       const char       *message);
/* Connect calls answered or refused since the last reset, and the last
 * one's profile and credentials (NULL before the first). */
guint             midway_test_helper_get_n_connects   (MidwayTestHelper *self);
GVariant         *midway_test_helper_get_connect_profile     (MidwayTestHelper *self);
GVariant         *midway_test_helper_get_connect_credentials (MidwayTestHelper *self);
void              midway_test_helper_reset_connects   (MidwayTestHelper *self);

/* Answers ListSystemProfiles with @profiles (aa{sv}, floating or not)
 * from here on; until then the method is not handled, as an older
 * helper's would not be. */
void              midway_test_helper_serve_system_profiles (MidwayTestHelper *self,
                                                            GVariant         *profiles);
/* Answers every ConnectSystemProfile from here on: a name among the
 * served profiles (compared without regard to case) gets a tunnel at
 * @tunnel_path, exported up, Owner 0 and System true, whose Disconnect
 * unexports it; another name is NotFound.  refuse_connect_system refuses
 * every call with @code and @message instead. */
void              midway_test_helper_answer_connect_system (MidwayTestHelper *self,
                                                            const char       *tunnel_path);
void              midway_test_helper_refuse_connect_system (MidwayTestHelper *self,
                                                            int               code,
                                                            const char       *message);
/* ConnectSystemProfile calls answered or refused, and the last name. */
guint             midway_test_helper_get_n_system_connects (MidwayTestHelper *self);
const char       *midway_test_helper_get_system_connect_name (MidwayTestHelper *self);

G_END_DECLS
