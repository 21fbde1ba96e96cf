/* midway-helper-log.c
 *
 * Children can print without end and print anything; the log keeps the last
 * lines only, each cut to a fixed length, so a chatty or hostile ssh cannot
 * grow the helper's memory.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-helper-log.h"
#include "midway-text.h"

struct _MidwayHelperLog
{
  GObject parent_instance;

  GQueue  lines;
  guint   max_lines;
  gsize   max_line_length;
};

G_DEFINE_FINAL_TYPE (MidwayHelperLog, midway_helper_log, G_TYPE_OBJECT)

static void
midway_helper_log_finalize (GObject *object)
{
  MidwayHelperLog *self = MIDWAY_HELPER_LOG (object);

  g_queue_clear_full (&self->lines, g_free);

  G_OBJECT_CLASS (midway_helper_log_parent_class)->finalize (object);
}

static void
midway_helper_log_class_init (MidwayHelperLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = midway_helper_log_finalize;
}

static void
midway_helper_log_init (MidwayHelperLog *self)
{
  g_queue_init (&self->lines);
}

MidwayHelperLog *
midway_helper_log_new (guint max_lines,
                       gsize max_line_length)
{
  MidwayHelperLog *self;

  g_return_val_if_fail (max_lines > 0, NULL);
  g_return_val_if_fail (max_line_length >= 16, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_LOG, NULL);
  self->max_lines = max_lines;
  self->max_line_length = max_line_length;
  return self;
}

void
midway_helper_log_append (MidwayHelperLog *self,
                          const char      *source,
                          const char      *text)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = NULL;
  g_autofree char *clean = NULL;

  g_return_if_fail (MIDWAY_IS_HELPER_LOG (self));
  g_return_if_fail (source != NULL);
  g_return_if_fail (text != NULL);

  stamp = g_date_time_format (now, "%H:%M:%S");
  clean = midway_text_sanitize_line (text, self->max_line_length);
  g_queue_push_tail (&self->lines, g_strdup_printf ("%s %s: %s", stamp, source, clean));

  while (self->lines.length > self->max_lines)
    g_free (g_queue_pop_head (&self->lines));
}

void
midway_helper_log_appendf (MidwayHelperLog *self,
                           const char      *source,
                           const char      *format,
                           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  midway_helper_log_append (self, source, text);
}

GStrv
midway_helper_log_get_lines (MidwayHelperLog *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (MIDWAY_IS_HELPER_LOG (self), NULL);

  for (GList *l = self->lines.head; l != NULL; l = l->next)
    g_strv_builder_add (builder, l->data);

  return g_strv_builder_end (builder);
}

guint
midway_helper_log_get_length (MidwayHelperLog *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_LOG (self), 0);

  return self->lines.length;
}
