/* midway-application-private.h: the application object's state, shared
 * by the files it is written in: midway-application.c (lifecycle,
 * notifications), midway-application-connect.c (connecting a profile),
 * midway-application-actions.c (the app.* actions) and
 * midway-application-tray.c (the tray and the login start).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#pragma once

#include "midway-application.h"
#include "midway-host-key-flow.h"
#include "midway-profile-dialog.h"
#include "midway-secret-store.h"

G_BEGIN_DECLS

struct _MidwayApplication
{
  AdwApplication        parent_instance;

  MidwayConnectionList *connections;
  MidwaySecretStore    *secrets;
  MidwayNotifier       *notifier;
  MidwayTray           *tray;
  MidwayProfileDialog  *profiles;  /* weak: the one open */
  char                 *last_used_id;
  MidwayHostKeyFlow    *host_keys;
  gboolean              holding;
  gboolean              told_no_tray;
  gboolean              start_hidden;        /* --hidden, until the first activation */
  guint                 hidden_wait_source;  /* --hidden, until the tray answers */
};

/* midway-application.c */
void midway_application_show_error        (MidwayApplication *self,
                                           const char        *message);

/* midway-application-connect.c: host key, sign-in, then the helper. */
void midway_application_connect_profile   (MidwayApplication *self,
                                           const char        *profile_id);
/* A system profile (by its id): straight to the helper, which signs in
 * as the machine. */
void midway_application_connect_system_profile (MidwayApplication *self,
                                                const char        *profile_id);

/* midway-application-actions.c */
void midway_application_add_actions       (MidwayApplication *self);
void midway_application_show_log          (MidwayApplication *self,
                                           MidwayConnection  *connection);

/* midway-application-tray.c */
void midway_application_watch_tray        (MidwayApplication *self);
/* --hidden: the window only if no tray answers. */
void midway_application_wait_for_tray     (MidwayApplication *self);
void midway_application_present_from_tray (MidwayApplication *self,
                                           GtkWindow         *window);
void midway_application_end_tray          (MidwayApplication *self);

G_END_DECLS
