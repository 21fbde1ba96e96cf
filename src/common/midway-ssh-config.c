/* midway-ssh-config.c: the concrete hosts of an OpenSSH client
 * configuration, as profiles to import.
 *
 * The files are read once into a tree of the few lines that matter (Host,
 * Match, Include and the four options we take), then each alias is
 * evaluated against that tree the way ssh's readconf.c does for the host
 * name given on its command line: a Host line switches the following
 * options on or off, the first value obtained for an option wins, and an
 * included file starts in (and leaves behind) the includer's state.  The
 * tokenising (midway-ssh-syntax.c) is a port of ssh's own, so quoting and
 * "Key=value" read as they do in ssh.
 *
 * Anything ssh would reject is skipped with a warning rather than guessed
 * at; ssh itself refuses such a file, so no working setup is lost.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-ssh-config.h"
#include "midway-ssh-syntax.h"

/* A real ~/.ssh/config is a few KiB; these only keep a hostile one (or a
 * FIFO, or /dev/zero behind a symlink) from costing memory or time. */
#define FILE_MAX_SIZE (256 * 1024)
#define LINE_MAX_BYTES 8192
#define FILES_MAX 64
#define ENTRIES_MAX 512
#define WARNINGS_MAX 50
/* ssh's READCONF_MAX_DEPTH: one more and ssh gives up. */
#define INCLUDE_MAX_DEPTH 16

#define WHITESPACE " \t\r\n"

typedef enum
{
  ITEM_HOST,
  ITEM_MATCH,           /* also stands in for a Host line we could not read */
  ITEM_INCLUDE,
  ITEM_HOSTNAME,
  ITEM_PORT,
  ITEM_USER,
  ITEM_IDENTITY_FILE,
} ItemKind;

typedef struct
{
  ItemKind   kind;
  GStrv      args;      /* Host: its patterns; options: their one value */
  GPtrArray *files;     /* Include: one GPtrArray of Item per file read */
  char      *where;     /* "FILE:LINE", for Host lines */
} Item;

typedef struct
{
  char          *alias;     /* for display */
  MidwayProfile *profile;
  GError        *error;
} Entry;

typedef struct
{
  dev_t dev;
  ino_t ino;
} FileId;

struct _MidwaySshConfig
{
  GObject    parent_instance;

  char      *home_dir;
  GPtrArray *root;        /* Item */
  GPtrArray *entries;     /* Entry */
  GPtrArray *warnings;    /* char *, NULL-terminated */

  /* While loading. */
  GArray *reading;        /* FileId of the files being read, outermost first */
  guint   n_files;
};

G_DEFINE_FINAL_TYPE (MidwaySshConfig, midway_ssh_config, G_TYPE_OBJECT)

static void
item_free (gpointer data)
{
  Item *item = data;

  g_strfreev (item->args);
  g_clear_pointer (&item->files, g_ptr_array_unref);
  g_free (item->where);
  g_free (item);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->alias);
  g_clear_object (&entry->profile);
  g_clear_error (&entry->error);
  g_free (entry);
}

static void warn (MidwaySshConfig *self,
                  const char      *path,
                  guint            line,
                  const char      *format,
                  ...) G_GNUC_PRINTF (4, 5);

static void
warn (MidwaySshConfig *self,
      const char      *path,
      guint            line,
      const char      *format,
      ...)
{
  g_autofree char *message = NULL;
  g_autofree char *display_path = g_filename_display_name (path);
  va_list args;

  /* The last slot holds the NULL terminator; the last message says that
   * there were more. */
  if (self->warnings->len - 1 >= WARNINGS_MAX)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_remove_index (self->warnings, self->warnings->len - 1);
  if (self->warnings->len == WARNINGS_MAX - 1)
    g_ptr_array_add (self->warnings, g_strdup (_("More problems were not listed")));
  else if (line > 0)
    g_ptr_array_add (self->warnings, g_strdup_printf ("%s:%u: %s", display_path, line, message));
  else
    g_ptr_array_add (self->warnings, g_strdup_printf ("%s: %s", display_path, message));
  g_ptr_array_add (self->warnings, NULL);
}

