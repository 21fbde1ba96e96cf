/* midway-helper-log.h: a tunnel's bounded log.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MIDWAY_TYPE_HELPER_LOG (midway_helper_log_get_type ())
G_DECLARE_FINAL_TYPE (MidwayHelperLog, midway_helper_log, MIDWAY, HELPER_LOG, GObject)

MidwayHelperLog *midway_helper_log_new        (guint            max_lines,
                                               gsize            max_line_length);
/* @source is a fixed tag ("ssh", "pppd", "helper"); @text is whatever a child
 * printed: it is cut to the line limit, made valid UTF-8 and stripped of
 * control characters before it is kept. */
void             midway_helper_log_append     (MidwayHelperLog *self,
                                               const char      *source,
                                               const char      *text);
void             midway_helper_log_appendf    (MidwayHelperLog *self,
                                               const char      *source,
                                               const char      *format,
                                               ...) G_GNUC_PRINTF (3, 4);
GStrv            midway_helper_log_get_lines  (MidwayHelperLog *self);
guint            midway_helper_log_get_length (MidwayHelperLog *self);

G_END_DECLS
