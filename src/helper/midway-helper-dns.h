/* midway-helper-dns.h: a tunnel's DNS servers and search domains.
 *
 * Through systemd-resolved's D-Bus API, per link, when resolved owns its
 * bus name; otherwise through resolvconf(8) as "<ifname>.midway"; if
 * neither is there, nothing is changed and the tunnel log says so.
 * /etc/resolv.conf is never written directly.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-profile.h"
#include "midway-helper-log.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_DNS (midway_helper_dns_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperDns, midway_helper_dns, MIDWAY, HELPER_DNS, GObject)

MidwayHelperDns *midway_helper_dns_new    (MidwayProfile   *profile,
                                           MidwayHelperLog *log);
/* Applies the profile's servers and domains, followed by peer_dns1 and
 * peer_dns2 (dotted quads from the plugin, "0.0.0.0" for none; used only
 * with "peer-dns"), to ifname.  Asynchronous; failures are logged and
 * leave the link up.  Does nothing when there is nothing to apply. */
void             midway_helper_dns_apply  (MidwayHelperDns *self,
                                           const char      *ifname,
                                           const char      *peer_dns1,
                                           const char      *peer_dns2);
/* Undoes exactly what apply() did (or started), once. */
void             midway_helper_dns_remove (MidwayHelperDns *self);

G_END_DECLS
