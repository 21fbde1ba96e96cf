/* midway-helper-secure-memory.h: where the helper keeps a caller's secrets.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @size bytes, zeroed, on pages of their own that are left out of core
 * dumps and read as zeros in a fork.  Aborts when out of memory, as
 * g_malloc does. */
gpointer midway_helper_secure_alloc   (gsize         size);
/* Wipes and unmaps memory of midway_helper_secure_alloc(); NULL is fine. */
void     midway_helper_secure_free    (gpointer      memory);
/* A NUL-terminated copy of @length bytes of @text in secure memory. */
char    *midway_helper_secure_strndup (const char   *text,
                                       gsize         length);
/* @size bytes of @data in secure memory, wiped when the last reference goes. */
GBytes  *midway_helper_secure_bytes   (gconstpointer data,
                                       gsize         size);

G_END_DECLS