/* ---- Reading ------------------------------------------------------------ */

static gboolean
read_bounded (const char *path,
              char      **data,
              gsize      *length,
              FileId     *id,
              gboolean   *writable_by_others,
              GError    **error)
{
  g_autofree char *buffer = NULL;
  g_autofree char *display_path = g_filename_display_name (path);
  struct stat st;
  gsize n = 0;
  int fd;

  /* O_NONBLOCK: opening a FIFO must not hang the dialog. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("Cannot read %s: %s"), display_path, g_strerror (saved_errno));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("Cannot read %s: not a regular file"), display_path);
      return FALSE;
    }
  if (st.st_size > FILE_MAX_SIZE)
    {
      close (fd);
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                   _("Cannot read %s: larger than %u KiB"), display_path, FILE_MAX_SIZE / 1024);
      return FALSE;
    }

  buffer = g_malloc (FILE_MAX_SIZE + 1);
  while (n <= FILE_MAX_SIZE)
    {
      gssize r = read (fd, buffer + n, FILE_MAX_SIZE + 1 - n);

      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                       _("Cannot read %s: %s"), display_path, g_strerror (saved_errno));
          return FALSE;
        }
      if (r == 0)
        break;
      n += (gsize) r;
    }
  close (fd);
  /* It grew after the fstat(). */
  if (n > FILE_MAX_SIZE)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                   _("Cannot read %s: larger than %u KiB"), display_path, FILE_MAX_SIZE / 1024);
      return FALSE;
    }

  id->dev = st.st_dev;
  id->ino = st.st_ino;
  /* ssh refuses such a file outright ("Bad owner or permissions"). */
  *writable_by_others = (st.st_uid != 0 && st.st_uid != getuid ()) || (st.st_mode & 022) != 0;
  *data = g_steal_pointer (&buffer);
  *length = n;
  return TRUE;
}

static GPtrArray *parse_data (MidwaySshConfig *self,
                              const char      *path,
                              const char      *data,
                              gsize            length,
                              guint            depth);

static GPtrArray *
read_include (MidwaySshConfig *self,
              const char      *path,
              const char      *from,
              guint            from_line,
              guint            depth)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *display_path = g_filename_display_name (path);
  gboolean writable = FALSE;
  FileId id;
  GPtrArray *items;
  gsize length;

  if (depth > INCLUDE_MAX_DEPTH)
    {
      warn (self, from, from_line, _("includes nested more than %u deep; “%s” skipped"),
            INCLUDE_MAX_DEPTH, display_path);
      return NULL;
    }
  if (self->n_files >= FILES_MAX)
    {
      warn (self, from, from_line, _("more than %u files included; “%s” skipped"),
            FILES_MAX, display_path);
      return NULL;
    }
  self->n_files++;

  if (!read_bounded (path, &data, &length, &id, &writable, &error))
    {
      warn (self, from, from_line, "%s", error->message);
      return NULL;
    }
  if (writable)
    {
      warn (self, from, from_line, _("“%s” is writable by others and ssh would refuse it; skipped"),
            display_path);
      return NULL;
    }
  for (guint i = 0; i < self->reading->len; i++)
    {
      FileId *outer = &g_array_index (self->reading, FileId, i);

      if (outer->dev == id.dev && outer->ino == id.ino)
        {
          warn (self, from, from_line, _("“%s” includes itself; skipped"), display_path);
          return NULL;
        }
    }

  g_array_append_val (self->reading, id);
  items = parse_data (self, path, data, length, depth);
  g_array_set_size (self->reading, self->reading->len - 1);
  return items;
}

