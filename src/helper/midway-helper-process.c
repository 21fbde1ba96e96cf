/* midway-helper-process.c
 *
 * Every child is started in a new session, with the parent-death signal set
 * to SIGKILL so that a helper killed with SIGKILL takes ssh and pppd (and
 * so the ppp interface) down with it.
 *
 * The fork only execs, as root: a child that is to run as a user execs
 * midway-helper-launch, which drops the privileges in its own image (see
 * there for why).  GLib waits in the parent until its child has exec'd,
 * so nothing in the fork may give the user a hold on it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "midway-error.h"
#include "midway-helper-line-reader.h"
#include "midway-helper-process.h"
#include "midway-helper-scope.h"

/* A child may print without a newline for ever: keep lines bounded. */
#define MAX_LINE 2048
#define OUTPUT_GRACE_MS 500

struct _MidwayHelperProcess
{
  GObject                 parent_instance;

  char                   *tag;
  GSubprocess            *subprocess;
  GPid                    pid;
  GCancellable           *cancellable;
  MidwayHelperScope      *scope; /* a child that runs as a user */
  MidwayHelperLineReader *readers[2];
  guint                   n_readers;
  gboolean                reaped;
  gboolean                exited_emitted;
  int                     status;
  guint                   kill_source;
  guint                   grace_source;
};

enum
{
  SIGNAL_LINE,
  SIGNAL_EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperProcess, midway_helper_process, G_TYPE_OBJECT)

static void
child_fail (const char *what)
{
  /* Only async-signal-safe calls here: stderr is the log pipe. */
  static const char prefix[] = "midway-helper: child setup failed: ";

  (void) !write (STDERR_FILENO, prefix, sizeof prefix - 1);
  (void) !write (STDERR_FILENO, what, strlen (what));
  (void) !write (STDERR_FILENO, "\n", 1);
  _exit (127);
}

/* Still root, and nothing the user could signal: the ids stay as they
 * are until the launcher's exec. */
static void
child_setup (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  if (setsid () < 0)
    child_fail ("setsid");
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0)
    child_fail ("prctl");
  if (getppid () != parent)
    child_fail ("parent exited");
}

static void
take_string (GStrvBuilder *builder,
             char         *owned)
{
  g_strv_builder_add (builder, owned);
  g_free (owned);
}

/* The launcher's command line for @spec: it becomes the user, checks the
 * user's paths as the user, and execs spec->argv. */
static GStrv
build_launch_argv (const MidwayHelperSpawnSpec *spec,
                   int                          wait_fd)
{
  const MidwayHelperCredentials *c = spec->credentials;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) groups = g_string_new (NULL);

  for (gsize i = 0; i < c->n_groups; i++)
    g_string_append_printf (groups, "%s%u", i > 0 ? "," : "", (guint) c->groups[i]);

  g_strv_builder_add (builder, MIDWAY_LIBEXECDIR "/midway-helper-launch");
  take_string (builder, g_strdup_printf ("--parent=%d", (int) getpid ()));
  take_string (builder, g_strdup_printf ("--uid=%u", (guint) c->uid));
  take_string (builder, g_strdup_printf ("--gid=%u", (guint) c->gid));
  take_string (builder, g_strdup_printf ("--groups=%s", groups->str));
  take_string (builder, g_strdup_printf ("--wait-fd=%d", wait_fd));
  if (spec->check_key_file != NULL)
    take_string (builder, g_strdup_printf ("--key-file=%s", spec->check_key_file));
  if (spec->check_agent_socket != NULL)
    take_string (builder, g_strdup_printf ("--agent-socket=%s", spec->check_agent_socket));
  g_strv_builder_add (builder, "--");
  g_strv_builder_addv (builder, (const char **) spec->argv);
  return g_strv_builder_end (builder);
}

static void maybe_emit_exited (MidwayHelperProcess *self);

