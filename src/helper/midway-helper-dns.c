/* midway-helper-dns.c
 *
 * Two back ends, chosen when the link comes up:
 *
 *  - systemd-resolved, when it owns org.freedesktop.resolve1 on the system
 *    bus: the servers and domains go on the tunnel's link only, so they
 *    vanish with the link even if the helper dies, and RevertLink undoes
 *    them on down.  A split tunnel gets its domains as routing-only
 *    domains and is not a default route for DNS: only names under those
 *    domains are asked through the tunnel.  A full tunnel also gets "~."
 *    and DefaultRoute, so every query goes through it.
 *
 *  - resolvconf(8) (openresolv or Debian's resolvconf), fed on stdin under
 *    a record named "<ifname>.midway-<N>", N new for each application,
 *    and deleted with -d on down.  ppp interface names are reused at
 *    once: a record named after the interface alone would let a late
 *    `resolvconf -d` of one link delete the next link's servers.  The
 *    tool regenerates /etc/resolv.conf from what its other sources gave,
 *    which is the file as it was.  A full tunnel is marked exclusive
 *    (IF_EXCLUSIVE, openresolv's -x; Debian's resolvconf ignores it) so
 *    that the other sources' servers, now behind the tunnel's routes
 *    anyway, are not asked first.
 *
 * Neither: the tunnel log says so and resolv.conf is left alone; writing
 * it ourselves would fight whatever else manages it and could not be
 * undone exactly after a crash.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <net/if.h>
#include <string.h>
#include <sys/socket.h>

#include "midway-helper-dns.h"

#define RESOLVED_NAME      "org.freedesktop.resolve1"
#define RESOLVED_PATH      "/org/freedesktop/resolve1"
#define RESOLVED_INTERFACE "org.freedesktop.resolve1.Manager"

/* What the glibc resolver reads (MAXNS). */
#define MAX_SERVERS 3

/* The helper is D-Bus activated with whatever environment the bus has;
 * resolvconf is a shell script and needs a sane PATH, nothing else. */
#define SPAWN_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

typedef enum
{
  BACKEND_NONE,
  BACKEND_RESOLVED,
  BACKEND_RESOLVCONF,
} Backend;

struct _MidwayHelperDns
{
  GObject          parent_instance;

  MidwayProfile   *profile;
  MidwayHelperLog *log;

  /* Set from apply() until remove(). */
  char            *ifname;
  char            *record;      /* resolvconf's name for this application */
  GCancellable    *cancellable;
  GStrv            servers;
  GStrv            domains;

  Backend          backend;     /* what was (or is being) changed */
  GDBusConnection *bus;         /* BACKEND_RESOLVED */
  int              ifindex;     /* BACKEND_RESOLVED */
  gboolean         adding;      /* `resolvconf -a` still running */
  gboolean         delete_after_add;
};

G_DEFINE_FINAL_TYPE (MidwayHelperDns, midway_helper_dns, G_TYPE_OBJECT)

static guint record_serial;

static const char * const resolvconf_paths[] = {
  "/usr/sbin/resolvconf",
  "/sbin/resolvconf",
  NULL
};

/* What `resolvconf -a` reads: "search" (if any domains) and one
 * "nameserver" line per server. */
