/* test-ssh-config.c: ~/.ssh/config import, checked host by host against
 * what the real ssh reports for the same file (ssh -G, which only prints
 * the configuration it would use and connects nowhere).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-ssh-config.h"
#include "midway-test-kit.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("midway-ssh-config-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  midway_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Writes @text to DIR/@name with "@DIR@" replaced by the directory. */
static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_auto(GStrv) parts = g_strsplit (text, "@DIR@", -1);
  g_autofree char *contents = g_strjoinv (fixture->dir, parts);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
put_file (Fixture    *fixture,
          const char *name,
          const char *text)
{
  g_free (write_file (fixture, name, text));
}

static int
find_entry (MidwaySshConfig *config,
            const char      *alias)
{
  for (guint i = 0; i < midway_ssh_config_get_n_entries (config); i++)
    if (g_strcmp0 (midway_ssh_config_get_alias (config, i), alias) == 0)
      return (int) i;
  return -1;
}

static MidwayProfile *
profile_for (MidwaySshConfig *config,
             const char      *alias)
{
  g_autoptr(GError) error = NULL;
  int index = find_entry (config, alias);
  MidwayProfile *profile;

  g_assert_cmpint (index, >=, 0);
  profile = midway_ssh_config_dup_profile (config, (guint) index, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

static void
assert_refused (MidwaySshConfig *config,
                const char      *alias,
                const char      *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  int index = find_entry (config, alias);

  g_assert_cmpint (index, >=, 0);
  profile = midway_ssh_config_dup_profile (config, (guint) index, &error);
  g_assert_null (profile);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_assert_cmpstr (error->message, ==, message);
}

static gboolean
has_warning (MidwaySshConfig *config,
             const char      *part)
{
  const char * const *warnings = midway_ssh_config_get_warnings (config);

  for (guint i = 0; warnings[i] != NULL; i++)
    if (strstr (warnings[i], part) != NULL)
      return TRUE;
  return FALSE;
}

static void
assert_no_warnings (MidwaySshConfig *config)
{
  const char * const *warnings = midway_ssh_config_get_warnings (config);

  for (guint i = 0; warnings[i] != NULL; i++)
    g_test_message ("unexpected warning: %s", warnings[i]);
  g_assert_null (warnings[0]);
}

/* ---- ssh -G ------------------------------------------------------------- */

typedef struct
{
  char      *hostname;
  char      *port;
  char      *user;
  GPtrArray *identity_files;
} SshView;

static void
ssh_view_free (SshView *view)
{
  g_free (view->hostname);
  g_free (view->port);
  g_free (view->user);
  g_ptr_array_unref (view->identity_files);
  g_free (view);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SshView, ssh_view_free)

static SshView *
ssh_view (const char *config_path,
          const char *alias)
{
  g_autoptr(GSubprocess) ssh = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  SshView *view = g_new0 (SshView, 1);

  view->identity_files = g_ptr_array_new_with_free_func (g_free);
  ssh = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE |
                          G_SUBPROCESS_FLAGS_STDIN_INHERIT, &error,
                          MIDWAY_SSH_PATH, "-G", "-F", config_path, alias, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ssh, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (ssh));
  g_assert_cmpint (g_subprocess_get_exit_status (ssh), ==, 0);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *space = strchr (lines[i], ' ');

      if (space == NULL)
        continue;
      *space = '\0';
      if (strcmp (lines[i], "hostname") == 0)
        view->hostname = g_strdup (space + 1);
      else if (strcmp (lines[i], "port") == 0)
        view->port = g_strdup (space + 1);
      else if (strcmp (lines[i], "user") == 0)
        view->user = g_strdup (space + 1);
      else if (strcmp (lines[i], "identityfile") == 0)
        g_ptr_array_add (view->identity_files, g_strdup (space + 1));
    }
  g_assert_nonnull (view->hostname);
  g_assert_nonnull (view->port);
  g_assert_nonnull (view->user);
  return view;
}

/* ssh -G prints IdentityFile as written; ssh expands "~" and the tokens
 * only when it loads the key, with these values. */
