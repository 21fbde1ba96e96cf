/* midway-helper-netmon.c
 *
 * One routing socket for the whole helper, subscribed to the kernel's link,
 * address and route events, and logind's PrepareForSleep.  Nothing here
 * decides whether a tunnel must reconnect: the events only say that the
 * path to some server may be different now, and each tunnel asks the kernel
 * about its own server when "changed" comes.  A burst of events (an
 * interface going away sends one message per address and route) becomes a
 * single "changed", so a network that keeps changing costs a few route
 * look-ups per second at most, never a busy loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <glib-unix.h>

#include "midway-helper-netmon.h"
#include "midway-helper-netlink.h"

#define NL_BUFFER_SIZE 32768
/* Room for the burst of a whole interface going away with many routes;
 * an overflow is not lost anyway, it counts as a change. */
#define NL_RECEIVE_BUFFER (256 * 1024)
/* Datagrams read per wake-up: a flood of events must not keep the main
 * loop from everything else; the rest is read on the next iteration. */
#define NL_MAX_READS 64


struct _MidwayHelperNetmon
{
  GObject              parent_instance;

  MidwayHelperLogind  *logind;
  int                  fd;
  guint                fd_source;
  char                *buffer;
  MidwayHelperDebounce debounce;
  guint                timer;
  guint                causes;       /* of the burst under way */
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MidwayHelperNetmon, midway_helper_netmon, G_TYPE_OBJECT)

/* Debouncing ------------------------------------------------------------------ */

gint64
midway_helper_debounce_add (MidwayHelperDebounce *self,
                            gint64                now)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->first == 0)
    self->first = now;
  self->last = now;
  return midway_helper_debounce_due_at (self);
}

gint64
midway_helper_debounce_due_at (const MidwayHelperDebounce *self)
{
  g_return_val_if_fail (self != NULL, 0);

  if (self->first == 0)
    return 0;
  return MIN (self->last + MIDWAY_HELPER_NETMON_QUIET_MS * G_GINT64_CONSTANT (1000),
              self->first + MIDWAY_HELPER_NETMON_MAX_DELAY_MS * G_GINT64_CONSTANT (1000));
}

gboolean
midway_helper_debounce_take (MidwayHelperDebounce *self,
                             gint64                now)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->first == 0 || now < midway_helper_debounce_due_at (self))
    return FALSE;
  self->first = self->last = 0;
  return TRUE;
}

/* Events ---------------------------------------------------------------------- */

gboolean
midway_helper_netmon_message_is_relevant (const struct nlmsghdr *hdr)
{
  g_return_val_if_fail (hdr != NULL, FALSE);

  switch (hdr->nlmsg_type)
    {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      {
        const struct ifinfomsg *ifi = NLMSG_DATA (hdr);
        const struct rtattr *rta;
        int len = (int) hdr->nlmsg_len - (int) NLMSG_LENGTH (sizeof *ifi);

        if (len < 0)
          return FALSE;
        /* Wireless extensions report scans and the like as link messages,
         * every few seconds on a laptop; a real change of the link comes
         * without them. */
        for (rta = IFLA_RTA (ifi); RTA_OK (rta, len); rta = RTA_NEXT (rta, len))
          if (rta->rta_type == IFLA_WIRELESS)
            return FALSE;
        return TRUE;
      }

    case RTM_NEWADDR:
    case RTM_DELADDR:
      return TRUE;

    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      {
        const struct rtmsg *rt = NLMSG_DATA (hdr);

        if (hdr->nlmsg_len < NLMSG_LENGTH (sizeof *rt))
          return FALSE;
        /* A tunnel's own routes, its host route to the server among them,
         * come and go with the tunnel: they never move anybody's path. */
        return rt->rtm_protocol != MIDWAY_HELPER_RTPROT && !(rt->rtm_flags & RTM_F_CLONED);
      }

    default:
      return FALSE;
    }
}

static gboolean on_timer (gpointer user_data);

static void
arm_timer (MidwayHelperNetmon *self,
           gint64              due_at)
{
  gint64 delay_us = due_at - g_get_monotonic_time ();
  guint delay_ms = delay_us <= 0 ? 0 : (guint) ((delay_us + 999) / 1000);

  self->timer = g_timeout_add (delay_ms, on_timer, self);
}

static gboolean
on_timer (gpointer user_data)
{
  MidwayHelperNetmon *self = user_data;
  guint causes;

  self->timer = 0;
  if (!midway_helper_debounce_take (&self->debounce, g_get_monotonic_time ()))
    {
      /* More events came while we waited: the burst is not over yet. */
      arm_timer (self, midway_helper_debounce_due_at (&self->debounce));
      return G_SOURCE_REMOVE;
    }

  causes = self->causes;
  self->causes = 0;
  g_debug ("network changed (causes 0x%x)", causes);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, causes);
  return G_SOURCE_REMOVE;
}

void
midway_helper_netmon_notify (MidwayHelperNetmon *self,
                             guint               causes)
{
  gint64 due_at;

  g_return_if_fail (MIDWAY_IS_HELPER_NETMON (self));

  self->causes |= causes;
  due_at = midway_helper_debounce_add (&self->debounce, g_get_monotonic_time ());
  if (self->timer == 0)
    arm_timer (self, due_at);
}

