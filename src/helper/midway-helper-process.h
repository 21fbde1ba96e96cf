/* midway-helper-process.h: one supervised child (ssh or pppd).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Who the child runs as.  A spec with no user keeps root. */
typedef struct {
  gboolean     drop_privileges;
  uid_t        uid;
  gid_t        gid;
  const gid_t *groups;
  gsize        n_groups;
} MidwayHelperCredentials;

typedef struct {
  const char * const            *argv;
  const char * const            *envp;        /* the whole environment */
  const MidwayHelperCredentials *credentials;
  int                            stdin_fd;    /* -1: /dev/null */
  int                            stdout_fd;   /* -1: a pipe read into the log */
  const int                     *source_fds;  /* extra fds, kept open in the child */
  const int                     *target_fds;  /* at these numbers */
  gsize                          n_fds;
  /* With credentials: the caller's key file and agent socket, looked at
   * as the caller before the program runs (NULL: none). */
  const char                    *check_key_file;
  const char                    *check_agent_socket;
  /* With credentials: the program does not start before
   * midway_helper_process_release() (the launcher waits). */
  gboolean                       held;
} MidwayHelperSpawnSpec;

#define MIDWAY_TYPE_HELPER_PROCESS (midway_helper_process_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperProcess, midway_helper_process, MIDWAY, HELPER_PROCESS, GObject)

/* Signals:
 *   line (const char *text): a line the child printed on stdout or stderr
 *   exited (): the child has been reaped and its output read to the end */
MidwayHelperProcess *midway_helper_process_spawn         (const char                  *tag,
                                                          const MidwayHelperSpawnSpec *spec,
                                                          GError                     **error);
const char          *midway_helper_process_get_tag       (MidwayHelperProcess         *self);
GPid                 midway_helper_process_get_pid       (MidwayHelperProcess         *self);
gboolean             midway_helper_process_get_exited    (MidwayHelperProcess         *self);
/* The exit code, or -1 when the child died by a signal. */
int                  midway_helper_process_get_status    (MidwayHelperProcess         *self);
/* SIGTERM now, SIGKILL to its whole process group after @grace_ms. */
void                 midway_helper_process_terminate     (MidwayHelperProcess         *self,
                                                          guint                        grace_ms);
/* Immediate SIGKILL to the process group; for helper shutdown paths. */
void                 midway_helper_process_kill          (MidwayHelperProcess         *self);
void                 midway_helper_process_release       (MidwayHelperProcess         *self);

/* Looks up a user's ids and groups; the result's arrays are owned by it. */
typedef struct {
  MidwayHelperCredentials credentials;
  char                   *name;
  char                   *home;
  char                   *shell;
  gid_t                  *group_storage;
} MidwayHelperUser;

MidwayHelperUser    *midway_helper_user_lookup           (uid_t                        uid,
                                                          GError                     **error);
void                 midway_helper_user_free             (MidwayHelperUser            *user);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayHelperUser, midway_helper_user_free)

G_END_DECLS
