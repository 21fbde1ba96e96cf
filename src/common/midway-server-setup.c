/* midway-server-setup.c: the server script over ssh.
 *
 * ssh runs as the desktop user with the profile's settings (the argv of
 * midway-argv.c: pinned host key in a known_hosts file of its own, key or
 * agent sign-in, batch mode) and a remote command that asks sudo for a
 * shell reading its script from standard input:
 *
 *   sudo -S -p PROMPT /bin/sh -c 'echo midway-server-ready && exec /bin/sh -s'
 *
 * The sudo password goes to standard input only in answer to sudo's own
 * prompt (a fixed token on stderr), so neither a shell nor a forced
 * command ever reads it; a second prompt means sudo refused it.  The
 * script follows once the shell has said it is ready.  Its output is read
 * by midway_server_report_add_line(), which accepts nothing else.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "midway-argv.h"
#include "midway-error.h"
#include "midway-server-setup.h"
#include "midway-ssh-key.h"

#define SUDO_PROMPT "midway-sudo-password:"
#define READY_LINE "midway-server-ready"
#define REMOTE_COMMAND "sudo -S -p " SUDO_PROMPT " /bin/sh -c 'echo " READY_LINE " && exec /bin/sh -s'"
#define RUN_TIMEOUT_S 180
/* ssh's own ConnectTimeout is 15 s; sudo answers a password within a few
 * seconds.  A server that takes the password and then says nothing is
 * not waited for until the end. */
#define READY_TIMEOUT_S 45
#define MAX_STDERR (64 * 1024)
#define MAX_LINE 512

struct _MidwayServerSetup
{
  GObject            parent_instance;
  MidwayProfile     *profile;
  MidwayServerAction action;
  GStrv              lans;
  GStrv              dns;
  gboolean           gateway;
  char              *public_key;
  char              *identity_file;
  GBytes            *identity_data;
  GBytes            *sudo_password;
  char              *server_messages;
};

G_DEFINE_FINAL_TYPE (MidwayServerSetup, midway_server_setup, G_TYPE_OBJECT)

static void
midway_server_setup_finalize (GObject *object)
{
  MidwayServerSetup *self = MIDWAY_SERVER_SETUP (object);

  g_clear_object (&self->profile);
  g_strfreev (self->lans);
  g_strfreev (self->dns);
  g_free (self->public_key);
  g_free (self->identity_file);
  g_clear_pointer (&self->identity_data, g_bytes_unref);
  g_clear_pointer (&self->sudo_password, g_bytes_unref);
  g_free (self->server_messages);
  G_OBJECT_CLASS (midway_server_setup_parent_class)->finalize (object);
}

static void
midway_server_setup_class_init (MidwayServerSetupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = midway_server_setup_finalize;
}

static void
midway_server_setup_init (MidwayServerSetup *self)
{
}

MidwayServerSetup *
midway_server_setup_new (MidwayProfile     *profile,
                         MidwayServerAction action)
{
  MidwayServerSetup *self;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  self = g_object_new (MIDWAY_TYPE_SERVER_SETUP, NULL);
  self->profile = midway_profile_copy (profile);
  self->action = action;
  return self;
}

void
midway_server_setup_set_lans (MidwayServerSetup  *self,
                              const char * const *lans)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_strfreev (self->lans);
  self->lans = g_strdupv ((char **) lans);
}

void
midway_server_setup_set_gateway (MidwayServerSetup *self,
                                 gboolean           gateway)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  self->gateway = gateway;
}

void
midway_server_setup_set_dns (MidwayServerSetup  *self,
                             const char * const *dns)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_strfreev (self->dns);
  self->dns = g_strdupv ((char **) dns);
}

void
midway_server_setup_set_public_key (MidwayServerSetup *self,
                                    const char        *public_key)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_free (self->public_key);
  self->public_key = g_strdup (public_key);
}

void
midway_server_setup_set_identity_file (MidwayServerSetup *self,
                                       const char        *path)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_free (self->identity_file);
  self->identity_file = g_strdup (path);
}

void
midway_server_setup_set_identity_data (MidwayServerSetup *self,
                                       GBytes            *private_key)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_clear_pointer (&self->identity_data, g_bytes_unref);
  self->identity_data = private_key != NULL ? g_bytes_ref (private_key) : NULL;
}

void
midway_server_setup_set_sudo_password (MidwayServerSetup *self,
                                       GBytes            *password)
{
  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));
  g_clear_pointer (&self->sudo_password, g_bytes_unref);
  self->sudo_password = password != NULL ? g_bytes_ref (password) : NULL;
}