static Item *
parse_include (MidwaySshConfig *self,
               GStrv            args,
               const char      *path,
               guint            line,
               guint            depth)
{
  Item *item = g_new0 (Item, 1);

  item->kind = ITEM_INCLUDE;
  item->files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);

  for (guint i = 0; args[i] != NULL; i++)
    {
      g_autofree char *pattern = NULL;
      glob_t matches;
      int r;

      /* As ssh reads a user's configuration: relative to ~/.ssh. */
      if (args[i][0] == '/')
        pattern = g_strdup (args[i]);
      else if (g_str_has_prefix (args[i], "~/"))
        pattern = g_build_filename (self->home_dir, args[i] + 2, NULL);
      else if (args[i][0] == '~')
        {
          warn (self, path, line, _("Include of another user’s files is not supported; skipped"));
          continue;
        }
      else
        pattern = g_build_filename (self->home_dir, ".ssh", args[i], NULL);

      memset (&matches, 0, sizeof matches);
      r = glob (pattern, 0, NULL, &matches);
      if (r == 0)
        {
          for (gsize k = 0; k < matches.gl_pathc; k++)
            {
              GPtrArray *items = read_include (self, matches.gl_pathv[k], path, line, depth + 1);

              if (items != NULL)
                g_ptr_array_add (item->files, items);
            }
        }
      else if (r != GLOB_NOMATCH)
        warn (self, path, line, _("Include pattern could not be read; skipped"));
      globfree (&matches);
    }
  return item;
}

/* One line, already NUL-terminated and without its newline. */
static Item *
parse_line (MidwaySshConfig *self,
            char            *line,
            const char      *path,
            guint            line_number,
            guint            depth)
{
  static const struct
  {
    const char *keyword;
    ItemKind    kind;
  } options[] = {
    { "hostname", ITEM_HOSTNAME },
    { "port", ITEM_PORT },
    { "user", ITEM_USER },
    { "identityfile", ITEM_IDENTITY_FILE },
  };
  g_auto(GStrv) args = NULL;
  char *str = line;
  char *keyword;
  gsize length = strlen (line);
  gboolean block = midway_ssh_starts_block (line, length);
  Item *item;

  /* Trailing whitespace, form feed included, as ssh strips it. */
  while (length > 1 && strchr (WHITESPACE "\f", line[length - 1]) != NULL)
    line[--length] = '\0';
  if (length == 0)
    return NULL;

  keyword = midway_ssh_strdelim (&str);
  if (keyword != NULL && *keyword == '\0')
    keyword = midway_ssh_strdelim (&str);
  if (keyword == NULL)
    {
      warn (self, path, line_number, _("unmatched quote; line skipped"));
      goto skipped;
    }
  if (*keyword == '\0' || *keyword == '#')
    return NULL;

  if (str != NULL)
    str += strspn (str, WHITESPACE);
  if (str == NULL || *str == '\0')
    {
      g_autofree char *shown = midway_ssh_display_text (keyword);

      warn (self, path, line_number, _("no value after “%s”; line skipped"), shown);
      goto skipped;
    }
  args = midway_ssh_argv_split (str);
  if (args == NULL)
    {
      warn (self, path, line_number, _("unmatched quote; line skipped"));
      goto skipped;
    }
  /* Only a comment after the keyword: for Host that is a block that
   * matches nothing, as in ssh. */
  if (args[0] == NULL)
    goto skipped;

  if (g_ascii_strcasecmp (keyword, "host") == 0)
    {
      for (guint i = 0; args[i] != NULL; i++)
        if (args[i][0] == '\0')
          {
            warn (self, path, line_number, _("empty host pattern; block skipped"));
            goto skipped;
          }
      item = g_new0 (Item, 1);
      item->kind = ITEM_HOST;
      item->args = g_steal_pointer (&args);
      item->where = g_strdup_printf ("%s:%u", path, line_number);
      return item;
    }
  if (g_ascii_strcasecmp (keyword, "match") == 0)
    {
      item = g_new0 (Item, 1);
      item->kind = ITEM_MATCH;
      return item;
    }
  if (g_ascii_strcasecmp (keyword, "include") == 0)
    return parse_include (self, args, path, line_number, depth);

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    {
      if (g_ascii_strcasecmp (keyword, options[i].keyword) != 0)
        continue;
      if (args[1] != NULL || args[0][0] == '\0')
        {
          warn (self, path, line_number, _("“%s” takes one value; line skipped"), options[i].keyword);
          return NULL;
        }
      if (options[i].kind == ITEM_PORT)
        {
          char *port = midway_ssh_parse_port (args[0]);

          if (port == NULL)
            {
              warn (self, path, line_number, _("bad port number; line skipped"));
              return NULL;
            }
          g_free (args[0]);
          args[0] = port;
        }
      item = g_new0 (Item, 1);
      item->kind = options[i].kind;
      item->args = g_steal_pointer (&args);
      return item;
    }

  /* Everything else (ProxyCommand included) is not ours to import. */
  return NULL;

skipped:
  if (!block)
    return NULL;
  item = g_new0 (Item, 1);
  item->kind = ITEM_MATCH;
  return item;
}