static void
close_socket (MidwayHelperNetmon *self)
{
  int fd = g_steal_fd (&self->fd);

  g_clear_handle_id (&self->fd_source, g_source_remove);
  if (fd >= 0)
    close (fd);
}

static gboolean
on_netlink (int          fd,
            GIOCondition condition,
            gpointer     user_data)
{
  MidwayHelperNetmon *self = user_data;
  gboolean relevant = FALSE;

  for (guint i = 0; i < NL_MAX_READS; i++)
    {
      struct sockaddr_nl from = { 0 };
      struct iovec iov = { .iov_base = self->buffer, .iov_len = NL_BUFFER_SIZE };
      struct msghdr msg = {
        .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1,
      };
      struct nlmsghdr *hdr;
      ssize_t n = recvmsg (fd, &msg, MSG_DONTWAIT);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        break;
      if (n < 0 && errno == ENOBUFS)
        {
          /* The kernel dropped events for us: what they said is unknown,
           * so something may have changed. */
          relevant = TRUE;
          continue;
        }
      if (n < 0)
        {
          int saved = errno;
          g_warning ("Network changes no longer watched: %s", g_strerror (saved));
          self->fd_source = 0;
          close (g_steal_fd (&self->fd));
          return G_SOURCE_REMOVE;
        }
      /* Only the kernel speaks on the multicast groups; anything else
       * addressed to this socket is nobody's business. */
      if (msg.msg_namelen != sizeof from || from.nl_pid != 0)
        continue;
      if (msg.msg_flags & MSG_TRUNC)
        {
          relevant = TRUE;
          continue;
        }
      for (hdr = (struct nlmsghdr *) self->buffer; NLMSG_OK (hdr, (guint) n); hdr = NLMSG_NEXT (hdr, n))
        if (midway_helper_netmon_message_is_relevant (hdr))
          relevant = TRUE;
    }

  if (relevant)
    midway_helper_netmon_notify (self, MIDWAY_HELPER_NETMON_ROUTING);
  return G_SOURCE_CONTINUE;
}

static gboolean
open_socket (MidwayHelperNetmon *self,
             GError            **error)
{
  struct sockaddr_nl local = {
    .nl_family = AF_NETLINK,
    .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
  };
  int size = NL_RECEIVE_BUFFER;
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);

  if (fd < 0 || bind (fd, (struct sockaddr *) &local, sizeof local) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not open a routing socket: %s", g_strerror (saved));
      return FALSE;
    }
  /* Best effort: the default is enough for all but the largest bursts. */
  (void) setsockopt (fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

  self->fd = fd;
  self->buffer = g_malloc (NL_BUFFER_SIZE);
  self->fd_source = g_unix_fd_add (fd, G_IO_IN | G_IO_ERR | G_IO_HUP, on_netlink, self);
  return TRUE;
}

/* logind --------------------------------------------------------------------- */

static void
on_prepare_for_sleep (MidwayHelperLogind *logind,
                      const char         *member,
                      GVariant           *parameters,
                      MidwayHelperNetmon *self)
{
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;
  g_variant_get (parameters, "(b)", &going_to_sleep);
  /* Before sleep there is nothing to do: the link may well survive a short
   * nap, and a reconnect now would be cut off by the sleep itself. */
  if (!going_to_sleep)
    midway_helper_netmon_notify (self, MIDWAY_HELPER_NETMON_RESUMED);
}

/* GObject -------------------------------------------------------------------- */

static void
midway_helper_netmon_dispose (GObject *object)
{
  MidwayHelperNetmon *self = MIDWAY_HELPER_NETMON (object);

  close_socket (self);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->logind != NULL)
    g_signal_handlers_disconnect_by_data (self->logind, self);
  g_clear_object (&self->logind);

  G_OBJECT_CLASS (midway_helper_netmon_parent_class)->dispose (object);
}

static void
midway_helper_netmon_finalize (GObject *object)
{
  MidwayHelperNetmon *self = MIDWAY_HELPER_NETMON (object);

  g_free (self->buffer);

  G_OBJECT_CLASS (midway_helper_netmon_parent_class)->finalize (object);
}

static void
midway_helper_netmon_class_init (MidwayHelperNetmonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_netmon_dispose;
  object_class->finalize = midway_helper_netmon_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
midway_helper_netmon_init (MidwayHelperNetmon *self)
{
  self->fd = -1;
}

MidwayHelperNetmon *
midway_helper_netmon_new (MidwayHelperLogind *logind)
{
  MidwayHelperNetmon *self;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (logind == NULL || MIDWAY_IS_HELPER_LOGIND (logind), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_NETMON, NULL);

  /* Without it tunnels still notice a dead link, by their LCP echoes. */
  if (!open_socket (self, &error))
    g_warning ("Network changes not watched: %s", error->message);

  /* With no logind (a container, the test guest) it simply never comes. */
  if (logind != NULL)
    {
      self->logind = g_object_ref (logind);
      g_signal_connect (logind, "manager-signal::PrepareForSleep",
                        G_CALLBACK (on_prepare_for_sleep), self);
    }

  return self;
}