static void
on_reader_line (MidwayHelperLineReader *reader,
                const char             *line,
                MidwayHelperProcess    *self)
{
  g_signal_emit (self, signals[SIGNAL_LINE], 0, line);
}

static void
on_reader_eof (MidwayHelperLineReader *reader,
               MidwayHelperProcess    *self)
{
  maybe_emit_exited (self);
}

static void
add_reader (MidwayHelperProcess *self,
            GInputStream        *stream)
{
  MidwayHelperLineReader *reader;

  if (stream == NULL)
    return;

  reader = midway_helper_line_reader_new (stream, MAX_LINE);
  g_signal_connect_object (reader, "line", G_CALLBACK (on_reader_line), self, 0);
  g_signal_connect_object (reader, "eof", G_CALLBACK (on_reader_eof), self, 0);
  self->readers[self->n_readers++] = reader;
  midway_helper_line_reader_start (reader);
}

static void
emit_exited (MidwayHelperProcess *self)
{
  if (self->exited_emitted)
    return;
  self->exited_emitted = TRUE;
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->grace_source, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_EXITED], 0);
}

static gboolean
on_output_grace_over (gpointer user_data)
{
  MidwayHelperProcess *self = user_data;

  /* A grandchild (a ProxyCommand, say) may keep the pipe open; the
   * process we watch is gone, and that is what counts. */
  self->grace_source = 0;
  emit_exited (self);
  return G_SOURCE_REMOVE;
}

static void
maybe_emit_exited (MidwayHelperProcess *self)
{
  if (!self->reaped || self->exited_emitted)
    return;

  for (guint i = 0; i < self->n_readers; i++)
    if (!midway_helper_line_reader_get_eof (self->readers[i]))
      {
        if (self->grace_source == 0)
          self->grace_source = g_timeout_add (OUTPUT_GRACE_MS, on_output_grace_over, self);
        return;
      }

  emit_exited (self);
}

static void
on_wait (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MidwayHelperProcess) self = user_data;
  g_autoptr(GError) error = NULL;
  GSubprocess *subprocess = G_SUBPROCESS (source);

  if (!g_subprocess_wait_finish (subprocess, result, &error))
    {
      /* Only cancellation (dispose) gets here: the helper is going away
       * and the death signal takes care of the child. */
      return;
    }

  self->reaped = TRUE;
  /* What it left behind in its scope (a ProxyCommand gone setsid) ends
   * with it. */
  if (self->scope != NULL)
    midway_helper_scope_stop (self->scope);
  self->status = g_subprocess_get_if_exited (subprocess)
    ? g_subprocess_get_exit_status (subprocess)
    : -1;
  maybe_emit_exited (self);
}

static void
midway_helper_process_dispose (GObject *object)
{
  MidwayHelperProcess *self = MIDWAY_HELPER_PROCESS (object);

  if (self->subprocess != NULL && !self->reaped)
    midway_helper_process_kill (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->grace_source, g_source_remove);
  if (self->scope != NULL)
    midway_helper_scope_stop (self->scope);
  g_clear_object (&self->scope);

  G_OBJECT_CLASS (midway_helper_process_parent_class)->dispose (object);
}

static void
midway_helper_process_finalize (GObject *object)
{
  MidwayHelperProcess *self = MIDWAY_HELPER_PROCESS (object);

  for (guint i = 0; i < self->n_readers; i++)
    {
      midway_helper_line_reader_stop (self->readers[i]);
      g_object_unref (self->readers[i]);
    }
  g_clear_object (&self->subprocess);
  g_clear_object (&self->cancellable);
  g_free (self->tag);

  G_OBJECT_CLASS (midway_helper_process_parent_class)->finalize (object);
}

