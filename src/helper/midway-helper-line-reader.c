/* midway-helper-line-reader.c
 *
 * GDataInputStream would buffer a line of any length; whatever the helper
 * reads (a child's output, the pppd plugin's reports) is cut at max_line
 * instead, and NUL bytes never reach a C string.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-helper-line-reader.h"

#define READ_CHUNK 4096

struct _MidwayHelperLineReader
{
  GObject       parent_instance;

  GInputStream *stream;
  GCancellable *cancellable;
  GString      *partial;
  gsize         max_line;
  gboolean      started;
  gboolean      eof;
};

enum
{
  SIGNAL_LINE,
  SIGNAL_EOF,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperLineReader, midway_helper_line_reader, G_TYPE_OBJECT)

static void
midway_helper_line_reader_dispose (GObject *object)
{
  MidwayHelperLineReader *self = MIDWAY_HELPER_LINE_READER (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (midway_helper_line_reader_parent_class)->dispose (object);
}

static void
midway_helper_line_reader_finalize (GObject *object)
{
  MidwayHelperLineReader *self = MIDWAY_HELPER_LINE_READER (object);

  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  g_string_free (self->partial, TRUE);

  G_OBJECT_CLASS (midway_helper_line_reader_parent_class)->finalize (object);
}

static void
midway_helper_line_reader_class_init (MidwayHelperLineReaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_line_reader_dispose;
  object_class->finalize = midway_helper_line_reader_finalize;

  signals[SIGNAL_LINE] =
    g_signal_new ("line", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EOF] =
    g_signal_new ("eof", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
midway_helper_line_reader_init (MidwayHelperLineReader *self)
{
  self->cancellable = g_cancellable_new ();
  self->partial = g_string_new (NULL);
}

MidwayHelperLineReader *
midway_helper_line_reader_new (GInputStream *stream,
                               gsize         max_line)
{
  MidwayHelperLineReader *self;

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (max_line > 0, NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_LINE_READER, NULL);
  self->stream = g_object_ref (stream);
  self->max_line = max_line;
  return self;
}

static void
emit_line (MidwayHelperLineReader *self)
{
  g_autofree char *line = g_strndup (self->partial->str, self->partial->len);
  gsize len = self->partial->len;

  g_string_truncate (self->partial, 0);
  if (len > 0 && line[len - 1] == '\r')
    line[len - 1] = '\0';
  g_signal_emit (self, signals[SIGNAL_LINE], 0, line);
}

static void read_more (MidwayHelperLineReader *self);

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(MidwayHelperLineReader) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  const char *data;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (self->partial->len > 0)
        emit_line (self);
      self->eof = TRUE;
      g_signal_emit (self, signals[SIGNAL_EOF], 0);
      return;
    }

  data = g_bytes_get_data (bytes, &len);
  for (gsize i = 0; i < len && !g_cancellable_is_cancelled (self->cancellable); i++)
    {
      if (data[i] == '\n')
        emit_line (self);
      else if (self->partial->len < self->max_line)
        g_string_append_c (self->partial, data[i] != '\0' ? data[i] : '?');
    }

  if (!g_cancellable_is_cancelled (self->cancellable))
    read_more (self);
}

static void
read_more (MidwayHelperLineReader *self)
{
  g_input_stream_read_bytes_async (self->stream, READ_CHUNK, G_PRIORITY_DEFAULT,
                                   self->cancellable, on_read, g_object_ref (self));
}

void
midway_helper_line_reader_start (MidwayHelperLineReader *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_LINE_READER (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  read_more (self);
}

void
midway_helper_line_reader_stop (MidwayHelperLineReader *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_LINE_READER (self));

  g_cancellable_cancel (self->cancellable);
}

gboolean
midway_helper_line_reader_get_eof (MidwayHelperLineReader *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_LINE_READER (self), TRUE);

  return self->eof;
}
