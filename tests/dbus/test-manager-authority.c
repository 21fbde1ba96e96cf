/* test-manager-authority.c: the helper's manager and authority, linked
 * into this program, on a private system-like bus (a dbus-daemon of its
 * own) with python3-dbusmock's polkitd as the authority.  What the guest's
 * security suite proves against the real polkitd in minutes, proved here
 * in seconds, as root or as a user: the order of refusals, the limits on
 * checks under way and on a Connect's size, and hostile profiles refused
 * before anything is spawned.
 *
 * As root the program first enters a network namespace of its own, so
 * that the manager's start (which removes a previous helper's routes and
 * firewall blocks) touches nothing of the machine's.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>

#include "midway-dbus-generated.h"
#include "midway-error.h"
#include "midway-helper-manager.h"
#include "midway-profile.h"
#include "midway-test-kit.h"

#define POLKIT_NAME "org.freedesktop.PolicyKit1"
#define POLKIT_PATH "/org/freedesktop/PolicyKit1/Authority"
#define MOCK_IFACE  "org.freedesktop.DBus.Mock"
#define ACTION_CONNECT "io.github.midway_vpn.Midway.connect"
#define KIB 1024
#define TIMEOUT_S 20.0

#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILOvM5JN7Kml8yUNbwQR4j68x9XEG8z2nqY3YBZvEazF"

/* One bus, one stand-in polkitd and one manager for every case: each case
 * sets the authority's answers it needs. */
static struct
{
  char                *tmpdir;
  char                *runtime_dir;
  GPid                 bus_pid;
  GPid                 polkit_pid;
  GDBusConnection     *helper_connection;
  GDBusConnection     *client;
  MidwayHelperManager *manager;
  guint                owner_id;
  gboolean             name_owned;
  GArray              *baseline_children; /* pid_t: the bus and polkitd */
} env;

typedef struct
{
  gboolean done;
  char    *path;      /* on success */
  GError  *error;     /* on failure */
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->path, g_free);
  g_clear_error (&reply->error);
  reply->done = FALSE;
}

