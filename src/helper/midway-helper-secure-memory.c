/* midway-helper-secure-memory.c
 *
 * A caller's passphrase, password or private key lives in the helper from
 * Connect until the tunnel ends.  malloc'd memory would go into a core
 * dump, into every fork of the helper until it execs, and back to the heap
 * with the secret still in it.  These pages are MADV_DONTDUMP and
 * MADV_WIPEONFORK, locked when the limit allows (never swapped), and
 * wiped before they are unmapped.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "midway-helper-secure-memory.h"

/* In front of the caller's bytes, so that free knows the mapping's size. */
typedef struct
{
  gsize mapped;
  gsize padding;  /* keeps the caller's bytes 16-byte aligned */
} Header;

gpointer
midway_helper_secure_alloc (gsize size)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize mapped;
  Header *header;

  if (size > G_MAXSIZE - sizeof (Header) - page)
    g_error ("secure allocation of %" G_GSIZE_FORMAT " bytes is too large", size);
  mapped = (sizeof (Header) + size + page - 1) / page * page;

  header = mmap (NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (header == MAP_FAILED)
    g_error ("could not map %" G_GSIZE_FORMAT " bytes for a secret: %s", mapped, g_strerror (errno));
  /* Both are what keeps the secret out of a dump and out of a fork: the
   * kernels the helper supports have them, so a failure is a bug. */
  if (madvise (header, mapped, MADV_DONTDUMP) != 0 ||
      madvise (header, mapped, MADV_WIPEONFORK) != 0)
    g_error ("could not protect the memory of a secret: %s", g_strerror (errno));
  /* Best effort: RLIMIT_MEMLOCK may not allow it, and nothing is lost but
   * the guarantee against swap. */
  (void) mlock (header, mapped);

  header->mapped = mapped;
  return header + 1;
}

void
midway_helper_secure_free (gpointer memory)
{
  Header *header;
  gsize mapped;

  if (memory == NULL)
    return;
  header = (Header *) memory - 1;
  mapped = header->mapped;
  explicit_bzero (header, mapped);
  munlock (header, mapped);
  munmap (header, mapped);
}

char *
midway_helper_secure_strndup (const char *text,
                              gsize       length)
{
  char *copy = midway_helper_secure_alloc (length + 1);

  memcpy (copy, text, length);
  copy[length] = '\0';
  return copy;
}

GBytes *
midway_helper_secure_bytes (gconstpointer data,
                            gsize         size)
{
  gpointer copy = midway_helper_secure_alloc (size);

  memcpy (copy, data, size);
  return g_bytes_new_with_free_func (copy, size, midway_helper_secure_free, copy);
}