static char *
resolvconf_text (const char * const *servers,
                 const char * const *domains)
{
  GString *text = g_string_new ("# midway\n");

  if (domains != NULL && domains[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", (GStrv) domains);

      g_string_append_printf (text, "search %s\n", joined);
    }
  for (guint i = 0; servers != NULL && servers[i] != NULL; i++)
    g_string_append_printf (text, "nameserver %s\n", servers[i]);

  return g_string_free (text, FALSE);
}

/* Values come from the validated profile or from the plugin's line, which
 * the tunnel only passes on as dotted quads; checked again anyway, since
 * they end up in a root-owned configuration file. */
static void
add_server (GPtrArray  *servers,
            const char *server)
{
  guint8 address[16];
  guint family;

  if (!midway_profile_parse_dns_server (server, &family, address))
    return;
  for (guint i = 0; i < servers->len; i++)
    if (g_str_equal (g_ptr_array_index (servers, i), server))
      return;
  g_ptr_array_add (servers, g_strdup (server));
}

static void
log_error (MidwayHelperDns *self,
           const char      *what,
           const GError    *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    midway_helper_log_appendf (self->log, "helper", "DNS: %s: %s", what, error->message);
}

/* systemd-resolved ---------------------------------------------------------- */

static void
on_resolved_reply (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(MidwayHelperDns) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    log_error (self, "systemd-resolved refused the settings", error);
}

static void
resolved_call (MidwayHelperDns *self,
               const char      *method,
               GVariant        *parameters)
{
  /* Not cancellable: a RevertLink must go out even while the tunnel is
   * being torn down, and each call holds a reference until answered. */
  g_dbus_connection_call (self->bus, RESOLVED_NAME, RESOLVED_PATH, RESOLVED_INTERFACE,
                          method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, on_resolved_reply, g_object_ref (self));
}

static void
apply_resolved (MidwayHelperDns *self)
{
  gboolean full = midway_profile_get_full_tunnel (self->profile);
  gboolean default_route;
  GVariantBuilder dns;
  GVariantBuilder domains;
  g_autofree char *summary = NULL;

  self->ifindex = (int) if_nametoindex (self->ifname);
  if (self->ifindex == 0)
    {
      midway_helper_log_appendf (self->log, "helper", "DNS not applied: %s is gone", self->ifname);
      return;
    }

  g_variant_builder_init (&dns, G_VARIANT_TYPE ("a(iay)"));
  for (guint i = 0; self->servers[i] != NULL; i++)
    {
      guint8 address[16];
      guint family;

      if (!midway_profile_parse_dns_server (self->servers[i], &family, address))
        continue;
      g_variant_builder_add (&dns, "(i@ay)", family == 4 ? AF_INET : AF_INET6,
                             g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, address,
                                                        family == 4 ? 4 : 16, 1));
    }

  /* A split tunnel without domains could never be asked otherwise. */
  default_route = full || self->domains[0] == NULL;

  g_variant_builder_init (&domains, G_VARIANT_TYPE ("a(sb)"));
  for (guint i = 0; self->domains[i] != NULL; i++)
    g_variant_builder_add (&domains, "(sb)", self->domains[i], !full);
  if (full)
    g_variant_builder_add (&domains, "(sb)", ".", TRUE);

  self->backend = BACKEND_RESOLVED;
  resolved_call (self, "SetLinkDNS", g_variant_new ("(ia(iay))", self->ifindex, &dns));
  resolved_call (self, "SetLinkDomains", g_variant_new ("(ia(sb))", self->ifindex, &domains));
  resolved_call (self, "SetLinkDefaultRoute", g_variant_new ("(ib)", self->ifindex, default_route));

  summary = g_strjoinv (" ", self->servers);
  midway_helper_log_appendf (self->log, "helper", "DNS through systemd-resolved on %s: %s%s",
                             self->ifname, summary,
                             full ? " (all queries)" :
                             default_route ? "" : " (the profile's domains only)");
}

/* resolvconf ---------------------------------------------------------------- */

static GSubprocess *
spawn_resolvconf (MidwayHelperDns *self,
                  const char      *path,
                  const char      *verb,
                  gboolean         with_stdin,
                  gboolean         exclusive,
                  GError         **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *argv[] = { path, verb, self->record, NULL };
  const char * const clean_env[] = {
    "PATH=" SPAWN_PATH, "LC_ALL=C", exclusive ? "IF_EXCLUSIVE=1" : NULL, NULL
  };

  launcher = g_subprocess_launcher_new ((with_stdin ? G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                     : G_SUBPROCESS_FLAGS_STDIN_INHERIT) |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_environ (launcher, (char **) clean_env);
  g_subprocess_launcher_set_cwd (launcher, "/");
  return g_subprocess_launcher_spawnv (launcher, argv, error);
}

static const char *
find_resolvconf (void)
{
  for (guint i = 0; resolvconf_paths[i] != NULL; i++)
    if (g_file_test (resolvconf_paths[i], G_FILE_TEST_IS_EXECUTABLE))
      return resolvconf_paths[i];
  return NULL;
}

static gboolean
check_exit (MidwayHelperDns *self,
            GSubprocess     *process,
            const char      *what,
            const char      *output)
{
  if (g_subprocess_get_if_exited (process) && g_subprocess_get_exit_status (process) == 0)
    return TRUE;

  midway_helper_log_appendf (self->log, "helper", "DNS: %s failed: %s", what,
                             output != NULL && *output != '\0' ? output : "no output");
  return FALSE;
}

static void
on_resolvconf_deleted (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(MidwayHelperDns) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &output, NULL, &error))
    log_error (self, "resolvconf -d", error);
  else if (check_exit (self, G_SUBPROCESS (source), "resolvconf -d", output))
    midway_helper_log_append (self->log, "helper", "DNS settings removed");
}

