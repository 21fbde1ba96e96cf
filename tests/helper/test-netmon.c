/* test-netmon.c: what a change of the network means for a tunnel.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <glib.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "midway-reason.h"
#include "midway-helper-netmon.h"
#include "midway-helper-netlink.h"
#include "midway-helper-server-path.h"

#define MS 1000

/* Debouncing --------------------------------------------------------------- */

static void
test_debounce_single (void)
{
  MidwayHelperDebounce d = { 0 };
  gint64 t0 = 1000000;

  g_assert_cmpint (midway_helper_debounce_due_at (&d), ==, 0);
  g_assert_false (midway_helper_debounce_take (&d, t0));

  g_assert_cmpint (midway_helper_debounce_add (&d, t0), ==, t0 + MIDWAY_HELPER_NETMON_QUIET_MS * MS);
  g_assert_false (midway_helper_debounce_take (&d, t0 + 499 * MS));
  g_assert_true (midway_helper_debounce_take (&d, t0 + 500 * MS));
  /* Taken once: nothing is due any more. */
  g_assert_cmpint (midway_helper_debounce_due_at (&d), ==, 0);
  g_assert_false (midway_helper_debounce_take (&d, t0 + 10000 * MS));
}

static void
test_debounce_burst (void)
{
  MidwayHelperDebounce d = { 0 };
  gint64 t0 = 5000000;

  /* Each event of a burst pushes the deadline to its own quiet period... */
  midway_helper_debounce_add (&d, t0);
  g_assert_cmpint (midway_helper_debounce_add (&d, t0 + 300 * MS), ==, t0 + 800 * MS);
  g_assert_false (midway_helper_debounce_take (&d, t0 + 600 * MS));
  g_assert_cmpint (midway_helper_debounce_add (&d, t0 + 700 * MS), ==, t0 + 1200 * MS);
  g_assert_true (midway_helper_debounce_take (&d, t0 + 1200 * MS));
}

static void
test_debounce_endless (void)
{
  MidwayHelperDebounce d = { 0 };
  gint64 t0 = 7000000;
  guint fired = 0;

  /* ...but a network that never stops changing (an event every 100 ms for
   * 10 s) is still looked at, every MAX_DELAY, and not more often. */
  for (gint64 t = t0; t < t0 + 10000 * MS; t += 100 * MS)
    {
      if (midway_helper_debounce_take (&d, t))
        fired++;
      midway_helper_debounce_add (&d, t);
      g_assert_cmpint (midway_helper_debounce_due_at (&d), <=, d.first + MIDWAY_HELPER_NETMON_MAX_DELAY_MS * MS);
    }
  g_assert_cmpuint (fired, >=, 10000 / MIDWAY_HELPER_NETMON_MAX_DELAY_MS - 1);
  g_assert_cmpuint (fired, <=, 10000 / MIDWAY_HELPER_NETMON_MAX_DELAY_MS);
}

/* Which kernel messages count --------------------------------------------- */

typedef struct
{
  struct nlmsghdr hdr;
  union
  {
    struct rtmsg     rt;
    struct ifinfomsg ifi;
    struct ifaddrmsg ifa;
  };
  char attrs[64];
} Message;

static void
message_init (Message *m,
              guint16  type,
              gsize    body)
{
  memset (m, 0, sizeof *m);
  m->hdr.nlmsg_type = type;
  m->hdr.nlmsg_len = NLMSG_LENGTH (body);
}

static void
message_add_attr (Message *m,
                  guint16  type,
                  gsize    size)
{
  struct rtattr *rta = (struct rtattr *) ((char *) m + NLMSG_ALIGN (m->hdr.nlmsg_len));

  g_assert_cmpuint (NLMSG_ALIGN (m->hdr.nlmsg_len) + RTA_SPACE (size), <=, sizeof *m);
  rta->rta_type = type;
  rta->rta_len = RTA_LENGTH (size);
  m->hdr.nlmsg_len = NLMSG_ALIGN (m->hdr.nlmsg_len) + RTA_SPACE (size);
}