static GPtrArray *
parse_data (MidwaySshConfig *self,
            const char      *path,
            const char      *data,
            gsize            length,
            guint            depth)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (item_free);
  const char *end = data + length;
  guint line_number = 0;

  for (const char *start = data; start < end;)
    {
      const char *newline = memchr (start, '\n', (gsize) (end - start));
      gsize line_length = (gsize) ((newline != NULL ? newline : end) - start);
      const char *next = newline != NULL ? newline + 1 : end;
      Item *item = NULL;

      line_number++;
      if (line_length > LINE_MAX_BYTES)
        {
          warn (self, path, line_number, _("longer than %u bytes; line skipped"), LINE_MAX_BYTES);
          if (midway_ssh_starts_block (start, line_length))
            {
              item = g_new0 (Item, 1);
              item->kind = ITEM_MATCH;
            }
        }
      else if (memchr (start, '\0', line_length) != NULL)
        {
          warn (self, path, line_number, _("contains a NUL byte; line skipped"));
          if (midway_ssh_starts_block (start, line_length))
            {
              item = g_new0 (Item, 1);
              item->kind = ITEM_MATCH;
            }
        }
      else
        {
          g_autofree char *line = g_strndup (start, line_length);

          item = parse_line (self, line, path, line_number, depth);
        }
      if (item != NULL)
        g_ptr_array_add (items, item);
      start = next;
    }
  return items;
}

/* ---- Evaluation --------------------------------------------------------- */

static gboolean
is_concrete (const char *pattern)
{
  return strpbrk (pattern, "*?!") == NULL;
}

typedef struct
{
  const char *alias;
  const char *hostname;
  const char *port;
  const char *user;
  const char *identity_file;
  gboolean    named;          /* a Host line naming the alias applied */
} Settings;

static void
apply_items (GPtrArray *items,
             gboolean   never_match,
             gboolean  *active,
             Settings  *settings)
{
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = items->pdata[i];
      const char **slot = NULL;

      switch (item->kind)
        {
        case ITEM_HOST:
          {
            gboolean named = FALSE;

            /* As readconf.c: any positive match switches the block on,
             * any negated one off for good. */
            *active = FALSE;
            if (never_match)
              break;
            for (guint k = 0; item->args[k] != NULL; k++)
              {
                const char *pattern = item->args[k];
                gboolean negated = pattern[0] == '!';

                if (!midway_ssh_match_pattern (settings->alias, negated ? pattern + 1 : pattern))
                  continue;
                if (negated)
                  {
                    *active = FALSE;
                    named = FALSE;
                    break;
                  }
                *active = TRUE;
                named = named || strcmp (pattern, settings->alias) == 0;
              }
            settings->named = settings->named || named;
          }
          break;

        case ITEM_MATCH:
          *active = FALSE;
          break;

        case ITEM_INCLUDE:
          {
            gboolean outer = *active;

            for (guint k = 0; k < item->files->len; k++)
              {
                apply_items (item->files->pdata[k], never_match || !outer, active, settings);
                *active = outer;
              }
          }
          break;

        case ITEM_HOSTNAME:
          slot = &settings->hostname;
          break;
        case ITEM_PORT:
          slot = &settings->port;
          break;
        case ITEM_USER:
          slot = &settings->user;
          break;
        case ITEM_IDENTITY_FILE:
          /* Later IdentityFile lines add keys ssh tries after the first;
           * a profile holds one. */
          if (g_ascii_strcasecmp (item->args[0], "none") != 0)
            slot = &settings->identity_file;
          break;
        default:
          g_assert_not_reached ();
        }

      if (slot != NULL && *active && *slot == NULL)
        *slot = item->args[0];
    }
}