static void
delete_resolvconf (MidwayHelperDns *self)
{
  const char *path = find_resolvconf ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      midway_helper_log_append (self->log, "helper", "DNS: resolvconf is gone, cannot remove the settings");
      return;
    }
  process = spawn_resolvconf (self, path, "-d", FALSE, FALSE, &error);
  if (process == NULL)
    {
      log_error (self, "resolvconf -d", error);
      return;
    }
  /* Not cancellable: it runs to the end even if the tunnel goes away. */
  g_subprocess_communicate_utf8_async (process, NULL, NULL, on_resolvconf_deleted,
                                       g_object_ref (self));
}

static void
on_resolvconf_added (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(MidwayHelperDns) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;
  gboolean ok;

  self->adding = FALSE;
  ok = g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &output, NULL, &error);
  if (!ok)
    log_error (self, "resolvconf -a", error);
  else
    ok = check_exit (self, G_SUBPROCESS (source), "resolvconf -a", output);

  if (self->delete_after_add)
    {
      /* remove() came while we were adding: delete now that the addition
       * cannot land after the deletion. */
      self->delete_after_add = FALSE;
      delete_resolvconf (self);
      g_clear_pointer (&self->ifname, g_free);
      g_clear_pointer (&self->record, g_free);
      return;
    }

  if (ok)
    {
      g_autofree char *summary = g_strjoinv (" ", self->servers);

      midway_helper_log_appendf (self->log, "helper", "DNS through resolvconf as %s: %s",
                                 self->record, summary);
    }
}

static void
apply_resolvconf (MidwayHelperDns *self)
{
  const char *path = find_resolvconf ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    {
      midway_helper_log_append (self->log, "helper",
                                "DNS not applied: neither systemd-resolved nor resolvconf is "
                                "available, /etc/resolv.conf left alone");
      return;
    }

  process = spawn_resolvconf (self, path, "-a", TRUE,
                              midway_profile_get_full_tunnel (self->profile), &error);
  if (process == NULL)
    {
      log_error (self, "resolvconf -a", error);
      return;
    }
  self->backend = BACKEND_RESOLVCONF;
  self->adding = TRUE;
  text = resolvconf_text ((const char * const *) self->servers,
                          (const char * const *) self->domains);
  g_subprocess_communicate_utf8_async (process, text, NULL, on_resolvconf_added,
                                       g_object_ref (self));
}

/* Choosing ------------------------------------------------------------------ */

/* One apply() under way: remove() cancels it and may start another before
 * the callbacks run, so each carries the cancellable it belongs to. */
typedef struct
{
  MidwayHelperDns *self;
  GCancellable    *cancellable;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_object_unref (pending->cancellable);
  g_free (pending);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Pending, pending_free)

static void
on_name_has_owner (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MidwayHelperDns *self = pending->self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_cancellable_is_cancelled (pending->cancellable))
    return;
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);
  else
    log_error (self, "cannot ask the bus about systemd-resolved", error);

  if (has_owner)
    apply_resolved (self);
  else
    apply_resolvconf (self);
}

static void
on_bus (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(Pending) pending = user_data;
  MidwayHelperDns *self = pending->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_finish (result, &error);
  GCancellable *cancellable;

  if (g_cancellable_is_cancelled (pending->cancellable))
    return;
  if (bus == NULL)
    {
      /* Without a bus there is no resolved to talk to either. */
      log_error (self, "no system bus", error);
      apply_resolvconf (self);
      return;
    }

  cancellable = pending->cancellable;
  g_set_object (&self->bus, bus);
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", RESOLVED_NAME), G_VARIANT_TYPE ("(b)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable,
                          on_name_has_owner, g_steal_pointer (&pending));
}

