/* midway-helper-tunnel-attempt.h: one attempt of a tunnel, its processes
 * and what they left.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "midway-dbus-generated.h"
#include "midway-profile.h"
#include "midway-helper-line-reader.h"
#include "midway-helper-log.h"
#include "midway-helper-process.h"
#include "midway-helper-runtime-dir.h"
#include "midway-helper-secrets.h"
#include "midway-helper-server-path.h"

G_BEGIN_DECLS

/* What the tunnel hears of an attempt.  The reports come only while the
 * attempt runs, and "ended" once, when both processes have exited. */
typedef struct {
  /* the remote pppd's first packet: ssh is through, its secret files
   * are gone */
  void (*peer)   (gpointer    user_data);
  /* IPCP is up and the link accepted; its properties are published.
   * Not after hang_up(). */
  void (*ip_up)  (const char *ifname,
                  const char *dns1,
                  const char *dns2,
                  gpointer    user_data);
  /* @ifname checked; not after hang_up() */
  void (*ip6_up) (const char *ifname,
                  const char *local,
                  const char *remote,
                  gpointer    user_data);
  void (*ended)  (gpointer    user_data);
} MidwayHelperTunnelAttemptEvents;

/* Everything one attempt owns; midway_helper_tunnel_attempt_free() is its
 * only teardown. */
typedef struct {
  guint                   serial;       /* the tunnel's, for debug output */
  MidwayHelperLog        *log;
  MidwayProfile          *profile;
  MidwayHelperServerPath *server_path;
  MidwayHelperRuntimeDir *dir;          /* the tunnel's: ssh's secret files */
  MidwayTunnel1          *iface;        /* the link's properties go here */
  const MidwayHelperTunnelAttemptEvents *events;
  gpointer                user_data;
  int                     pty_master;
  int                     pty_slave;
  MidwayHelperProcess    *ssh;
  MidwayHelperProcess    *pppd;
  MidwayHelperLineReader *report;       /* the plugin's channel */
  GQueue                  ssh_tail;     /* ssh's last lines, for the diagnosis */
  gboolean                peer_seen;
  gboolean                link_up;
  gboolean                stopping;     /* hung up: the user's stop */
  char                   *ifname;
  guint                   stats_source;
  gboolean                ssh_exited_first;
  int                     link_down_status; /* pppd's reason, from the plugin; -1 before */
  const char             *refusal;      /* a reason code: the link was refused at ip-up */
  char                   *refusal_message;
  gboolean                for_network;  /* ended by the helper for a new path */
  char                   *network_why;
  guint                   deadline_source;
} MidwayHelperTunnelAttempt;

/* What an attempt is started from; all of it belongs to the tunnel. */
typedef struct {
  MidwayProfile          *profile;
  MidwayHelperUser       *user;
  MidwayHelperSecrets    *secrets;
  MidwayHelperRuntimeDir *dir;
  MidwayHelperLog        *log;
  MidwayHelperServerPath *server_path;
  MidwayTunnel1          *iface;
  const char             *ipparam;
  guint                   serial;
  const MidwayHelperTunnelAttemptEvents *events;
  gpointer                user_data;
} MidwayHelperTunnelAttemptSpec;

/* pppd on a fresh pty's slave with the plugin's channel, then ssh as the
 * user on its master; the channel is read and the deadline runs from
 * then on.  NULL with @error set, and nothing left running, when either
 * could not start. */
MidwayHelperTunnelAttempt *midway_helper_tunnel_attempt_spawn      (const MidwayHelperTunnelAttemptSpec *spec,
                                                                    GError                             **error);
/* Kills what still runs, closes the pty, forgets the channel, removes
 * ssh's secret files, clears the link's properties. */
void                       midway_helper_tunnel_attempt_free       (MidwayHelperTunnelAttempt          *self);
/* The runtime directory before the first attempt: the pinned host key. */
gboolean                   midway_helper_tunnel_attempt_prepare_dir (MidwayHelperRuntimeDir            *dir,
                                                                     MidwayProfile                     *profile,
                                                                     GError                           **error);
/* The helper ends it for a new path (@why, taken): SIGKILL to both, as
 * pppd's Terminate-Request could not get through the old path. */
void                       midway_helper_tunnel_attempt_end_for_network (MidwayHelperTunnelAttempt     *self,
                                                                         char                          *why);
/* SIGKILL to both: for an end that waiting could only delay. */
void                       midway_helper_tunnel_attempt_kill       (MidwayHelperTunnelAttempt          *self);
/* SIGTERM to both, SIGKILL after the grace period. */
void                       midway_helper_tunnel_attempt_terminate  (MidwayHelperTunnelAttempt          *self);
/* The user's stop: pppd alone, it sends LCP Terminate-Request through
 * ssh; reports of a link coming up are ignored from now on. */
void                       midway_helper_tunnel_attempt_hang_up    (MidwayHelperTunnelAttempt          *self);
/* Both processes have exited: the MIDWAY_REASON_* code and its detail. */
const char                *midway_helper_tunnel_attempt_diagnose   (MidwayHelperTunnelAttempt          *self,
                                                                    gboolean                            stopped_by_user,
                                                                    char                              **message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayHelperTunnelAttempt, midway_helper_tunnel_attempt_free)

G_END_DECLS
