/* midway-helper-firewall.c
 *
 * Fail-closed for one user: the block of an ordinary user's profile must
 * not take the network from anybody else, so instead of routes (which
 * every socket on the machine follows) it is a packet filter on the
 * output path that matches the owner's uid.  One chain per block, hooked
 * on output, in a table of Midway's own (nftables `inet midway`), so that
 * nothing of anybody else's ruleset is touched and a new helper can take
 * away a killed one's blocks by deleting that table.
 *
 * Kernels without nftables' inet family (older ones, and the e2e tests'
 * user-mode-linux guest) get the same rules from the legacy iptables,
 * one chain `midway-NAME` per block jumped to from OUTPUT, `-m owner`.
 * Which one is found out once, at the first call, by asking nft for the
 * table.
 *
 * The rules of a block, in order:
 *   - another uid's socket, or none (forwarded packets): not ours;
 *   - through a ppp interface: the tunnel (or another one), not a leak;
 *   - to the ssh server: the tunnel's own session runs as the owner;
 *   - to one of the networks: rejected (admin-prohibited, so a connect()
 *     fails at once with "No route to host" instead of hanging).
 * A block is always written whole, in one transaction (`nft -f -`,
 * `iptables-restore --noflush`), so there is never a moment with half of
 * it, and replacing it (a server's new address) leaves no gap.
 *
 * The programs are root's own, with an argument vector and the rules on
 * stdin; nothing any user controls runs or is read.  The helper runs them
 * through the _async() calls, in a worker thread of their own: its main
 * loop never waits for a child, whoever's it is.  One thread, so that the
 * order in which blocks are set and cleared is the order asked for.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <string.h>

#include "midway-helper-firewall.h"

static MidwayHelperFirewallBackend backend = MIDWAY_HELPER_FIREWALL_AUTO;

static const char * const nft_paths[] = { "/usr/sbin/nft", "/sbin/nft", NULL };
static const char * const ipt_restore_paths[] = {
  "/usr/sbin/iptables-legacy-restore", "/sbin/iptables-legacy-restore",
  "/usr/sbin/iptables-restore", "/sbin/iptables-restore", NULL
};
static const char * const ip6t_restore_paths[] = {
  "/usr/sbin/ip6tables-legacy-restore", "/sbin/ip6tables-legacy-restore",
  "/usr/sbin/ip6tables-restore", "/sbin/ip6tables-restore", NULL
};
static const char * const ipt_paths[] = {
  "/usr/sbin/iptables-legacy", "/sbin/iptables-legacy", "/usr/sbin/iptables", "/sbin/iptables", NULL
};
static const char * const ip6t_paths[] = {
  "/usr/sbin/ip6tables-legacy", "/sbin/ip6tables-legacy", "/usr/sbin/ip6tables", "/sbin/ip6tables", NULL
};
static const char * const ipt_save_paths[] = {
  "/usr/sbin/iptables-legacy-save", "/sbin/iptables-legacy-save",
  "/usr/sbin/iptables-save", "/sbin/iptables-save", NULL
};
static const char * const ip6t_save_paths[] = {
  "/usr/sbin/ip6tables-legacy-save", "/sbin/ip6tables-legacy-save",
  "/usr/sbin/ip6tables-save", "/sbin/ip6tables-save", NULL
};

static const char *
find_program (const char * const *paths)
{
  for (guint i = 0; paths[i] != NULL; i++)
    if (g_file_test (paths[i], G_FILE_TEST_IS_EXECUTABLE))
      return paths[i];
  return NULL;
}

/* Runs ARGV with INPUT on its stdin; its output in *OUTPUT if asked for.
 * A failure's message is the program's first line on stderr. */
static gboolean
run (const char * const *argv,
     const char         *input,
     char              **output,
     GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  /* iptables asks modprobe for its modules; nothing else of the bus's
   * environment is wanted. */
  g_subprocess_launcher_set_environ (launcher, NULL);
  g_subprocess_launcher_setenv (launcher, "PATH", "/usr/sbin:/usr/bin:/sbin:/bin", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;
  if (!g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, error))
    return FALSE;
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *first = g_strdup (err != NULL ? g_strstrip (err) : "");
      char *newline = strchr (first, '\n');

      if (newline != NULL)
        *newline = '\0';
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", argv[0],
                   *first != '\0' ? first : "no message");
      return FALSE;
    }
  if (output != NULL)
    *output = g_steal_pointer (&out);
  return TRUE;
}

static gboolean
nft (const char *ruleset,
     GError    **error)
{
  const char *path = find_program (nft_paths);
  const char *argv[] = { path, "-f", "-", NULL };

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "nft not found");
      return FALSE;
    }
  return run (argv, ruleset, NULL, error);
}