const char *
midway_server_setup_get_server_messages (MidwayServerSetup *self)
{
  g_return_val_if_fail (MIDWAY_IS_SERVER_SETUP (self), NULL);
  return self->server_messages != NULL ? self->server_messages : "";
}

char *
midway_server_setup_build_script (MidwayServerSetup *self,
                                  gboolean           via_sudo,
                                  GError           **error)
{
  MidwayServerParams params = {
    .action = self->action,
    .user = midway_profile_get_user (self->profile),
    .lans = (const char * const *) self->lans,
    .gateway = self->gateway,
    .dns = (const char * const *) self->dns,
    .public_key = self->public_key,
    .ipv6 = midway_profile_get_ipv6 (self->profile),
    .via_sudo = via_sudo,
  };

  g_return_val_if_fail (MIDWAY_IS_SERVER_SETUP (self), NULL);
  return midway_server_script_build (&params, error);
}

typedef struct
{
  char *data;
  gsize length;
} Secret;

static void
secret_wipe (gpointer user_data)
{
  Secret *secret = user_data;

  explicit_bzero (secret->data, secret->length);
  g_free (secret->data);
  g_free (secret);
}

GBytes *
midway_server_password_new (const char *text,
                            gsize       length)
{
  Secret *secret = g_new0 (Secret, 1);

  secret->data = g_memdup2 (text, length);
  secret->length = length;
  return g_bytes_new_with_free_func (secret->data, length, secret_wipe, secret);
}

char *
midway_server_public_key_for_profile (MidwayProfile *profile,
                                      GBytes        *keyring_private_key)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) words = NULL;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  switch (midway_profile_get_auth (profile))
    {
    case MIDWAY_AUTH_KEY_FILE:
      {
        g_autofree char *path = g_strconcat (midway_profile_get_key_file (profile), ".pub", NULL);

        if (!g_file_get_contents (path, &text, NULL, NULL))
          return NULL;
        break;
      }
    case MIDWAY_AUTH_KEYRING_KEY:
      {
        g_autoptr(MidwaySshKey) key = NULL;

        if (keyring_private_key == NULL)
          return NULL;
        key = midway_ssh_key_new_from_private_data (keyring_private_key, NULL);
        if (key == NULL)
          return NULL;
        text = g_strdup (midway_ssh_key_get_public_line (key));
        break;
      }
    case MIDWAY_AUTH_AGENT:
    case MIDWAY_AUTH_PASSWORD:
    default:
      /* The agent may hold any number of keys: which one the server
       * accepts is not ours to guess. */
      return NULL;
    }

  words = g_strsplit_set (g_strstrip (text), " \t", 3);
  if (g_strv_length (words) < 2)
    return NULL;
  return g_strdup_printf ("%s %s", words[0], words[1]);
}

gboolean
midway_server_setup_apply_to_profile (MidwayServerSetup *self,
                                      MidwayProfile     *profile,
                                      GError           **error)
{
  g_autofree char *command = NULL;

  g_return_val_if_fail (MIDWAY_IS_SERVER_SETUP (self), FALSE);

  if (self->action == MIDWAY_SERVER_ACTION_CHECK)
    return TRUE;
  command = self->action == MIDWAY_SERVER_ACTION_SETUP
              ? midway_server_remote_command (midway_profile_get_user (self->profile), self->public_key)
              : g_strdup ("sudo -n pppd");
  /* The DNS servers the peers file offers (ms-dns) are only asked for
   * with peer-dns. */
  if (self->action == MIDWAY_SERVER_ACTION_SETUP && self->dns != NULL && self->dns[0] != NULL &&
      !midway_profile_set_from_string (profile, MIDWAY_FIELD_PEER_DNS, "true", error))
    return FALSE;
  /* The server's peers file gives both addresses; a client that asked
   * for others would only be refused by its pppd. */
  return midway_profile_set_from_string (profile, MIDWAY_FIELD_REMOTE_COMMAND, command, error) &&
         midway_profile_set_from_string (profile, MIDWAY_FIELD_LOCAL_ADDRESS, "", error) &&
         midway_profile_set_from_string (profile, MIDWAY_FIELD_REMOTE_ADDRESS, "", error) &&
         midway_profile_validate (profile, error);
}

/* ------------------------------------------------------------ the run */

typedef struct
{
  char *dir;
  char *known_hosts;
  char *identity;
} TempFiles;

