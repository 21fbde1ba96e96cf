/* midway-connection-list-private.h: the connection list's state, shared
 * by the files it is written in: midway-connection-list.c (the user's
 * profiles, the helper's tunnels, Connect) and
 * midway-connection-list-system.c (the administrator's system profiles).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "midway-connection-list.h"

G_BEGIN_DECLS

#define PROFILE_SUFFIX ".midway"

struct _MidwayConnectionList
{
  GObject             parent_instance;

  GPtrArray          *connections;  /* MidwayConnection, sorted by name */
  GListStore         *system;       /* MidwayConnection: the machine's, as the helper lists them */
  GHashTable         *announced;    /* object path -> the MidwayTunnel1 followed: the user's (told of in ::tunnel-added) and the machine's */
  GDBusObjectManager *manager;
  GCancellable       *cancellable;
  GFileMonitor       *monitor;       /* the profiles directory */
  GFileMonitor       *system_monitor; /* the administrator's */
  guint               system_source;
  guint               reload_source; /* a burst of file events, read once */
};

/* midway-connection-list.c */
/* The user's own tunnels (a system profile's is nobody's). */
gboolean midway_connection_list_tunnel_is_ours    (MidwayTunnel1        *tunnel);
void     midway_connection_list_attach_all_tunnels (MidwayConnectionList *self);
/* Finishes a GTask with the object path of a Connect-like call's reply. */
void     midway_connection_list_connect_call_cb   (GObject              *source,
                                                   GAsyncResult         *result,
                                                   gpointer              user_data);

/* midway-connection-list-system.c: once the helper is followed. */
void     midway_connection_list_watch_system      (MidwayConnectionList *self);

G_END_DECLS
