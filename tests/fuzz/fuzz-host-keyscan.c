/* fuzz-host-keyscan.c: ssh-keyscan's output, which is whatever a server on
 * the network chose to send, read line by line as the host key fetcher
 * does, and the host key validator and fingerprint on the raw bytes.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-invariants.h"
#include "midway-error.h"
#include "midway-host-key.h"

G_GNUC_NORETURN static void
fail (const char *what,
      const char *text)
{
  fprintf (stderr, "fuzz invariant broken: %s\n  text: «%s»\n", what, text ? text : "");
  abort ();
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

static void
check_refusal (const GError *error,
               GQuark        domain,
               int           code)
{
  /* The message ends up in a dialog: documented error, text to show. */
  if (!g_error_matches (error, domain, code) ||
      !g_utf8_validate (error->message, -1, NULL) || error->message[0] == '\0')
    {
      fprintf (stderr, "unexpected error: %s %d %s\n",
               error != NULL ? g_quark_to_string (error->domain) : "(none)",
               error != NULL ? error->code : 0, error != NULL ? error->message : "");
      abort ();
    }
}

/* A key the profile would pin: printable ASCII that validates again and
 * gives a fingerprint, as the helper and the dialog use it. */
static void
check_host_key (const char *host_key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *type = NULL;

  if (!is_printable_ascii (host_key))
    fail ("an accepted host key is not printable ASCII", host_key);
  if (!midway_host_key_validate (host_key, &error))
    fail ("an accepted host key does not validate again", error->message);
  fingerprint = midway_host_key_dup_fingerprint (host_key, &error);
  if (fingerprint == NULL)
    fail ("an accepted host key has no fingerprint", error->message);
  if (!g_str_has_prefix (fingerprint, "SHA256:") || fingerprint[7] == '\0' ||
      !is_printable_ascii (fingerprint) || strchr (fingerprint, ' ') != NULL)
    fail ("a fingerprint is not SHA256:base64", fingerprint);
  type = midway_host_key_dup_type (host_key);
  if (type[0] == '\0' || !g_str_has_prefix (host_key, type) || host_key[strlen (type)] != ' ')
    fail ("a host key's type is not its first word", host_key);
  (void) midway_host_key_type_rank (host_key);
}

static void
check_line (const char *line,
            gsize       length)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *host_key = NULL;

  if (!midway_host_key_parse_keyscan_line (line, length, &name, &host_key, &error))
    {
      check_refusal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT);
      if (name != NULL || host_key != NULL)
        fail ("a refused line set its results", NULL);
      return;
    }
  if (name == NULL || host_key == NULL)
    fail ("an accepted line has no name or no key", NULL);
  if (name[0] == '\0' || !is_printable_ascii (name) || strchr (name, ' ') != NULL)
    fail ("an accepted server name is not one printable ASCII word", name);
  /* "name type base64" exactly: nothing of the line dropped or added. */
  if (strlen (name) + 1 + strlen (host_key) != length ||
      memcmp (line, name, strlen (name)) != 0 ||
      memcmp (line + strlen (name) + 1, host_key, strlen (host_key)) != 0)
    fail ("an accepted line is not name, space, key", host_key);
  check_host_key (host_key);
  fuzz_n_accepted++;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;
  g_autoptr(GError) error = NULL;
  g_autofree char *string = NULL;
  g_autofree char *fingerprint = NULL;
  gboolean valid;

  fuzz_init ();

  /* The whole input as one line, then each line as the fetcher reads them. */
  check_line (size > 0 ? text : NULL, size);
  for (gsize start = 0; start < size;)
    {
      const char *newline = memchr (text + start, '\n', size - start);
      gsize length = (newline != NULL ? (gsize) (newline - text) : size) - start;

      if (newline == NULL && start == 0)
        break;
      check_line (text + start, length);
      start += length + 1;
    }

  /* A pinned key comes as a string (from a profile or an a{sv}): up to
   * the first NUL. */
  string = g_strndup (size > 0 ? text : "", size);
  valid = midway_host_key_validate (string, &error);
  if (!valid)
    check_refusal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_clear_error (&error);
  fingerprint = midway_host_key_dup_fingerprint (string, &error);
  if ((fingerprint != NULL) != valid)
    fail ("the validator and the fingerprint disagree", string);
  if (valid)
    {
      check_host_key (string);
      fuzz_n_accepted++;
    }
  else
    check_refusal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  return 0;
}