static char *
ssh_expand_identity (const char    *identity,
                     SshView       *view,
                     const char    *alias,
                     struct passwd *pw)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = identity;

  if (g_str_has_prefix (p, "~/"))
    {
      g_string_append (out, pw->pw_dir);
      p++;
    }
  for (; *p != '\0'; p++)
    {
      if (*p != '%')
        {
          g_string_append_c (out, *p);
          continue;
        }
      p++;
      switch (*p)
        {
        case '%': g_string_append_c (out, '%');
          break;
        case 'd': g_string_append (out, pw->pw_dir);
          break;
        case 'u': g_string_append (out, pw->pw_name);
          break;
        case 'h': g_string_append (out, view->hostname);
          break;
        case 'r': g_string_append (out, view->user);
          break;
        case 'n': g_string_append (out, alias);
          break;
        case 'p': g_string_append (out, view->port);
          break;
        default: g_assert_not_reached ();
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* Every valid entry is what ssh would use for its alias. */
static void
assert_matches_ssh (MidwaySshConfig *config,
                    const char      *config_path,
                    struct passwd   *pw)
{
  static const char * const default_identities[] = {
    "~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk",
    "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa", NULL
  };
  guint n_checked = 0;

  for (guint i = 0; i < midway_ssh_config_get_n_entries (config); i++)
    {
      const char *alias = midway_ssh_config_get_alias (config, i);
      g_autoptr(MidwayProfile) profile = midway_ssh_config_dup_profile (config, i, NULL);
      g_autoptr(SshView) view = NULL;
      g_autofree char *port = NULL;

      if (profile == NULL)
        continue;
      g_test_message ("comparing %s with ssh -G", alias);
      view = ssh_view (config_path, alias);
      g_assert_cmpstr (midway_profile_get_name (profile), ==, alias);
      g_assert_cmpstr (midway_profile_get_host (profile), ==, view->hostname);
      port = g_strdup_printf ("%u", midway_profile_get_port (profile));
      g_assert_cmpstr (port, ==, view->port);
      /* An empty user lets ssh pick, which is the local user's name. */
      if (*midway_profile_get_user (profile) == '\0')
        g_assert_cmpstr (view->user, ==, pw->pw_name);
      else
        g_assert_cmpstr (midway_profile_get_user (profile), ==, view->user);

      g_assert_cmpuint (view->identity_files->len, >, 0);
      if (midway_profile_get_auth (profile) == MIDWAY_AUTH_KEY_FILE)
        {
          g_autofree char *expected = ssh_expand_identity (view->identity_files->pdata[0], view, alias, pw);

          g_assert_cmpstr (midway_profile_get_key_file (profile), ==, expected);
        }
      else
        {
          /* No IdentityFile for it: ssh falls back to its defaults and the
           * profile to the agent. */
          g_assert_cmpint (midway_profile_get_auth (profile), ==, MIDWAY_AUTH_AGENT);
          for (guint k = 0; k < view->identity_files->len; k++)
            g_assert_true (g_strv_contains (default_identities, view->identity_files->pdata[k]));
        }
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 0);
}

/* ---- Tests -------------------------------------------------------------- */

#define REALISTIC_CONFIG \
  "# ~/.ssh/config of a busy person\n" \
  "Include @DIR@/conf.d/*.conf\n" \
  "\n" \
  "Host web web-alt\n" \
  "    HostName web.example.org\n" \
  "    User deploy\n" \
  "    Port 2201\n" \
  "\n" \
  "Host db\n" \
  "  HOSTNAME=db.internal.example.org\n" \
  "  User = \"dbadmin\"\n" \
  "  IdentityFile \"~/.ssh/id db\"   # a key with a space in its name\n" \
  "  Include @DIR@/db-extra.conf\n" \
  "\n" \
  "Host bastion\n" \
  "\tHostName 192.0.2.10\n" \
  "\tProxyCommand nc -X connect -x proxy:3128 %h %p\n" \
  "\tIdentityFile ~/.ssh/id_%r@%h-%p\n" \
  "\tIdentityFile ~/.ssh/id_second\n" \
  "\tUser ops\n" \
  "\n" \
  "Host *.corp !legacy.corp\n" \
  "  User corpuser\n" \
  "  Port 2022\n" \
  "\n" \
  "Host legacy.corp\n" \
  "  Port 2200\n" \
  "\n" \
  "Host app.corp\n" \
  "  HostName APP.Corp.Example.COM\n" \
  "\n" \
  "Match originalhost nothing-is-called-this\n" \
  "  User matchuser\n" \
  "  Port 9999\n" \
  "  HostName match.example.org\n" \
  "\n" \
  "Host Mixed-Case\n" \
  "  Port 2300\n" \
  "Host   quoted  \"with-quote\"  # two aliases\n" \
  "  user 'alice'\n" \
  "  hostname %h.example.org\n" \
  "Host plain\n" \
  "  HostName plain.example.org\n" \
  "Host ipv6\n" \
  "  HostName 2001:db8::1\n" \
  "  IdentityFile %d/.ssh/id_%u_%n\n" \
  "\n" \
  "Host hostile-dash\n" \
  "  HostName -oProxyCommand=touch\\ /tmp/pwned\n" \
  "Host hostile-user\n" \
  "  User \"bad user\"\n" \
  "Host hostile-key\n" \
  "  IdentityFile id_relative\n" \
  "Host hostile-token\n" \
  "  IdentityFile ~/.ssh/id_%C\n" \
  "Host zero-port\n" \
  "  Port 0022\n" \
  "  HostName a.example.org\n" \
  "\n" \
  "Host * !plain\n" \
  "  IdentityFile ~/.ssh/id_default\n" \
  "Host *\n" \
  "  User defaultuser\n" \
  "  Port 2222\n"

/* REALISTIC_CONFIG and the files it includes, read as for the caller;
 * @path: the main file's. */
static MidwaySshConfig *
load_realistic (Fixture *fixture,
                char   **path)
{
  struct passwd *pw = getpwuid (getuid ());
  g_autoptr(MidwaySshConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (pw);
  put_file (fixture, "conf.d/10-first.conf",
            "Host included-one\n"
            "  HostName inc1.example.net\n");
  /* Read before the main file's own "Host web": its Port wins. */
  put_file (fixture, "conf.d/20-web.conf",
            "Host web\n"
            "  Port 1111\n");
  put_file (fixture, "conf.d/ignored.txt",
            "Host not-included\n");
  put_file (fixture, "db-extra.conf",
            "Port 5432\n"
            "Host nested-in-db\n"
            "  Port 7777\n");
  *path = write_file (fixture, "config", REALISTIC_CONFIG);

  /* ssh's "~" and %d are the password database's home, not $HOME. */
  config = midway_ssh_config_new (pw->pw_dir);
  g_assert_true (midway_ssh_config_load_file (config, *path, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&config);
}

static void
test_realistic_aliases (Fixture      *fixture,
                        gconstpointer data)
{
  static const char * const expected_aliases[] = {
    "included-one", "web", "web-alt", "db", "bastion", "legacy.corp", "app.corp", "Mixed-Case",
    "quoted", "with-quote", "plain", "ipv6", "hostile-dash", "hostile-user", "hostile-key",
    "hostile-token", "zero-port", NULL
  };
  g_autofree char *path = NULL;
  g_autoptr(MidwaySshConfig) config = load_realistic (fixture, &path);

  g_assert_cmpuint (midway_ssh_config_get_n_entries (config), ==, g_strv_length ((GStrv) expected_aliases));
  for (guint i = 0; expected_aliases[i] != NULL; i++)
    g_assert_cmpstr (midway_ssh_config_get_alias (config, i), ==, expected_aliases[i]);

  /* ssh never applies the block of an alias declared in a file included
   * from another host's block; said, not silently dropped. */
  g_assert_cmpint (find_entry (config, "nested-in-db"), ==, -1);
  g_assert_true (has_warning (config, "“nested-in-db”"));
  {
    g_autoptr(SshView) nested = ssh_view (path, "nested-in-db");

    g_assert_cmpstr (nested->port, ==, "2222");
  }
  g_assert_cmpint (find_entry (config, "not-included"), ==, -1);
}

/* The values, independently of ssh. */
static void
test_realistic_values (Fixture      *fixture,
                       gconstpointer data)
{
  struct passwd *pw = getpwuid (getuid ());
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autoptr(MidwaySshConfig) config = load_realistic (fixture, &path);
  g_autoptr(MidwayProfile) web = NULL;
  g_autoptr(MidwayProfile) web_alt = NULL;
  g_autoptr(MidwayProfile) db = NULL;
  g_autoptr(MidwayProfile) bastion = NULL;
  g_autoptr(MidwayProfile) plain = NULL;
  g_autoptr(MidwayProfile) legacy = NULL;
  g_autoptr(MidwayProfile) app = NULL;
  g_autoptr(MidwayProfile) quoted = NULL;
  g_autoptr(MidwayProfile) port = NULL;

  web = profile_for (config, "web");
  g_assert_cmpstr (midway_profile_get_host (web), ==, "web.example.org");
  g_assert_cmpuint (midway_profile_get_port (web), ==, 1111);
  g_assert_cmpstr (midway_profile_get_user (web), ==, "deploy");
  key = g_build_filename (pw->pw_dir, ".ssh", "id_default", NULL);
  g_assert_cmpint (midway_profile_get_auth (web), ==, MIDWAY_AUTH_KEY_FILE);
  g_assert_cmpstr (midway_profile_get_key_file (web), ==, key);
  g_clear_pointer (&key, g_free);
  web_alt = profile_for (config, "web-alt");
  g_assert_cmpuint (midway_profile_get_port (web_alt), ==, 2201);
  g_assert_cmpstr (midway_profile_get_id (web), !=, midway_profile_get_id (web_alt));

  db = profile_for (config, "db");
  g_assert_cmpstr (midway_profile_get_host (db), ==, "db.internal.example.org");
  g_assert_cmpuint (midway_profile_get_port (db), ==, 5432);
  g_assert_cmpstr (midway_profile_get_user (db), ==, "dbadmin");
  key = g_build_filename (pw->pw_dir, ".ssh", "id db", NULL);
  g_assert_cmpstr (midway_profile_get_key_file (db), ==, key);
  g_clear_pointer (&key, g_free);

  bastion = profile_for (config, "bastion");
  g_assert_cmpstr (midway_profile_get_host (bastion), ==, "192.0.2.10");
  g_assert_cmpstr (midway_profile_get_user (bastion), ==, "ops");
  key = g_build_filename (pw->pw_dir, ".ssh", "id_ops@192.0.2.10-2222", NULL);
  g_assert_cmpstr (midway_profile_get_key_file (bastion), ==, key);
  g_clear_pointer (&key, g_free);
  /* The ProxyCommand went nowhere. */
  g_assert_cmpstr (midway_profile_get_remote_command (bastion), ==, "sudo -n pppd");

  legacy = profile_for (config, "legacy.corp");
  g_assert_cmpuint (midway_profile_get_port (legacy), ==, 2200);
  g_assert_cmpstr (midway_profile_get_user (legacy), ==, "defaultuser");
  app = profile_for (config, "app.corp");
  g_assert_cmpstr (midway_profile_get_host (app), ==, "app.corp.example.com");
  g_assert_cmpuint (midway_profile_get_port (app), ==, 2022);
  g_assert_cmpstr (midway_profile_get_user (app), ==, "corpuser");

  quoted = profile_for (config, "with-quote");
  g_assert_cmpstr (midway_profile_get_host (quoted), ==, "with-quote.example.org");
  g_assert_cmpstr (midway_profile_get_user (quoted), ==, "alice");

  plain = profile_for (config, "plain");
  g_assert_cmpint (midway_profile_get_auth (plain), ==, MIDWAY_AUTH_AGENT);
  g_assert_cmpstr (midway_profile_get_key_file (plain), ==, "");
  g_assert_cmpuint (midway_profile_get_port (plain), ==, 2222);

  /* ssh reads "Port 0022" as 22, and so does the profile. */
  port = profile_for (config, "zero-port");
  g_assert_cmpuint (midway_profile_get_port (port), ==, 22);
}

/* Refused with the library's own words, not dropped. */
static void
test_realistic_refused (Fixture      *fixture,
                        gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(MidwaySshConfig) config = load_realistic (fixture, &path);

  assert_refused (config, "hostile-dash", "host: must not start with “-”");
  assert_refused (config, "hostile-user", "user: may only contain letters, digits, “_”, “.” and “-”");
  assert_refused (config, "hostile-key", "key-file: must be an absolute path");
  assert_refused (config, "hostile-token", "key-file: must not contain “%” or “$”");
}

static void
test_realistic_matches_ssh (Fixture      *fixture,
                            gconstpointer data)
{
  struct passwd *pw = getpwuid (getuid ());
  g_autofree char *path = NULL;
  g_autoptr(MidwaySshConfig) config = load_realistic (fixture, &path);

  assert_matches_ssh (config, path, pw);
}

static void
test_relative_include (Fixture      *fixture,
                       gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  g_autoptr(MidwaySshConfig) config = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;

  put_file (fixture, ".ssh/hosts/office",
            "Host office\n"
            "  HostName office.example.org\n"
            "  IdentityFile ~/.ssh/id_office\n");
  path = write_file (fixture, ".ssh/config",
                     "Include hosts/*\n"
                     "Include ~/.ssh/missing-*.conf\n"
                     "Host *\n"
                     "  User me\n");

  config = midway_ssh_config_new (fixture->dir);
  g_assert_true (midway_ssh_config_load_file (config, path, &error));
  g_assert_no_error (error);
  assert_no_warnings (config);
  g_assert_cmpuint (midway_ssh_config_get_n_entries (config), ==, 1);
  profile = profile_for (config, "office");
  g_assert_cmpstr (midway_profile_get_host (profile), ==, "office.example.org");
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "me");
  key = g_build_filename (fixture->dir, ".ssh", "id_office", NULL);
  g_assert_cmpstr (midway_profile_get_key_file (profile), ==, key);
}

static void
test_include_loops (Fixture      *fixture,
                    gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(MidwaySshConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  put_file (fixture, "a.conf", "Include @DIR@/b.conf\nHost from-a\n");
  put_file (fixture, "b.conf", "Include @DIR@/a.conf\nHost from-b\n");
  put_file (fixture, "self.conf", "Include @DIR@/self.conf @DIR@/self.conf\nHost from-self\n");
  /* 20 files deep, each including the next. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *name = g_strdup_printf ("deep-%u.conf", i);
      g_autofree char *text = g_strdup_printf ("Include @DIR@/deep-%u.conf\nHost deep-%u\n", i + 1, i);

      g_free (write_file (fixture, name, text));
    }
  path = write_file (fixture, "config",
                     "Include @DIR@/a.conf @DIR@/self.conf @DIR@/deep-0.conf @DIR@/config\n"
                     "Host top\n");

  config = midway_ssh_config_new (fixture->dir);
  g_assert_true (midway_ssh_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (config, "a.conf” includes itself"));
  g_assert_true (has_warning (config, "self.conf” includes itself"));
  g_assert_true (has_warning (config, "config” includes itself"));
  g_assert_true (has_warning (config, "nested more than 16 deep"));
  g_assert_cmpint (find_entry (config, "from-a"), >=, 0);
  g_assert_cmpint (find_entry (config, "from-b"), >=, 0);
  g_assert_cmpint (find_entry (config, "from-self"), >=, 0);
  g_assert_cmpint (find_entry (config, "top"), >=, 0);
  /* The top file is depth 0, as in ssh: deep-0 … deep-15 are read. */
  g_assert_cmpint (find_entry (config, "deep-15"), >=, 0);
  g_assert_cmpint (find_entry (config, "deep-16"), ==, -1);
}

/* The same 60 "a"s as in the hostile text's last-but-three Host line. */
#define HOSTILE_PATTERN_HOST_LENGTH 60

/* A config of overlong lines, stray bytes, broken syntax and hostile
 * values, read as for nobody. */
static MidwaySshConfig *
load_hostile (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(MidwaySshConfig) config = midway_ssh_config_new ("/home/nobody");
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern_host = NULL;

  g_string_append (text, "Host first\n  HostName first.example.org\n");
  /* An overlong Host line: skipped, and its options must not fall into
   * the block of "first". */
  g_string_append (text, "Host ");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "long-alias ");
  g_string_append (text, "\n  Port 4444\n  User smuggled\n");
  /* An overlong value. */
  g_string_append (text, "Host long-value\n  HostName ");
  for (guint i = 0; i < 9000; i++)
    g_string_append_c (text, 'a');
  g_string_append (text, ".example.org\n");
  g_string_append (text, "Host nul\n  User a");
  g_string_append_len (text, "\0b", 2);
  g_string_append (text, "\n");
  g_string_append (text, "Host bad-utf8-\xff\xfe\n  HostName x.example.org\n");
  g_string_append (text, "Host bidi-\xe2\x80\xae" "gpj\n");
  g_string_append (text, "Host quote\n  HostName \"unterminated.example.org\n");
  g_string_append (text, "Host ports\n  Port 99999\n  Port abc\n  Port\n  Port 2345\n");
  g_string_append (text, "Host args\n  HostName a.example.org b.example.org\n  User u1\n");
  g_string_append (text, "Host env\n  IdentityFile /keys/${USER}/id\n");
  g_string_append (text, "Host tilde-user\n  IdentityFile ~root/.ssh/key\n");
  g_string_append (text, "Host ../../etc/passwd\n");
  g_string_append (text, "Host negated !negated\n");
  g_string_append (text, "Host *a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b\n  User starry\n");
  pattern_host = g_strnfill (HOSTILE_PATTERN_HOST_LENGTH, 'a');
  g_string_append_printf (text, "Host %s\n", pattern_host);
  g_string_append (text, "Match all\n  Port 1\nHost crlf\r\n  Port 2020\r\n");
  g_string_append (text, "Host \"\"\n  Port 3\n");
  g_string_append (text, "Host after-comment\nHost # nothing but a comment\n  User leaked\n");

  g_assert_true (midway_ssh_config_load_data (config, text->str, text->len, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&config);
}

static void
test_hostile_long_lines (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();
  g_autoptr(MidwayProfile) profile = NULL;

  profile = profile_for (config, "first");
  g_assert_cmpuint (midway_profile_get_port (profile), ==, 22);
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "");
  g_clear_object (&profile);
  g_assert_true (has_warning (config, "ssh_config:3: longer than 8192 bytes"));
  g_assert_cmpint (find_entry (config, "long-alias"), ==, -1);

  /* The overlong HostName line is skipped: the alias stands for itself. */
  profile = profile_for (config, "long-value");
  g_assert_cmpstr (midway_profile_get_host (profile), ==, "long-value");
  g_clear_object (&profile);
  g_assert_true (has_warning (config, "ssh_config:7: longer than 8192 bytes"));
}

static void
test_hostile_bytes (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  int index;

  g_assert_true (has_warning (config, "contains a NUL byte"));
  profile = profile_for (config, "nul");
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "");
  g_clear_object (&profile);

  /* Shown escaped, refused by the name rule. */
  index = find_entry (config, "bad-utf8-\xef\xbf\xbd\xef\xbf\xbd");
  g_assert_cmpint (index, >=, 0);
  g_assert_null (midway_ssh_config_dup_profile (config, (guint) index, &error));
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_assert_cmpstr (error->message, ==, "name: must be valid UTF-8 text");
  g_clear_error (&error);
  index = find_entry (config, "bidi-\xef\xbf\xbdgpj");
  g_assert_cmpint (index, >=, 0);
  g_assert_null (midway_ssh_config_dup_profile (config, (guint) index, &error));
  g_assert_cmpstr (error->message, ==, "name: must not contain control or invisible formatting characters");
  g_clear_error (&error);
}

static void
test_hostile_syntax (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();
  g_autoptr(MidwayProfile) profile = NULL;

  g_assert_true (has_warning (config, "unmatched quote"));
  profile = profile_for (config, "quote");
  g_assert_cmpstr (midway_profile_get_host (profile), ==, "quote");
  g_clear_object (&profile);

  g_assert_true (has_warning (config, "bad port number"));
  g_assert_true (has_warning (config, "no value after “Port”"));
  profile = profile_for (config, "ports");
  g_assert_cmpuint (midway_profile_get_port (profile), ==, 2345);
  g_clear_object (&profile);

  g_assert_true (has_warning (config, "“hostname” takes one value"));
  profile = profile_for (config, "args");
  g_assert_cmpstr (midway_profile_get_host (profile), ==, "args");
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "u1");
  g_clear_object (&profile);
}

static void
test_hostile_refused (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();

  assert_refused (config, "env", "key-file: must not contain “%” or “$”");
  assert_refused (config, "tilde-user", "key-file: must be an absolute path");
  assert_refused (config, "../../etc/passwd", "host: must be a host name or an IP address");
  g_assert_cmpint (find_entry (config, "negated"), ==, -1);
  g_assert_true (has_warning (config, "“negated”"));
}

static void
test_hostile_patterns (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();
  g_autoptr(MidwayProfile) profile = NULL;
  g_autofree char *pattern_host = g_strnfill (HOSTILE_PATTERN_HOST_LENGTH, 'a');

  /* Matched by the pattern without taking forever. */
  profile = profile_for (config, pattern_host);
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "");
  g_clear_object (&profile);

  /* Match blocks are left out; CR LF line ends read as ssh reads them. */
  profile = profile_for (config, "crlf");
  g_assert_cmpuint (midway_profile_get_port (profile), ==, 2020);
  g_clear_object (&profile);
  g_assert_true (has_warning (config, "empty host pattern"));
  profile = profile_for (config, "after-comment");
  g_assert_cmpstr (midway_profile_get_user (profile), ==, "");
  g_clear_object (&profile);
}