void
midway_helper_dns_apply (MidwayHelperDns *self,
                         const char      *ifname,
                         const char      *peer_dns1,
                         const char      *peer_dns2)
{
  g_autoptr(GPtrArray) servers = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) configured = NULL;
  const char *search;
  Pending *pending;

  g_return_if_fail (MIDWAY_IS_HELPER_DNS (self));
  g_return_if_fail (ifname != NULL);

  /* One application per link; remove() first for another. */
  if (self->ifname != NULL)
    return;

  configured = g_strsplit (midway_profile_get_dns_servers (self->profile), ",", -1);
  for (guint i = 0; configured[i] != NULL; i++)
    add_server (servers, configured[i]);

  if (midway_profile_get_peer_dns (self->profile))
    {
      guint before = servers->len;

      if (peer_dns1 != NULL && !g_str_equal (peer_dns1, "0.0.0.0"))
        add_server (servers, peer_dns1);
      if (peer_dns2 != NULL && !g_str_equal (peer_dns2, "0.0.0.0"))
        add_server (servers, peer_dns2);
      if (servers->len == before)
        midway_helper_log_append (self->log, "helper", "DNS: the server offered no DNS servers");
    }

  if (servers->len > MAX_SERVERS)
    {
      midway_helper_log_appendf (self->log, "helper", "DNS: only the first %u servers are used",
                                 (guint) MAX_SERVERS);
      g_ptr_array_set_size (servers, MAX_SERVERS);
    }

  search = midway_profile_get_dns_search (self->profile);
  if (servers->len == 0 && *search == '\0')
    return;

  g_ptr_array_add (servers, NULL);
  g_strfreev (self->servers);
  self->servers = (GStrv) g_ptr_array_free (g_steal_pointer (&servers), FALSE);
  g_strfreev (self->domains);
  self->domains = *search == '\0' ? g_new0 (char *, 1) : g_strsplit (search, ",", -1);
  self->ifname = g_strdup (ifname);
  /* Unique for the helper's life; a killed helper's records are stale
   * with their interfaces anyway. */
  g_free (self->record);
  self->record = g_strdup_printf ("%s.midway-%u", ifname, ++record_serial);
  self->backend = BACKEND_NONE;
  self->delete_after_add = FALSE;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  pending = g_new0 (Pending, 1);
  pending->self = g_object_ref (self);
  pending->cancellable = g_object_ref (self->cancellable);
  g_bus_get (G_BUS_TYPE_SYSTEM, self->cancellable, on_bus, pending);
}

void
midway_helper_dns_remove (MidwayHelperDns *self)
{
  g_return_if_fail (MIDWAY_IS_HELPER_DNS (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->ifname == NULL)
    return;

  switch (self->backend)
    {
    case BACKEND_RESOLVED:
      resolved_call (self, "RevertLink", g_variant_new ("(i)", self->ifindex));
      midway_helper_log_append (self->log, "helper", "DNS settings reverted");
      break;
    case BACKEND_RESOLVCONF:
      if (self->adding)
        {
          self->delete_after_add = TRUE;
          self->backend = BACKEND_NONE;
          return;   /* on_resolvconf_added() deletes and forgets ifname */
        }
      delete_resolvconf (self);
      break;
    case BACKEND_NONE:
    default:
      break;
    }

  self->backend = BACKEND_NONE;
  g_clear_pointer (&self->ifname, g_free);
  g_clear_pointer (&self->record, g_free);
}

/* GObject ------------------------------------------------------------------- */

static void
midway_helper_dns_dispose (GObject *object)
{
  MidwayHelperDns *self = MIDWAY_HELPER_DNS (object);

  /* Pending replies hold references, so by now nothing is under way but
   * what remove() would still undo. */
  midway_helper_dns_remove (self);
  g_clear_object (&self->bus);
  g_clear_object (&self->profile);
  g_clear_object (&self->log);

  G_OBJECT_CLASS (midway_helper_dns_parent_class)->dispose (object);
}

static void
midway_helper_dns_finalize (GObject *object)
{
  MidwayHelperDns *self = MIDWAY_HELPER_DNS (object);

  g_free (self->ifname);
  g_free (self->record);
  g_strfreev (self->servers);
  g_strfreev (self->domains);

  G_OBJECT_CLASS (midway_helper_dns_parent_class)->finalize (object);
}

static void
midway_helper_dns_class_init (MidwayHelperDnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = midway_helper_dns_dispose;
  object_class->finalize = midway_helper_dns_finalize;
}

static void
midway_helper_dns_init (MidwayHelperDns *self)
{
  self->ifindex = 0;
}

MidwayHelperDns *
midway_helper_dns_new (MidwayProfile   *profile,
                       MidwayHelperLog *log)
{
  MidwayHelperDns *self;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  self = g_object_new (MIDWAY_TYPE_HELPER_DNS, NULL);
  self->profile = g_object_ref (profile);
  self->log = log != NULL ? g_object_ref (log) : NULL;
  return self;
}
