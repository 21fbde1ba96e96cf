/* midway-test-kit.h: what the tests share (a loop that waits for a
 * condition, profiles written where the app reads them).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-test-helper.h"

G_BEGIN_DECLS

/* Iterates the default main context until @done (@data) is true; the
 * test fails once @timeout_seconds have passed. */
void           midway_test_spin_until     (gboolean   (*done) (gpointer),
                                           gpointer     data,
                                           double       timeout_seconds);

/* Iterates the default main context for @milliseconds, whatever happens. */
void           midway_test_spin_for       (guint        milliseconds);

/* Saves @profile into the directory the application reads profiles from. */
void           midway_test_write_profile  (MidwayProfile *profile);

/* @first_field: field, value, field, value, ..., NULL.  Writes a profile
 * with those fields (midway_test_write_profile) and returns its id. */
char          *midway_test_save_profile   (const char  *first_field,
                                           ...) G_GNUC_NULL_TERMINATED;

/* A connection of its own to the bus @type (under run-session.sh the
 * session's private bus is the system bus too). */
GDBusConnection *midway_test_new_bus_connection (GBusType type);

/* A monitor on the session bus: every Notify call to the notification
 * server, as its GDBusMessage, is pushed onto @queue (from GDBus's
 * worker thread).  Close the connection to stop. */
GDBusConnection *midway_test_monitor_notify     (GAsyncQueue *queue);
/* The arguments of the next Notify call on @queue (app name, replaces id,
 * icon, summary, body, actions, hints, timeout), or NULL while none is
 * there; never waits. */
GVariant        *midway_test_next_notify        (GAsyncQueue *queue);

/* The WCAG contrast ratio of two sRGB pixels (3 bytes each), 1 to 21. */
double         midway_test_contrast_ratio (const guchar *a,
                                           const guchar *b);

/* Removes @path and everything below it; symbolic links are removed,
 * never followed. */
void           midway_test_remove_tree     (const char *path);
/* The ssh-keygen beside the ssh Midway was built for. */
char          *midway_test_ssh_keygen_path (void);
/* Runs @argv with no stdin; its stdout without the final newline, or a
 * failed test with its stderr. */
char          *midway_test_run             (const char * const *argv);

G_END_DECLS