static void
midway_helper_process_class_init (MidwayHelperProcessClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_process_dispose;
  object_class->finalize = midway_helper_process_finalize;

  signals[SIGNAL_LINE] =
    g_signal_new ("line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EXITED] =
    g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
midway_helper_process_init (MidwayHelperProcess *self)
{
  self->cancellable = g_cancellable_new ();
  self->status = -1;
}

MidwayHelperProcess *
midway_helper_process_spawn (const char                  *tag,
                             const MidwayHelperSpawnSpec *spec,
                             GError                     **error)
{
  g_autoptr(MidwayHelperProcess) self = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDERR_PIPE;
  g_auto(GStrv) launch_argv = NULL;
  const char * const *argv = spec->argv;
  const char *pid_string;
  int release[2] = { -1, -1 };

  g_return_val_if_fail (tag != NULL, NULL);
  g_return_val_if_fail (spec != NULL && spec->argv != NULL && spec->argv[0] != NULL, NULL);
  g_return_val_if_fail (g_path_is_absolute (spec->argv[0]), NULL);
  g_return_val_if_fail (spec->envp != NULL, NULL);
  /* only the launcher can wait */
  g_return_val_if_fail (!spec->held || (spec->credentials != NULL && spec->credentials->drop_privileges),
                        NULL);

  if (spec->stdout_fd < 0)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_PIPE;

  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_environ (launcher, (char **) spec->envp);
  g_subprocess_launcher_set_cwd (launcher, "/");

  /* The launcher owns the fds it is given: hand it duplicates. */
  if (spec->stdin_fd >= 0)
    g_subprocess_launcher_take_stdin_fd (launcher, fcntl (spec->stdin_fd, F_DUPFD_CLOEXEC, 3));
  if (spec->stdout_fd >= 0)
    g_subprocess_launcher_take_stdout_fd (launcher, fcntl (spec->stdout_fd, F_DUPFD_CLOEXEC, 3));
  for (gsize i = 0; i < spec->n_fds; i++)
    {
      int fd = fcntl (spec->source_fds[i], F_DUPFD_CLOEXEC, 3);

      if (fd < 0)
        {
          int saved = errno;
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                       "Could not pass a descriptor to %s: %s", tag, g_strerror (saved));
          return NULL;
        }
      g_subprocess_launcher_take_fd (launcher, fd, spec->target_fds[i]);
    }

  /* GSubprocess forks in the calling thread, the main thread here, which
   * lives as long as the helper: the death signal is tied to the thread
   * that forked. */
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GINT_TO_POINTER ((int) getpid ()), NULL);
  if (spec->credentials != NULL && spec->credentials->drop_privileges)
    {
      /* The launcher waits on this until midway-helper-scope lets it go. */
      int wait_fd = 3;

      for (gsize i = 0; i < spec->n_fds; i++)
        wait_fd = MAX (wait_fd, spec->target_fds[i] + 1);
      if (pipe2 (release, O_CLOEXEC) != 0)
        {
          int saved = errno;
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                       "Could not create a pipe for %s: %s", tag, g_strerror (saved));
          return NULL;
        }
      g_subprocess_launcher_take_fd (launcher, release[0], wait_fd);
      launch_argv = build_launch_argv (spec, wait_fd);
      argv = (const char * const *) launch_argv;
    }

  self = g_object_new (MIDWAY_TYPE_HELPER_PROCESS, NULL);
  self->tag = g_strdup (tag);
  self->subprocess = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (self->subprocess == NULL)
    {
      if (release[1] >= 0)
        close (release[1]);
      return NULL;
    }

  pid_string = g_subprocess_get_identifier (self->subprocess);
  self->pid = pid_string != NULL ? (GPid) g_ascii_strtoll (pid_string, NULL, 10) : 0;
  if (release[1] >= 0 && self->pid > 0)
    {
      self->scope = midway_helper_scope_new (self->pid, spec->credentials->uid, release[1],
                                             spec->held);
      midway_helper_scope_start (self->scope);
    }
  else if (release[1] >= 0)
    close (release[1]);

  add_reader (self, g_subprocess_get_stderr_pipe (self->subprocess));
  add_reader (self, g_subprocess_get_stdout_pipe (self->subprocess));
  g_subprocess_wait_async (self->subprocess, self->cancellable, on_wait, g_object_ref (self));

  return g_steal_pointer (&self);
}

