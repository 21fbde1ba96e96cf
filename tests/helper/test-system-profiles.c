/* test-system-profiles.c: which files under /etc/midway/profiles are
 * system profiles, against files made in a temporary directory (their
 * owner is the test's uid, standing in for root).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "midway-error.h"
#include "midway-helper-system-profiles.h"
#include "midway-test-kit.h"

#define HOST_KEY "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIVaAK9dTSswE2KWxnchjdLSojdMv4XgQDknCt+PHubT"

typedef struct
{
  char *dir;       /* the key directory, /etc/midway */
  char *profiles;  /* /etc/midway/profiles */
  char *key;
} Fixture;

static void
write_file (const char *path,
            const char *text,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static char *
profile_text (const char *name,
              const char *key_file,
              const char *extra)
{
  return g_strdup_printf ("[Midway Profile]\nname=%s\nhost=vpn.example.org\nuser=midway\n"
                          "auth=key-file\nkey-file=%s\nhost-key=" HOST_KEY "\nfull-tunnel=true\n%s",
                          name, key_file, extra);
}

static void
write_profile (Fixture    *fixture,
               const char *file_name,
               const char *name,
               int         mode)
{
  g_autofree char *path = g_build_filename (fixture->profiles, file_name, NULL);
  g_autofree char *text = profile_text (name, fixture->key, "");

  write_file (path, text, mode);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("midway-sysprof-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->profiles = g_build_filename (fixture->dir, "profiles", NULL);
  g_assert_cmpint (g_mkdir (fixture->profiles, 0755), ==, 0);
  fixture->key = g_build_filename (fixture->dir, "office.key", NULL);
  write_file (fixture->key, "not parsed here\n", 0600);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  midway_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->profiles);
  g_free (fixture->key);
}

static MidwayProfile *
load (Fixture    *fixture,
      const char *file_name,
      GError    **error)
{
  return midway_helper_system_profile_load (fixture->profiles, file_name, fixture->dir, getuid (), error);
}

static void
assert_refused (Fixture    *fixture,
                const char *file_name,
                const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = load (fixture, file_name, &error);

  g_assert_null (profile);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  if (strstr (error->message, message_part) == NULL)
    g_error ("%s: \"%s\" does not say \"%s\"", file_name, error->message, message_part);
}

static void
test_valid (Fixture      *fixture,
            gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) first = NULL;
  g_autoptr(MidwayProfile) second = NULL;
  g_autoptr(MidwayProfile) other = NULL;

  write_profile (fixture, "office.midway", "Office", 0644);
  write_profile (fixture, "lab_2-b.midway", "Lab", 0400);
  first = load (fixture, "office.midway", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_profile_get_name (first), ==, "Office");
  g_assert_true (midway_profile_get_full_tunnel (first));
  /* the id comes from the file name: the same at each read, a UUID, and
   * another for another file */
  second = load (fixture, "office.midway", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_profile_get_id (first), ==, midway_profile_get_id (second));
  g_assert_true (g_uuid_string_is_valid (midway_profile_get_id (first)));
  other = load (fixture, "lab_2-b.midway", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_profile_get_id (first), !=, midway_profile_get_id (other));
}

static void
test_owner_and_mode (Fixture      *fixture,
                     gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MidwayProfile) profile = NULL;

  write_profile (fixture, "group.midway", "Group", 0664);
  write_profile (fixture, "other.midway", "Other", 0646);
  assert_refused (fixture, "group.midway", "writable by its group or others (mode 0664)");
  assert_refused (fixture, "other.midway", "writable by its group or others (mode 0646)");

  write_profile (fixture, "office.midway", "Office", 0644);
  profile = midway_helper_system_profile_load (fixture->profiles, "office.midway", fixture->dir,
                                               getuid () + 1, &error);
  g_assert_null (profile);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_PROFILE);
  g_assert_nonnull (strstr (error->message, "is owned by uid"));
}

static void
test_symlink_and_kind (Fixture      *fixture,
                       gconstpointer data)
{
  g_autofree char *target = g_build_filename (fixture->dir, "elsewhere.midway", NULL);
  g_autofree char *link = g_build_filename (fixture->profiles, "link.midway", NULL);
  g_autofree char *sub = g_build_filename (fixture->profiles, "dir.midway", NULL);
  g_autofree char *text = profile_text ("Elsewhere", fixture->key, "");
  g_autofree char *fifo = g_build_filename (fixture->profiles, "fifo.midway", NULL);

  write_file (target, text, 0644);
  g_assert_cmpint (symlink (target, link), ==, 0);
  assert_refused (fixture, "link.midway", "is a symbolic link");
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  assert_refused (fixture, "dir.midway", "is not a regular file");
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  assert_refused (fixture, "fifo.midway", "is not a regular file");
}