static void
collect_aliases (GPtrArray  *items,
                 GPtrArray  *aliases,
                 GPtrArray  *wheres,
                 GHashTable *seen)
{
  for (guint i = 0; i < items->len; i++)
    {
      Item *item = items->pdata[i];

      if (item->kind == ITEM_INCLUDE)
        for (guint k = 0; k < item->files->len; k++)
          collect_aliases (item->files->pdata[k], aliases, wheres, seen);
      if (item->kind != ITEM_HOST)
        continue;
      for (guint k = 0; item->args[k] != NULL; k++)
        if (is_concrete (item->args[k]) && g_hash_table_add (seen, item->args[k]))
          {
            g_ptr_array_add (aliases, item->args[k]);
            g_ptr_array_add (wheres, item->where);
          }
    }
}

static MidwayProfile *
build_profile (MidwaySshConfig *self,
               Settings        *settings,
               GError         **error)
{
  g_autoptr(MidwayProfile) profile = midway_profile_new ();
  g_autofree char *expanded = NULL;
  g_autofree char *host = NULL;
  const char *local_user = g_get_user_name ();

  if (!midway_profile_set_from_string (profile, MIDWAY_FIELD_NAME, settings->alias, error))
    return NULL;

  if (settings->hostname != NULL)
    {
      const char * const tokens[] = { "h", settings->alias, NULL };

      expanded = midway_ssh_expand_tokens (settings->hostname, tokens);
    }
  /* ssh connects to the lower-cased name, whatever the alias's case. */
  host = g_ascii_strdown (expanded != NULL ? expanded : settings->alias, -1);
  if (!midway_profile_set_from_string (profile, MIDWAY_FIELD_HOST, host, error))
    return NULL;

  if (settings->port != NULL &&
      !midway_profile_set_from_string (profile, MIDWAY_FIELD_PORT, settings->port, error))
    return NULL;
  if (settings->user != NULL &&
      !midway_profile_set_from_string (profile, MIDWAY_FIELD_USER, settings->user, error))
    return NULL;

  if (settings->identity_file != NULL)
    {
      g_autofree char *tilde = NULL;
      g_autofree char *key_file = NULL;
      g_autofree char *uid = g_strdup_printf ("%u", (guint) getuid ());
      const char * const tokens[] = {
        "d", self->home_dir,
        "u", local_user,
        "h", host,
        "r", settings->user != NULL ? settings->user : local_user,
        "n", settings->alias,
        "p", settings->port != NULL ? settings->port : "22",
        "i", uid,
        NULL
      };

      if (strcmp (settings->identity_file, "~") == 0)
        tilde = g_strdup (self->home_dir);
      else if (g_str_has_prefix (settings->identity_file, "~/"))
        tilde = g_build_filename (self->home_dir, settings->identity_file + 2, NULL);
      else
        tilde = g_strdup (settings->identity_file);
      key_file = midway_ssh_expand_tokens (tilde, tokens);

      if (!midway_profile_set_from_string (profile, MIDWAY_FIELD_AUTH, "key-file", error) ||
          !midway_profile_set_from_string (profile, MIDWAY_FIELD_KEY_FILE, key_file, error))
        return NULL;
    }

  if (!midway_profile_validate (profile, error))
    return NULL;
  return g_steal_pointer (&profile);
}

static void
evaluate (MidwaySshConfig *self)
{
  g_autoptr(GPtrArray) aliases = g_ptr_array_new ();
  g_autoptr(GPtrArray) wheres = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  collect_aliases (self->root, aliases, wheres, seen);
  for (guint i = 0; i < aliases->len; i++)
    {
      Settings settings = { .alias = aliases->pdata[i] };
      g_autofree char *shown = midway_ssh_display_text (settings.alias);
      gboolean active = TRUE;
      Entry *entry;

      if (self->entries->len == ENTRIES_MAX)
        {
          warn (self, wheres->pdata[i], 0, _("more than %u hosts; the rest were skipped"), ENTRIES_MAX);
          break;
        }

      apply_items (self->root, FALSE, &active, &settings);
      if (!settings.named)
        {
          /* Negated in its own Host line, or in a file included from a
           * block for other hosts: ssh never applies that block to it. */
          warn (self, wheres->pdata[i], 0, _("ssh never uses the block for “%s”; skipped"), shown);
          continue;
        }

      entry = g_new0 (Entry, 1);
      entry->alias = g_steal_pointer (&shown);
      entry->profile = build_profile (self, &settings, &entry->error);
      g_ptr_array_add (self->entries, entry);
    }
}

