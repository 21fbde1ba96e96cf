/* test-text.c: the one control-character rule every text field shares.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-text.h"

static gboolean
clean (const char *text)
{
  return midway_text_is_clean (text, strlen (text));
}

static void
test_controls (void)
{
  static const char * const refused[] = {
    "a\nb", "a\rb", "a\tb", "a\x1b[31mb", "a\x7f" "b",
    /* C1: PAD, NEL, CSI, APC; terminals act on CSI as on ESC [ */
    "a\xc2\x80" "b", "a\xc2\x85" "b", "a\xc2\x9b" "31mb", "a\xc2\x9f" "b",
    /* line and paragraph separators */
    "a\xe2\x80\xa8" "b", "a\xe2\x80\xa9" "b",
  };
  static const char * const accepted[] = {
    "hunter2", "p\xc3\xa4ss w\xc3\xb6rd", "a\xc2\xa0" "b" /* NBSP, just after C1 */,
    "a\xc2\xa1" "b", "\xe2\x80\x8d" /* ZWJ */, "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("refused: case %" G_GSIZE_FORMAT, i);
      g_assert_false (clean (refused[i]));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (accepted); i++)
    {
      g_test_message ("accepted: case %" G_GSIZE_FORMAT, i);
      g_assert_true (clean (accepted[i]));
    }
}

static void
test_bytes (void)
{
  /* Invalid UTF-8, a C1 byte on its own, and a NUL inside the length. */
  g_assert_false (midway_text_is_clean ("a\x9b" "b", 3));
  g_assert_false (midway_text_is_clean ("a\xc0\x80", 3));
  g_assert_false (midway_text_is_clean ("ab\0cd", 5));
  g_assert_true (midway_text_is_clean ("ab\0cd", 2));
}

static void
test_format (void)
{
  /* Not controls: refused only where text is shown as a name. */
  g_assert_true (midway_unichar_is_invisible_format (0x202E));
  g_assert_true (midway_unichar_is_invisible_format (0x200B));
  g_assert_false (midway_unichar_is_invisible_format (0x200D));
  g_assert_false (midway_unichar_is_control (0x202E));
  g_assert_true (midway_unichar_is_control (0x85));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/controls", test_controls);
  g_test_add_func ("/text/bytes", test_bytes);
  g_test_add_func ("/text/format", test_format);
  return g_test_run ();
}
