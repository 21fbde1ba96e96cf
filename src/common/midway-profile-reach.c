/* midway-profile-reach.c: which addresses a profile's tunnel reaches.
 *
 * A DNS server of "dns-servers" is asked by every program on the machine
 * while the tunnel is up, so one the tunnel does not reach is a leak of
 * every name looked up, in the clear, to whoever is on the way.  The rule
 * (midwayctl(1)): the server is the peer's address, or inside "routes", or
 * anywhere with "full-tunnel" -- but never the ssh server itself, which
 * the helper keeps on its own path outside the tunnel.
 *
 * The peer's address is known before the link comes up only when the
 * profile names it; otherwise the helper asks again with the address the
 * peer gave (midway-helper-tunnel.c).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <arpa/inet.h>

#include <glib/gi18n-lib.h>

#include "midway-profile.h"
#include "midway-profile-private.h"

static gboolean
network_contains (const char  *network,
                  guint        family,
                  const guint8 address[16])
{
  guint8 base[16];
  guint network_family, prefix;

  if (!midway_profile_parse_network (network, &network_family, base, &prefix) ||
      network_family != family)
    return FALSE;

  for (guint bit = 0; bit < prefix; bit++)
    if ((base[bit / 8] ^ address[bit / 8]) & (0x80 >> (bit % 8)))
      return FALSE;
  return TRUE;
}

static gboolean
same_address (const char  *text,
              guint        family,
              const guint8 address[16])
{
  guint8 other[16] = { 0 };

  if (family == 4)
    return inet_pton (AF_INET, text, other) == 1 && memcmp (other, address, 4) == 0;
  return inet_pton (AF_INET6, text, other) == 1 && memcmp (other, address, 16) == 0;
}

/**
 * midway_profile_reach_of:
 * @server: one server of "dns-servers"
 * @peer_address: the peer's IPv4 address, or "" when not known yet
 *
 * Whether the tunnel of @self carries traffic to @server.  The ssh
 * server's own address is checked only when "host" is an address; the
 * helper checks the addresses a name resolved to itself.
 */
MidwayReach
midway_profile_reach_of (MidwayProfile *self,
                         const char    *server,
                         const char    *peer_address)
{
  g_auto(GStrv) networks = NULL;
  guint8 address[16];
  guint family;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (self), MIDWAY_REACH_OUTSIDE);
  g_return_val_if_fail (server != NULL && peer_address != NULL, MIDWAY_REACH_OUTSIDE);

  if (!midway_profile_parse_dns_server (server, &family, address))
    return MIDWAY_REACH_OUTSIDE;

  /* Pinned to the uplink (a host route) whatever the tunnel routes. */
  if (same_address (midway_profile_get_host (self), family, address))
    return MIDWAY_REACH_OUTSIDE;

  if (midway_profile_get_full_tunnel (self) &&
      (family == 4 || midway_profile_get_ipv6 (self)))
    return MIDWAY_REACH_TUNNEL;

  networks = g_strsplit (midway_profile_get_routes (self), ",", -1);
  for (guint i = 0; networks[i] != NULL; i++)
    if (network_contains (networks[i], family, address))
      return MIDWAY_REACH_TUNNEL;

  /* The kernel's route to the peer is the link's only IPv4 route of its
   * own; IPv6 has only link-local addresses, which need a zone. */
  if (family != 4)
    return MIDWAY_REACH_OUTSIDE;
  if (*peer_address == '\0')
    return MIDWAY_REACH_UNKNOWN;
  return same_address (peer_address, family, address) ? MIDWAY_REACH_TUNNEL
                                                      : MIDWAY_REACH_OUTSIDE;
}

/* Before the link exists: what the profile alone decides. */
gboolean
midway_profile_check_dns_reach (MidwayProfile *self,
                                GError       **error)
{
  g_auto(GStrv) servers = NULL;
  const char *list = midway_profile_get_dns_servers (self);

  if (*list == '\0')
    return TRUE;

  servers = g_strsplit (list, ",", -1);
  for (guint i = 0; servers[i] != NULL; i++)
    if (midway_profile_reach_of (self, servers[i], midway_profile_get_remote_address (self)) ==
        MIDWAY_REACH_OUTSIDE)
      return midway_profile_field_error (error, midway_profile_lookup_field (MIDWAY_FIELD_DNS_SERVERS),
                                         /* Translators: %s is an address, e.g. "8.8.8.8" */
                                         _("“%s” is not reached through the tunnel: a server must be "
                                           "the peer’s address (remote-address) or in “routes”, "
                                           "and not the SSH server"),
                                         servers[i]);
  return TRUE;
}