static void
reset (MidwaySshConfig *self)
{
  g_clear_pointer (&self->root, g_ptr_array_unref);
  g_ptr_array_set_size (self->entries, 0);
  g_ptr_array_set_size (self->warnings, 0);
  g_ptr_array_add (self->warnings, NULL);
  g_array_set_size (self->reading, 0);
  self->n_files = 0;
}

gboolean
midway_ssh_config_load_file (MidwaySshConfig *self,
                             const char      *path,
                             GError         **error)
{
  g_autofree char *data = NULL;
  gboolean writable = FALSE;
  FileId id;
  gsize length;

  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reset (self);
  if (!read_bounded (path, &data, &length, &id, &writable, error))
    return FALSE;
  if (writable)
    {
      g_autofree char *display_path = g_filename_display_name (path);

      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
                   _("%s is writable by others and ssh would refuse it"), display_path);
      return FALSE;
    }

  self->n_files = 1;
  g_array_append_val (self->reading, id);
  self->root = parse_data (self, path, data, length, 0);
  g_array_set_size (self->reading, 0);
  evaluate (self);
  return TRUE;
}

gboolean
midway_ssh_config_load_data (MidwaySshConfig *self,
                             const char      *data,
                             gsize            length,
                             GError         **error)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  reset (self);
  if (length > FILE_MAX_SIZE)
    {
      g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED,
                   _("The SSH configuration is larger than %u KiB"), FILE_MAX_SIZE / 1024);
      return FALSE;
    }
  self->root = parse_data (self, "ssh_config", data != NULL ? data : "", length, 0);
  evaluate (self);
  return TRUE;
}

guint
midway_ssh_config_get_n_entries (MidwaySshConfig *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), 0);

  return self->entries->len;
}

const char *
midway_ssh_config_get_alias (MidwaySshConfig *self,
                             guint            index)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return ((Entry *) self->entries->pdata[index])->alias;
}

MidwayProfile *
midway_ssh_config_dup_profile (MidwaySshConfig *self,
                               guint            index,
                               GError         **error)
{
  Entry *entry;

  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entry = self->entries->pdata[index];
  if (entry->profile == NULL)
    {
      g_propagate_error (error, g_error_copy (entry->error));
      return NULL;
    }
  return g_object_ref (entry->profile);
}

const char *const *
midway_ssh_config_get_warnings (MidwaySshConfig *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_CONFIG (self), NULL);

  return (const char * const *) self->warnings->pdata;
}

static void
midway_ssh_config_finalize (GObject *object)
{
  MidwaySshConfig *self = MIDWAY_SSH_CONFIG (object);

  g_free (self->home_dir);
  g_clear_pointer (&self->root, g_ptr_array_unref);
  g_ptr_array_unref (self->entries);
  g_ptr_array_unref (self->warnings);
  g_array_unref (self->reading);

  G_OBJECT_CLASS (midway_ssh_config_parent_class)->finalize (object);
}

static void
midway_ssh_config_class_init (MidwaySshConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = midway_ssh_config_finalize;
}

static void
midway_ssh_config_init (MidwaySshConfig *self)
{
  self->entries = g_ptr_array_new_with_free_func (entry_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
  self->reading = g_array_new (FALSE, FALSE, sizeof (FileId));
}

MidwaySshConfig *
midway_ssh_config_new (const char *home_dir)
{
  MidwaySshConfig *self = g_object_new (MIDWAY_TYPE_SSH_CONFIG, NULL);

  self->home_dir = g_strdup (home_dir != NULL ? home_dir : g_get_home_dir ());
  return self;
}
