/* test-address-check.c: which addresses a peer may give the client.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <glib.h>

#include "midway-helper-address-check.h"

/* A laptop: loopback, a LAN uplink, another tunnel up, and the link
 * being checked (ppp1), which already has the address in question. */
static const MidwayHelperIfAddress laptop[] = {
  { "lo", { 127, 0, 0, 1 }, 8, FALSE, { 0 } },
  { "wlan0", { 192, 168, 1, 23 }, 24, FALSE, { 0 } },
  { "ppp0", { 10, 66, 0, 1 }, 32, TRUE, { 10, 66, 0, 2 } },
  { "ppp1", { 192, 168, 1, 23 }, 32, TRUE, { 10, 77, 0, 2 } },
  { "wlan0", { 192, 168, 1, 24 }, 24, FALSE, { 0 } },
};

static gboolean
is_free (const char *local,
         char      **why)
{
  return midway_helper_local_address_is_free (local, "ppp1", laptop, G_N_ELEMENTS (laptop), why);
}

static void
test_refused (void)
{
  static const struct { const char *local;
                        const char *why;
  } cases[] = {
    /* the uplink's own address */
    { "192.168.1.23", "192.168.1.23 is this machine's address on wlan0" },
    /* a second address of the uplink, listed after its network */
    { "192.168.1.24", "192.168.1.24 is this machine's address on wlan0" },
    /* another host on the LAN: the printer, the router */
    { "192.168.1.50", "192.168.1.50 is on wlan0's network 192.168.1.23/24" },
    { "192.168.1.1", "192.168.1.1 is on wlan0's network 192.168.1.23/24" },
    /* another tunnel's ends */
    { "10.66.0.1", "10.66.0.1 is this machine's address on ppp0" },
    { "10.66.0.2", "10.66.0.2 is the other end of ppp0" },
    { "127.0.0.5", "127.0.0.5 is on lo's network 127.0.0.1/8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *why = NULL;

      g_test_message ("%s", cases[i].local);
      g_assert_false (is_free (cases[i].local, &why));
      g_assert_cmpstr (why, ==, cases[i].why);
    }
}

static void
test_accepted (void)
{
  static const char * const addresses[] = {
    "10.77.0.1", "10.66.0.3", "192.168.2.23", "172.16.0.1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (addresses); i++)
    {
      g_autofree char *why = NULL;

      g_test_message ("%s", addresses[i]);
      g_assert_true (is_free (addresses[i], &why));
      g_assert_null (why);
    }
}

/* The machine's real interfaces: at least loopback, whose address is
 * never free for a link. */
static void
test_this_machine (void)
{
  g_autoptr(GArray) addresses = midway_helper_if_addresses_get ();
  g_autofree char *why = NULL;

  g_assert_false (midway_helper_local_address_is_free ("127.0.0.1", "ppp9",
                                                       (const MidwayHelperIfAddress *) (gpointer) addresses->data,
                                                       addresses->len, &why));
  g_assert_nonnull (why);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/address-check/refused", test_refused);
  g_test_add_func ("/address-check/accepted", test_accepted);
  g_test_add_func ("/address-check/this-machine", test_this_machine);
  return g_test_run ();
}
