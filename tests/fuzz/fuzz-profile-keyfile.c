/* fuzz-profile-keyfile.c: the key file parser (profiles users write by hand
 * or import), and the command lines built from whatever it accepts.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "fuzz-invariants.h"
#include "midway-error.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;

  fuzz_init ();

  profile = midway_profile_new_from_data ((const char *) data, size, &error);
  if (profile == NULL)
    {
      /* Every refusal is the documented one, with a message to show. */
      if (!g_error_matches (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE) ||
          !g_utf8_validate (error->message, -1, NULL) || error->message[0] == '\0')
        {
          fprintf (stderr, "unexpected error: %s %d %s\n",
                   g_quark_to_string (error->domain), error->code, error->message);
          abort ();
        }
      return 0;
    }

  fuzz_check_accepted_profile (profile);
  return 0;
}