MidwayHelperFirewallBackend
midway_helper_firewall_get_backend (void)
{
  g_autoptr(GError) error = NULL;

  if (backend != MIDWAY_HELPER_FIREWALL_AUTO)
    return backend;
  /* Creating the table is the test: it fails where the kernel has no
   * inet family (or no nf_tables at all).  An empty table filters
   * nothing. */
  if (nft ("add table inet " MIDWAY_HELPER_FIREWALL_TABLE "\n", &error))
    backend = MIDWAY_HELPER_FIREWALL_NFTABLES;
  else
    {
      g_message ("nftables not usable (%s), fail-closed blocks use iptables", error->message);
      backend = MIDWAY_HELPER_FIREWALL_IPTABLES;
    }
  return backend;
}

void
midway_helper_firewall_set_backend (MidwayHelperFirewallBackend new_backend)
{
  backend = new_backend;
}

static gboolean
is_ipv6 (const char *network)
{
  return strchr (network, ':') != NULL;
}

static GStrv
server_strings (GList *servers)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (GList *l = servers; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);

      g_strv_builder_add (builder, text);
    }
  return g_strv_builder_end (builder);
}

static gboolean
nft_set (const char         *name,
         uid_t               uid,
         const char * const *networks,
         const char * const *servers,
         GError            **error)
{
  g_autoptr(GString) rules = g_string_new (NULL);
  const char *prefix = "add rule inet " MIDWAY_HELPER_FIREWALL_TABLE;

  g_string_append (rules, "add table inet " MIDWAY_HELPER_FIREWALL_TABLE "\n");
  g_string_append_printf (rules, "add chain inet " MIDWAY_HELPER_FIREWALL_TABLE " %s"
                          " { type filter hook output priority 0; policy accept; }\n", name);
  g_string_append_printf (rules, "flush chain inet " MIDWAY_HELPER_FIREWALL_TABLE " %s\n", name);
  g_string_append_printf (rules, "%s %s meta skuid != %u return\n", prefix, name, (guint) uid);
  g_string_append_printf (rules, "%s %s oifname \"ppp*\" return\n", prefix, name);
  for (guint i = 0; servers[i] != NULL; i++)
    g_string_append_printf (rules, "%s %s %s daddr %s return\n", prefix, name,
                            is_ipv6 (servers[i]) ? "ip6" : "ip", servers[i]);
  /* A rule each rather than one set: overlapping networks (a route
   * inside another) are fine as rules and an error in a set. */
  for (guint i = 0; networks[i] != NULL; i++)
    g_string_append_printf (rules, "%s %s %s daddr %s reject with icmpx type admin-prohibited\n",
                            prefix, name, is_ipv6 (networks[i]) ? "ip6" : "ip", networks[i]);
  return nft (rules->str, error);
}

static gboolean
nft_clear (const char *name,
           GError    **error)
{
  g_autofree char *rules = NULL;

  /* Adding first makes the delete one that cannot miss: a block that
   * never went in is no error. */
  rules = g_strdup_printf ("add table inet " MIDWAY_HELPER_FIREWALL_TABLE "\n"
                           "add chain inet " MIDWAY_HELPER_FIREWALL_TABLE " %s"
                           " { type filter hook output priority 0; policy accept; }\n"
                           "flush chain inet " MIDWAY_HELPER_FIREWALL_TABLE " %s\n"
                           "delete chain inet " MIDWAY_HELPER_FIREWALL_TABLE " %s\n",
                           name, name, name);
  return nft (rules, error);
}

/* iptables ------------------------------------------------------------------- */

static gboolean
ipt_has_jump (gboolean    ipv6,
              const char *chain)
{
  const char *path = find_program (ipv6 ? ip6t_paths : ipt_paths);
  const char *argv[] = { path, "-w", "-C", "OUTPUT", "-j", chain, NULL };

  return path != NULL && run (argv, NULL, NULL, NULL);
}

static gboolean
ipt_restore (gboolean    ipv6,
             const char *input,
             GError    **error)
{
  const char *path = find_program (ipv6 ? ip6t_restore_paths : ipt_restore_paths);
  const char *argv[] = { path, "-w", "--noflush", NULL };

  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s not found",
                   ipv6 ? "ip6tables-restore" : "iptables-restore");
      return FALSE;
    }
  return run (argv, input, NULL, error);
}

