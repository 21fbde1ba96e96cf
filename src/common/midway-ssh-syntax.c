/* midway-ssh-syntax.c: the lexical rules of ssh_config(5).
 *
 * Ports of OpenSSH's own code (readconf.c, misc.c, match.c) rather than
 * readings of the manual, so that a line means here what it means to ssh;
 * tests/unit/test-ssh-config.c checks the result against ssh -G.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-ssh-syntax.h"

#define WHITESPACE " \t\r\n"
#define DISPLAY_MAX_CHARS 80

/* Text from the file made fit for a label: valid UTF-8, nothing invisible
 * or controlling, and short. */
char *
midway_ssh_display_text (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n_chars++)
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (n_chars == DISPLAY_MAX_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (type == G_UNICODE_CONTROL || type == G_UNICODE_FORMAT ||
          type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
        c = 0xFFFD;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* readconf.c's strdelim(): the next word, split at whitespace or at most
 * one '=', or a word in double quotes.  NULL: an unmatched quote. */
char *
midway_ssh_strdelim (char **s)
{
  char *old;
  gboolean wspace = FALSE;

  if (*s == NULL)
    return NULL;

  old = *s;
  *s = strpbrk (*s, WHITESPACE "\"=");
  if (*s == NULL)
    return old;

  if (**s == '"')
    {
      memmove (*s, *s + 1, strlen (*s));
      *s = strchr (*s, '"');
      if (*s == NULL)
        return NULL;
      **s = '\0';
      *s += strspn (*s + 1, WHITESPACE) + 1;
      return old;
    }

  if (**s == '=')
    wspace = TRUE;
  **s = '\0';
  *s += strspn (*s + 1, WHITESPACE) + 1;
  if (**s == '=' && !wspace)
    *s += strspn (*s + 1, WHITESPACE) + 1;
  return old;
}

/* misc.c's argv_split() with terminate_on_comment: words split at blanks,
 * single or double quotes, backslash escapes, '#' starting a word ends the
 * line.  NULL: an unmatched quote. */
GStrv
midway_ssh_argv_split (const char *s)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gsize i;

  for (i = 0; s[i] != '\0'; i++)
    {
      g_autoptr(GString) arg = NULL;
      char quote = 0;

      if (s[i] == ' ' || s[i] == '\t')
        continue;
      if (s[i] == '#')
        break;

      arg = g_string_new (NULL);
      for (; s[i] != '\0'; i++)
        {
          if (s[i] == '\\')
            {
              if (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
                  (quote == 0 && s[i + 1] == ' '))
                i++;
              g_string_append_c (arg, s[i]);
            }
          else if (quote == 0 && (s[i] == ' ' || s[i] == '\t'))
            break;
          else if (quote == 0 && (s[i] == '"' || s[i] == '\''))
            quote = s[i];
          else if (quote != 0 && s[i] == quote)
            quote = 0;
          else
            g_string_append_c (arg, s[i]);
        }
      g_strv_builder_add (builder, arg->str);
      if (s[i] == '\0')
        {
          if (quote != 0)
            return NULL;
          break;
        }
    }
  return g_strv_builder_end (builder);
}

/* For a line we skip: whether it opened a block.  Skipping a Host line
 * must not let its options fall into the block before it. */
gboolean
midway_ssh_starts_block (const char *line,
                         gsize       length)
{
  gsize i = 0;

  while (i < length && strchr (WHITESPACE, line[i]) != NULL && line[i] != '\0')
    i++;
  if (i < length && line[i] == '"')
    i++;
  for (guint k = 0; k < 2; k++)
    {
      const char *word = k == 0 ? "host" : "match";
      gsize n = strlen (word);

      if (length - i >= n && g_ascii_strncasecmp (line + i, word, n) == 0 &&
          (length - i == n || strchr (WHITESPACE "\"=", line[i + n]) != NULL))
        return TRUE;
    }
  return FALSE;
}

/* ssh's a2port() reads "0022" as 22; the profile wants it written so. */
char *
midway_ssh_parse_port (const char *text)
{
  guint64 port = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) || port > 65535)
        return NULL;
      port = port * 10 + (guint64) (*p - '0');
    }
  if (port < 1 || port > 65535)
    return NULL;
  return g_strdup_printf ("%u", (guint) port);
}

/* ssh's match_pattern(): '*' and '?', case-sensitive.  Backtracking only
 * to the last '*' keeps it linear in practice and never exponential. */
gboolean
midway_ssh_match_pattern (const char *s,
                          const char *pattern)
{
  const char *star = NULL;
  const char *resume = NULL;

  while (*s != '\0')
    {
      if (*pattern == '*')
        {
          star = pattern++;
          resume = s;
        }
      else if (*pattern == '?' || *pattern == *s)
        {
          pattern++;
          s++;
        }
      else if (star != NULL)
        {
          pattern = star + 1;
          s = ++resume;
        }
      else
        return FALSE;
    }
  while (*pattern == '*')
    pattern++;
  return *pattern == '\0';
}

/* ssh's percent_expand() for the tokens we can know; any other is left as
 * it is, and the profile's rules then refuse the "%". */
char *
midway_ssh_expand_tokens (const char         *text,
                          const char * const *tokens)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *value = NULL;

      if (*p != '%' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }
      if (p[1] == '%')
        value = "%";
      for (guint i = 0; value == NULL && tokens[i] != NULL; i += 2)
        if (tokens[i][0] == p[1])
          value = tokens[i + 1];
      if (value == NULL)
        {
          g_string_append_c (out, *p);
          continue;
        }
      g_string_append (out, value);
      p++;
    }
  return g_string_free (out, FALSE);
}
