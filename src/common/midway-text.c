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

#include <string.h>

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

/* What a child printed, made safe to show anywhere as one line: cut to
 * max_length bytes (with "…" when cut), invalid UTF-8 repaired, a tab
 * made a space and every other control or invisible format character
 * a "?", so that an escape sequence arrives as inert text. */
char *
midway_text_sanitize_line (const char *text,
                           gsize       max_length)
{
  g_autofree char *cut = NULL;
  g_autofree char *valid = NULL;
  GString *out;
  gsize in_len;

  g_return_val_if_fail (text != NULL, NULL);

  /* Cut before validating so a megabyte line costs no more than a short one. */
  in_len = strnlen (text, max_length * 4);
  cut = g_strndup (text, in_len);
  valid = g_utf8_make_valid (cut, -1);
  out = g_string_sized_new (MIN (in_len, max_length) + 1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize before = out->len;

      if (c == '\t')
        g_string_append_c (out, ' ');
      else if (midway_unichar_is_control (c) || midway_unichar_is_invisible_format (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);

      if (out->len > max_length)
        {
          g_string_truncate (out, before);
          g_string_append (out, "…");
          break;
        }
    }

  return g_string_free (out, FALSE);
}
