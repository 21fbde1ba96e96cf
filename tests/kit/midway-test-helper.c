/* midway-test-helper.c: see midway-test-helper.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-test-helper.h"

#include <unistd.h>

#include "midway-error.h"
#include "midway-reason.h"
#include "midway-test-kit.h"

/* How long a failing stand-in tunnel stays in starting-ssh. */
#define FAIL_AFTER_MS 300

struct _MidwayTestHelper
{
  GObject                   parent_instance;

  GDBusConnection          *connection;
  GDBusObjectManagerServer *manager;
  MidwayHelper1            *helper1;
  guint                     owner_id;

  /* What every Connect gets, once a test has said. */
  gulong     connect_handler;
  char      *tunnel_path;                   /* NULL: refused */
  char      *fail_reason;
  char      *fail_message;
  int        refuse_code;
  char      *refuse_message;
  guint      n_connects;
  GVariant  *connect_profile;
  GVariant  *connect_credentials;
  GPtrArray *failing;                       /* MidwayTunnel1, to fail */
  guint      fail_source;

  /* System profiles, once a test has said. */
  GVariant *system_profiles;                 /* aa{sv} */
  gulong    system_handler;
  char     *system_path;                     /* NULL: refused */
  int       system_refuse_code;
  char     *system_refuse_message;
  guint     n_system_connects;
  char     *system_connect_name;
};

G_DEFINE_FINAL_TYPE (MidwayTestHelper, midway_test_helper, G_TYPE_OBJECT)

static void
midway_test_helper_dispose (GObject *object)
{
  MidwayTestHelper *self = MIDWAY_TEST_HELPER (object);

  g_clear_handle_id (&self->fail_source, g_source_remove);
  g_clear_pointer (&self->failing, g_ptr_array_unref);
  if (self->owner_id != 0)
    {
      g_bus_unown_name (self->owner_id);
      self->owner_id = 0;
    }
  if (self->helper1 != NULL)
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->helper1));
  g_clear_object (&self->helper1);
  g_clear_object (&self->manager);
  g_clear_object (&self->connection);
  g_clear_pointer (&self->connect_profile, g_variant_unref);
  g_clear_pointer (&self->connect_credentials, g_variant_unref);
  g_clear_pointer (&self->system_profiles, g_variant_unref);

  G_OBJECT_CLASS (midway_test_helper_parent_class)->dispose (object);
}

static void
midway_test_helper_finalize (GObject *object)
{
  MidwayTestHelper *self = MIDWAY_TEST_HELPER (object);

  g_free (self->tunnel_path);
  g_free (self->fail_reason);
  g_free (self->fail_message);
  g_free (self->refuse_message);
  g_free (self->system_path);
  g_free (self->system_refuse_message);
  g_free (self->system_connect_name);

  G_OBJECT_CLASS (midway_test_helper_parent_class)->finalize (object);
}

static void
midway_test_helper_class_init (MidwayTestHelperClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = midway_test_helper_dispose;
  G_OBJECT_CLASS (klass)->finalize = midway_test_helper_finalize;
}

static void
midway_test_helper_init (MidwayTestHelper *self)
{
}

MidwayTestHelper *
midway_test_helper_new (void)
{
  MidwayTestHelper *self = g_object_new (MIDWAY_TYPE_TEST_HELPER, NULL);

  self->connection = midway_test_new_bus_connection (G_BUS_TYPE_SYSTEM);
  self->manager = g_dbus_object_manager_server_new (MIDWAY_HELPER_OBJECT_PATH);
  return self;
}

GDBusConnection *
midway_test_helper_get_connection (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), NULL);

  return self->connection;
}

MidwayHelper1 *
midway_test_helper_get_helper1 (MidwayTestHelper *self)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), NULL);

  if (self->helper1 == NULL)
    {
      self->helper1 = midway_helper1_skeleton_new ();
      g_assert_true (g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->helper1), self->connection,
                                                       MIDWAY_HELPER_OBJECT_PATH, &error));
      g_assert_no_error (error);
    }
  return self->helper1;
}

void
midway_test_helper_export_tunnel (MidwayTestHelper *self,
                                  const char       *path,
                                  MidwayTunnel1    *tunnel)
{
  g_autoptr(MidwayObjectSkeleton) object = NULL;

  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));

  object = midway_object_skeleton_new (path);
  midway_object_skeleton_set_tunnel1 (object, tunnel);
  g_dbus_object_manager_server_export (self->manager, G_DBUS_OBJECT_SKELETON (object));
}

void
midway_test_helper_unexport_tunnel (MidwayTestHelper *self,
                                    const char       *path)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));

  g_dbus_object_manager_server_unexport (self->manager, path);
}

static void
on_name_lost (GDBusConnection *connection,
              const char      *name,
              gpointer         data)
{
  g_error ("the stand-in helper did not get or lost %s", name);
}

