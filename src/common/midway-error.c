/* midway-error.c
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <gio/gio.h>

#include "midway-error.h"

static const GDBusErrorEntry midway_error_entries[] = {
  { MIDWAY_ERROR_FAILED, "io.github.midway_vpn.Midway.Error.Failed" },
  { MIDWAY_ERROR_INVALID_PROFILE, "io.github.midway_vpn.Midway.Error.InvalidProfile" },
  { MIDWAY_ERROR_INVALID_ARGUMENT, "io.github.midway_vpn.Midway.Error.InvalidArgument" },
  { MIDWAY_ERROR_NOT_AUTHORIZED, "io.github.midway_vpn.Midway.Error.NotAuthorized" },
  { MIDWAY_ERROR_NOT_FOUND, "io.github.midway_vpn.Midway.Error.NotFound" },
  { MIDWAY_ERROR_LIMIT_EXCEEDED, "io.github.midway_vpn.Midway.Error.LimitExceeded" },
  { MIDWAY_ERROR_SPAWN_FAILED, "io.github.midway_vpn.Midway.Error.SpawnFailed" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (midway_error_entries) == MIDWAY_ERROR_SPAWN_FAILED + 1);

GQuark
midway_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("midway-error-quark",
                                      &quark,
                                      midway_error_entries,
                                      G_N_ELEMENTS (midway_error_entries));
  return (GQuark) quark;
}