static void
test_names (Fixture      *fixture,
            gconstpointer data)
{
  const char *bad[] = { ".midway", ".hidden.midway", "two words.midway", "office.midway~",
                        "office.conf", "office.midway.bak", "b\xc3\xa4r.midway", "a.b.midway",
                        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.midway" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_build_filename (fixture->profiles, bad[i], NULL);
      g_autofree char *text = profile_text ("Bad", fixture->key, "");

      write_file (path, text, 0644);
      assert_refused (fixture, bad[i], "is not named NAME.midway");
    }
}

static void
test_content (Fixture      *fixture,
              gconstpointer data)
{
  g_autofree char *outside = g_build_filename (g_get_tmp_dir (), "key", NULL);
  g_autofree char *dotdot = g_build_filename (fixture->dir, "..", "key", NULL);
  g_autofree char *loose = g_build_filename (fixture->dir, "loose.key", NULL);
  g_autofree char *linked = g_build_filename (fixture->dir, "linked.key", NULL);
  struct
  {
    const char *file;
    char       *text;
    const char *says;
  } cases[] = {
    { "garbage.midway", g_strdup ("this is not a key file\n\x01"), "" },
    { "noname.midway", g_strdup ("[Midway Profile]\nhost=vpn.example.org\n"), "name: is required" },
    { "agent.midway", g_strdup_printf ("[Midway Profile]\nname=Agent\nhost=h\nauth=agent\nhost-key=" HOST_KEY "\n"),
      "auth: a system profile signs in with key-file" },
    { "outside.midway", profile_text ("Outside", outside, ""), "key-file: must be under" },
    { "dotdot.midway", profile_text ("Dotdot", dotdot, ""), "key-file: " },
    { "loose.midway", profile_text ("Loose", loose, ""), "mode 0600 or 0400" },
    { "linked.midway", profile_text ("Linked", linked, ""), "is not a regular file" },
    { "missing.midway", profile_text ("Missing", "/nonexistent", ""), "key-file: must be under" },
    { "nohostkey.midway",
      g_strdup_printf ("[Midway Profile]\nname=NoKey\nhost=h\nauth=key-file\nkey-file=%s\n", fixture->key),
      "host-key: a system profile pins" },
    { "unknown.midway", profile_text ("Unknown", fixture->key, "colour=blue\n"), "colour" },
  };

  write_file (loose, "k\n", 0640);
  g_assert_cmpint (symlink (fixture->key, linked), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (fixture->profiles, cases[i].file, NULL);

      write_file (path, cases[i].text, 0644);
      assert_refused (fixture, cases[i].file, cases[i].says);
      g_free (cases[i].text);
    }
}

static void
test_list_and_find (Fixture      *fixture,
                    gconstpointer data)
{
  g_autofree char *missing = g_build_filename (fixture->dir, "none", NULL);
  g_autofree char *garbage = g_build_filename (fixture->profiles, "garbage.midway", NULL);
  g_autoptr(GPtrArray) empty = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(MidwayProfile) found = NULL;
  g_autoptr(MidwayProfile) absent = NULL;
  g_autoptr(GError) error = NULL;

  empty = midway_helper_system_profiles_list (missing, fixture->dir, getuid ());
  g_assert_cmpuint (empty->len, ==, 0);

  write_profile (fixture, "zeta.midway", "Zeta", 0644);
  write_profile (fixture, "alpha.midway", "Alpha", 0600);
  write_profile (fixture, "group.midway", "Group", 0664);
  write_profile (fixture, "again.midway", "ZETA", 0644);   /* a second "Zeta": the first file's name wins */
  write_file (garbage, "[x", 0644);
  listed = midway_helper_system_profiles_list (fixture->profiles, fixture->dir, getuid ());
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpstr (midway_profile_get_name (g_ptr_array_index (listed, 0)), ==, "Alpha");
  g_assert_cmpstr (midway_profile_get_name (g_ptr_array_index (listed, 1)), ==, "ZETA");

  found = midway_helper_system_profiles_find (fixture->profiles, fixture->dir, getuid (), "alpha", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (midway_profile_get_name (found), ==, "Alpha");
  absent = midway_helper_system_profiles_find (fixture->profiles, fixture->dir, getuid (), "Group", &error);
  g_assert_null (absent);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* the caller's name comes back without its escapes */
  absent = midway_helper_system_profiles_find (fixture->profiles, fixture->dir, getuid (),
                                               "x\033[2Jy", &error);
  g_assert_null (absent);
  g_assert_error (error, MIDWAY_ERROR, MIDWAY_ERROR_NOT_FOUND);
  g_assert_null (strchr (error->message, '\033'));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/system-profiles/valid", test_valid);
  ADD ("/system-profiles/owner-and-mode", test_owner_and_mode);
  ADD ("/system-profiles/symlink-and-kind", test_symlink_and_kind);
  ADD ("/system-profiles/names", test_names);
  ADD ("/system-profiles/content", test_content);
  ADD ("/system-profiles/list-and-find", test_list_and_find);
#undef ADD

  return g_test_run ();
}