void
midway_test_helper_own_name (MidwayTestHelper *self)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (self->owner_id == 0);

  g_dbus_object_manager_server_set_connection (self->manager, self->connection);
  self->owner_id = g_bus_own_name_on_connection (self->connection, MIDWAY_HELPER_BUS_NAME,
                                                 G_BUS_NAME_OWNER_FLAGS_NONE, NULL, on_name_lost,
                                                 NULL, NULL);
}

static gboolean
fail_tunnels (gpointer data)
{
  MidwayTestHelper *self = data;
  g_autoptr(GPtrArray) failing = g_steal_pointer (&self->failing);

  self->fail_source = 0;
  for (guint i = 0; failing != NULL && i < failing->len; i++)
    {
      MidwayTunnel1 *tunnel = g_ptr_array_index (failing, i);

      midway_tunnel1_set_last_reason (tunnel, self->fail_reason);
      midway_tunnel1_set_last_message (tunnel, self->fail_message);
      midway_tunnel1_set_state (tunnel, MIDWAY_STATE_FAILED);
    }
  return G_SOURCE_REMOVE;
}

static void
export_failing_tunnel (MidwayTestHelper *self,
                       GVariant         *profile)
{
  g_autoptr(MidwayTunnel1) tunnel = midway_tunnel1_skeleton_new ();
  const char *id = NULL;
  const char *name = NULL;

  g_variant_lookup (profile, MIDWAY_FIELD_ID, "&s", &id);
  g_variant_lookup (profile, MIDWAY_FIELD_NAME, "&s", &name);
  midway_tunnel1_set_profile_id (tunnel, id);
  midway_tunnel1_set_profile_name (tunnel, name);
  midway_tunnel1_set_owner (tunnel, getuid ());
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_STARTING_SSH);
  midway_test_helper_export_tunnel (self, self->tunnel_path, tunnel);
  if (self->failing == NULL)
    self->failing = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->failing, g_object_ref (tunnel));
  if (self->fail_source == 0)
    self->fail_source = g_timeout_add (FAIL_AFTER_MS, fail_tunnels, self);
}

static gboolean
on_handle_connect (MidwayHelper1         *helper1,
                   GDBusMethodInvocation *invocation,
                   GVariant              *profile,
                   GVariant              *credentials,
                   MidwayTestHelper      *self)
{
  g_clear_pointer (&self->connect_profile, g_variant_unref);
  g_clear_pointer (&self->connect_credentials, g_variant_unref);
  self->connect_profile = g_variant_ref (profile);
  self->connect_credentials = g_variant_ref (credentials);
  self->n_connects++;

  if (self->tunnel_path == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, MIDWAY_ERROR, self->refuse_code,
                                                     self->refuse_message);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (self->fail_reason != NULL)
    export_failing_tunnel (self, profile);
  midway_helper1_complete_connect (helper1, invocation, self->tunnel_path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
handle_connect (MidwayTestHelper *self)
{
  MidwayHelper1 *helper1 = midway_test_helper_get_helper1 (self);

  if (self->connect_handler == 0)
    self->connect_handler = g_signal_connect (helper1, "handle-connect", G_CALLBACK (on_handle_connect), self);
}

void
midway_test_helper_answer_connect (MidwayTestHelper *self,
                                   const char       *tunnel_path,
                                   const char       *fail_reason,
                                   const char       *fail_message)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (tunnel_path != NULL);

  g_free (self->tunnel_path);
  self->tunnel_path = g_strdup (tunnel_path);
  g_free (self->fail_reason);
  self->fail_reason = g_strdup (fail_reason);
  g_free (self->fail_message);
  self->fail_message = g_strdup (fail_message != NULL ? fail_message : "");
  handle_connect (self);
}

void
midway_test_helper_refuse_connect (MidwayTestHelper *self,
                                   int               code,
                                   const char       *message)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (message != NULL);

  g_clear_pointer (&self->tunnel_path, g_free);
  self->refuse_code = code;
  g_free (self->refuse_message);
  self->refuse_message = g_strdup (message);
  handle_connect (self);
}

guint
midway_test_helper_get_n_connects (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), 0);

  return self->n_connects;
}

GVariant *
midway_test_helper_get_connect_profile (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), NULL);

  return self->connect_profile;
}

GVariant *
midway_test_helper_get_connect_credentials (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), NULL);

  return self->connect_credentials;
}

void
midway_test_helper_reset_connects (MidwayTestHelper *self)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));

  self->n_connects = 0;
  g_clear_pointer (&self->connect_profile, g_variant_unref);
  g_clear_pointer (&self->connect_credentials, g_variant_unref);
}

/* ---- System profiles ---------------------------------------------------- */