static void
test_messages (void)
{
  Message m;

  /* Somebody's route, a DHCP client's or the kernel's: it may move a path. */
  message_init (&m, RTM_NEWROUTE, sizeof (struct rtmsg));
  m.rt.rtm_protocol = RTPROT_BOOT;
  g_assert_true (midway_helper_netmon_message_is_relevant (&m.hdr));
  m.hdr.nlmsg_type = RTM_DELROUTE;
  m.rt.rtm_protocol = RTPROT_KERNEL;
  g_assert_true (midway_helper_netmon_message_is_relevant (&m.hdr));

  /* A tunnel's own routes, the host route to its server among them. */
  m.rt.rtm_protocol = MIDWAY_HELPER_RTPROT;
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));
  m.hdr.nlmsg_type = RTM_NEWROUTE;
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));

  /* The kernel's cached clones. */
  m.rt.rtm_protocol = RTPROT_UNSPEC;
  m.rt.rtm_flags = RTM_F_CLONED;
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));

  /* Too short to be a route: not trusted. */
  message_init (&m, RTM_NEWROUTE, 2);
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));

  message_init (&m, RTM_NEWADDR, sizeof (struct ifaddrmsg));
  g_assert_true (midway_helper_netmon_message_is_relevant (&m.hdr));
  m.hdr.nlmsg_type = RTM_DELADDR;
  g_assert_true (midway_helper_netmon_message_is_relevant (&m.hdr));

  message_init (&m, RTM_DELLINK, sizeof (struct ifinfomsg));
  message_add_attr (&m, IFLA_IFNAME, 6);
  g_assert_true (midway_helper_netmon_message_is_relevant (&m.hdr));
  /* A wireless scan result. */
  m.hdr.nlmsg_type = RTM_NEWLINK;
  message_add_attr (&m, IFLA_WIRELESS, 8);
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));

  message_init (&m, RTM_NEWNEIGH, sizeof (struct ifinfomsg));
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));
  message_init (&m, NLMSG_DONE, 4);
  g_assert_false (midway_helper_netmon_message_is_relevant (&m.hdr));
}

/* The monitor itself ---------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  guint      resumed;     /* emissions that carried MIDWAY_HELPER_NETMON_RESUMED */
  gint64     first_at;
} Emissions;

static void
on_changed (MidwayHelperNetmon *netmon,
            guint               causes,
            Emissions          *e)
{
  /* The build machine's own network may add ROUTING; only ours count. */
  if (causes & MIDWAY_HELPER_NETMON_RESUMED)
    {
      if (e->resumed++ == 0)
        e->first_at = g_get_monotonic_time ();
    }
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
notify_resumed (gpointer user_data)
{
  midway_helper_netmon_notify (user_data, MIDWAY_HELPER_NETMON_RESUMED);
  return G_SOURCE_REMOVE;
}

static void
test_netmon_burst (void)
{
  g_autoptr(MidwayHelperNetmon) netmon = midway_helper_netmon_new (NULL);
  Emissions e = { 0 };
  gint64 start;

  e.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (netmon, "changed", G_CALLBACK (on_changed), &e);

  /* Five events 100 ms apart: one signal, QUIET after the last. */
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 5; i++)
    g_timeout_add (i * 100, notify_resumed, netmon);
  g_timeout_add (2000, quit_loop, e.loop);
  g_main_loop_run (e.loop);

  g_assert_cmpuint (e.resumed, ==, 1);
  g_assert_cmpint (e.first_at - start, >=, (400 + MIDWAY_HELPER_NETMON_QUIET_MS) * MS);
  g_assert_cmpint (e.first_at - start, <, (400 + MIDWAY_HELPER_NETMON_QUIET_MS + 500) * MS);

  /* A later event is a new burst. */
  g_timeout_add (0, notify_resumed, netmon);
  g_timeout_add (1000, quit_loop, e.loop);
  g_main_loop_run (e.loop);
  g_assert_cmpuint (e.resumed, ==, 2);

  g_main_loop_unref (e.loop);
}

/* Paths ------------------------------------------------------------------------- */

static MidwayHelperPath
make_path (const char *destination,
           const char *ifname,
           int         oif,
           const char *gateway,
           const char *source)
{
  g_autoptr(GInetAddress) dst = g_inet_address_new_from_string (destination);
  MidwayHelperPath path = { 0 };

  path.family = g_inet_address_get_family (dst) == G_SOCKET_FAMILY_IPV4 ? AF_INET : AF_INET6;
  memcpy (path.destination, g_inet_address_to_bytes (dst), g_inet_address_get_native_size (dst));
  if (ifname == NULL)
    return path;
  path.routed = TRUE;
  path.oif = oif;
  g_strlcpy (path.ifname, ifname, sizeof path.ifname);
  if (gateway != NULL)
    {
      g_autoptr(GInetAddress) gw = g_inet_address_new_from_string (gateway);

      path.has_gateway = TRUE;
      memcpy (path.gateway, g_inet_address_to_bytes (gw), g_inet_address_get_native_size (gw));
    }
  if (source != NULL)
    {
      g_autoptr(GInetAddress) src = g_inet_address_new_from_string (source);

      path.has_source = TRUE;
      memcpy (path.source, g_inet_address_to_bytes (src), g_inet_address_get_native_size (src));
    }
  return path;
}

