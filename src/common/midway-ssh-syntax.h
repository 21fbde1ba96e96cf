/* midway-ssh-syntax.h: the lexical rules of ssh_config(5) as OpenSSH
 * implements them, for midway-ssh-config.c.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The keyword of a line: cuts the next word out of *s (in place) and
 * moves *s past it and one '='.  NULL: an unmatched quote. */
char     *midway_ssh_strdelim        (char               **s);
/* The arguments after the keyword.  NULL: an unmatched quote. */
GStrv     midway_ssh_argv_split      (const char          *s);
/* Whether a line (not necessarily NUL-terminated) is a Host or Match
 * line, for one skipped without being parsed. */
gboolean  midway_ssh_starts_block    (const char          *line,
                                      gsize                length);
/* A Host pattern: '*' and '?', case-sensitive. */
gboolean  midway_ssh_match_pattern   (const char          *s,
                                      const char          *pattern);
/* A Port value in canonical form ("0022" gives "22"); NULL unless 1…65535. */
char     *midway_ssh_parse_port      (const char          *text);
/* %-tokens: @tokens holds pairs of a one-letter name and its value,
 * NULL-terminated; "%%" is "%", any other token stays as written. */
char     *midway_ssh_expand_tokens   (const char          *text,
                                      const char * const  *tokens);
/* Untrusted text made fit for a label: valid UTF-8, nothing invisible or
 * controlling, and at most 80 characters. */
char     *midway_ssh_display_text    (const char          *text);

G_END_DECLS