/* After the hostile config: a file too large to read leaves nothing of
 * the one before. */
static void
test_hostile_too_large (void)
{
  g_autoptr(MidwaySshConfig) config = load_hostile ();
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;

  /* Too large to read at all. */
  big = g_strnfill (300 * 1024, '#');
  g_assert_false (midway_ssh_config_load_data (config, big, strlen (big), &error));
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpuint (midway_ssh_config_get_n_entries (config), ==, 0);
}

static void
test_files (Fixture      *fixture,
            gconstpointer data)
{
  g_autoptr(MidwaySshConfig) config = midway_ssh_config_new (fixture->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing", NULL);
  g_autofree char *fifo = g_build_filename (fixture->dir, "fifo", NULL);
  g_autofree char *open_path = NULL;
  g_autofree char *main_path = NULL;

  g_assert_false (midway_ssh_config_load_file (config, missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* Would block a reader forever. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (midway_ssh_config_load_file (config, fifo, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_clear_error (&error);

  /* ssh refuses files others can write, and so do we. */
  open_path = write_file (fixture, "open.conf", "Host from-open\n");
  g_assert_cmpint (g_chmod (open_path, 0666), ==, 0);
  g_assert_false (midway_ssh_config_load_file (config, open_path, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  main_path = write_file (fixture, "main.conf", "Include @DIR@/open.conf @DIR@/fifo\nHost main\n");
  g_assert_true (midway_ssh_config_load_file (config, main_path, &error));
  g_assert_no_error (error);
  g_assert_true (has_warning (config, "writable by others"));
  g_assert_true (has_warning (config, "not a regular file"));
  g_assert_cmpint (find_entry (config, "from-open"), ==, -1);
  g_assert_cmpint (find_entry (config, "main"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/ssh-config/realistic/aliases", Fixture, NULL, fixture_set_up, test_realistic_aliases, fixture_tear_down);
  g_test_add ("/ssh-config/realistic/values", Fixture, NULL, fixture_set_up, test_realistic_values, fixture_tear_down);
  g_test_add ("/ssh-config/realistic/refused", Fixture, NULL, fixture_set_up, test_realistic_refused, fixture_tear_down);
  g_test_add ("/ssh-config/realistic/matches-ssh", Fixture, NULL, fixture_set_up, test_realistic_matches_ssh,
              fixture_tear_down);
  g_test_add ("/ssh-config/relative-include", Fixture, NULL, fixture_set_up, test_relative_include, fixture_tear_down);
  g_test_add ("/ssh-config/include-loops", Fixture, NULL, fixture_set_up, test_include_loops, fixture_tear_down);
  g_test_add_func ("/ssh-config/hostile/long-lines", test_hostile_long_lines);
  g_test_add_func ("/ssh-config/hostile/bytes", test_hostile_bytes);
  g_test_add_func ("/ssh-config/hostile/syntax", test_hostile_syntax);
  g_test_add_func ("/ssh-config/hostile/refused", test_hostile_refused);
  g_test_add_func ("/ssh-config/hostile/patterns", test_hostile_patterns);
  g_test_add_func ("/ssh-config/hostile/too-large", test_hostile_too_large);
  g_test_add ("/ssh-config/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);

  return g_test_run ();
}
