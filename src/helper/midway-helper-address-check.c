/* midway-helper-address-check.c
 *
 * A peer that leaves the client's address to negotiation may hand it any
 * address at all.  One of this machine's own (its uplink's, say), or one
 * of a host on a network the machine is directly on, would make pppd put
 * a second copy of it on the link: the kernel then answers for it, or
 * sends that host's traffic into the tunnel, and the LAN breaks in ways
 * nobody would trace to a VPN.  The tunnel refuses such an address
 * instead (reason "address-in-use"); an address the profile names is the
 * user's decision and is not checked.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "midway-helper-address-check.h"

static guint
netmask_to_prefix (const struct sockaddr_in *mask)
{
  guint32 bits = ntohl (mask->sin_addr.s_addr);
  guint prefix = 0;

  while (prefix < 32 && (bits & (0x80000000u >> prefix)) != 0)
    prefix++;
  return prefix;
}

GArray *
midway_helper_if_addresses_get (void)
{
  GArray *addresses = g_array_new (FALSE, TRUE, sizeof (MidwayHelperIfAddress));
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return addresses;

  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      MidwayHelperIfAddress entry = { 0 };

      if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET || ifa->ifa_name == NULL)
        continue;

      g_strlcpy (entry.ifname, ifa->ifa_name, sizeof entry.ifname);
      memcpy (entry.address, &((struct sockaddr_in *) ifa->ifa_addr)->sin_addr, 4);
      entry.prefix_length = ifa->ifa_netmask != NULL
        ? netmask_to_prefix ((struct sockaddr_in *) ifa->ifa_netmask) : 32;
      if ((ifa->ifa_flags & IFF_POINTOPOINT) != 0 && ifa->ifa_dstaddr != NULL &&
          ifa->ifa_dstaddr->sa_family == AF_INET)
        {
          entry.point_to_point = TRUE;
          memcpy (entry.peer, &((struct sockaddr_in *) ifa->ifa_dstaddr)->sin_addr, 4);
        }
      g_array_append_val (addresses, entry);
    }

  freeifaddrs (list);
  return addresses;
}

static gboolean
same_network (const guint8 a[4],
              const guint8 b[4],
              guint        prefix_length)
{
  for (guint bit = 0; bit < prefix_length && bit < 32; bit++)
    if ((a[bit / 8] ^ b[bit / 8]) & (0x80 >> (bit % 8)))
      return FALSE;
  return TRUE;
}

gboolean
midway_helper_local_address_is_free (const char                  *local,
                                     const char                  *own_ifname,
                                     const MidwayHelperIfAddress *addresses,
                                     guint                        n_addresses,
                                     char                       **why)
{
  guint8 wanted[4];

  g_return_val_if_fail (local != NULL && own_ifname != NULL, FALSE);
  g_return_val_if_fail (why != NULL && *why == NULL, FALSE);

  if (inet_pton (AF_INET, local, wanted) != 1)
    {
      *why = g_strdup_printf ("%s is not an IPv4 address", local);
      return FALSE;
    }

  /* The address itself first: a second address on the same network would
   * otherwise be reported as merely "on the network". */
  for (guint i = 0; i < n_addresses; i++)
    {
      const MidwayHelperIfAddress *entry = &addresses[i];

      if (g_str_equal (entry->ifname, own_ifname))
        continue;
      if (memcmp (entry->address, wanted, 4) == 0)
        {
          *why = g_strdup_printf ("%s is this machine's address on %s", local, entry->ifname);
          return FALSE;
        }
      if (entry->point_to_point && memcmp (entry->peer, wanted, 4) == 0)
        {
          *why = g_strdup_printf ("%s is the other end of %s", local, entry->ifname);
          return FALSE;
        }
    }

  /* Then the connected networks; a point-to-point link has none. */
  for (guint i = 0; i < n_addresses; i++)
    {
      const MidwayHelperIfAddress *entry = &addresses[i];
      char text[INET_ADDRSTRLEN];

      if (g_str_equal (entry->ifname, own_ifname) || entry->point_to_point ||
          !same_network (entry->address, wanted, entry->prefix_length))
        continue;
      inet_ntop (AF_INET, entry->address, text, sizeof text);
      *why = g_strdup_printf ("%s is on %s's network %s/%u", local, entry->ifname,
                              text, entry->prefix_length);
      return FALSE;
    }

  return TRUE;
}
