/* midway-connection-list.h: the user's profiles, each with the helper's
 * tunnel for it, as a GListModel of MidwayConnection.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-connection.h"
#include "midway-secret-store.h"

G_BEGIN_DECLS

#define MIDWAY_TYPE_CONNECTION_LIST (midway_connection_list_get_type ())
G_DECLARE_FINAL_TYPE (MidwayConnectionList, midway_connection_list, MIDWAY, CONNECTION_LIST, GObject)

MidwayConnectionList *midway_connection_list_new           (void);

/* The profiles directory, $XDG_CONFIG_HOME/midway/profiles, as midwayctl's. */
char                 *midway_connection_list_dup_directory (void);

/* (Re)reads the profile files, sorted by name.  A file that does not parse
 * is left out with a warning, as midwayctl does; a missing directory is no
 * profiles. */
gboolean              midway_connection_list_load          (MidwayConnectionList  *self,
                                                            GError               **error);

/* Follows the helper's tunnels on the system bus without starting it; the
 * tunnels of other users are left alone. */
void                  midway_connection_list_watch_helper  (MidwayConnectionList  *self);

/* Reloads whenever a profile file appears, changes or goes (midwayctl
 * import or remove, an editor), creating the directory if need be. */
gboolean              midway_connection_list_watch_directory (MidwayConnectionList  *self,
                                                              GError               **error);

MidwayConnection     *midway_connection_list_find          (MidwayConnectionList  *self,
                                                            const char            *profile_id);

/* The administrator's system profiles (Helper1.ListSystemProfiles), as a
 * GListModel of MidwayConnection of their own, each with the machine's
 * tunnel for it: read-only, never among the user's.  Asked of the helper
 * once midway_connection_list_watch_helper() follows it, whenever the
 * helper appears and when files change under $sysconfdir/midway/profiles. */
GListModel           *midway_connection_list_get_system    (MidwayConnectionList  *self);
MidwayConnection     *midway_connection_list_find_system   (MidwayConnectionList  *self,
                                                            const char            *profile_id);

/* Helper1.Connect with the profile and what the keyring (and, for agent
 * sign-in, $SSH_AUTH_SOCK) lends it.  Finishes with the tunnel's path. */
void                  midway_connection_list_connect_async  (MidwayConnectionList *self,
                                                             MidwayConnection     *connection,
                                                             MidwaySecretStore    *secrets,
                                                             GCancellable         *cancellable,
                                                             GAsyncReadyCallback   callback,
                                                             gpointer              user_data);
/* The same with credentials the person typed in (a{sv} as Connect takes
 * them: "password", "passphrase"), which win over the keyring's; with
 * them a session without a keyring still connects.  Finishes with
 * midway_connection_list_connect_finish(). */
void                  midway_connection_list_connect_with_async (MidwayConnectionList *self,
                                                                  MidwayConnection     *connection,
                                                                  MidwaySecretStore    *secrets,
                                                                  GVariant             *given,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
/* Helper1.ConnectSystemProfile with @connection's name: nothing is lent,
 * the machine signs in.  Finishes with midway_connection_list_connect_finish(). */
void                  midway_connection_list_connect_system_async (MidwayConnectionList *self,
                                                                   MidwayConnection     *connection,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
char                 *midway_connection_list_connect_finish (MidwayConnectionList *self,
                                                             GAsyncResult         *result,
                                                             GError              **error);

/* Pins @host_key (accepted by the user) in the profile of @profile_id:
 * writes its file ($XDG_CONFIG_HOME/midway/profiles/<id>.midway, as the
 * profiles dialog does) and reloads.  Refuses a profile that already pins
 * a different key: a changed key is never re-pinned behind the user's back. */
gboolean              midway_connection_list_pin_host_key   (MidwayConnectionList  *self,
                                                             const char            *profile_id,
                                                             const char            *host_key,
                                                             GError               **error);

G_END_DECLS