static gboolean
on_handle_list_system_profiles (MidwayHelper1         *helper1,
                                GDBusMethodInvocation *invocation,
                                MidwayTestHelper      *self)
{
  midway_helper1_complete_list_system_profiles (helper1, invocation, self->system_profiles);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

void
midway_test_helper_serve_system_profiles (MidwayTestHelper *self,
                                          GVariant         *profiles)
{
  MidwayHelper1 *helper1;

  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (g_variant_is_of_type (profiles, G_VARIANT_TYPE ("aa{sv}")));

  helper1 = midway_test_helper_get_helper1 (self);
  if (self->system_profiles == NULL)
    g_signal_connect (helper1, "handle-list-system-profiles", G_CALLBACK (on_handle_list_system_profiles), self);
  g_clear_pointer (&self->system_profiles, g_variant_unref);
  self->system_profiles = g_variant_ref_sink (profiles);
}

/* The served profile called @name, as the helper compares names. */
static GVariant *
find_system_profile (MidwayTestHelper *self,
                     const char       *name)
{
  g_autofree char *wanted = g_utf8_casefold (name, -1);
  GVariantIter iter;
  GVariant *profile;

  if (self->system_profiles == NULL)
    return NULL;
  g_variant_iter_init (&iter, self->system_profiles);
  while ((profile = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *profile_name = "";
      g_autofree char *folded = NULL;

      g_variant_lookup (profile, MIDWAY_FIELD_NAME, "&s", &profile_name);
      folded = g_utf8_casefold (profile_name, -1);
      if (g_strcmp0 (folded, wanted) == 0)
        return profile;
      g_variant_unref (profile);
    }
  return NULL;
}

static gboolean
on_handle_system_disconnect (MidwayTunnel1         *tunnel,
                             GDBusMethodInvocation *invocation,
                             MidwayTestHelper      *self)
{
  g_autofree char *path = g_strdup (g_dbus_interface_skeleton_get_object_path (G_DBUS_INTERFACE_SKELETON (tunnel)));

  midway_tunnel1_complete_disconnect (tunnel, invocation);
  midway_test_helper_unexport_tunnel (self, path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_connect_system_profile (MidwayHelper1         *helper1,
                                  GDBusMethodInvocation *invocation,
                                  const char            *name,
                                  MidwayTestHelper      *self)
{
  g_autoptr(GVariant) profile = NULL;
  g_autoptr(MidwayTunnel1) tunnel = NULL;
  const char *id = "";
  const char *profile_name = "";

  self->n_system_connects++;
  g_free (self->system_connect_name);
  self->system_connect_name = g_strdup (name);

  if (self->system_path == NULL)
    {
      g_dbus_method_invocation_return_error_literal (invocation, MIDWAY_ERROR, self->system_refuse_code,
                                                     self->system_refuse_message);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  profile = find_system_profile (self, name);
  if (profile == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, MIDWAY_ERROR, MIDWAY_ERROR_NOT_FOUND,
                                             "No system profile is called %s", name);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }

  g_variant_lookup (profile, MIDWAY_FIELD_ID, "&s", &id);
  g_variant_lookup (profile, MIDWAY_FIELD_NAME, "&s", &profile_name);
  tunnel = midway_tunnel1_skeleton_new ();
  midway_tunnel1_set_profile_id (tunnel, id);
  midway_tunnel1_set_profile_name (tunnel, profile_name);
  midway_tunnel1_set_owner (tunnel, 0);
  midway_tunnel1_set_system (tunnel, TRUE);
  midway_tunnel1_set_state (tunnel, MIDWAY_STATE_UP);
  midway_tunnel1_set_interface (tunnel, "ppp0");
  midway_tunnel1_set_local_address (tunnel, "10.66.0.1");
  midway_tunnel1_set_remote_address (tunnel, "10.66.0.2");
  midway_tunnel1_set_connected_since (tunnel, g_get_real_time ());
  g_signal_connect (tunnel, "handle-disconnect", G_CALLBACK (on_handle_system_disconnect), self);
  midway_test_helper_export_tunnel (self, self->system_path, tunnel);
  midway_helper1_complete_connect_system_profile (helper1, invocation, self->system_path);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
handle_connect_system (MidwayTestHelper *self)
{
  MidwayHelper1 *helper1 = midway_test_helper_get_helper1 (self);

  if (self->system_handler == 0)
    self->system_handler = g_signal_connect (helper1, "handle-connect-system-profile",
                                             G_CALLBACK (on_handle_connect_system_profile), self);
}

void
midway_test_helper_answer_connect_system (MidwayTestHelper *self,
                                          const char       *tunnel_path)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (tunnel_path != NULL);

  g_free (self->system_path);
  self->system_path = g_strdup (tunnel_path);
  handle_connect_system (self);
}

void
midway_test_helper_refuse_connect_system (MidwayTestHelper *self,
                                          int               code,
                                          const char       *message)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (message != NULL);

  g_clear_pointer (&self->system_path, g_free);
  self->system_refuse_code = code;
  g_free (self->system_refuse_message);
  self->system_refuse_message = g_strdup (message);
  handle_connect_system (self);
}

guint
midway_test_helper_get_n_system_connects (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), 0);

  return self->n_system_connects;
}

const char *
midway_test_helper_get_system_connect_name (MidwayTestHelper *self)
{
  g_return_val_if_fail (MIDWAY_IS_TEST_HELPER (self), NULL);

  return self->system_connect_name;
}