static gboolean
ipt_set_family (gboolean            ipv6,
                const char         *chain,
                uid_t               uid,
                const char * const *networks,
                const char * const *servers,
                GError            **error)
{
  g_autoptr(GString) rules = g_string_new ("*filter\n");

  /* With --noflush, naming a chain that is there empties it: the old
   * rules go and the new come in the same commit. */
  g_string_append_printf (rules, ":%s - [0:0]\n", chain);
  g_string_append_printf (rules, "-A %s -m owner ! --uid-owner %u -j RETURN\n", chain, (guint) uid);
  g_string_append_printf (rules, "-A %s -o ppp+ -j RETURN\n", chain);
  for (guint i = 0; servers[i] != NULL; i++)
    if (is_ipv6 (servers[i]) == ipv6)
      g_string_append_printf (rules, "-A %s -d %s -j RETURN\n", chain, servers[i]);
  for (guint i = 0; networks[i] != NULL; i++)
    if (is_ipv6 (networks[i]) == ipv6)
      g_string_append_printf (rules, "-A %s -d %s -j REJECT --reject-with %s\n", chain, networks[i],
                              ipv6 ? "icmp6-adm-prohibited" : "icmp-admin-prohibited");
  if (!ipt_has_jump (ipv6, chain))
    g_string_append_printf (rules, "-I OUTPUT 1 -j %s\n", chain);
  g_string_append (rules, "COMMIT\n");
  return ipt_restore (ipv6, rules->str, error);
}

static gboolean
ipt_clear_family (gboolean    ipv6,
                  const char *chain,
                  gboolean    jumped,
                  GError    **error)
{
  g_autoptr(GString) rules = g_string_new ("*filter\n");

  if (jumped)
    g_string_append_printf (rules, "-D OUTPUT -j %s\n", chain);
  g_string_append_printf (rules, "-F %s\n-X %s\nCOMMIT\n", chain, chain);
  return ipt_restore (ipv6, rules->str, error);
}

static gboolean
has_family (const char * const *networks,
            gboolean            ipv6)
{
  for (guint i = 0; networks[i] != NULL; i++)
    if (is_ipv6 (networks[i]) == ipv6)
      return TRUE;
  return FALSE;
}

gboolean
midway_helper_firewall_set (const char         *name,
                            uid_t               uid,
                            const char * const *networks,
                            GList              *servers,
                            GError            **error)
{
  g_auto(GStrv) server_list = NULL;
  g_autofree char *chain = NULL;

  g_return_val_if_fail (name != NULL && networks != NULL, FALSE);

  server_list = server_strings (servers);
  if (midway_helper_firewall_get_backend () == MIDWAY_HELPER_FIREWALL_NFTABLES)
    return nft_set (name, uid, networks, (const char * const *) server_list, error);

  /* Each family only where the profile has networks of it: a kernel
   * without IPv6 has no ip6tables, and no IPv6 to leak either. */
  chain = g_strconcat (MIDWAY_HELPER_FIREWALL_CHAIN_PREFIX, name, NULL);
  for (int ipv6 = 0; ipv6 <= 1; ipv6++)
    if (has_family (networks, ipv6) &&
        !ipt_set_family (ipv6, chain, uid, networks, (const char * const *) server_list, error))
      return FALSE;
  return TRUE;
}

/* The chain's name if LINE declares one of ours (":midway-x - [0:0]"). */
static char *
our_chain (const char *line)
{
  const char *end;

  if (!g_str_has_prefix (line, ":" MIDWAY_HELPER_FIREWALL_CHAIN_PREFIX))
    return NULL;
  end = strchr (line, ' ');
  return end != NULL ? g_strndup (line + 1, end - line - 1) : NULL;
}

static guint
ipt_remove_matching (gboolean    ipv6,
                     const char *only,
                     GError    **error)
{
  const char *path = find_program (ipv6 ? ip6t_save_paths : ipt_save_paths);
  const char *argv[] = { path, "-t", "filter", NULL };
  g_autofree char *saved = NULL;
  g_auto(GStrv) lines = NULL;
  guint removed = 0;

  if (path == NULL || !run (argv, NULL, &saved, error))
    return 0;
  lines = g_strsplit (saved, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *chain = our_chain (lines[i]);
      g_autofree char *jump = NULL;
      gboolean jumped = FALSE;

      if (chain == NULL || (only != NULL && g_strcmp0 (chain, only) != 0))
        continue;
      jump = g_strdup_printf ("-A OUTPUT -j %s", chain);
      for (guint j = 0; lines[j] != NULL; j++)
        jumped = jumped || g_str_equal (lines[j], jump);
      if (!ipt_clear_family (ipv6, chain, jumped, error))
        return removed;
      removed++;
    }
  return removed;
}