void
midway_helper_process_release (MidwayHelperProcess *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_PROCESS (self));

  if (self->scope != NULL)
    midway_helper_scope_release (self->scope);
}

const char *
midway_helper_process_get_tag (MidwayHelperProcess *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_PROCESS (self), NULL);
  return self->tag;
}

GPid
midway_helper_process_get_pid (MidwayHelperProcess *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_PROCESS (self), 0);
  return self->pid;
}

gboolean
midway_helper_process_get_exited (MidwayHelperProcess *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_PROCESS (self), TRUE);
  return self->exited_emitted;
}

int
midway_helper_process_get_status (MidwayHelperProcess *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_PROCESS (self), -1);
  return self->status;
}

void
midway_helper_process_kill (MidwayHelperProcess *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_PROCESS (self));

  if (self->reaped || self->pid <= 0)
    return;
  /* The child is a session leader, so its group holds whatever it started
   * (ssh's askpass or ProxyCommand). The pid cannot have been reused:
   * it is not reaped yet. */
  kill (-self->pid, SIGKILL);
  kill (self->pid, SIGKILL);
  /* and whatever left the group with setsid, where systemd can tell */
  if (self->scope != NULL)
    midway_helper_scope_stop (self->scope);
}

static gboolean
on_grace_over (gpointer user_data)
{
  MidwayHelperProcess *self = user_data;

  self->kill_source = 0;
  midway_helper_process_kill (self);
  return G_SOURCE_REMOVE;
}

void
midway_helper_process_terminate (MidwayHelperProcess *self,
                                 guint                grace_ms)
{
  g_return_if_fail (MIDWAY_IS_HELPER_PROCESS (self));

  if (self->reaped || self->pid <= 0)
    return;

  kill (self->pid, SIGTERM);
  if (self->kill_source == 0)
    self->kill_source = g_timeout_add (grace_ms, on_grace_over, self);
}

MidwayHelperUser *
midway_helper_user_lookup (uid_t    uid,
                           GError **error)
{
  g_autoptr(MidwayHelperUser) user = g_new0 (MidwayHelperUser, 1);
  g_autofree char *buffer = NULL;
  struct passwd pwd, *result = NULL;
  long size = sysconf (_SC_GETPW_R_SIZE_MAX);
  int n_groups = 64;
  int r;

  if (size <= 0)
    size = 16384;
  buffer = g_malloc (size);
  r = getpwuid_r (uid, &pwd, buffer, size, &result);
  if (result == NULL)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "No user with uid %u: %s", (guint) uid,
                   r != 0 ? g_strerror (r) : "not in the user database");
      return NULL;
    }

  user->name = g_strdup (pwd.pw_name);
  user->home = g_strdup (pwd.pw_dir);
  user->shell = g_strdup (pwd.pw_shell);
  user->credentials.drop_privileges = TRUE;
  user->credentials.uid = pwd.pw_uid;
  user->credentials.gid = pwd.pw_gid;

  for (;;)
    {
      int n = n_groups;

      user->group_storage = g_renew (gid_t, user->group_storage, n);
      if (getgrouplist (pwd.pw_name, pwd.pw_gid, user->group_storage, &n) >= 0)
        {
          n_groups = n;
          break;
        }
      if (n <= n_groups || n > 65536)
        {
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                       "Could not read the groups of %s", pwd.pw_name);
          return NULL;
        }
      n_groups = n;
    }
  user->credentials.groups = user->group_storage;
  user->credentials.n_groups = n_groups;

  return g_steal_pointer (&user);
}

void
midway_helper_user_free (MidwayHelperUser *user)
{
  if (user == NULL)
    return;
  g_free (user->name);
  g_free (user->home);
  g_free (user->shell);
  g_free (user->group_storage);
  g_free (user);
}
