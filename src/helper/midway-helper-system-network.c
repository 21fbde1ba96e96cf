/* midway-helper-system-network.c
 *
 * Connect is allowed to the active session's user, so what a profile may
 * do without more than that must stay within that user's own business:
 * networks the machine does not reach otherwise, and DNS for the
 * profile's own domains.  Everything else changes where other users' and
 * root's traffic goes and needs io.github.midway_vpn.Midway.change-system-network:
 *
 * - full-tunnel: every address, the default route overridden;
 * - routes: a network that overlaps a route the machine already has (a
 *   connected network, one host on it, a network via a gateway; only the
 *   default route itself does not count, being what every new network
 *   overrides), one of the machine's own addresses, or its resolver;
 * - local-address, remote-address: an address on such a network (the
 *   kernel's host route for the peer, or taking a LAN host's address);
 * - dns-servers, peer-dns: without dns-search, or without
 *   systemd-resolved (resolvconf has no per-domain servers), they answer
 *   every name any user looks up.
 *
 * Looked at with the machine's routes at Connect time, before anything
 * is spawned.  A network that appears later is the administrator's doing;
 * the tunnel's routes then lose to it or win by their length as routes do.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include <glib/gi18n-lib.h>

#include "midway-helper-system-network.h"

static gboolean
prefixes_overlap (const guint8 *a,
                  const guint8 *b,
                  guint         len)
{
  for (guint bit = 0; bit < len; bit++)
    if ((a[bit / 8] ^ b[bit / 8]) & (0x80 >> (bit % 8)))
      return FALSE;
  return TRUE;
}

static char *
route_text (const MidwayHelperRoute *route)
{
  char text[INET6_ADDRSTRLEN] = "";

  inet_ntop (route->family, route->dst, text, sizeof text);
  if (route->type == RTN_LOCAL)
    return g_strdup (text);
  return g_strdup_printf ("%s/%u", text, route->dst_len);
}

/* The route of the machine's that the network (family AF_INET or
 * AF_INET6) overlaps, or NULL. */
static const MidwayHelperRoute *
find_overlap (const MidwayHelperMachine *machine,
              int                        family,
              const guint8              *address,
              guint                      prefix_length)
{
  for (guint i = 0; i < machine->n_routes; i++)
    {
      const MidwayHelperRoute *route = &machine->routes[i];

      if (route->family != family || route->dst_len == 0)
        continue;
      if (prefixes_overlap (address, route->dst, MIN (prefix_length, route->dst_len)))
        return route;
    }
  return NULL;
}

static gboolean
parse_address (const char *text,
               int        *family,
               guint8      address[16])
{
  memset (address, 0, 16);
  if (inet_pton (AF_INET, text, address) == 1)
    {
      *family = AF_INET;
      return TRUE;
    }
  if (inet_pton (AF_INET6, text, address) == 1)
    {
      *family = AF_INET6;
      return TRUE;
    }
  return FALSE;
}

static char *
check_routes (MidwayProfile             *profile,
              const MidwayHelperMachine *machine)
{
  g_auto(GStrv) networks = g_strsplit (midway_profile_get_routes (profile), ",", -1);

  for (guint i = 0; networks[i] != NULL; i++)
    {
      guint8 address[16];
      guint family, prefix;
      int af;
      const MidwayHelperRoute *overlap;

      if (*networks[i] == '\0' ||
          !midway_profile_parse_network (networks[i], &family, address, &prefix))
        continue;
      af = family == 4 ? AF_INET : AF_INET6;

      for (guint r = 0; machine->resolvers != NULL && machine->resolvers[r] != NULL; r++)
        {
          guint8 resolver[16];
          int resolver_af;

          if (parse_address (machine->resolvers[r], &resolver_af, resolver) &&
              resolver_af == af && prefixes_overlap (address, resolver, prefix))
            return g_strdup_printf (_("%s: %s covers %s, the resolver of this machine"),
                                    MIDWAY_FIELD_ROUTES, networks[i], machine->resolvers[r]);
        }

      overlap = find_overlap (machine, af, address, prefix);
      if (overlap != NULL)
        {
          g_autofree char *reached = route_text (overlap);

          return g_strdup_printf (_("%s: %s overlaps %s, which this machine already reaches"),
                                  MIDWAY_FIELD_ROUTES, networks[i], reached);
        }
    }
  return NULL;
}