gboolean
midway_helper_firewall_clear (const char *name,
                              GError    **error)
{
  g_autofree char *chain = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  if (midway_helper_firewall_get_backend () == MIDWAY_HELPER_FIREWALL_NFTABLES)
    return nft_clear (name, error);

  chain = g_strconcat (MIDWAY_HELPER_FIREWALL_CHAIN_PREFIX, name, NULL);
  for (int ipv6 = 0; ipv6 <= 1; ipv6++)
    {
      g_autoptr(GError) local_error = NULL;

      ipt_remove_matching (ipv6, chain, &local_error);
      /* No IPv6 in the kernel: nothing was put there. */
      if (local_error != NULL && !ipv6)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  return TRUE;
}

guint
midway_helper_firewall_remove_stale (GError **error)
{
  g_autoptr(GError) v6_error = NULL;
  guint removed;

  if (midway_helper_firewall_get_backend () == MIDWAY_HELPER_FIREWALL_NFTABLES)
    {
      g_autofree char *listing = NULL;
      const char *path = find_program (nft_paths);
      const char *argv[] = { path, "list", "table", "inet", MIDWAY_HELPER_FIREWALL_TABLE, NULL };
      guint chains = 0;

      /* How many, for the log; the table itself goes whole. */
      if (path != NULL && run (argv, NULL, &listing, NULL))
        for (const char *p = listing; (p = strstr (p, "\tchain ")) != NULL; p++)
          chains++;
      if (!nft ("add table inet " MIDWAY_HELPER_FIREWALL_TABLE "\n"
                "delete table inet " MIDWAY_HELPER_FIREWALL_TABLE "\n", error))
        return 0;
      return chains;
    }
  removed = ipt_remove_matching (FALSE, NULL, error);
  removed += ipt_remove_matching (TRUE, NULL, &v6_error);
  return removed;
}

/* The worker ----------------------------------------------------------------- */

typedef struct
{
  char  *name;
  uid_t  uid;
  GStrv  networks;   /* NULL: a clear */
  GList *servers;    /* of GInetAddress */
} Job;

static void
job_free (Job *job)
{
  g_free (job->name);
  g_strfreev (job->networks);
  g_list_free_full (job->servers, g_object_unref);
  g_free (job);
}

static GMutex worker_lock;
static GThreadPool *worker;

/* In the worker thread. */
static void
run_job (gpointer data,
         gpointer user_data)
{
  g_autoptr(GTask) task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done;

  if (job->networks != NULL)
    done = midway_helper_firewall_set (job->name, job->uid, (const char * const *) job->networks,
                                       job->servers, &error);
  else
    done = midway_helper_firewall_clear (job->name, &error);
  if (done)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
push (Job                *job,
      GAsyncReadyCallback callback,
      gpointer            user_data)
{
  GTask *task = g_task_new (NULL, NULL, callback, user_data);

  g_task_set_source_tag (task, push);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_mutex_lock (&worker_lock);
  if (worker == NULL)
    /* exclusive, one thread: jobs run in the order pushed. */
    worker = g_thread_pool_new (run_job, NULL, 1, TRUE, NULL);
  g_thread_pool_push (worker, task, NULL);
  g_mutex_unlock (&worker_lock);
}

void
midway_helper_firewall_set_async (const char         *name,
                                  uid_t               uid,
                                  const char * const *networks,
                                  GList              *servers,
                                  GAsyncReadyCallback callback,
                                  gpointer            user_data)
{
  Job *job;

  g_return_if_fail (name != NULL && networks != NULL);

  job = g_new0 (Job, 1);
  job->name = g_strdup (name);
  job->uid = uid;
  job->networks = g_strdupv ((char **) networks);
  for (GList *l = servers; l != NULL; l = l->next)
    job->servers = g_list_prepend (job->servers, g_object_ref (l->data));
  job->servers = g_list_reverse (job->servers);
  push (job, callback, user_data);
}

void
midway_helper_firewall_clear_async (const char         *name,
                                    GAsyncReadyCallback callback,
                                    gpointer            user_data)
{
  Job *job;

  g_return_if_fail (name != NULL);

  job = g_new0 (Job, 1);
  job->name = g_strdup (name);
  push (job, callback, user_data);
}

gboolean
midway_helper_firewall_finish (GAsyncResult *result,
                               GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == push, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
midway_helper_firewall_drain (void)
{
  GThreadPool *pool;

  g_mutex_lock (&worker_lock);
  pool = g_steal_pointer (&worker);
  g_mutex_unlock (&worker_lock);
  /* Runs what is queued and waits for it; the callbacks, left to a main
   * loop that no longer runs, are not called. */
  if (pool != NULL)
    g_thread_pool_free (pool, FALSE, TRUE);
}
