/* midway-helper-line-reader.h: lines from a stream, each bounded.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_LINE_READER (midway_helper_line_reader_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperLineReader, midway_helper_line_reader, MIDWAY, HELPER_LINE_READER, GObject)

/* Signals: line (const char *text) for each line, without its newline;
 * eof () once, at the end of the stream or on a read error. */
MidwayHelperLineReader *midway_helper_line_reader_new     (GInputStream           *stream,
                                                           gsize                   max_line);
void                    midway_helper_line_reader_start   (MidwayHelperLineReader *self);
void                    midway_helper_line_reader_stop    (MidwayHelperLineReader *self);
gboolean                midway_helper_line_reader_get_eof (MidwayHelperLineReader *self);

G_END_DECLS
