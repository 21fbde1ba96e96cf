/* midway-host-key-fetcher.c: the server's host key, through ssh-keyscan.
 *
 * ssh-keyscan does the SSH key exchange and prints what the server
 * offered; every line of it is parsed as hostile input (the network chose
 * those bytes) by midway_host_key_parse_keyscan_line(), and a line that is
 * not exactly a key for the server we asked refuses the whole answer.
 * What it prints on stderr tells a server that answered ("# host:port
 * SSH-2.0-…" comments) from one that did not.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "midway-error.h"
#include "midway-host-key.h"
#include "midway-host-key-fetcher.h"

#define SSH_KEYSCAN_PATH "/usr/bin/ssh-keyscan"
#define DEFAULT_TIMEOUT_S 10
/* A few keys of at most ~9 KiB each; more is not ssh-keyscan talking. */
#define MAX_OUTPUT_SIZE (64 * 1024)

struct _MidwayHostKeyFetcher
{
  GObject parent_instance;

  guint   timeout_s;
};

typedef struct
{
  GSubprocess *process;
  char        *host;
  char        *known_hosts_name;
  guint        port;
  guint        timeout_s;
  gint64       started;  /* monotonic µs */
} FetchData;

G_DEFINE_FINAL_TYPE (MidwayHostKeyFetcher, midway_host_key_fetcher, G_TYPE_OBJECT)

static void
fetch_data_free (FetchData *data)
{
  g_clear_object (&data->process);
  g_free (data->host);
  g_free (data->known_hosts_name);
  g_free (data);
}

guint
midway_host_key_fetcher_get_timeout (MidwayHostKeyFetcher *self)
{
  g_return_val_if_fail (MIDWAY_IS_HOST_KEY_FETCHER (self), 0);

  return self->timeout_s;
}

void
midway_host_key_fetcher_set_timeout (MidwayHostKeyFetcher *self,
                                     guint                 seconds)
{
  g_return_if_fail (MIDWAY_IS_HOST_KEY_FETCHER (self));
  g_return_if_fail (seconds > 0 && seconds <= 300);

  self->timeout_s = seconds;
}

/* ssh-keyscan's last complaint, if any, for the error message: printable
 * ASCII only, one line, short. */
static char *
last_complaint (GBytes   *err,
                gboolean *server_answered)
{
  gsize size = 0;
  const char *data = err != NULL ? g_bytes_get_data (err, &size) : NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *out;
  const char *last = NULL;

  *server_answered = FALSE;
  if (data == NULL || size == 0)
    return NULL;

  text = g_strndup (data, MIN (size, MAX_OUTPUT_SIZE));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '#')
        *server_answered = TRUE;
      else if (lines[i][0] != '\0')
        last = lines[i];
    }
  if (last == NULL)
    return NULL;

  out = g_string_new (NULL);
  for (const char *p = last; *p != '\0' && out->len < 160; p++)
    g_string_append_c (out, ((guchar) *p >= 0x20 && (guchar) *p < 0x7f) ? *p : '?');
  return g_string_free (out, FALSE);
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *best = NULL;
  g_autofree char *complaint = NULL;
  gboolean server_answered = FALSE;
  gint64 elapsed_us = g_get_monotonic_time () - data->started;
  const char *text;
  gsize size = 0;

  if (!g_subprocess_communicate_finish (G_SUBPROCESS (source), result, &out, &err, &error))
    {
      /* Cancelled: the scan must not outlive the question. */
      g_subprocess_force_exit (G_SUBPROCESS (source));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = out != NULL ? g_bytes_get_data (out, &size) : NULL;
  if (size > MAX_OUTPUT_SIZE)
    {
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                               _("ssh-keyscan printed more than a host key"));
      return;
    }

  for (gsize start = 0; start < size;)
    {
      const char *newline = memchr (text + start, '\n', size - start);
      gsize length = (newline != NULL ? (gsize) (newline - text) : size) - start;
      g_autofree char *name = NULL;
      g_autofree char *host_key = NULL;

      if (newline == NULL)
        {
          /* ssh-keyscan ends every line; a cut one is not to be trusted. */
          g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                                   _("ssh-keyscan’s output ended in the middle of a line"));
          return;
        }
      if (!midway_host_key_parse_keyscan_line (text + start, length, &name, &host_key, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      if (strcmp (name, data->known_hosts_name) != 0)
        {
          g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT,
                                   _("ssh-keyscan answered for another server than %s"),
                                   data->known_hosts_name);
          return;
        }
      if (best == NULL || midway_host_key_type_rank (host_key) < midway_host_key_type_rank (best))
        {
          g_free (best);
          best = g_steal_pointer (&host_key);
        }
      start += length + 1;
    }

  if (best != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&best), g_free);
      return;
    }

  complaint = last_complaint (err, &server_answered);
  if (elapsed_us >= (gint64) data->timeout_s * G_USEC_PER_SEC)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             /* Translators: a host name, a port and a number of seconds */
                             _("%s port %u did not answer within %u seconds"),
                             data->host, data->port, data->timeout_s);
  else if (server_answered)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("%s port %u answered but offered no Ed25519, ECDSA or RSA host key"),
                             data->host, data->port);
  else if (complaint != NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                             /* Translators: a host name, a port, and ssh-keyscan's message */
                             _("Cannot reach %s port %u: %s"), data->host, data->port, complaint);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                             _("Cannot reach %s port %u"), data->host, data->port);
}