static void
test_describe (void)
{
  MidwayHelperPath direct = make_path ("192.0.2.2", "veth0", 2, NULL, "192.0.2.1");
  MidwayHelperPath via = make_path ("192.0.2.2", "veth2", 5, "198.51.100.2", "198.51.100.1");
  MidwayHelperPath none = make_path ("192.0.2.2", NULL, 0, NULL, NULL);
  MidwayHelperPath v6 = make_path ("2001:db8::2", "wlan0", 3, "fe80::1", NULL);
  g_autofree char *a = midway_helper_path_describe (&direct);
  g_autofree char *b = midway_helper_path_describe (&via);
  g_autofree char *c = midway_helper_path_describe (&none);
  g_autofree char *d = midway_helper_path_describe (&v6);

  g_assert_cmpstr (a, ==, "veth0");
  g_assert_cmpstr (b, ==, "veth2 via 198.51.100.2");
  g_assert_cmpstr (c, ==, "no route");
  g_assert_cmpstr (d, ==, "wlan0 via fe80::1");
}

typedef struct
{
  const char           *name;
  MidwayHelperNetState  state;
  gboolean              resumed;
  gboolean              no_record;
  /* recorded, then now: interface (NULL: no route), index, gateway, source */
  const char           *if_a;
  int                   oif_a;
  const char           *gw_a;
  const char           *src_a;
  const char           *if_b;
  int                   oif_b;
  const char           *gw_b;
  const char           *src_b;
  gboolean              source_gone;
  MidwayHelperNetAction action;
  const char           *why;    /* NULL: none */
} DecideCase;

