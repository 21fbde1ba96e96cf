/* uml-xstate-preload.c: lets Debian 12's linux.uml (6.1) run guest processes
 * on a host whose CPU has AVX-512 (or any XSAVE area larger than AVX's).
 *
 * Why: UML 6.1 saves and restores a guest thread's FPU state with
 * PTRACE_GETREGSET/PTRACE_SETREGSET NT_X86_XSTATE through a fixed buffer of
 * sizeof(struct _xstate) (832 bytes: legacy area, header, AVX upper halves).
 * The host kernel truncates a GETREGSET to that size, but refuses a
 * SETREGSET whose size is not its whole XSAVE area with EFAULT.  On such a
 * host UML prints "userspace - ptrace set fp regs failed, errno = 14" and
 * kills the guest's init before it runs a line.  Upstream Linux fixed this
 * in UML itself (6.13 sizes the buffer from the host); Debian 12's kernel
 * does not have the fix.
 *
 * What: this library, preloaded into linux.uml by tests/uml/midway-uml-run,
 * wraps ptrace(): a GETREGSET NT_X86_XSTATE smaller than the host's area
 * reads the whole area into a shadow buffer kept per caller buffer (UML
 * keeps one per guest thread) and hands UML its first bytes; the matching
 * SETREGSET writes the shadow back with UML's bytes laid over its start.
 * Every guest thread thus keeps its full register state, AVX-512 included.
 * All other requests go to libc's ptrace() unchanged.
 *
 * It is test harness code for the host side of the harness only: nothing
 * of Midway links it, and no guest process sees it. */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* AVX-512 needs about 2.7 KiB; AMX's tile data (granted to no UML process)
 * would need 11 KiB.  UML keeps well under a thousand guest threads here. */
#define SHADOW_SIZE 12288
#define SHADOW_SLOTS 1024

typedef long (*ptrace_fn) (int request, pid_t pid, void *addr, void *data);

static ptrace_fn real_ptrace;
static size_t host_xstate_size;          /* 0 until known */
static const void *slot_key[SHADOW_SLOTS];
static unsigned char slot_data[SHADOW_SLOTS][SHADOW_SIZE] __attribute__ ((aligned (64)));
static unsigned int next_victim;

/* UML's ptrace calls come from signal-driven code paths: no allocation, no
 * locks, and everything resolved before the first one. */
__attribute__ ((constructor)) static void
resolve_real_ptrace (void)
{
  real_ptrace = (ptrace_fn) dlsym (RTLD_NEXT, "ptrace");
}

static long
raw_regset (int           request,
            pid_t         pid,
            struct iovec *iov)
{
  return syscall (SYS_ptrace, request, pid, (void *) (uintptr_t) NT_X86_XSTATE, iov);
}

static int
slot_for (const void *key,
          int         create)
{
  for (unsigned int i = 0; i < SHADOW_SLOTS; i++)
    if (slot_key[i] == key)
      return (int) i;
  if (!create)
    return -1;
  for (unsigned int i = 0; i < SHADOW_SLOTS; i++)
    if (slot_key[i] == NULL)
      {
        slot_key[i] = key;
        return (int) i;
      }
  /* Full: a thread that has exited long ago most likely owned the oldest. */
  unsigned int victim = next_victim++ % SHADOW_SLOTS;
  slot_key[victim] = key;
  return (int) victim;
}

/* Reads pid's whole XSAVE area into slot; learns the host's size. */
static long
read_whole (pid_t pid,
            int   slot)
{
  struct iovec whole = { slot_data[slot], SHADOW_SIZE };
  long ret = raw_regset (PTRACE_GETREGSET, pid, &whole);

  if (ret == 0)
    host_xstate_size = whole.iov_len;
  return ret;
}

static long
get_xstate (pid_t         pid,
            struct iovec *iov)
{
  int slot = slot_for (iov->iov_base, 1);
  long ret = read_whole (pid, slot);
  size_t n;

  if (ret != 0)
    return ret;
  n = iov->iov_len < host_xstate_size ? iov->iov_len : host_xstate_size;
  memcpy (iov->iov_base, slot_data[slot], n);
  iov->iov_len = n;
  return 0;
}

static long
set_xstate (pid_t         pid,
            struct iovec *iov)
{
  int slot = slot_for (iov->iov_base, 0);
  struct iovec whole;

  /* A buffer we never filled (a thread's first run): start from what the
   * host process holds now. */
  if (slot < 0)
    {
      long ret;

      slot = slot_for (iov->iov_base, 1);
      ret = read_whole (pid, slot);
      if (ret != 0)
        return ret;
    }
  memcpy (slot_data[slot], iov->iov_base, iov->iov_len);
  whole.iov_base = slot_data[slot];
  whole.iov_len = host_xstate_size;
  return raw_regset (PTRACE_SETREGSET, pid, &whole);
}

long
ptrace (enum __ptrace_request request,
        ...)
{
  va_list ap;
  pid_t pid;
  void *addr, *data;

  va_start (ap, request);
  pid = va_arg (ap, pid_t);
  addr = va_arg (ap, void *);
  data = va_arg (ap, void *);
  va_end (ap);

  if ((request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) &&
      (uintptr_t) addr == NT_X86_XSTATE && data != NULL)
    {
      struct iovec *iov = data;

      if (host_xstate_size == 0)
        {
          /* Learn the size once, from this very tracee. */
          int slot = slot_for (iov->iov_base, 1);
          if (read_whole (pid, slot) != 0)
            slot_key[slot] = NULL;
        }
      if (host_xstate_size != 0 && host_xstate_size <= SHADOW_SIZE &&
          iov->iov_len < host_xstate_size)
        return request == PTRACE_GETREGSET ? get_xstate (pid, iov) : set_xstate (pid, iov);
    }

  return real_ptrace (request, pid, addr, data);
}
