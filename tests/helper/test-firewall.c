/* test-firewall.c: a per-user fail-closed block, in the kernel.
 *
 * Run as root; it moves into a network namespace of its own first, so
 * nothing of the machine's is touched: the rules go into the real nftables and the real legacy
 * iptables of that namespace, and real sockets of two uids send through
 * a veth pair: the blocked uid's packets are refused, the other's
 * go, and after the block is lifted (or a new helper removes a killed
 * one's) nothing of Midway's is left; the helper's calls run in
 * the order asked for, never in the caller's frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "midway-helper-firewall.h"

#define ALICE 4242
#define BOB   4343

static void
run_ok (const char *command)
{
  g_auto(GStrv) argv = g_strsplit (command, " ", -1);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static char *
output_of (const char *command)
{
  g_auto(GStrv) argv = g_strsplit (command, " ", -1);
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* Whether a UDP datagram from a socket of UID to ADDRESS leaves: a
 * rejected one fails sendto() with EPERM.  0 sent, else the errno. */
static int
send_as (uid_t       uid,
         const char *address)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (address);
  g_autoptr(GSocketAddress) target = g_inet_socket_address_new (inet, 9);
  struct sockaddr_storage native;
  int status;
  pid_t pid;

  g_assert_true (g_socket_address_to_native (target, &native, sizeof native, NULL));
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      int fd;

      if (setresgid (uid, uid, uid) != 0 || setresuid (uid, uid, uid) != 0)
        _exit (100);
      fd = socket (native.ss_family, SOCK_DGRAM, 0);
      if (fd < 0)
        _exit (101);
      if (sendto (fd, "x", 1, 0, (struct sockaddr *) &native,
                  g_socket_address_get_native_size (target)) == 1)
        _exit (0);
      _exit (errno > 0 && errno < 100 ? errno : 102);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), <, 100);
  return WEXITSTATUS (status);
}

static char *
listing (void)
{
  g_autofree char *v4 = NULL;
  g_autofree char *v6 = NULL;

  if (midway_helper_firewall_get_backend () == MIDWAY_HELPER_FIREWALL_NFTABLES)
    return output_of ("nft list ruleset");
  v4 = output_of ("iptables-legacy-save -t filter");
  v6 = output_of ("ip6tables-legacy-save -t filter");
  return g_strconcat (v4, v6, NULL);
}

static GList *
server (const char *address)
{
  return g_list_prepend (NULL, g_inet_address_new_from_string (address));
}

