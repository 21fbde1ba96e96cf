/* midway-text.h: the one rule for characters no text field may hold.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean midway_unichar_is_control          (gunichar    c);
gboolean midway_unichar_is_invisible_format (gunichar    c);
gboolean midway_text_is_clean               (const char *text,
                                             gsize       length);
char    *midway_text_sanitize_line          (const char *text,
                                             gsize       max_length);

G_END_DECLS