static void
temp_files_clear (TempFiles *files)
{
  if (files->identity != NULL)
    g_unlink (files->identity);
  if (files->known_hosts != NULL)
    g_unlink (files->known_hosts);
  if (files->dir != NULL)
    g_rmdir (files->dir);
  g_clear_pointer (&files->identity, g_free);
  g_clear_pointer (&files->known_hosts, g_free);
  g_clear_pointer (&files->dir, g_free);
}

static gboolean
write_private_file (const char *path,
                    const void *data,
                    gsize       length,
                    GError    **error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  gsize done = 0;

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not write %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  while (done < length)
    {
      ssize_t n = write (fd, (const char *) data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not write %s: %s"), path, g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  return close (fd) == 0;
}

static GStrv
build_ssh_argv (MidwayServerSetup *self,
                TempFiles         *files,
                GError           **error)
{
  g_autoptr(MidwayProfile) profile = midway_profile_copy (self->profile);
  g_autofree char *template = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  MidwaySshArgs args = { .ssh_path = MIDWAY_SSH_PATH };
  gsize i;

  if (self->identity_file != NULL)
    {
      if (!midway_profile_set_from_string (profile, MIDWAY_FIELD_AUTH, "key-file", error) ||
          !midway_profile_set_from_string (profile, MIDWAY_FIELD_KEY_FILE, self->identity_file, error))
        return NULL;
    }
  else if (midway_profile_get_auth (profile) == MIDWAY_AUTH_PASSWORD)
    {
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("This profile signs in with a password; server setup signs in with a key: give one with --identity"));
      return NULL;
    }
  else if (midway_profile_get_auth (profile) == MIDWAY_AUTH_KEYRING_KEY && self->identity_data == NULL)
    {
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                           _("The profile’s key is not in the keyring: give a key with --identity"));
      return NULL;
    }

  template = g_build_filename (g_get_user_runtime_dir (), "midway-server-XXXXXX", NULL);
  files->dir = g_mkdtemp_full (template, 0700) != NULL ? g_steal_pointer (&template) : NULL;
  if (files->dir == NULL)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Could not make a private directory for ssh: %s"), g_strerror (saved));
      return NULL;
    }
  if (*midway_profile_get_host_key (profile) != '\0')
    {
      g_autofree char *line = midway_argv_known_hosts_line (profile);

      files->known_hosts = g_build_filename (files->dir, "known_hosts", NULL);
      if (!write_private_file (files->known_hosts, line, strlen (line), error))
        return NULL;
      args.known_hosts_path = files->known_hosts;
    }
  if (self->identity_file == NULL && midway_profile_get_auth (profile) == MIDWAY_AUTH_KEYRING_KEY)
    {
      files->identity = g_build_filename (files->dir, "identity", NULL);
      if (!write_private_file (files->identity, g_bytes_get_data (self->identity_data, NULL),
                               g_bytes_get_size (self->identity_data), error))
        return NULL;
      args.identity_path = files->identity;
    }

  argv = midway_argv_build_ssh (profile, &args, error);
  if (argv == NULL)
    return NULL;
  /* The tunnel's vector up to the host; the remote command is ours. */
  for (i = 0; argv[i] != NULL && !g_str_equal (argv[i], "--"); i++)
    g_strv_builder_add (builder, argv[i]);
  g_assert (argv[i] != NULL && argv[i + 1] != NULL);
  g_strv_builder_add_many (builder, "--", argv[i + 1], REMOTE_COMMAND, NULL);
  return g_strv_builder_end (builder);
}

/* Server text for a person: printable ASCII and UTF-8 only. */
static char *
sanitize (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\n')
        g_string_append_c (out, '\n');
      else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static gboolean
write_all (int         fd,
           const void *data,
           gsize       length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = write (fd, (const char *) data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += (gsize) n;
    }
  return TRUE;
}

typedef struct
{
  GPid     pid;
  int      in_fd, out_fd, err_fd;
  GString *out;
  GString *err;
  gboolean ready;
  guint    prompts;
} Session;

static void
session_end (Session *s,
             gboolean kill_it)
{
  int status;

  if (s->in_fd >= 0)
    close (s->in_fd);
  if (s->out_fd >= 0)
    close (s->out_fd);
  if (s->err_fd >= 0)
    close (s->err_fd);
  s->in_fd = s->out_fd = s->err_fd = -1;
  if (s->pid > 0)
    {
      if (kill_it)
        kill (s->pid, SIGTERM);
      while (waitpid (s->pid, &status, 0) < 0 && errno == EINTR)
        ;
      s->pid = 0;
    }
}

/* The last line ssh or sudo wrote, for a message. */
static char *
last_error_line (GString *err)
{
  g_autofree char *copy = g_strdup (err->str);
  g_auto(GStrv) lines = NULL;
  const char *last = "";

  g_strstrip (copy);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0' && !g_str_has_prefix (lines[i], SUDO_PROMPT))
      last = lines[i];
  return sanitize (last);
}

static gboolean
session_fail (Session    *s,
              GError    **error,
              const char *message)
{
  session_end (s, TRUE);
  g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED, message);
  return FALSE;
}