static gboolean
check_field (MidwayProfile *profile,
             const char    *key,
             GError       **error)
{
  g_autoptr(GVariant) value = midway_profile_get_value (profile, key);

  return midway_field_spec_validate (midway_profile_lookup_field (key), value, error);
}

void
midway_host_key_fetcher_fetch_async (MidwayHostKeyFetcher *self,
                                     MidwayProfile        *profile,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *port = NULL;
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  FetchData *data;

  g_return_if_fail (MIDWAY_IS_HOST_KEY_FETCHER (self));
  g_return_if_fail (MIDWAY_IS_PROFILE (profile));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_host_key_fetcher_fetch_async);

  /* A profile being edited may hold anything; the host goes onto a
   * command line, so it must pass its rule here, whatever else is unset. */
  if (!check_field (profile, MIDWAY_FIELD_HOST, &error) ||
      !check_field (profile, MIDWAY_FIELD_PORT, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (FetchData, 1);
  data->host = g_strdup (midway_profile_get_host (profile));
  data->port = midway_profile_get_port (profile);
  data->known_hosts_name = midway_host_key_dup_known_hosts_name (data->host, data->port);
  data->timeout_s = self->timeout_s;
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  timeout = g_strdup_printf ("%u", data->timeout_s);
  port = g_strdup_printf ("%u", data->port);
  {
    const char * const argv[] = {
      SSH_KEYSCAN_PATH, "-T", timeout, "-p", port, "-t", "ed25519,ecdsa,rsa", "--", data->host, NULL
    };

    data->process = g_subprocess_newv (argv,
                                       G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                       G_SUBPROCESS_FLAGS_STDERR_PIPE,
                                       &error);
  }
  if (data->process == NULL)
    {
      g_task_return_new_error (task, MIDWAY_ERROR, MIDWAY_ERROR_SPAWN_FAILED,
                               _("Cannot run ssh-keyscan: %s"), error->message);
      return;
    }

  data->started = g_get_monotonic_time ();
  /* Nothing on its stdin: ssh-keyscan reads no host list from there. */
  g_subprocess_communicate_async (data->process, empty, cancellable, communicate_cb,
                                  g_steal_pointer (&task));
}

char *
midway_host_key_fetcher_fetch_finish (MidwayHostKeyFetcher *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
midway_host_key_fetcher_class_init (MidwayHostKeyFetcherClass *klass)
{
}

static void
midway_host_key_fetcher_init (MidwayHostKeyFetcher *self)
{
  self->timeout_s = DEFAULT_TIMEOUT_S;
}

MidwayHostKeyFetcher *
midway_host_key_fetcher_new (void)
{
  return g_object_new (MIDWAY_TYPE_HOST_KEY_FETCHER, NULL);
}
