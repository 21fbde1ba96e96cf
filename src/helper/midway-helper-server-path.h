/* midway-helper-server-path.h: the path a tunnel's ssh connection takes,
 * and what a change of the network means for it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The way out to one address, as the kernel would send a new connection. */
typedef struct {
  gboolean routed;            /* FALSE: no route at all */
  guint8   family;            /* AF_INET, AF_INET6 */
  guint8   destination[16];
  int      oif;
  char     ifname[16];        /* IF_NAMESIZE; as named when looked up: it may be gone since */
  gboolean has_gateway;
  guint8   gateway[16];
  gboolean has_source;
  guint8   source[16];        /* the address the connection comes from */
  gboolean source_gone;       /* in a look-up against a recorded path: the recorded
                               * source is no longer one of this machine's addresses */
} MidwayHelperPath;

/* Where the tunnel stands when the network changes. */
typedef enum {
  MIDWAY_HELPER_NET_RUNNING,  /* an attempt under way, or the link up */
  MIDWAY_HELPER_NET_WAITING,  /* waiting out the backoff before the next attempt */
  MIDWAY_HELPER_NET_OFFLINE,  /* waiting for a route to the server */
} MidwayHelperNetState;

typedef enum {
  MIDWAY_HELPER_NET_KEEP,            /* nothing that matters changed */
  MIDWAY_HELPER_NET_RECONNECT,       /* end the attempt or link; reconnect at once */
  MIDWAY_HELPER_NET_RETRY_NOW,       /* stop waiting, try now */
  MIDWAY_HELPER_NET_WAIT_FOR_ROUTE,  /* stop the backoff timer: no route to try on */
} MidwayHelperNetAction;

/* "veth2 via 198.51.100.2", "veth0", "no route". */
char                 *midway_helper_path_describe (const MidwayHelperPath *path);
/* The decision, pure: recorded is the path the attempt started on (NULL
 * when not known yet), now the one the kernel gives at present.  why says
 * it in the log's words, without what is done about it ("path to
 * 192.0.2.2 changed: veth0 -> veth2 via 198.51.100.2"); NULL for KEEP. */
MidwayHelperNetAction midway_helper_path_decide   (MidwayHelperNetState     state,
                                                   const MidwayHelperPath  *recorded,
                                                   const MidwayHelperPath  *now,
                                                   gboolean                 resumed,
                                                   char                   **why);

#define MIDWAY_TYPE_HELPER_SERVER_PATH (midway_helper_server_path_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperServerPath, midway_helper_server_path, MIDWAY, HELPER_SERVER_PATH, GObject)

/* host: the profile's, a name or an address literal. */
MidwayHelperServerPath *midway_helper_server_path_new        (const char             *host);
/* At an attempt's start: resolves a name again (without blocking; until
 * it answers the previous addresses stand) and records the path to the
 * first address that has a route, the one ssh connects to. */
void                    midway_helper_server_path_start      (MidwayHelperServerPath *self);
/* Records the path now with the addresses known: when the link comes up,
 * before the tunnel's own routes go in. */
void                    midway_helper_server_path_record     (MidwayHelperServerPath *self);
/* TRUE when address is one of the server's, as far as they are known
 * (not for a host only the user's ssh_config resolves). */
gboolean                midway_helper_server_path_is_server  (MidwayHelperServerPath *self,
                                                              const char             *address);
/* TRUE when the server's addresses are known and none has a route. */
gboolean                midway_helper_server_path_is_offline (MidwayHelperServerPath *self);
/* Looks at the path now and decides, see midway_helper_path_decide(). */
MidwayHelperNetAction   midway_helper_server_path_check      (MidwayHelperServerPath *self,
                                                              MidwayHelperNetState    state,
                                                              gboolean                resumed,
                                                              char                  **why);

G_END_DECLS
