/* midway-helper-launch.h: what midway-helper and its launcher agree on.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

/* The launcher's own failures, before it could exec the program: the
 * status, and the start of its one line on stderr. */
#define MIDWAY_LAUNCH_EXIT_FAILED 125
#define MIDWAY_LAUNCH_PREFIX "midway-helper-launch: "
