/* midway-helper-runtime-dir.c
 *
 * Each tunnel has its own directory under the helper's runtime directory,
 * for what ssh is told to read: the server's host key, and while it
 * authenticates, the private key and the askpass secret.  The directory
 * is root's and is reached only through its descriptor once open.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-helper-runtime-dir.h"
#include "midway-helper-secure-memory.h"

struct _MidwayHelperRuntimeDir
{
  GObject parent_instance;

  char   *path;
  int     dir_fd;
  uid_t   uid;
  gid_t   gid;
};

G_DEFINE_FINAL_TYPE (MidwayHelperRuntimeDir, midway_helper_runtime_dir, G_TYPE_OBJECT)

/* g_clear_fd() is newer than GLib 2.74. */
static void
close_fd (int *fd)
{
  int old = g_steal_fd (fd);

  if (old >= 0)
    close (old);
}

gboolean
midway_helper_runtime_dir_create (MidwayHelperRuntimeDir *self,
                                  GError                **error)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self), FALSE);
  g_return_val_if_fail (self->dir_fd < 0, FALSE);

  /* 0711: the user's ssh may open the files it is told about, but cannot
   * list, add or replace anything. */
  if (mkdir (self->path, 0711) != 0)
    {
      int saved = errno;
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not create %s: %s", self->path, g_strerror (saved));
      return FALSE;
    }
  self->dir_fd = open (self->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (self->dir_fd < 0)
    {
      int saved = errno;
      g_rmdir (self->path);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not open %s: %s", self->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Written with openat() into a root-owned directory the user cannot write
 * to, O_EXCL and O_NOFOLLOW: nothing can be planted in their place. */
gboolean
midway_helper_runtime_dir_write_file (MidwayHelperRuntimeDir *self,
                                      const char             *name,
                                      const void             *data,
                                      gsize                   size,
                                      gboolean                owned_by_user,
                                      GError                **error)
{
  const char *p = data;
  gsize left = size;
  int fd;

  g_return_val_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self), FALSE);

  unlinkat (self->dir_fd, name, 0);
  fd = openat (self->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
               owned_by_user ? 0400 : 0644);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not create %s/%s: %s", self->path, name, g_strerror (saved));
      return FALSE;
    }

  if (owned_by_user &&
      fchown (fd, self->uid, self->gid) != 0)
    {
      int saved = errno;
      close (fd);
      unlinkat (self->dir_fd, name, 0);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   "Could not hand %s to its user: %s", name, g_strerror (saved));
      return FALSE;
    }

  while (left > 0)
    {
      ssize_t n = write (fd, p, left);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          close (fd);
          unlinkat (self->dir_fd, name, 0);
          g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                       "Could not write %s: %s", name, g_strerror (saved));
          return FALSE;
        }
      p += n;
      left -= n;
    }
  close (fd);
  return TRUE;
}

/* The key and the askpass secret exist only while ssh authenticates. */
void
midway_helper_runtime_dir_remove_secrets (MidwayHelperRuntimeDir *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self));

  if (self->dir_fd < 0)
    return;
  unlinkat (self->dir_fd, MIDWAY_HELPER_IDENTITY_FILE, 0);
  unlinkat (self->dir_fd, MIDWAY_HELPER_ASKPASS_FILE, 0);
}

gboolean
midway_helper_runtime_dir_write_secrets (MidwayHelperRuntimeDir    *self,
                                         const MidwayHelperSecrets *secrets,
                                         GError                   **error)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self), FALSE);
  g_return_val_if_fail (secrets != NULL, FALSE);

  if (secrets->private_key != NULL)
    {
      gsize size;
      const void *data = g_bytes_get_data (secrets->private_key, &size);
      gboolean newline = size > 0 && ((const char *) data)[size - 1] == '\n';
      char *key = midway_helper_secure_alloc (size + 1);
      gboolean written;

      /* ssh refuses a PEM key without its final newline. */
      memcpy (key, data, size);
      if (!newline)
        key[size] = '\n';
      written = midway_helper_runtime_dir_write_file (self, MIDWAY_HELPER_IDENTITY_FILE, key,
                                                      newline ? size : size + 1, TRUE, error);
      midway_helper_secure_free (key);
      if (!written)
        return FALSE;
    }

  if (secrets->askpass_secret != NULL &&
      !midway_helper_runtime_dir_write_file (self, MIDWAY_HELPER_ASKPASS_FILE, secrets->askpass_secret,
                                             strlen (secrets->askpass_secret), TRUE, error))
    return FALSE;

  return TRUE;
}

void
midway_helper_runtime_dir_remove (MidwayHelperRuntimeDir *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self));

  if (self->dir_fd < 0)
    return;
  midway_helper_runtime_dir_remove_secrets (self);
  unlinkat (self->dir_fd, MIDWAY_HELPER_KNOWN_HOSTS_FILE, 0);
  close_fd (&self->dir_fd);
  g_rmdir (self->path);
}

const char *
midway_helper_runtime_dir_get_path (MidwayHelperRuntimeDir *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_RUNTIME_DIR (self), NULL);
  return self->path;
}

/* GObject ------------------------------------------------------------------- */

static void
midway_helper_runtime_dir_dispose (GObject *object)
{
  midway_helper_runtime_dir_remove (MIDWAY_HELPER_RUNTIME_DIR (object));
  G_OBJECT_CLASS (midway_helper_runtime_dir_parent_class)->dispose (object);
}

static void
midway_helper_runtime_dir_finalize (GObject *object)
{
  MidwayHelperRuntimeDir *self = MIDWAY_HELPER_RUNTIME_DIR (object);

  g_free (self->path);
  G_OBJECT_CLASS (midway_helper_runtime_dir_parent_class)->finalize (object);
}

static void
midway_helper_runtime_dir_class_init (MidwayHelperRuntimeDirClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_runtime_dir_dispose;
  object_class->finalize = midway_helper_runtime_dir_finalize;
}

static void
midway_helper_runtime_dir_init (MidwayHelperRuntimeDir *self)
{
  self->dir_fd = -1;
}

MidwayHelperRuntimeDir *
midway_helper_runtime_dir_new (const char *path,
                               uid_t       uid,
                               gid_t       gid)
{
  MidwayHelperRuntimeDir *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_RUNTIME_DIR, NULL);
  self->path = g_strdup (path);
  self->uid = uid;
  self->gid = gid;
  return self;
}
