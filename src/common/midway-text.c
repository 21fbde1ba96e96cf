/* midway-text.c: the one rule for characters no text field may hold.
 *
 * Profile fields, secrets and the helper's messages all come from someone
 * who may be hostile, and all end up on a terminal, in a label, in a log
 * line or on the single line askpass gives ssh.  Every check of "no
 * control characters" asks here, so that one of them cannot forget the C1
 * range (U+0080 to U+009F: CSI, NEL and friends, which terminals act on as
 * they act on ESC) while another refuses it.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-text.h"

/* Controls (C0, DEL and C1), the line and paragraph separators, which end
 * a line as much as "\n" does, and surrogates, which valid UTF-8 never
 * holds but a gunichar might. */
gboolean
midway_unichar_is_control (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SURROGATE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Format characters that make text display as other text (bidi overrides,
 * zero-width spaces): refused where text is shown as a name.  ZWJ and
 * ZWNJ are format characters too, but several scripts and emoji need them
 * and they cannot reorder text. */
gboolean
midway_unichar_is_invisible_format (gunichar c)
{
  return g_unichar_type (c) == G_UNICODE_FORMAT && c != 0x200C && c != 0x200D;
}

/* Valid UTF-8 of exactly length bytes (no NUL inside) without a control
 * character. */
gboolean
midway_text_is_clean (const char *text,
                      gsize       length)
{
  const char *end = text + length;

  if (!g_utf8_validate_len (text, length, NULL))
    return FALSE;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    if (midway_unichar_is_control (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}
