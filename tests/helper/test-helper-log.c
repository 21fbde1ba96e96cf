/* test-helper-log.c: a tunnel's log stays bounded and printable.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-helper-log.h"

static void
test_keeps_last_lines (void)
{
  g_autoptr(MidwayHelperLog) log = midway_helper_log_new (3, 64);
  g_auto(GStrv) lines = NULL;

  for (int i = 0; i < 10; i++)
    midway_helper_log_appendf (log, "pppd", "line %d", i);

  g_assert_cmpuint (midway_helper_log_get_length (log), ==, 3);
  lines = midway_helper_log_get_lines (log);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_suffix (lines[0], " pppd: line 7"));
  g_assert_true (g_str_has_suffix (lines[2], " pppd: line 9"));
}

static void
test_cuts_long_lines (void)
{
  g_autoptr(MidwayHelperLog) log = midway_helper_log_new (4, 32);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');
  g_auto(GStrv) lines = NULL;
  const char *text;

  midway_helper_log_append (log, "ssh", huge);
  lines = midway_helper_log_get_lines (log);
  text = strstr (lines[0], "ssh: ") + strlen ("ssh: ");
  /* 32 bytes of text and the ellipsis. */
  g_assert_cmpuint (strlen (text), <=, 32 + strlen ("…"));
  g_assert_true (g_str_has_suffix (text, "…"));
}

static void
test_strips_control_characters (void)
{
  g_autoptr(MidwayHelperLog) log = midway_helper_log_new (4, 128);
  g_auto(GStrv) lines = NULL;

  /* A terminal escape, a fake second line, invalid UTF-8, a bidi override. */
  midway_helper_log_append (log, "ssh", "a\033[2Jb\nfake: line\xff\xfe" "c\u202Ed");
  lines = midway_helper_log_get_lines (log);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_true (g_utf8_validate (lines[0], -1, NULL));
  g_assert_null (strchr (lines[0], '\033'));
  g_assert_null (strchr (lines[0], '\n'));
  g_assert_null (strstr (lines[0], "\u202E"));
  g_assert_true (g_str_has_suffix (lines[0], "ssh: a?[2Jb?fake: line\uFFFD\uFFFDc?d"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/helper-log/keeps-last-lines", test_keeps_last_lines);
  g_test_add_func ("/helper-log/cuts-long-lines", test_cuts_long_lines);
  g_test_add_func ("/helper-log/strips-control-characters", test_strips_control_characters);

  return g_test_run ();
}
