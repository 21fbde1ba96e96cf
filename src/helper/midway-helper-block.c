/* midway-helper-block.c
 *
 * Fail-closed, two ways.  An ordinary user's profile blocks only its
 * owner's traffic (midway-helper-firewall.c): one user's tunnel must not
 * take the network from the others.  The server's addresses, resolved as
 * below, are let through, and the block is written again when they change.
 *
 * A machine-wide block (midway_helper_block_set_machine_wide(): the admin
 * action or a system profile) uses routes, not a firewall: for each network of the
 * profile, an unreachable route (protocol MIDWAY_HELPER_RTPROT, main
 * table) with a metric no real route has.  While the link is up, the
 * tunnel's own routes to the same networks win by their lower metric; when
 * ppp goes down, the kernel removes those with the interface and the
 * unreachable ones take over in the same instant, with no window for
 * anything to go out in the clear and nothing for the helper to do in
 * time.  The block is in place from the tunnel's start until a deliberate
 * disconnect; a killed helper's stays until the next helper flushes every
 * protocol-77 route at its start.
 *
 * The ssh server must stay reachable through a block that may cover it (a
 * full tunnel's always does): a host route pins it to the path it takes,
 * the same host route MidwayHelperRoutes installs at link up, which then
 * finds it there (EEXIST) and leaves it to us.  An uplink that goes takes
 * the pin with it; each new attempt pins the server again, through the
 * path the kernel would take without the block (see
 * midway_helper_netlink_lookup()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/rtnetlink.h>

#include "midway-helper-block.h"
#include "midway-helper-firewall.h"
#include "midway-helper-netlink.h"
#include "midway-helper-routes.h"

struct _MidwayHelperBlock
{
  GObject          parent_instance;

  MidwayProfile   *profile;
  MidwayHelperLog *log;
  uid_t            uid;         /* the owner's: the one blocked, unless machine-wide */
  gboolean         machine_wide;
  char            *name;        /* the firewall's name of the per-user block */
  GList           *addresses;   /* of GInetAddress: the server's */
  GCancellable    *cancellable;
  gboolean         blocking;    /* the unreachable routes went in */
  GArray          *pins;        /* of MidwayHelperRoute, the host routes we added */
  GArray          *blocks;      /* of MidwayHelperRoute, the unreachable ones */
};

G_DEFINE_FINAL_TYPE (MidwayHelperBlock, midway_helper_block, G_TYPE_OBJECT)

static guint block_serial;

static void
remove_routes (MidwayHelperBlock *self,
               GArray            *routes)
{
  /* Last in, first out. */
  for (guint i = routes->len; i > 0; i--)
    midway_helper_netlink_delete (&g_array_index (routes, MidwayHelperRoute, i - 1), self->log);
  g_array_set_size (routes, 0);
}

/* The pins of the previous attempt go first: the uplink they went through
 * may be gone, or no longer the kernel's choice.  In between, only
 * traffic to the server itself finds the block or the default route. */
static void
pin (MidwayHelperBlock *self)
{
  remove_routes (self, self->pins);
  for (GList *l = self->addresses; l != NULL; l = l->next)
    {
      MidwayHelperRoute route;

      if (midway_helper_routes_pin_server (l->data, self->log, &route) == 0)
        g_array_append_val (self->pins, route);
    }
}

static void
block (MidwayHelperBlock *self)
{
  g_auto(GStrv) networks = midway_helper_routes_get_networks (self->profile);
  g_autofree char *list = g_strjoinv (", ", networks);

  self->blocking = TRUE;
  if (networks[0] == NULL)
    {
      midway_helper_log_append (self->log, "helper",
                                "fail-closed: nothing to block (no routes, not a full tunnel)");
      return;
    }
  midway_helper_log_appendf (self->log, "helper", "fail-closed: blocking %s until the tunnel is up", list);
  for (guint i = 0; networks[i] != NULL; i++)
    {
      MidwayHelperRoute route;

      if (!midway_helper_routes_parse_network (networks[i], &route))
        continue;
      route.type = RTN_UNREACHABLE;
      route.priority = MIDWAY_HELPER_BLOCK_METRIC;
      /* Without IPv6 in the kernel its halves cannot go in (logged), and
       * there is no IPv6 to leak either. */
      if (midway_helper_netlink_add (&route, self->log) == 0)
        g_array_append_val (self->blocks, route);
    }
}