static char *
check_address (const char                *field,
               const char                *text,
               const MidwayHelperMachine *machine)
{
  guint8 address[16];
  int af;
  const MidwayHelperRoute *overlap;
  g_autofree char *reached = NULL;

  if (*text == '\0' || !parse_address (text, &af, address))
    return NULL;
  overlap = find_overlap (machine, af, address, af == AF_INET ? 32 : 128);
  if (overlap == NULL)
    return NULL;
  reached = route_text (overlap);
  return g_strdup_printf (_("%s: %s is on %s, which this machine already reaches"),
                          field, text, reached);
}

const char *
midway_helper_system_network_field (MidwayProfile             *profile,
                                    const MidwayHelperMachine *machine,
                                    char                     **why)
{
  gboolean own_domains_only;
  char *text;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (machine != NULL, NULL);
  g_return_val_if_fail (why != NULL && *why == NULL, NULL);

  if (midway_profile_get_full_tunnel (profile))
    {
      *why = g_strdup_printf (_("%s: sends the traffic of every user of this machine through the tunnel"),
                              MIDWAY_FIELD_FULL_TUNNEL);
      return MIDWAY_FIELD_FULL_TUNNEL;
    }

  if ((text = check_routes (profile, machine)) != NULL)
    {
      *why = text;
      return MIDWAY_FIELD_ROUTES;
    }
  if ((text = check_address (MIDWAY_FIELD_LOCAL_ADDRESS, midway_profile_get_local_address (profile),
                             machine)) != NULL)
    {
      *why = text;
      return MIDWAY_FIELD_LOCAL_ADDRESS;
    }
  if ((text = check_address (MIDWAY_FIELD_REMOTE_ADDRESS, midway_profile_get_remote_address (profile),
                             machine)) != NULL)
    {
      *why = text;
      return MIDWAY_FIELD_REMOTE_ADDRESS;
    }

  own_domains_only = machine->per_link_dns && *midway_profile_get_dns_search (profile) != '\0';
  if (!own_domains_only && *midway_profile_get_dns_servers (profile) != '\0')
    {
      *why = g_strdup_printf (_("%s: without %s and systemd-resolved, these servers answer "
                                "every name looked up on this machine"),
                              MIDWAY_FIELD_DNS_SERVERS, MIDWAY_FIELD_DNS_SEARCH);
      return MIDWAY_FIELD_DNS_SERVERS;
    }
  if (!own_domains_only && midway_profile_get_peer_dns (profile))
    {
      *why = g_strdup_printf (_("%s: without %s and systemd-resolved, the server’s DNS servers "
                                "answer every name looked up on this machine"),
                              MIDWAY_FIELD_PEER_DNS, MIDWAY_FIELD_DNS_SEARCH);
      return MIDWAY_FIELD_PEER_DNS;
    }

  return NULL;
}

GStrv
midway_helper_system_network_read_resolvers (const char *resolv_conf)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  /* No file: no resolver to protect. */
  if (!g_file_get_contents (resolv_conf, &contents, NULL, NULL))
    return g_strv_builder_end (builder);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      guint8 address[16];
      int af;
      guint n = 0;
      const char *server = NULL;

      for (guint w = 0; words[w] != NULL; w++)
        {
          if (*words[w] == '\0')
            continue;
          if (n == 0 && !g_str_equal (words[w], "nameserver"))
            break;
          if (n == 1)
            server = words[w];
          n++;
        }
      if (server != NULL && parse_address (server, &af, address))
        g_strv_builder_add (builder, server);
    }
  return g_strv_builder_end (builder);
}
