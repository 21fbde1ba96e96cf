/* midway-test-helper.c: see midway-test-helper.h.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midway-test-helper.h"

struct _MidwayTestHelper
{
  GObject                   parent_instance;

  GDBusConnection          *connection;
  GDBusObjectManagerServer *manager;
  MidwayHelper1            *helper1;
  guint                     owner_id;
};

G_DEFINE_FINAL_TYPE (MidwayTestHelper, midway_test_helper, G_TYPE_OBJECT)

static void
midway_test_helper_dispose (GObject *object)
{
  MidwayTestHelper *self = MIDWAY_TEST_HELPER (object);

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

  G_OBJECT_CLASS (midway_test_helper_parent_class)->dispose (object);
}

static void
midway_test_helper_class_init (MidwayTestHelperClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = midway_test_helper_dispose;
}

static void
midway_test_helper_init (MidwayTestHelper *self)
{
}

MidwayTestHelper *
midway_test_helper_new (void)
{
  MidwayTestHelper *self = g_object_new (MIDWAY_TYPE_TEST_HELPER, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SYSTEM, NULL, &error);

  g_assert_no_error (error);
  self->connection = g_dbus_connection_new_for_address_sync (address,
                                                             G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                             G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                             NULL, NULL, &error);
  g_assert_no_error (error);
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

void
midway_test_helper_own_name (MidwayTestHelper *self)
{
  g_return_if_fail (MIDWAY_IS_TEST_HELPER (self));
  g_return_if_fail (self->owner_id == 0);

  g_dbus_object_manager_server_set_connection (self->manager, self->connection);
  self->owner_id = g_bus_own_name_on_connection (self->connection, MIDWAY_HELPER_BUS_NAME,
                                                 G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
}