/* The profile's networks as the kernel would write them: nothing of the
 * profile's text reaches the firewall's parser. */
static GStrv
canonical_networks (MidwayProfile *profile)
{
  g_auto(GStrv) networks = midway_helper_routes_get_networks (profile);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; networks[i] != NULL; i++)
    {
      MidwayHelperRoute route;
      g_autoptr(GInetAddress) address = NULL;
      g_autofree char *text = NULL;
      g_autofree char *network = NULL;

      if (!midway_helper_routes_parse_network (networks[i], &route))
        continue;
      address = g_inet_address_new_from_bytes (route.dst, route.family == AF_INET6 ?
                                               G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
      text = g_inet_address_to_string (address);
      network = g_strdup_printf ("%s/%u", text, route.dst_len);
      g_strv_builder_add (builder, network);
    }
  return g_strv_builder_end (builder);
}

static void
on_block_set (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(MidwayHelperLog) log = user_data;
  g_autoptr(GError) error = NULL;

  if (!midway_helper_firewall_finish (result, &error))
    midway_helper_log_appendf (log, "helper", "fail-closed: block not in place: %s", error->message);
}

/* Written whole each time: the first, and whenever the server's addresses
 * may have changed. */
static void
block_user (MidwayHelperBlock *self)
{
  g_auto(GStrv) networks = canonical_networks (self->profile);

  if (networks[0] == NULL)
    {
      if (!self->blocking)
        midway_helper_log_append (self->log, "helper",
                                  "fail-closed: nothing to block (no routes, not a full tunnel)");
      self->blocking = TRUE;
      return;
    }
  if (!self->blocking)
    {
      g_autofree char *list = g_strjoinv (", ", networks);

      midway_helper_log_appendf (self->log, "helper",
                                 "fail-closed: blocking %s for uid %u until the tunnel is up",
                                 list, (guint) self->uid);
    }
  self->blocking = TRUE;
  midway_helper_firewall_set_async (self->name, self->uid, (const char * const *) networks,
                                    self->addresses, on_block_set, g_object_ref (self->log));
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(MidwayHelperBlock) self = user_data;
  g_autoptr(GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  if (addresses != NULL)
    {
      g_resolver_free_addresses (self->addresses);
      self->addresses = addresses;
      pin (self);
    }
  else
    midway_helper_log_appendf (self->log, "helper", "fail-closed: the server's path not pinned: %s",
                               error->message);
  /* Fail closed: without the server's address the block goes in all the
   * same, even if it may keep ssh out. */
  if (!self->machine_wide)
    block_user (self);
  else if (!self->blocking)
    block (self);
}

void
midway_helper_block_apply (MidwayHelperBlock *self)
{
  const char *host;
  g_autoptr(GInetAddress) literal = NULL;
  g_autoptr(GResolver) resolver = NULL;

  g_return_if_fail (MIDWAY_IS_HELPER_BLOCK (self));

  host = midway_profile_get_host (self->profile);
  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    {
      if (self->addresses == NULL)
        self->addresses = g_list_prepend (NULL, g_steal_pointer (&literal));
      if (!self->machine_wide)
        {
          if (!self->blocking)
            block_user (self);
          return;
        }
      pin (self);
      if (!self->blocking)
        block (self);
      return;
    }

  /* A name is resolved before the first block goes in: a full tunnel's
   * block would keep the query from a resolver that is not on a local
   * network.  Later, the addresses known stand until the name answers. */
  if (self->addresses != NULL && self->machine_wide)
    pin (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, self->cancellable, on_resolved, g_object_ref (self));
}

typedef struct
{
  MidwayHelperLog *log;
  GTask           *task;   /* NULL: nobody waits */
} Lift;

static void
on_block_cleared (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Lift *lift = user_data;
  g_autoptr(GError) error = NULL;

  if (!midway_helper_firewall_finish (result, &error))
    midway_helper_log_appendf (lift->log, "helper", "fail-closed: block not removed: %s",
                               error->message);
  if (lift->task != NULL)
    {
      g_task_return_boolean (lift->task, TRUE);
      g_object_unref (lift->task);
    }
  g_object_unref (lift->log);
  g_free (lift);
}

/* TASK (owned, may be NULL) returns once nothing of the block is left. */
static void
lift (MidwayHelperBlock *self,
      GTask             *task)
{
  gboolean per_user = self->blocking && !self->machine_wide;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->blocking)
    midway_helper_log_append (self->log, "helper", "fail-closed: block lifted");
  self->blocking = FALSE;
  /* The server's pins last: until the block is gone, they are what keeps
   * it reachable. */
  remove_routes (self, self->blocks);
  remove_routes (self, self->pins);
  if (per_user)
    {
      Lift *data = g_new0 (Lift, 1);

      data->log = g_object_ref (self->log);
      data->task = task;
      midway_helper_firewall_clear_async (self->name, on_block_cleared, data);
      return;
    }
  if (task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

void
midway_helper_block_remove_async (MidwayHelperBlock  *self,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  g_return_if_fail (MIDWAY_IS_HELPER_BLOCK (self));

  lift (self, g_task_new (self, NULL, callback, user_data));
}

void
midway_helper_block_remove_finish (MidwayHelperBlock *self,
                                   GAsyncResult      *result)
{
  g_return_if_fail (g_task_is_valid (result, self));

  /* What failed is in the tunnel's log; the block is as gone as it gets. */
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
midway_helper_block_dispose (GObject *object)
{
  MidwayHelperBlock *self = MIDWAY_HELPER_BLOCK (object);

  if (self->blocks != NULL)
    lift (self, NULL);
  G_OBJECT_CLASS (midway_helper_block_parent_class)->dispose (object);
}

static void
midway_helper_block_finalize (GObject *object)
{
  MidwayHelperBlock *self = MIDWAY_HELPER_BLOCK (object);

  g_clear_object (&self->profile);
  g_clear_object (&self->log);
  g_free (self->name);
  g_resolver_free_addresses (self->addresses);
  g_clear_pointer (&self->pins, g_array_unref);
  g_clear_pointer (&self->blocks, g_array_unref);
  G_OBJECT_CLASS (midway_helper_block_parent_class)->finalize (object);
}

static void
midway_helper_block_class_init (MidwayHelperBlockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_block_dispose;
  object_class->finalize = midway_helper_block_finalize;
}

static void
midway_helper_block_init (MidwayHelperBlock *self)
{
  self->pins = g_array_new (FALSE, TRUE, sizeof (MidwayHelperRoute));
  self->blocks = g_array_new (FALSE, TRUE, sizeof (MidwayHelperRoute));
}

MidwayHelperBlock *
midway_helper_block_new (MidwayProfile   *profile,
                         uid_t            uid,
                         MidwayHelperLog *log)
{
  MidwayHelperBlock *self;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (MIDWAY_IS_HELPER_LOG (log), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_BLOCK, NULL);
  self->profile = g_object_ref (profile);
  self->log = g_object_ref (log);
  self->uid = uid;
  self->name = g_strdup_printf ("block-%u", ++block_serial);
  return self;
}

void
midway_helper_block_set_machine_wide (MidwayHelperBlock *self,
                                      gboolean           machine_wide)
{
  g_return_if_fail (MIDWAY_IS_HELPER_BLOCK (self));
  /* Chosen before the first apply: the two kinds are undone differently. */
  g_return_if_fail (!self->blocking);

  self->machine_wide = !!machine_wide;
}

gboolean
midway_helper_block_get_machine_wide (MidwayHelperBlock *self)
{
  g_return_val_if_fail (MIDWAY_IS_HELPER_BLOCK (self), FALSE);
  return self->machine_wide;
}
