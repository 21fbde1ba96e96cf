/* fuzz-invariants.h: what must hold for every profile a parser accepts,
 * checked by the fuzz targets on whatever input reached that far.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "midway-profile.h"

G_BEGIN_DECLS

/* The libFuzzer entry point each target defines; the replay driver calls
 * the same function on every file of the corpus. */
int  LLVMFuzzerTestOneInput              (const uint8_t *data,
                                          size_t         size);

/* Quiets GLib's logging once: a rejected profile is the common case. */
void fuzz_init                            (void);

/* Builds both argument vectors from @profile (which a parser accepted) and
 * aborts unless they hold the invariants of tests/unit/test-argv.c, and
 * unless both serialisations parse back into an equal profile. */
void fuzz_check_accepted_profile          (MidwayProfile *profile);

/* How many profiles fuzz_check_accepted_profile() has checked, plus what
 * other targets accepted and checked: the replay driver shows which seeds
 * get past the parser. */
extern guint fuzz_n_accepted;

G_END_DECLS