static const DecideCase decide_cases[] = {
  /* The link is up or an attempt is under way. */
  { "unrelated route", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth0", 2, NULL, "192.0.2.1", FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "same path, through a gateway", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "eth0", 2, "192.168.1.1", "192.168.1.7", "eth0", 2, "192.168.1.1", "192.168.1.7", FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "another interface", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth2", 5, "198.51.100.2", "198.51.100.1", FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: veth0 -> veth2 via 198.51.100.2" },
  { "another gateway on the same interface", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "wlan0", 3, "192.168.1.1", "192.168.1.7", "wlan0", 3, "10.0.0.1", "192.168.1.7", FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: wlan0 via 192.168.1.1 -> wlan0 via 10.0.0.1" },
  { "the same name, a new interface", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth0", 9, NULL, "192.0.2.1", FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: veth0 -> veth0" },
  { "the uplink went away", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "veth2", 5, "198.51.100.2", "198.51.100.1", NULL, 0, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: veth2 via 198.51.100.2 -> no route" },
  { "the uplink went away under a full tunnel", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "ppp0", 7, NULL, "10.66.0.1", FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: veth0 -> ppp0" },
  { "its address was taken away", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "eth0", 2, "192.168.1.1", "192.168.1.7", "eth0", 2, "192.168.1.1", "192.168.1.9", TRUE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: eth0 via 192.168.1.1 lost the address 192.168.1.7" },
  { "a new preferred address next to the old one", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    "eth0", 2, "192.168.1.1", "192.168.1.7", "eth0", 2, "192.168.1.1", "192.168.1.9", FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "woke from sleep", MIDWAY_HELPER_NET_RUNNING, TRUE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth0", 2, NULL, "192.0.2.1", FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "the machine woke from sleep" },
  { "nothing recorded yet", MIDWAY_HELPER_NET_RUNNING, FALSE, TRUE,
    NULL, 0, NULL, NULL, "veth2", 5, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "an attempt started offline, and a route came", MIDWAY_HELPER_NET_RUNNING, FALSE, FALSE,
    NULL, 0, NULL, NULL, "veth2", 5, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_RECONNECT, "path to 192.0.2.2 changed: no route -> veth2" },

  /* Waiting out the backoff. */
  { "waiting, nothing moved", MIDWAY_HELPER_NET_WAITING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth0", 2, NULL, "192.0.2.1", FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "waiting, a new path", MIDWAY_HELPER_NET_WAITING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth2", 5, "198.51.100.2", "198.51.100.1", FALSE,
    MIDWAY_HELPER_NET_RETRY_NOW, "path to 192.0.2.2 changed: veth0 -> veth2 via 198.51.100.2" },
  { "waiting, the route went away", MIDWAY_HELPER_NET_WAITING, FALSE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", NULL, 0, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_WAIT_FOR_ROUTE, "no route to 192.0.2.2" },
  { "waiting, woke from sleep", MIDWAY_HELPER_NET_WAITING, TRUE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", "veth0", 2, NULL, "192.0.2.1", FALSE,
    MIDWAY_HELPER_NET_RETRY_NOW, "the machine woke from sleep" },
  { "waiting, woke from sleep with no route", MIDWAY_HELPER_NET_WAITING, TRUE, FALSE,
    "veth0", 2, NULL, "192.0.2.1", NULL, 0, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_WAIT_FOR_ROUTE, "no route to 192.0.2.2" },

  /* Waiting for a route. */
  { "offline, still no route", MIDWAY_HELPER_NET_OFFLINE, FALSE, FALSE,
    NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "offline, woke from sleep, still no route", MIDWAY_HELPER_NET_OFFLINE, TRUE, FALSE,
    NULL, 0, NULL, NULL, NULL, 0, NULL, NULL, FALSE,
    MIDWAY_HELPER_NET_KEEP, NULL },
  { "offline, a route appeared", MIDWAY_HELPER_NET_OFFLINE, FALSE, FALSE,
    NULL, 0, NULL, NULL, "veth2", 5, "198.51.100.2", "198.51.100.1", FALSE,
    MIDWAY_HELPER_NET_RETRY_NOW, "a route to 192.0.2.2 appeared: veth2 via 198.51.100.2" },
};

static void
test_decide (gconstpointer data)
{
  const DecideCase *c = data;
  MidwayHelperPath recorded = make_path ("192.0.2.2", c->if_a, c->oif_a, c->gw_a, c->src_a);
  MidwayHelperPath now = make_path ("192.0.2.2", c->if_b, c->oif_b, c->gw_b, c->src_b);
  g_autofree char *why = NULL;
  MidwayHelperNetAction action;

  now.source_gone = c->source_gone;
  action = midway_helper_path_decide (c->state, c->no_record ? NULL : &recorded, &now, c->resumed, &why);
  g_assert_cmpint (action, ==, c->action);
  g_assert_cmpstr (why, ==, c->why);
}

/* The kernel, for real: the loopback address always has a route, and
 * asking about it changes nothing. */
static void
test_server_path_loopback (void)
{
  g_autoptr(MidwayHelperServerPath) path = midway_helper_server_path_new ("127.0.0.1");
  g_autofree char *why = NULL;

  midway_helper_server_path_start (path);
  g_assert_false (midway_helper_server_path_is_offline (path));
  g_assert_cmpint (midway_helper_server_path_check (path, MIDWAY_HELPER_NET_RUNNING, FALSE, &why),
                   ==, MIDWAY_HELPER_NET_KEEP);
  g_assert_null (why);
  g_assert_cmpint (midway_helper_server_path_check (path, MIDWAY_HELPER_NET_OFFLINE, FALSE, &why),
                   ==, MIDWAY_HELPER_NET_RETRY_NOW);
  g_assert_cmpstr (why, ==, "a route to 127.0.0.1 appeared: lo");
}

static void
test_lookup_loopback (void)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("127.0.0.1");
  g_autoptr(GError) error = NULL;
  MidwayHelperRouteLookup result;

  g_assert_true (midway_helper_netlink_lookup (address, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.type, ==, RTN_LOCAL);
  g_assert_cmpint (result.oif, >, 0);
}

static void
test_reason (void)
{
  /* Retried, or the tunnel would fail on purpose; and described. */
  g_assert_true (midway_reason_is_transient (MIDWAY_REASON_NETWORK_CHANGED));
  g_assert_cmpstr (midway_reason_describe (MIDWAY_REASON_NETWORK_CHANGED), ==,
                   "The network changed or the computer woke from sleep");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/netmon/debounce/single", test_debounce_single);
  g_test_add_func ("/netmon/debounce/burst", test_debounce_burst);
  g_test_add_func ("/netmon/debounce/endless", test_debounce_endless);
  g_test_add_func ("/netmon/messages", test_messages);
  g_test_add_func ("/netmon/burst", test_netmon_burst);
  g_test_add_func ("/netmon/path/describe", test_describe);
  for (gsize i = 0; i < G_N_ELEMENTS (decide_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/netmon/path/decide/%s", decide_cases[i].name);
      g_test_add_data_func (name, &decide_cases[i], test_decide);
    }
  g_test_add_func ("/netmon/path/loopback", test_server_path_loopback);
  g_test_add_func ("/netmon/lookup/loopback", test_lookup_loopback);
  g_test_add_func ("/netmon/reason", test_reason);

  return g_test_run ();
}