/* Handles what stdout has so far: the ready line, then records. */
static gboolean
take_lines (MidwayServerSetup  *self,
            Session            *s,
            const char         *script,
            MidwayServerReport *report,
            GError            **error)
{
  char *newline;

  /* Before the shell says it is ready, anything but text is something
   * else talking (a forced pppd sends PPP frames and waits): no use
   * waiting for a line. */
  if (!s->ready)
    for (gsize i = 0; i < s->out->len; i++)
      if (!g_ascii_isprint (s->out->str[i]) && s->out->str[i] != '\n')
        return session_fail (s, error,
                             _("The server did not start the setup shell: the key that signed in may be restricted to pppd (give another with --identity)"));

  while ((newline = memchr (s->out->str, '\n', s->out->len)) != NULL)
    {
      g_autofree char *line = g_strndup (s->out->str, newline - s->out->str);

      g_string_erase (s->out, 0, newline - s->out->str + 1);
      if (!s->ready)
        {
          /* Text, not PPP: something in the account's login (a forced
           * command, a start-up file that prints) spoke before sudo's shell. */
          if (!g_str_equal (line, READY_LINE))
            return session_fail (s, error,
                                 _("The server printed something else before the setup shell started (a forced command or a login script of the account?); the script was not sent"));
          s->ready = TRUE;
          /* The script ends with "} </dev/null": once sh has read it, its
           * standard input is done with. */
          if (!write_all (s->in_fd, script, strlen (script)))
            return session_fail (s, error, _("The server closed the session before it had the script"));
          close (s->in_fd);
          s->in_fd = -1;
          continue;
        }
      if (!midway_server_report_add_line (report, line, error))
        {
          session_end (s, TRUE);
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED, _("The server’s output is not what the setup script prints"));
          return FALSE;
        }
    }
  if (s->out->len > MAX_LINE)
    return session_fail (s, error,
                         s->ready ? _("The server’s output is not what the setup script prints (a line too long); nothing of it was used")
                                  : _("The server did not start the setup shell: the key that signed in may be restricted to pppd (give another with --identity)"));
  return TRUE;
}

static gboolean
take_stderr (MidwayServerSetup *self,
             Session           *s,
             GError           **error)
{
  guint prompts = count_occurrences (s->err->str, SUDO_PROMPT);

  if (s->err->len > MAX_STDERR)
    return session_fail (s, error, _("The server wrote too much on its error output"));
  if (prompts == s->prompts)
    return TRUE;
  s->prompts = prompts;
  if (s->ready || prompts > 1)
    return session_fail (s, error, _("sudo on the server did not accept the password"));
  if (self->sudo_password == NULL)
    return session_fail (s, error, _("sudo on the server wants a password, and none was given"));
  {
    gsize length = 0;
    const char *password = g_bytes_get_data (self->sudo_password, &length);

    if (memchr (password, '\n', length) != NULL ||
        !write_all (s->in_fd, password, length) || !write_all (s->in_fd, "\n", 1))
      return session_fail (s, error, _("The password could not be given to sudo"));
  }
  return TRUE;
}

