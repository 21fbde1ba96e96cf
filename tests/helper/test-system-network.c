/* test-system-network.c: which profile fields change the network of
 * every user, and so need change-system-network.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "midway-profile.h"
#include "midway-helper-system-network.h"

#define V4(a, b, c, d) { a, b, c, d }

/* A laptop: a LAN with its default route, a second network via a
 * gateway, an address of its own with no network of its own, IPv6 on
 * the LAN. */
static const MidwayHelperRoute laptop[] = {
  { AF_INET, RTN_UNICAST, V4 (0, 0, 0, 0), 0, 2, TRUE, V4 (192, 168, 1, 1), 100 },
  { AF_INET, RTN_UNICAST, V4 (192, 168, 1, 0), 24, 2, FALSE, { 0 }, 100 },
  { AF_INET, RTN_UNICAST, V4 (172, 20, 0, 0), 16, 2, TRUE, V4 (192, 168, 1, 254), 0 },
  { AF_INET, RTN_LOCAL, V4 (198, 51, 100, 7), 32, 3, FALSE, { 0 }, 0 },
  { AF_INET6, RTN_UNICAST, { 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, 64, 2, FALSE, { 0 }, 0 },
};

static const char * const resolvers[] = { "10.9.9.9", NULL };

static const char *
field_of (gboolean    per_link_dns,
          char      **why,
          const char *first_key,
          ...)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  MidwayHelperMachine machine = { laptop, G_N_ELEMENTS (laptop), resolvers, per_link_dns };
  const char *key = first_key;
  va_list args;

  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, "t", NULL));
  g_assert_true (midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, "vpn.example.org", NULL));
  va_start (args, first_key);
  while (key != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autoptr(GError) error = NULL;

      midway_profile_set_from_string (profile, key, value, &error);
      g_assert_no_error (error);
      key = va_arg (args, const char *);
    }
  va_end (args);
  return midway_helper_system_network_field (profile, &machine, why);
}

static void
test_own_networks (void)
{
  static const char *routes[] = {
    "",
    "10.99.0.0/24",
    "10.99.0.0/24,10.98.0.0/16",
    "172.21.0.0/16",              /* next to the network via a gateway */
    "2001:db8:2::/48",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *why = NULL;

      g_test_message ("routes=%s", routes[i]);
      g_assert_null (field_of (FALSE, &why, MIDWAY_FIELD_ROUTES, routes[i],
                               MIDWAY_FIELD_LOCAL_ADDRESS, "10.66.0.1",
                               MIDWAY_FIELD_REMOTE_ADDRESS, "10.66.0.2", NULL));
      g_assert_null (why);
    }
}