static gboolean
timed_out (gpointer data)
{
  gboolean *flag = data;

  *flag = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Some conditions are only seen by asking (polkitd's held checks), so the
 * loop also wakes every 10 ms to look again. */
static void
spin_until (gboolean ( *done ) (gpointer),
            gpointer    data)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds ((guint) TIMEOUT_S, timed_out, &expired);
  guint ticker = g_timeout_add (10, tick, NULL);

  while (!done (data) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  g_source_remove (ticker);
  g_assert_false (expired);
}

/* ---- the private bus and the stand-in polkitd ---- */

/* A failed assertion aborts the test: the bus and polkitd go with it,
 * instead of holding its output open until meson's timeout. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
read_first_line (int fd)
{
  g_autoptr(GInputStream) raw = g_unix_input_stream_new (fd, FALSE);
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (raw);
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line (data, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (line);
  return line;
}

static char *
start_bus (void)
{
  g_autofree char *config_path = g_build_filename (env.tmpdir, "bus.conf", NULL);
  /* Like the system bus where it matters here: EXTERNAL authentication,
   * so GetConnectionCredentials gives the caller's real uid. */
  g_autofree char *config = g_strdup_printf (
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>system</type>\n"
    "  <listen>unix:dir=%s</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow user=\"*\"/>\n"
    "    <allow own=\"*\"/>\n"
    "    <allow send_destination=\"*\"/>\n"
    "    <allow receive_sender=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n", env.tmpdir);
  g_autofree char *config_arg = g_strconcat ("--config-file=", config_path, NULL);
  const char *daemon = g_getenv ("MIDWAY_TEST_DBUS_DAEMON");
  const char *argv[] = { daemon != NULL ? daemon : "dbus-daemon", config_arg, "--nofork",
                         "--print-address=1", NULL };
  g_autoptr(GError) error = NULL;
  char *address;
  int out_fd = -1;

  g_assert_true (g_file_set_contents (config_path, config, -1, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                           G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                                           die_with_parent, NULL, &env.bus_pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);
  /* Its first line is the address, printed once it listens. */
  address = read_first_line (out_fd);
  close (out_fd);
  return address;
}

static gboolean
name_owned (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_polkit_appeared (GDBusConnection *connection,
                    const char      *name,
                    const char      *owner,
                    gpointer         data)
{
  *(gboolean *) data = TRUE;
}

static void
start_polkit (const char *address)
{
  const char *python = g_getenv ("MIDWAY_TEST_PYTHON");
  const char *argv[] = { python != NULL ? python : "python3", "-m", "dbusmock",
                         "--system", "--template", "polkitd", NULL };
  g_auto(GStrv) envp = g_environ_setenv (g_get_environ (), "DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  g_autoptr(GError) error = NULL;
  gboolean appeared = FALSE;
  guint watch;

  g_assert_true (g_spawn_async (NULL, (char **) argv, envp,
                                /* It prints every call: not TAP. */
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL,
                                die_with_parent, NULL, &env.polkit_pid, &error));
  g_assert_no_error (error);
  watch = g_bus_watch_name_on_connection (env.client, POLKIT_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                          on_polkit_appeared, NULL, &appeared, NULL);
  spin_until (name_owned, &appeared);
  g_bus_unwatch_name (watch);
}

static void
polkit_call (const char *method,
             GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (env.client, POLKIT_NAME, POLKIT_PATH, MOCK_IFACE, method,
                                       parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
polkit_allow (const char *action)
{
  const char *actions[] = { action, NULL };

  polkit_call ("SetAllowed", g_variant_new ("(^as)", action != NULL ? actions : (const char **) &actions[1]));
}

static void
polkit_hang (gboolean hang)
{
  polkit_call ("SimulateHang", g_variant_new ("(b)", hang));
}

/* Whether the stand-in holds checks it was asked for and has not answered. */
static gboolean
polkit_has_hanging_calls (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  gboolean hanging;

  reply = g_dbus_connection_call_sync (env.client, POLKIT_NAME, POLKIT_PATH, MOCK_IFACE,
                                       "HaveHangingCalls", NULL, G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &hanging);
  return hanging;
}

/* Answers every held check, and every later one at once. */
static void
polkit_release (void)
{
  polkit_hang (FALSE);
  polkit_call ("ReleaseHangingCalls", NULL);
}

/* ---- what "nothing spawned" means: no child of this process but the bus
 * and polkitd, no tunnel directory, no tunnel object ---- */

static GArray *
list_children (void)
{
  g_autoptr(GArray) pids = g_array_new (FALSE, FALSE, sizeof (pid_t));
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  g_assert_nonnull (proc);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = NULL;
      g_autofree char *stat = NULL;
      const char *after_comm;
      int ppid = 0;
      pid_t pid;

      if (!g_ascii_isdigit (name[0]))
        continue;
      pid = (pid_t) atoi (name);
      stat_path = g_build_filename ("/proc", name, "stat", NULL);
      /* Gone since the listing: not ours to count. */
      if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": comm may hold anything, ')' too. */
      after_comm = strrchr (stat, ')');
      if (after_comm == NULL || sscanf (after_comm, ") %*c %d", &ppid) != 1)
        continue;
      if (ppid == getpid ())
        g_array_append_val (pids, pid);
    }
  return g_steal_pointer (&pids);
}

static void
on_objects (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
have_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
assert_nothing_spawned (void)
{
  g_autoptr(GArray) children = list_children ();
  g_autoptr(GDir) runtime = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) objects = NULL;
  g_autoptr(GVariantIter) iter = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  for (guint i = 0; i < children->len; i++)
    {
      pid_t pid = g_array_index (children, pid_t, i);
      gboolean known = FALSE;

      for (guint j = 0; j < env.baseline_children->len; j++)
        known = known || g_array_index (env.baseline_children, pid_t, j) == pid;
      if (!known)
        g_error ("a child process appeared: pid %d", (int) pid);
    }

  runtime = g_dir_open (env.runtime_dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (runtime));

  /* The helper answers from this process's main loop: asked without
   * blocking it. */
  g_dbus_connection_call (env.client, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                          "org.freedesktop.DBus.ObjectManager", "GetManagedObjects",
                          NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_objects, &result);
  spin_until (have_result, &result);
  objects = g_dbus_connection_call_finish (env.client, result, &error);
  g_assert_no_error (error);
  g_variant_get (objects, "(a{oa{sa{sv}}})", &iter);
  g_assert_cmpuint (g_variant_iter_n_children (iter), ==, 0);
}

/* ---- Connect calls ---- */

/* A profile the helper accepts (the positive control checks it), with
 * @key set to @value, or left out for a NULL @value, when @key is set. */
static GVariant *
profile_with (const char *key,
              GVariant   *value)
{
  g_autoptr(GVariant) owned = value != NULL ? g_variant_ref_sink (value) : NULL;
  g_autofree char *id = g_uuid_string_random ();
  GVariantBuilder builder;
  struct { const char *key;
           GVariant   *value;
  } base[] = {
    { "id", g_variant_new_string (id) },
    { "name", g_variant_new_string ("office") },
    { "host", g_variant_new_string ("192.0.2.2") },
    { "port", g_variant_new_uint32 (22) },
    { "user", g_variant_new_string ("mwsrv") },
    { "auth", g_variant_new_string ("key-file") },
    { "key-file", g_variant_new_string ("/home/mwtest/.ssh/id_ed25519") },
    { "host-key", g_variant_new_string (HOST_KEY) },
    { "local-address", g_variant_new_string ("10.66.0.1") },
    { "remote-address", g_variant_new_string ("10.66.0.2") },
  };
  gboolean replaced = FALSE;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (gsize i = 0; i < G_N_ELEMENTS (base); i++)
    {
      g_autoptr(GVariant) field = g_variant_ref_sink (base[i].value);

      if (key != NULL && g_str_equal (key, base[i].key))
        {
          replaced = TRUE;
          if (owned != NULL)
            g_variant_builder_add (&builder, "{sv}", key, owned);
          continue;
        }
      g_variant_builder_add (&builder, "{sv}", base[i].key, field);
    }
  if (key != NULL && !replaced && owned != NULL)
    g_variant_builder_add (&builder, "{sv}", key, owned);
  return g_variant_builder_end (&builder);
}

static GVariant *
no_credentials (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static void
on_connect_reply (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  Reply *reply = data;
  g_autoptr(GVariant) value = NULL;

  value = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &reply->error);
  if (value != NULL)
    g_variant_get (value, "(o)", &reply->path);
  else
    g_dbus_error_strip_remote_error (reply->error);
  reply->done = TRUE;
}

static void
connect_async (GDBusConnection *connection,
               GVariant        *profile,
               GVariant        *credentials,
               Reply           *reply)
{
  reply_clear (reply);
  g_dbus_connection_call (connection, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                          "io.github.midway_vpn.Midway.Helper1", "Connect",
                          g_variant_new ("(@a{sv}@a{sv})", profile, credentials),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, (int) (TIMEOUT_S * 1000),
                          NULL, on_connect_reply, reply);
}

static gboolean
reply_done (gpointer data)
{
  return ((Reply *) data)->done;
}

static void
connect_sync (GVariant *profile,
              GVariant *credentials,
              Reply    *reply)
{
  connect_async (env.client, profile, credentials, reply);
  spin_until (reply_done, reply);
}

static void
assert_refused (Reply      *reply,
                int         code,
                const char *prefix)
{
  g_assert_true (reply->done);
  g_assert_null (reply->path);
  g_assert_error (reply->error, MIDWAY_ERROR, code);
  if (!g_str_has_prefix (reply->error->message, prefix))
    g_error ("expected a message starting with \"%s\", got \"%s\"", prefix, reply->error->message);
}

/* Every case starts from an authority that refuses everything at once. */
static void
reset_polkit (void)
{
  polkit_release ();
  polkit_allow (NULL);
}

/* ---- the cases ---- */

static void
test_base_profile_valid (void)
{
  g_autoptr(GVariant) profile = g_variant_ref_sink (profile_with (NULL, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) parsed = midway_profile_new_from_variant (profile, &error);

  /* Every refusal below is for the one field each case changes. */
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
}

static void
test_polkit_refusal_before_validation (void)
{
  Reply reply = { 0 };

  reset_polkit ();
  /* "plugin" as the id would reach pppd's command line as an option. */
  connect_sync (profile_with ("id", g_variant_new_string ("plugin")), no_credentials (), &reply);
  /* An unauthorised caller learns nothing, not even that its profile
   * was invalid. */
  assert_refused (&reply, MIDWAY_ERROR_NOT_AUTHORIZED, "Not authorized to perform " ACTION_CONNECT);
  assert_nothing_spawned ();
  reply_clear (&reply);
}

static void
test_polkit_refusal_spawns_nothing (void)
{
  Reply reply = { 0 };

  reset_polkit ();
  connect_sync (profile_with (NULL, NULL), no_credentials (), &reply);
  assert_refused (&reply, MIDWAY_ERROR_NOT_AUTHORIZED, "Not authorized to perform " ACTION_CONNECT);
  assert_nothing_spawned ();
  reply_clear (&reply);
}

typedef struct
{
  const char *key;
  const char *value;   /* a string; NULL: a uint32 (0 for the port, else 1) */
  const char *prefix;  /* of the message; NULL: "key: " */
} Hostile;

static const Hostile hostile_profiles[] = {
  { "id", "plugin" },
  { "id", "-oProxyCommand=sh" },
  { "id", NULL },
  { "name", "office\nplugin /tmp/x.so" },
  { "name", "a\x1b[31mred" },
  { "host", "-oProxyCommand=touch /tmp/pwned" },
  { "host", "192.0.2.2;id" },
  { "host", "$(id)" },
  { "user", "-oProxyCommand=x" },
  { "user", "root\nplugin /tmp/x.so" },
  { "remote-command", "sudo -n pppd; rm -rf /" },
  { "remote-command", "pppd\nplugin /tmp/x.so" },
  { "local-address", "10.66.0.1 plugin /tmp/x.so" },
  { "remote-address", "10.66.0.2\nplugin" },
  { "host-key", "ssh-ed25519" },
  { "host-key", "plugin" },
  { "key-file", "/home/mwtest/../bob/.ssh/id_ed25519" },
  { "key-file", "-i/tmp/x" },
  { "port", NULL },
  { "auth", "rsh" },
  { "routes", "10.0.0.0/8;id" },
  { "dns-servers", "1.1.1.1\nplugin /tmp/x.so" },
  { "no-such-field", "x", "unknown field " },
};

static void
test_hostile_profiles_refused (gconstpointer data)
{
  const Hostile *hostile = data;
  g_autofree char *prefix = hostile->prefix != NULL ? g_strdup (hostile->prefix)
                                                    : g_strconcat (hostile->key, ": ", NULL);
  GVariant *value;
  Reply reply = { 0 };

  reset_polkit ();
  polkit_allow (ACTION_CONNECT);
  if (hostile->value != NULL)
    value = g_variant_new_string (hostile->value);
  else if (g_str_equal (hostile->key, "port"))
    value = g_variant_new_uint32 (0);
  else
    value = g_variant_new_uint32 (1);
  connect_sync (profile_with (hostile->key, value), no_credentials (), &reply);
  assert_refused (&reply, MIDWAY_ERROR_INVALID_PROFILE, prefix);
  assert_nothing_spawned ();
  reply_clear (&reply);
}

/* A profile that sends every user's traffic through the tunnel needs a
 * second authorization, asked before anything is spawned. */
static void
test_system_network_refused (void)
{
  Reply reply = { 0 };

  reset_polkit ();
  polkit_allow (ACTION_CONNECT);
  connect_sync (profile_with ("full-tunnel", g_variant_new_boolean (TRUE)), no_credentials (), &reply);
  assert_refused (&reply, MIDWAY_ERROR_NOT_AUTHORIZED, "full-tunnel: ");
  g_assert_nonnull (strstr (reply.error->message, "io.github.midway_vpn.Midway.change-system-network"));
  assert_nothing_spawned ();
  reply_clear (&reply);
}

/* @n credentials of @size bytes each, under names no method knows. */
static GVariant *
credentials_of (guint n,
                gsize size)
{
  g_autofree char *filler = g_malloc (size + 1);
  GVariantBuilder builder;

  memset (filler, 'x', size);
  filler[size] = '\0';
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("filler-%u", i);

      g_variant_builder_add (&builder, "{sv}", key, g_variant_new_string (filler));
    }
  return g_variant_builder_end (&builder);
}

static gboolean
answered_or_polkit_asked (gpointer data)
{
  return ((Reply *) data)->done || polkit_has_hanging_calls ();
}

/* Refused while polkitd holds every check it is asked: the reply comes,
 * and polkitd holds none, so it was not asked. */
static void
assert_refused_before_polkit (GVariant   *profile,
                              GVariant   *credentials,
                              int         code,
                              const char *prefix)
{
  Reply reply = { 0 };

  reset_polkit ();
  polkit_hang (TRUE);
  connect_async (env.client, profile, credentials, &reply);
  spin_until (answered_or_polkit_asked, &reply);
  g_assert_false (polkit_has_hanging_calls ());
  assert_refused (&reply, code, prefix);
  assert_nothing_spawned ();
  polkit_release ();
  reply_clear (&reply);
}

static void
test_oversized_profile_before_polkit (void)
{
  g_autofree char *name = g_malloc (200 * KIB + 1);

  memset (name, 'n', 200 * KIB);
  name[200 * KIB] = '\0';
  assert_refused_before_polkit (profile_with ("name", g_variant_new_string (name)), no_credentials (),
                                MIDWAY_ERROR_INVALID_PROFILE, "name: ");
}

static void
test_oversized_credential_before_polkit (void)
{
  assert_refused_before_polkit (profile_with (NULL, NULL), credentials_of (1, 129 * KIB),
                                MIDWAY_ERROR_INVALID_ARGUMENT, "filler-0: is too long");
}

static void
test_oversized_total_before_polkit (void)
{
  assert_refused_before_polkit (profile_with (NULL, NULL), credentials_of (3, 48 * KIB),
                                MIDWAY_ERROR_LIMIT_EXCEEDED,
                                "The request is larger than any valid profile and credentials (128 KiB)");
}

static gboolean
polkit_asked (gpointer data)
{
  return polkit_has_hanging_calls ();
}

/* Just under the cap the call reaches polkit like any other. */
static void
test_under_cap_reaches_polkit (void)
{
  Reply reply = { 0 };

  reset_polkit ();
  polkit_hang (TRUE);
  connect_async (env.client, profile_with (NULL, NULL), credentials_of (2, 60 * KIB), &reply);
  spin_until (polkit_asked, NULL);
  g_assert_false (reply.done);
  polkit_release ();
  spin_until (reply_done, &reply);
  assert_refused (&reply, MIDWAY_ERROR_NOT_AUTHORIZED, "Not authorized to perform " ACTION_CONNECT);
  assert_nothing_spawned ();
  reply_clear (&reply);
}

typedef struct
{
  Reply *replies;
  guint  n;
  guint  wanted;
} Count;


static guint
count_done (Reply *replies,
            guint  n)
{
  guint done = 0;

  for (guint i = 0; i < n; i++)
    done += replies[i].done ? 1 : 0;
  return done;
}

static gboolean
enough_done (gpointer data)
{
  Count *count = data;

  return count_done (count->replies, count->n) >= count->wanted;
}

/* @n_connections callers of one user each make @per_connection calls
 * while polkitd holds every check: @n_limited are answered LimitExceeded
 * at once, the others wait for polkitd, and are answered when it does. */
static void
check_pending_limit (guint n_connections,
                     guint per_connection,
                     guint n_limited)
{
  guint n = n_connections * per_connection;
  g_autofree Reply *replies = g_new0 (Reply, n);
  g_autoptr(GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  Count count = { replies, n, n_limited };
  guint limited = 0;
  Reply after = { 0 };

  reset_polkit ();
  polkit_hang (TRUE);
  for (guint c = 0; c < n_connections; c++)
    g_ptr_array_add (connections, midway_test_new_bus_connection (G_BUS_TYPE_SYSTEM));
  for (guint i = 0; i < n; i++)
    connect_async (g_ptr_array_index (connections, i / per_connection),
                   profile_with (NULL, NULL), no_credentials (), &replies[i]);

  spin_until (enough_done, &count);
  for (guint i = 0; i < n; i++)
    if (replies[i].done)
      {
        assert_refused (&replies[i], MIDWAY_ERROR_LIMIT_EXCEEDED, "Too many calls under way");
        limited++;
      }
  g_assert_cmpuint (limited, ==, n_limited);
  g_assert_true (polkit_has_hanging_calls ());
  g_assert_false (midway_helper_manager_is_idle (env.manager));

  polkit_release ();
  count.wanted = n;
  spin_until (enough_done, &count);
  for (guint i = 0; i < n; i++)
    {
      if (replies[i].error->code != MIDWAY_ERROR_LIMIT_EXCEEDED)
        assert_refused (&replies[i], MIDWAY_ERROR_NOT_AUTHORIZED, "Not authorized to perform " ACTION_CONNECT);
      reply_clear (&replies[i]);
    }
  assert_nothing_spawned ();

  /* Every check counted was counted down again. */
  g_assert_true (midway_helper_manager_is_idle (env.manager));
  connect_async (g_ptr_array_index (connections, 0), profile_with (NULL, NULL), no_credentials (), &after);
  spin_until (reply_done, &after);
  assert_refused (&after, MIDWAY_ERROR_NOT_AUTHORIZED, "Not authorized to perform " ACTION_CONNECT);
  reply_clear (&after);
}

static void
test_pending_limit_per_connection (void)
{
  check_pending_limit (1, 5, 1);
}

static void
test_pending_limit_per_user (void)
{
  check_pending_limit (3, 4, 4);
}

/* ---- set-up ---- */

static void
on_name_acquired (GDBusConnection *connection,
                  const char      *name,
                  gpointer         data)
{
  env.name_owned = TRUE;
}

static void
start_manager (void)
{
  g_autoptr(GError) error = NULL;
  GLogLevelFlags saved_fatal = 0;

  env.helper_connection = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  /* As a user the manager cannot look for a previous helper's firewall
   * blocks, and warns; as root, in a namespace of its own, any warning
   * fails the test. */
  if (geteuid () != 0)
    saved_fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  env.manager = midway_helper_manager_new (env.helper_connection, env.runtime_dir, &error);
  if (geteuid () != 0)
    g_log_set_always_fatal (saved_fatal);
  g_assert_no_error (error);
  env.owner_id = g_bus_own_name_on_connection (env.helper_connection, MIDWAY_HELPER_BUS_NAME,
                                               G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                               on_name_acquired, NULL, NULL, NULL);
  spin_until (name_owned, &env.name_owned);
}

static void
setup (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;

  /* As root, a network namespace of its own (see the top of the file). */
  if (geteuid () == 0 && unshare (CLONE_NEWNET) != 0)
    g_error ("unshare (CLONE_NEWNET): %s", g_strerror (errno));

  env.tmpdir = g_dir_make_tmp ("midway-manager-XXXXXX", &error);
  g_assert_no_error (error);
  env.runtime_dir = g_build_filename (env.tmpdir, "run", NULL);

  address = start_bus ();
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
  env.client = midway_test_new_bus_connection (G_BUS_TYPE_SYSTEM);
  start_polkit (address);
  start_manager ();
  env.baseline_children = list_children ();
  /* The bus and polkitd, and nothing else yet. */
  g_assert_cmpuint (env.baseline_children->len, ==, 2);
}

static void
teardown (void)
{
  g_autofree char *config_path = NULL;

  g_bus_unown_name (env.owner_id);
  midway_helper_manager_shutdown (env.manager);
  g_clear_object (&env.manager);
  g_clear_object (&env.client);
  g_clear_object (&env.helper_connection);
  kill (env.polkit_pid, SIGTERM);
  kill (env.bus_pid, SIGTERM);
  waitpid (env.polkit_pid, NULL, 0);
  waitpid (env.bus_pid, NULL, 0);
  g_spawn_close_pid (env.polkit_pid);
  g_spawn_close_pid (env.bus_pid);
  g_clear_pointer (&env.baseline_children, g_array_unref);
  g_rmdir (env.runtime_dir);
  config_path = g_build_filename (env.tmpdir, "bus.conf", NULL);
  g_unlink (config_path);
  g_rmdir (env.tmpdir);
  g_free (env.runtime_dir);
  g_free (env.tmpdir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Registers the D-Bus error names, so that replies map back to them. */
  (void) MIDWAY_ERROR;

  g_test_add_func ("/manager/base-profile-valid", test_base_profile_valid);
  g_test_add_func ("/manager/order/polkit-refusal-before-validation", test_polkit_refusal_before_validation);
  g_test_add_func ("/manager/order/polkit-refusal-spawns-nothing", test_polkit_refusal_spawns_nothing);
  g_test_add_func ("/manager/order/system-network-refused", test_system_network_refused);
  for (gsize i = 0; i < G_N_ELEMENTS (hostile_profiles); i++)
    {
      g_autofree char *path = g_strdup_printf ("/manager/hostile/%s-%zu", hostile_profiles[i].key, i);

      g_test_add_data_func (path, &hostile_profiles[i], test_hostile_profiles_refused);
    }
  g_test_add_func ("/manager/limits/oversized-profile-before-polkit", test_oversized_profile_before_polkit);
  g_test_add_func ("/manager/limits/oversized-credential-before-polkit", test_oversized_credential_before_polkit);
  g_test_add_func ("/manager/limits/oversized-total-before-polkit", test_oversized_total_before_polkit);
  g_test_add_func ("/manager/limits/under-cap-reaches-polkit", test_under_cap_reaches_polkit);
  g_test_add_func ("/manager/limits/pending-per-connection", test_pending_limit_per_connection);
  g_test_add_func ("/manager/limits/pending-per-user", test_pending_limit_per_user);

  setup ();
  status = g_test_run ();
  teardown ();
  return status;
}
