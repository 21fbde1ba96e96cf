/* midway-autostart.c: the user's XDG autostart entry for midway.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "midway-autostart.h"

#define DESKTOP_GROUP G_KEY_FILE_DESKTOP_GROUP

struct _MidwayAutostart
{
  GObject parent_instance;

  char   *path;
};

G_DEFINE_FINAL_TYPE (MidwayAutostart, midway_autostart, G_TYPE_OBJECT)

const char *
midway_autostart_get_path (MidwayAutostart *self)
{
  g_return_val_if_fail (MIDWAY_IS_AUTOSTART (self), NULL);

  return self->path;
}

gboolean
midway_autostart_get_enabled (MidwayAutostart *self)
{
  g_return_val_if_fail (MIDWAY_IS_AUTOSTART (self), FALSE);

  return g_file_test (self->path, G_FILE_TEST_EXISTS);
}

static char *
build_entry (void)
{
  g_autoptr(GKeyFile) entry = g_key_file_new ();

  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE, G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, _("Midway"));
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         _("Connect to your networks over SSH"));
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, MIDWAY_APP_ID);
  /* By name, as the installed desktop file does: a path into a build or
   * an old prefix would outlive the program it names. */
  g_key_file_set_string (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, "midway --" MIDWAY_HIDDEN_OPTION);
  g_key_file_set_boolean (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  /* Not a second launcher in the menus: the installed one is that. */
  g_key_file_set_boolean (entry, DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);

  return g_key_file_to_data (entry, NULL, NULL);
}

static gboolean
write_entry (MidwayAutostart *self,
             GError         **error)
{
  g_autofree char *directory = g_path_get_dirname (self->path);
  g_autofree char *contents = build_entry ();
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: a directory, then why it could not be made. */
                   _("Could not create %s: %s"), directory, g_strerror (saved_errno));
      return FALSE;
    }

  if (!g_file_set_contents_full (self->path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0644, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code,
                   /* Translators: why midway could not be set to start at login. */
                   _("Could not turn on starting at login: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
remove_entry (MidwayAutostart *self,
              GError         **error)
{
  /* ENOTDIR: "autostart" is no directory, so the entry is not there. */
  if (g_unlink (self->path) != 0 && errno != ENOENT && errno != ENOTDIR)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: a file, then why it could not be removed. */
                   _("Could not turn off starting at login: cannot remove %s: %s"),
                   self->path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
midway_autostart_set_enabled (MidwayAutostart *self,
                              gboolean         enabled,
                              GError         **error)
{
  g_return_val_if_fail (MIDWAY_IS_AUTOSTART (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return enabled ? write_entry (self, error) : remove_entry (self, error);
}

static void
midway_autostart_finalize (GObject *object)
{
  MidwayAutostart *self = MIDWAY_AUTOSTART (object);

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (midway_autostart_parent_class)->finalize (object);
}

static void
midway_autostart_class_init (MidwayAutostartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = midway_autostart_finalize;
}

static void
midway_autostart_init (MidwayAutostart *self)
{
  self->path = g_build_filename (g_get_user_config_dir (), "autostart", MIDWAY_APP_ID ".desktop", NULL);
}

MidwayAutostart *
midway_autostart_new (void)
{
  return g_object_new (MIDWAY_TYPE_AUTOSTART, NULL);
}
