/* midway-error.h: the error domain shared by the helper, midwayctl and the app.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each code maps to the D-Bus error io.github.midway_vpn.Midway.Error.<Name>,
 * registered by midway_error_quark(), so a GError survives the bus intact. */
typedef enum {
  MIDWAY_ERROR_FAILED,            /* Failed */
  MIDWAY_ERROR_INVALID_PROFILE,   /* InvalidProfile: message starts with "field: " */
  MIDWAY_ERROR_INVALID_ARGUMENT,  /* InvalidArgument: credentials, options */
  MIDWAY_ERROR_NOT_AUTHORIZED,    /* NotAuthorized */
  MIDWAY_ERROR_NOT_FOUND,         /* NotFound */
  MIDWAY_ERROR_LIMIT_EXCEEDED,    /* LimitExceeded */
  MIDWAY_ERROR_SPAWN_FAILED,      /* SpawnFailed */
} MidwayError;

#define MIDWAY_ERROR (midway_error_quark ())
GQuark midway_error_quark (void);

G_END_DECLS
