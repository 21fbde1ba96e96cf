/* test-scope.c: when midway-helper-scope lets ssh's launcher go.
 *
 * The launcher waits for one byte on a pipe; these tests hold the pipe's
 * other end and look at what arrives.  There is no system bus here (the
 * address points nowhere), as on a machine without one: the scope is in
 * place at once, and only a hold may keep the launcher waiting.
 * midway-helper-tunnel-attempt forks the launcher held, forks pppd, and
 * then lifts the hold, so ssh never starts before pppd.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <glib.h>

#include "midway-helper-scope.h"

typedef struct
{
  int                wait_fd; /* the launcher's end */
  MidwayHelperScope *scope;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  gboolean held = GPOINTER_TO_INT (data);
  int pair[2];

  g_assert_no_errno (pipe2 (pair, O_CLOEXEC));
  f->wait_fd = pair[0];
  /* any live pid: the scope only hands it to systemd, and there is none */
  f->scope = midway_helper_scope_new (getpid (), getuid (), pair[1], held);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->scope);
  close (f->wait_fd);
}

/* What the launcher would see now, without waiting: 1 for its byte, 0 for
 * the end of the pipe (given up), -1 for nothing yet. */
static int
launcher_sees (Fixture *f)
{
  struct pollfd p = { .fd = f->wait_fd, .events = POLLIN };
  char byte;
  gssize n;

  g_assert_cmpint (poll (&p, 1, 0), >=, 0);
  if (p.revents == 0)
    return -1;
  n = read (f->wait_fd, &byte, 1);
  g_assert_cmpint (n, >=, 0);
  if (n == 1)
    g_assert_cmpint (byte, ==, '\n');
  return (int) n;
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The scope's first step is taken in start() itself, not in a later turn
 * of the main loop, which the helper only reaches after forking pppd. */
static void
test_unheld_goes_at_once (Fixture      *f,
                          gconstpointer data)
{
  midway_helper_scope_start (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 1);
  g_assert_null (midway_helper_scope_get_unit (f->scope));
}

static void
test_held_waits_for_release (Fixture      *f,
                             gconstpointer data)
{
  midway_helper_scope_start (f->scope);
  drain_main_context ();
  g_assert_cmpint (launcher_sees (f), ==, -1);

  midway_helper_scope_release (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 1);
  /* once */
  midway_helper_scope_release (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 0);
}

/* A release before the scope is started still waits for the scope. */
static void
test_release_before_start (Fixture      *f,
                           gconstpointer data)
{
  midway_helper_scope_release (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, -1);
  midway_helper_scope_start (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 1);
}

/* pppd did not start: the launcher gives up, it never runs ssh. */
static void
test_held_stopped_gives_up (Fixture      *f,
                            gconstpointer data)
{
  midway_helper_scope_start (f->scope);
  midway_helper_scope_stop (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 0);
  midway_helper_scope_release (f->scope);
  g_assert_cmpint (launcher_sees (f), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/midway-test-no-bus", TRUE);

  g_test_add ("/scope/unheld-goes-at-once", Fixture, GINT_TO_POINTER (FALSE),
              fixture_set_up, test_unheld_goes_at_once, fixture_tear_down);
  g_test_add ("/scope/held-waits-for-release", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_held_waits_for_release, fixture_tear_down);
  g_test_add ("/scope/release-before-start", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_release_before_start, fixture_tear_down);
  g_test_add ("/scope/held-stopped-gives-up", Fixture, GINT_TO_POINTER (TRUE),
              fixture_set_up, test_held_stopped_gives_up, fixture_tear_down);
  return g_test_run ();
}
