/* midway-host-key-flow.h: trusting a server's host key before the first
 * connection, and naming both keys after a mismatch.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "midway-application.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_HOST_KEY_FLOW (midway_host_key_flow_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHostKeyFlow, midway_host_key_flow, MIDWAY, HOST_KEY_FLOW, GObject)

/* @application: not referenced; it owns the flow and outlives it. */
MidwayHostKeyFlow *midway_host_key_flow_new            (MidwayApplication    *application);

/* Fetches the server's key of @profile, shows it, and pins it when the
 * person trusts it.  Finishes TRUE once pinned (connect next); FALSE
 * without an error when the person declined; otherwise FALSE with
 * G_IO_ERROR_PENDING (the profile's key is being asked about already),
 * G_IO_ERROR_CANCELLED (shut down) or an error in words for the person. */
void               midway_host_key_flow_trust_async    (MidwayHostKeyFlow    *self,
                                                        MidwayProfile        *profile,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           midway_host_key_flow_trust_finish   (MidwayHostKeyFlow    *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);

/* For a tunnel that failed with host-key-mismatch: fetches the key the
 * server presents now and names both in a dialog and in the failure
 * notification, once per failure.  Nothing is pinned. */
void               midway_host_key_flow_check_tunnel   (MidwayHostKeyFlow    *self,
                                                        MidwayTunnel1        *tunnel);
void               midway_host_key_flow_forget_tunnel  (MidwayHostKeyFlow    *self,
                                                        MidwayTunnel1        *tunnel);

/* Cancels every fetch and closes every dialog of the flow; what is still
 * under way finishes with G_IO_ERROR_CANCELLED and touches nothing. */
void               midway_host_key_flow_shutdown       (MidwayHostKeyFlow    *self);

G_END_DECLS