static void
test_block (gconstpointer data)
{
  MidwayHelperFirewallBackend backend = GPOINTER_TO_INT (data);
  const char * const networks[] = { "10.99.0.0/16", "10.99.7.0/24", "fd00:99::/32", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *after = NULL;
  GList *servers = server ("10.99.0.5");

  midway_helper_firewall_set_backend (backend);

  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, 0);
  g_assert_true (midway_helper_firewall_set ("block-1", ALICE, networks, servers, &error));
  g_assert_no_error (error);

  rules = listing ();
  g_test_message ("%s", rules);
  if (backend == MIDWAY_HELPER_FIREWALL_NFTABLES)
    {
      g_assert_nonnull (strstr (rules, "table inet midway"));
      g_assert_nonnull (strstr (rules, "chain block-1"));
      g_assert_nonnull (strstr (rules, "meta skuid != 4242 return"));
      g_assert_nonnull (strstr (rules, "ip daddr 10.99.0.0/16 reject"));
    }
  else
    {
      g_assert_nonnull (strstr (rules, "-A OUTPUT -j midway-block-1"));
      g_assert_nonnull (strstr (rules, "--uid-owner 4242"));
      g_assert_nonnull (strstr (rules, "-A midway-block-1 -d 10.99.0.0/16 -j REJECT"));
      g_assert_nonnull (strstr (rules, "-A midway-block-1 -d fd00:99::/32 -j REJECT"));
    }

  /* alice is cut off from the networks, IPv6 too; bob is not */
  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, EPERM);
  g_assert_cmpint (send_as (ALICE, "fd00:99::1"), ==, EPERM);
  g_assert_cmpint (send_as (BOB, "10.99.1.1"), ==, 0);
  g_assert_cmpint (send_as (BOB, "fd00:99::1"), ==, 0);
  /* root's (the helper's, a resolver's) traffic flows */
  g_assert_cmpint (send_as (0, "10.99.1.1"), ==, 0);
  /* alice's ssh reaches its server, and what is not in the profile flows */
  g_assert_cmpint (send_as (ALICE, "10.99.0.5"), ==, 0);
  g_assert_cmpint (send_as (ALICE, "10.77.0.9"), ==, 0);

  /* written again for a server's new address: the old one is no longer
   * let through, and the block did not go */
  g_list_free_full (servers, g_object_unref);
  servers = server ("10.99.0.6");
  g_assert_true (midway_helper_firewall_set ("block-1", ALICE, networks, servers, &error));
  g_assert_no_error (error);
  g_assert_cmpint (send_as (ALICE, "10.99.0.5"), ==, EPERM);
  g_assert_cmpint (send_as (ALICE, "10.99.0.6"), ==, 0);
  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, EPERM);

  /* lifted: alice's traffic flows and nothing of the block is left */
  g_assert_true (midway_helper_firewall_clear ("block-1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, 0);
  g_assert_cmpint (send_as (ALICE, "fd00:99::1"), ==, 0);
  after = listing ();
  g_assert_null (strstr (after, "block-1"));
  /* a block that is not there: no error */
  g_assert_true (midway_helper_firewall_clear ("block-1", &error));
  g_assert_no_error (error);

  g_list_free_full (servers, g_object_unref);
}

/* A killed helper's blocks stay; the next helper's start removes them. */
static void
test_remove_stale (gconstpointer data)
{
  MidwayHelperFirewallBackend backend = GPOINTER_TO_INT (data);
  const char * const networks[] = { "0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  midway_helper_firewall_set_backend (backend);
  g_assert_true (midway_helper_firewall_set ("block-7", ALICE, networks, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (midway_helper_firewall_set ("block-8", BOB, networks, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (send_as (ALICE, "10.77.0.9"), ==, EPERM);
  g_assert_cmpint (send_as (BOB, "10.77.0.9"), ==, EPERM);
  g_assert_cmpint (send_as (0, "10.77.0.9"), ==, 0);

  /* A new helper finds out the backend afresh; where the kernel has
   * nftables' inet family (this one), that is nftables. */
  if (backend == MIDWAY_HELPER_FIREWALL_NFTABLES)
    {
      midway_helper_firewall_set_backend (MIDWAY_HELPER_FIREWALL_AUTO);
      g_assert_cmpint (midway_helper_firewall_get_backend (), ==, MIDWAY_HELPER_FIREWALL_NFTABLES);
    }
  g_assert_cmpuint (midway_helper_firewall_remove_stale (&error), >=, 2);
  g_assert_no_error (error);
  g_assert_cmpint (send_as (ALICE, "10.77.0.9"), ==, 0);
  g_assert_cmpint (send_as (BOB, "10.77.0.9"), ==, 0);
  after = listing ();
  g_assert_null (strstr (after, "block-"));
  g_assert_null (strstr (after, "midway"));
}

typedef struct
{
  GPtrArray *done;   /* the callbacks' names, in the order they ran */
} Order;

static void
record (GAsyncResult *result,
        Order        *order,
        const char   *what)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (midway_helper_firewall_finish (result, &error));
  g_assert_no_error (error);
  g_ptr_array_add (order->done, g_strdup (what));
}

static void
on_set2 (GObject      *source,
         GAsyncResult *result,
         gpointer      order)
{
  record (result, order, "set block-2");
}

static void
on_clear2 (GObject      *source,
           GAsyncResult *result,
           gpointer      order)
{
  record (result, order, "clear block-2");
}

static void
on_set3 (GObject      *source,
         GAsyncResult *result,
         gpointer      order)
{
  record (result, order, "set block-3");
}

/* The helper's calls: none waits in the caller, they run in the order
 * asked for, and drain() runs what is left with no main loop. */
static void
test_async (gconstpointer data)
{
  const char * const networks[] = { "10.99.0.0/16", NULL };
  Order order = { g_ptr_array_new_with_free_func (g_free) };
  g_autofree char *rules = NULL;
  g_autofree char *after = NULL;
  const char *expected[] = { "set block-2", "clear block-2", "set block-3" };

  midway_helper_firewall_set_backend (GPOINTER_TO_INT (data));

  midway_helper_firewall_set_async ("block-2", ALICE, networks, NULL, on_set2, &order);
  midway_helper_firewall_clear_async ("block-2", on_clear2, &order);
  midway_helper_firewall_set_async ("block-3", ALICE, networks, NULL, on_set3, &order);
  /* Nothing was done in the caller's frame: results come from the loop. */
  g_assert_cmpuint (order.done->len, ==, 0);
  while (order.done->len < 3)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (g_ptr_array_index (order.done, i), ==, expected[i]);

  rules = listing ();
  g_assert_null (strstr (rules, "block-2"));
  g_assert_nonnull (strstr (rules, "block-3"));
  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, EPERM);

  /* At the helper's exit: asked for, never called back, done all the same. */
  midway_helper_firewall_clear_async ("block-3", NULL, NULL);
  midway_helper_firewall_drain ();
  after = listing ();
  g_assert_null (strstr (after, "block-3"));
  g_assert_cmpint (send_as (ALICE, "10.99.1.1"), ==, 0);

  g_ptr_array_unref (order.done);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (geteuid () != 0 || unshare (CLONE_NEWNET) != 0)
    {
      /* A skip, not a pass: meson shows it as one. */
      g_printerr ("needs root (a network namespace of its own): skipped\n");
      return 77;
    }
  run_ok ("ip link set lo up");
  /* A veth pair (not every kernel has dummy), its far end up so that
   * packets leave; on-link routes, no neighbour to wait for: a sendto()
   * that gets past the filter succeeds. */
  run_ok ("ip link add veth0 type veth peer name veth1");
  run_ok ("ip addr add 10.77.0.1/24 dev veth0");
  run_ok ("ip addr add fd00:77::1/64 dev veth0 nodad");
  run_ok ("ip link set veth1 up");
  run_ok ("ip link set veth0 up");
  run_ok ("ip route add 10.99.0.0/16 dev veth0");
  run_ok ("ip route add fd00:99::/32 dev veth0");

  g_test_add_data_func ("/firewall/nftables/block", GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_NFTABLES),
                        test_block);
  g_test_add_data_func ("/firewall/nftables/remove-stale",
                        GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_NFTABLES), test_remove_stale);
  g_test_add_data_func ("/firewall/iptables/block", GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_IPTABLES),
                        test_block);
  g_test_add_data_func ("/firewall/iptables/remove-stale",
                        GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_IPTABLES), test_remove_stale);
  g_test_add_data_func ("/firewall/nftables/async", GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_NFTABLES),
                        test_async);
  g_test_add_data_func ("/firewall/iptables/async", GINT_TO_POINTER (MIDWAY_HELPER_FIREWALL_IPTABLES),
                        test_async);
  return g_test_run ();
}