static MidwayServerReport *
run_session (MidwayServerSetup *self,
             GCancellable      *cancellable,
             GError           **error)
{
  TempFiles files = { NULL };
  g_auto(GStrv) argv = NULL;
  g_autofree char *script = NULL;
  g_autoptr(MidwayServerReport) report = midway_server_report_new ();
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) err = g_string_new (NULL);
  Session s = { 0, -1, -1, -1, out, err, FALSE, 0 };
  gint64 deadline = g_get_monotonic_time () + RUN_TIMEOUT_S * G_USEC_PER_SEC;
  gint64 ready_deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  gboolean ok = FALSE;
  GPollFD cancel_fd = { -1, 0, 0 };
  int status = 0;

  script = midway_server_setup_build_script (self, TRUE, error);
  if (script == NULL)
    return NULL;
  argv = build_ssh_argv (self, &files, error);
  if (argv == NULL)
    goto out;

  if (!g_spawn_async_with_pipes (NULL, argv, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES,
                                 NULL, NULL, &s.pid, &s.in_fd, &s.out_fd, &s.err_fd, error))
    goto out;
  g_cancellable_make_pollfd (cancellable, &cancel_fd);

  while (s.out_fd >= 0 || s.err_fd >= 0)
    {
      struct pollfd fds[3] = {
        { s.out_fd, POLLIN, 0 }, { s.err_fd, POLLIN, 0 }, { cancel_fd.fd, POLLIN, 0 },
      };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char buffer[4096];

      if (left <= 0)
        {
          session_fail (&s, error, _("The server did not finish within 3 minutes"));
          goto out;
        }
      if (!s.ready && g_get_monotonic_time () >= ready_deadline)
        {
          session_fail (&s, error, _("The server did not start the setup within 45 seconds (ssh or sudo did not answer)"));
          goto out;
        }
      if (poll (fds, 3, (int) MIN (left, 1000)) < 0 && errno != EINTR)
        {
          session_fail (&s, error, g_strerror (errno));
          goto out;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          session_end (&s, TRUE);
          goto out;
        }
      if (s.err_fd >= 0 && fds[1].revents != 0)
        {
          ssize_t n = read (s.err_fd, buffer, sizeof buffer);

          if (n > 0)
            g_string_append_len (err, buffer, n);
          else if (n == 0 || errno != EINTR)
            {
              close (s.err_fd);
              s.err_fd = -1;
            }
          if (!take_stderr (self, &s, error))
            goto out;
        }
      if (s.out_fd >= 0 && fds[0].revents != 0)
        {
          ssize_t n = read (s.out_fd, buffer, sizeof buffer);

          if (n > 0 && memchr (buffer, '\0', n) != NULL && s.ready)
            {
              session_fail (&s, error, _("The server’s output is not what the setup script prints (a NUL byte); nothing of it was used"));
              goto out;
            }
          if (n > 0)
            g_string_append_len (out, buffer, n);
          else if (n == 0 || errno != EINTR)
            {
              close (s.out_fd);
              s.out_fd = -1;
            }
          if (!take_lines (self, &s, script, report, error))
            goto out;
        }
    }

  if (s.in_fd >= 0)
    close (s.in_fd);
  s.in_fd = -1;
  while (waitpid (s.pid, &status, 0) < 0 && errno == EINTR)
    ;
  s.pid = 0;

  if (out->len > 0 && report->begun)
    {
      g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                           _("The server’s output is not what the setup script prints (an unfinished line); nothing of it was used"));
      goto out;
    }
  if (!report->ended)
    {
      g_autofree char *last = last_error_line (err);

      if (!s.ready)
        g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                     _("Could not run the setup on the server (ssh or sudo failed: %s)"),
                     *last != '\0' ? last : _("no message"));
      else
        g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                     _("The setup script on the server stopped before its end (%s)"),
                     *last != '\0' ? last : _("no message"));
      goto out;
    }
  ok = TRUE;

out:
  if (s.pid > 0 || s.in_fd >= 0 || s.out_fd >= 0 || s.err_fd >= 0)
    session_end (&s, TRUE);
  g_cancellable_release_fd (cancellable);
  temp_files_clear (&files);
  {
    g_autofree char *clean = sanitize (err->str);
    g_autoptr(GString) kept = g_string_new (NULL);
    g_auto(GStrv) lines = g_strsplit (clean, "\n", -1);

    /* The prompt token is ours, not the server's words. */
    for (guint i = 0; lines[i] != NULL; i++)
      {
        const char *line = lines[i];

        while (g_str_has_prefix (line, SUDO_PROMPT))
          line += strlen (SUDO_PROMPT);
        if (*line != '\0')
          g_string_append_printf (kept, "%s\n", line);
      }
    g_free (self->server_messages);
    self->server_messages = g_string_free (g_steal_pointer (&kept), FALSE);
  }
  return ok ? g_steal_pointer (&report) : NULL;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;
  MidwayServerReport *report = run_session (source_object, cancellable, &error);

  if (report != NULL)
    g_task_return_pointer (task, report, (GDestroyNotify) midway_server_report_free);
  else
    g_task_return_error (task, error);
}

void
midway_server_setup_run_async (MidwayServerSetup  *self,
                               GCancellable       *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (MIDWAY_IS_SERVER_SETUP (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_server_setup_run_async);
  g_task_run_in_thread (task, run_thread);
}

MidwayServerReport *
midway_server_setup_run_finish (MidwayServerSetup *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