static void
test_machine_wide (void)
{
  static const struct { const char *key, *value;
                        const char *field;
                        const char *why;
  } cases[] = {
    { MIDWAY_FIELD_FULL_TUNNEL, "true", "full-tunnel",
      "full-tunnel: sends the traffic of every user of this machine through the tunnel" },
    /* the LAN, one host on it, a network around it */
    { MIDWAY_FIELD_ROUTES, "192.168.1.0/24", "routes",
      "routes: 192.168.1.0/24 overlaps 192.168.1.0/24, which this machine already reaches" },
    { MIDWAY_FIELD_ROUTES, "10.99.0.0/24,192.168.1.20/32", "routes",
      "routes: 192.168.1.20/32 overlaps 192.168.1.0/24, which this machine already reaches" },
    { MIDWAY_FIELD_ROUTES, "192.168.0.0/16", "routes",
      "routes: 192.168.0.0/16 overlaps 192.168.1.0/24, which this machine already reaches" },
    /* a network the machine reaches via a gateway, an address of its own */
    { MIDWAY_FIELD_ROUTES, "172.20.5.0/24", "routes",
      "routes: 172.20.5.0/24 overlaps 172.20.0.0/16, which this machine already reaches" },
    { MIDWAY_FIELD_ROUTES, "198.51.100.0/24", "routes",
      "routes: 198.51.100.0/24 overlaps 198.51.100.7, which this machine already reaches" },
    /* the resolver */
    { MIDWAY_FIELD_ROUTES, "10.9.0.0/16", "routes",
      "routes: 10.9.0.0/16 covers 10.9.9.9, the resolver of this machine" },
    { MIDWAY_FIELD_ROUTES, "2001:db8:1::/48", "routes",
      "routes: 2001:db8:1::/48 overlaps 2001:db8:1::/64, which this machine already reaches" },
    /* taking a LAN host's address, or its host route for the peer */
    { MIDWAY_FIELD_LOCAL_ADDRESS, "192.168.1.50", "local-address",
      "local-address: 192.168.1.50 is on 192.168.1.0/24, which this machine already reaches" },
    { MIDWAY_FIELD_REMOTE_ADDRESS, "192.168.1.1", "remote-address",
      "remote-address: 192.168.1.1 is on 192.168.1.0/24, which this machine already reaches" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *why = NULL;

      g_test_message ("%s=%s", cases[i].key, cases[i].value);
      g_assert_cmpstr (field_of (TRUE, &why, cases[i].key, cases[i].value, NULL), ==, cases[i].field);
      g_assert_cmpstr (why, ==, cases[i].why);
    }
}

static void
test_dns (void)
{
  g_autofree char *why1 = NULL, *why2 = NULL, *why3 = NULL, *why4 = NULL, *why5 = NULL;

  /* DNS for every name: no domains, or no per-link DNS to keep it to them */
  g_assert_cmpstr (field_of (TRUE, &why1, MIDWAY_FIELD_ROUTES, "10.99.0.0/24",
                             MIDWAY_FIELD_DNS_SERVERS, "10.99.0.53", NULL), ==, "dns-servers");
  g_assert_true (g_str_has_prefix (why1, "dns-servers: "));
  g_assert_cmpstr (field_of (FALSE, &why2, MIDWAY_FIELD_ROUTES, "10.99.0.0/24",
                             MIDWAY_FIELD_DNS_SERVERS, "10.99.0.53",
                             MIDWAY_FIELD_DNS_SEARCH, "corp.example", NULL), ==, "dns-servers");
  g_assert_cmpstr (field_of (TRUE, &why3, MIDWAY_FIELD_PEER_DNS, "true", NULL), ==, "peer-dns");
  /* the profile's own domains, per link */
  g_assert_null (field_of (TRUE, &why4, MIDWAY_FIELD_ROUTES, "10.99.0.0/24",
                           MIDWAY_FIELD_DNS_SERVERS, "10.99.0.53",
                           MIDWAY_FIELD_DNS_SEARCH, "corp.example", NULL));
  g_assert_null (field_of (TRUE, &why5, MIDWAY_FIELD_PEER_DNS, "true",
                           MIDWAY_FIELD_DNS_SEARCH, "corp.example", NULL));
}

static void
test_resolvers (void)
{
  g_autofree char *path = NULL;
  g_auto(GStrv) servers = NULL;
  int fd = g_file_open_tmp ("resolv-XXXXXX", &path, NULL);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_true (g_file_set_contents (path,
                                      "# comment nameserver 1.1.1.1\n"
                                      "search example.org\n"
                                      "nameserver 192.168.1.1\n"
                                      "  nameserver\t2001:db8::53  \n"
                                      "nameserver not-an-address\n"
                                      "options edns0\n", -1, NULL));
  servers = midway_helper_system_network_read_resolvers (path);
  g_assert_cmpstrv (servers, ((const char *[]) { "192.168.1.1", "2001:db8::53", NULL }));
  g_unlink (path);
  g_clear_pointer (&servers, g_strfreev);
  servers = midway_helper_system_network_read_resolvers ("/nonexistent/resolv.conf");
  g_assert_cmpuint (g_strv_length (servers), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/system-network/own-networks", test_own_networks);
  g_test_add_func ("/system-network/machine-wide", test_machine_wide);
  g_test_add_func ("/system-network/dns", test_dns);
  g_test_add_func ("/system-network/resolvers", test_resolvers);
  return g_test_run ();
}
