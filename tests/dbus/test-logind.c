/* test-logind.c: logind's signals reach the helper's watchers only from
 * logind, on a dbus-daemon of the test's own.
 *
 * The helper ends a user's tunnels on logind's UserRemoved and
 * SessionRemoved, and reconnects on PrepareForSleep(false); any account
 * on the system bus can send a signal with the same path, interface and
 * member, as a broadcast or straight to the helper's unique name.
 *
 * Whether a signal was dropped is known without waiting for a time: each
 * sender ends with a round trip to the bus, which the bus answers only
 * after it has passed on what that sender sent before, and the real
 * logind then sends a marker that the helper receives after all of it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "midway-helper-logind.h"
#include "midway-test-kit.h"

#define TIMEOUT 60.0

typedef struct
{
  GTestDBus          *bus;
  GDBusConnection    *helper;   /* the helper's connection */
  MidwayHelperLogind *logind;
  GPtrArray          *received; /* "member parameters", in order */
  guint               removed;  /* manager-signal::UserRemoved only */
} Fixture;

static void
on_manager_signal (MidwayHelperLogind *logind,
                   const char         *member,
                   GVariant           *parameters,
                   Fixture            *f)
{
  g_autofree char *text = g_variant_print (parameters, FALSE);

  g_ptr_array_add (f->received, g_strdup_printf ("%s %s", member, text));
}

static void
on_user_removed (MidwayHelperLogind *logind,
                 const char         *member,
                 GVariant           *parameters,
                 Fixture            *f)
{
  g_assert_cmpstr (member, ==, "UserRemoved");
  f->removed++;
}

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  f->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (f->bus);
  f->helper = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  f->logind = midway_helper_logind_new (f->helper);
  f->received = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->logind, "manager-signal", G_CALLBACK (on_manager_signal), f);
  g_signal_connect (f->logind, "manager-signal::UserRemoved", G_CALLBACK (on_user_removed), f);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  g_clear_object (&f->logind);
  g_dbus_connection_close_sync (f->helper, NULL, NULL);
  g_clear_object (&f->helper);
  g_ptr_array_unref (f->received);
  g_test_dbus_down (f->bus);
  g_clear_object (&f->bus);
}

/* Sends logind's @member from @from, to @destination (NULL: broadcast). */
static void
emit (GDBusConnection *from,
      const char      *destination,
      const char      *member,
      GVariant        *parameters)
{
  g_autoptr(GError) error = NULL;

  g_dbus_connection_emit_signal (from, destination, MIDWAY_HELPER_LOGIND_PATH,
                                 MIDWAY_HELPER_LOGIND_MANAGER, member, parameters, &error);
  g_assert_no_error (error);
}

/* Returns once the bus has handled everything @from sent before. */
static void
round_trip (GDBusConnection *from)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (from, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetId", NULL, G_VARIANT_TYPE ("(s)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

/* Takes (@take) or gives up logind's name. */
static void
own_name (GDBusConnection *connection,
          gboolean         take)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", take ? "RequestName" : "ReleaseName",
                                       take ? g_variant_new ("(su)", MIDWAY_HELPER_LOGIND_NAME, 0u)
                                            : g_variant_new ("(s)", MIDWAY_HELPER_LOGIND_NAME),
                                       G_VARIANT_TYPE ("(u)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

typedef struct
{
  Fixture    *f;
  const char *owner;   /* NULL: none */
} OwnerWait;

static gboolean
owner_is (gpointer data)
{
  OwnerWait *wait = data;

  return g_strcmp0 (midway_helper_logind_get_owner (wait->f->logind), wait->owner) == 0;
}

static void
wait_for_owner (Fixture    *f,
                const char *owner)
{
  OwnerWait wait = { f, owner };

  midway_test_spin_until (owner_is, &wait, TIMEOUT);
}

typedef struct
{
  Fixture    *f;
  const char *line;
} LineWait;

static gboolean
received_line (gpointer data)
{
  LineWait *wait = data;

  return wait->f->received->len > 0 &&
         g_strcmp0 (g_ptr_array_index (wait->f->received, wait->f->received->len - 1), wait->line) == 0;
}

/* logind (@real) sends a marker; once it arrives, whatever was sent
 * before it has been handed on or dropped. */
static void
marker (Fixture         *f,
        GDBusConnection *real,
        guint            n)
{
  g_autofree char *line = g_strdup_printf ("PrepareForSleep (%s,)", n % 2 ? "true" : "false");
  LineWait wait = { f, line };

  emit (real, NULL, "PrepareForSleep", g_variant_new ("(b)", n % 2 != 0));
  midway_test_spin_until (received_line, &wait, TIMEOUT);
}

static void
assert_received (Fixture     *f,
                 const char **expected)
{
  for (guint i = 0; i < f->received->len; i++)
    g_test_message ("received: %s", (const char *) g_ptr_array_index (f->received, i));
  g_assert_cmpuint (f->received->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; expected[i] != NULL; i++)
    g_assert_cmpstr (g_ptr_array_index (f->received, i), ==, expected[i]);
}

static GVariant *
user_removed (guint uid)
{
  g_autofree char *path = g_strdup_printf ("/org/freedesktop/login1/user/_%u", uid);

  return g_variant_new ("(uo)", uid, path);
}

static void
test_only_from_logind (Fixture      *f,
                       gconstpointer data)
{
  g_autoptr(GDBusConnection) real = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  g_autoptr(GDBusConnection) impostor = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);
  const char *helper_name = g_dbus_connection_get_unique_name (f->helper);
  const char *expected[] = {
    "UserRemoved (1000, '/org/freedesktop/login1/user/_1000')",
    "PrepareForSleep (true,)",
    "PrepareForSleep (false,)",
    NULL
  };

  /* Before logind runs: nothing is logind's. */
  emit (impostor, NULL, "UserRemoved", user_removed (1001));
  emit (impostor, helper_name, "UserRemoved", user_removed (1002));
  round_trip (impostor);

  own_name (real, TRUE);
  wait_for_owner (f, g_dbus_connection_get_unique_name (real));

  /* While it runs: its own, broadcast, are; the impostor's, broadcast or
   * to the helper alone, are not. */
  emit (impostor, NULL, "UserRemoved", user_removed (1003));
  emit (impostor, helper_name, "UserRemoved", user_removed (1004));
  emit (impostor, helper_name, "PrepareForSleep", g_variant_new ("(b)", FALSE));
  round_trip (impostor);
  emit (real, NULL, "UserRemoved", user_removed (1000));
  marker (f, real, 1);

  /* After it went: the old owner's unique name is nobody's logind. */
  own_name (real, FALSE);
  wait_for_owner (f, NULL);
  emit (real, helper_name, "UserRemoved", user_removed (1005));
  round_trip (real);

  /* A new logind: its signals are taken again, the old one's are not. */
  {
    g_autoptr(GDBusConnection) restarted = midway_test_new_bus_connection (G_BUS_TYPE_SESSION);

    own_name (restarted, TRUE);
    wait_for_owner (f, g_dbus_connection_get_unique_name (restarted));
    emit (real, helper_name, "UserRemoved", user_removed (1006));
    round_trip (real);
    marker (f, restarted, 2);
    g_dbus_connection_close_sync (restarted, NULL, NULL);
  }

  assert_received (f, expected);
  /* The detail selects the member. */
  g_assert_cmpuint (f->removed, ==, 1);
  g_dbus_connection_close_sync (real, NULL, NULL);
  g_dbus_connection_close_sync (impostor, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/logind/only-from-logind", Fixture, NULL,
              fixture_set_up, test_only_from_logind, fixture_tear_down);

  return g_test_run ();
}
