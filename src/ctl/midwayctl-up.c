/* midwayctl-up.c: "midwayctl up": the credentials, the Connect call, and
 * waiting for the tunnel to come up or fail.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "midway-dbus-generated.h"
#include "midway-reason.h"
#include "midway-text.h"
#include "midwayctl.h"

/* A password or passphrase, without its newline: the helper's limit. */
#define SECRET_MAX_SIZE 1024

/* ---- Reading a secret --------------------------------------------------- */

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

/* ^C at the prompt must not leave the terminal without echo. */
static void
restore_termios_and_die (int signum)
{
  if (termios_saved)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  signal (signum, SIG_DFL);
  raise (signum);
}

/* One line from stdin.  Read byte by byte with read(2), so that no copy
 * stays behind in a stdio buffer, and wiped wherever it was copied. */
static char *
read_secret (const char *prompt,
             GError    **error)
{
  /* On the stack: a freed heap block would keep its bytes until reused. */
  char buffer[SECRET_MAX_SIZE + 2] = { 0 };
  struct sigaction quiet_action = { 0 }, old_int, old_term, old_hup;
  gsize length = 0;
  gboolean newline = FALSE;
  gboolean too_long = FALSE;
  int read_errno = 0;
  char *secret;

  if (isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved_termios) == 0)
    {
      struct termios quiet = saved_termios;

      quiet_action.sa_handler = restore_termios_and_die;
      sigemptyset (&quiet_action.sa_mask);
      sigaction (SIGINT, &quiet_action, &old_int);
      sigaction (SIGTERM, &quiet_action, &old_term);
      sigaction (SIGHUP, &quiet_action, &old_hup);
      termios_saved = 1;

      g_printerr ("%s", prompt);
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }

  while (!newline)
    {
      char c;
      gssize n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          read_errno = errno;
          break;
        }
      if (n == 0)
        break;
      if (c == '\n')
        newline = TRUE;
      else if (length <= SECRET_MAX_SIZE)
        buffer[length++] = c;
      else
        too_long = TRUE;
    }

  if (termios_saved)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
      termios_saved = 0;
      sigaction (SIGINT, &old_int, NULL);
      sigaction (SIGTERM, &old_term, NULL);
      sigaction (SIGHUP, &old_hup, NULL);
    }

  /* A line typed or piped from a Windows file. */
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';

  if (read_errno != 0)
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (read_errno),
                 _("Could not read the secret from standard input: %s"), g_strerror (read_errno));
  else if (too_long || length > SECRET_MAX_SIZE)
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                 _("The secret on standard input is longer than %d bytes"), SECRET_MAX_SIZE);
  else if (length == 0)
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                 _("No secret on standard input (--secret-stdin reads one line)"));
  else if (!g_utf8_validate (buffer, (gssize) length, NULL))
    /* It crosses the bus as a D-Bus string, which must be UTF-8. */
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                 _("The secret on standard input is not valid UTF-8"));
  else if (!midway_text_is_clean (buffer, length))
    /* ssh gets it as one line through askpass; the helper refuses these. */
    g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                 _("The secret on standard input contains control characters"));

  if (error != NULL && *error != NULL)
    secret = NULL;
  else
    secret = g_strndup (buffer, length);

  explicit_bzero (buffer, sizeof buffer);
  return secret;
}

static void
wipe_string (char *text)
{
  if (text != NULL)
    explicit_bzero (text, strlen (text));
}

/* ---- up ----------------------------------------------------------------- */

/* What the keyring holds for @profile; a key-file profile needs nothing
 * from it, so a desktop without a Secret Service still connects those. */
static GVariant *
keyring_credentials (MidwayProfile *profile,
                     gboolean       required,
                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *credentials = midwayctl_keyring_lookup_credentials (profile, &local_error);

  if (credentials != NULL)
    return credentials;
  if (required)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}

static GVariant *
build_credentials (MidwayProfile *profile,
                   gboolean       secret_stdin,
                   GError       **error)
{
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autofree char *shown = midwayctl_sanitize (midway_profile_get_name (profile));
  MidwayAuthMethod auth = midway_profile_get_auth (profile);
  g_autoptr(GVariant) stored = NULL;
  const char *secret_key = NULL;

  switch (auth)
    {
    case MIDWAY_AUTH_AGENT:
      {
        const char *sock = g_getenv ("SSH_AUTH_SOCK");

        if (secret_stdin)
          {
            g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                         _("“%s” signs in with the ssh agent and takes no secret: drop --secret-stdin"),
                         shown);
            return NULL;
          }
        if (sock != NULL && *sock != '\0' && g_utf8_validate (sock, -1, NULL))
          g_variant_builder_add (&builder, "{sv}", "ssh-auth-sock", g_variant_new_string (sock));
        else
          g_printerr ("midwayctl: %s\n",
                      _("warning: SSH_AUTH_SOCK is not set, so ssh will have no agent to sign in with"));
      }
      break;

    case MIDWAY_AUTH_KEY_FILE:
      /* Nothing to lend but a passphrase: ssh runs as the caller and reads
       * the key file itself (the helper only checks that it is the
       * caller's). */
      secret_key = "passphrase";
      if (!secret_stdin)
        {
          stored = keyring_credentials (profile, FALSE, error);
          if (stored == NULL)
            return NULL;
        }
      break;

    case MIDWAY_AUTH_PASSWORD:
      secret_key = "password";
      if (!secret_stdin)
        {
          g_autoptr(GVariant) password = NULL;

          stored = keyring_credentials (profile, FALSE, error);
          if (stored == NULL)
            return NULL;
          password = g_variant_lookup_value (stored, "password", G_VARIANT_TYPE_STRING);
          if (password == NULL)
            {
              g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                           _("“%s” signs in with a password and no keyring holds it: "
                             "give it on standard input with --secret-stdin"),
                           shown);
              return NULL;
            }
        }
      break;

    case MIDWAY_AUTH_KEYRING_KEY:
    default:
      {
        g_autoptr(GVariant) key = NULL;

        secret_key = "passphrase";
        stored = keyring_credentials (profile, TRUE, error);
        if (stored == NULL)
          return NULL;
        key = g_variant_lookup_value (stored, "private-key", G_VARIANT_TYPE_BYTESTRING);
        if (key == NULL)
          {
            g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_PROFILE,
                         _("“%s” signs in with a key stored in the keyring, and the keyring holds "
                           "none: make one with “midwayctl key generate” or in the app"),
                         shown);
            return NULL;
          }
        if (secret_stdin)
          g_variant_builder_add (&builder, "{sv}", "private-key", key);
      }
      break;
    }

  /* The keyring's entries go over as they are; --secret-stdin replaces
   * only the one secret it reads. */
  if (stored != NULL && !secret_stdin)
    return g_steal_pointer (&stored);

  if (secret_stdin && secret_key != NULL)
    {
      g_autofree char *prompt = NULL;
      char *secret;

      prompt = g_str_equal (secret_key, "password")
                 ? g_strdup_printf (_("Password for “%s”: "), shown)
                 : g_strdup_printf (_("Passphrase of the key for “%s”: "), shown);
      secret = read_secret (prompt, error);
      if (secret == NULL)
        return NULL;
      g_variant_builder_add (&builder, "{sv}", secret_key, g_variant_new_string (secret));
      wipe_string (secret);
      g_free (secret);
    }

  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

typedef struct
{
  GMainLoop          *loop;
  GDBusObjectManager *manager;
  const char         *path;
  MidwayTunnel1      *tunnel;
  const char         *display_name;
  char               *reported_state;
  gboolean            verbose;
  gboolean            reconnect;
  gboolean            finished;
  guint               timeout_id;
  GError             *error;
} UpWait;

static void
up_finish (UpWait *wait,
           GError *error)
{
  if (wait->finished)
    {
      g_clear_error (&error);
      return;
    }
  wait->finished = TRUE;
  wait->error = error;
  g_main_loop_quit (wait->loop);
}

static void
print_connected (UpWait *wait)
{
  g_autofree char *interface = midwayctl_sanitize (midway_tunnel1_get_interface (wait->tunnel));
  g_autofree char *local = midwayctl_sanitize (midway_tunnel1_get_local_address (wait->tunnel));
  g_autofree char *remote = midwayctl_sanitize (midway_tunnel1_get_remote_address (wait->tunnel));

  if (*interface != '\0' && *local != '\0' && *remote != '\0')
    g_print (_("Connected “%s”: %s %s ⇄ %s\n"), wait->display_name, interface, local, remote);
  else if (*interface != '\0')
    g_print (_("Connected “%s”: %s\n"), wait->display_name, interface);
  else
    g_print (_("Connected “%s”\n"), wait->display_name);
}

/* Called for every StateChanged (from_signal) and for every change of the
 * cached State property.  The signal carries the message; the property
 * arrives together with the other properties (Interface, addresses), so
 * "up" is only believed once the property says so. */
static void
up_handle_state (UpWait     *wait,
                 const char *state,
                 const char *reason,
                 const char *message,
                 gboolean    from_signal)
{
  if (wait->finished || state == NULL)
    return;

  if (g_str_equal (state, MIDWAY_STATE_UP))
    {
      if (g_strcmp0 (midway_tunnel1_get_state (wait->tunnel), MIDWAY_STATE_UP) != 0)
        return;
      print_connected (wait);
      up_finish (wait, NULL);
      return;
    }

  if (g_str_equal (state, MIDWAY_STATE_FAILED))
    {
      g_autofree char *why = midwayctl_describe_reason (reason, message);

      up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_TUNNEL_FAILED,
                                    _("“%s” failed: %s"), wait->display_name, why));
      return;
    }

  if (g_str_equal (state, MIDWAY_STATE_STOPPING) || g_str_equal (state, MIDWAY_STATE_STOPPED))
    {
      up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                                    _("“%s” was disconnected before it came up"), wait->display_name));
      return;
    }

  /* The property echoes the signal we already reported. */
  if (!from_signal && g_strcmp0 (wait->reported_state, state) == 0)
    return;
  g_free (wait->reported_state);
  wait->reported_state = g_strdup (state);

  if (g_str_equal (state, MIDWAY_STATE_RECONNECTING))
    {
      g_autofree char *why = midwayctl_describe_reason (reason, message);

      g_printerr (_("“%s”: %s; trying again\n"), wait->display_name, why);
    }
  else if (wait->verbose)
    {
      g_printerr ("“%s”: %s…\n", wait->display_name, midway_state_describe (state));
    }
}

static void
on_up_state_changed (MidwayTunnel1 *tunnel,
                     const char    *state,
                     const char    *reason,
                     const char    *message,
                     gpointer       user_data)
{
  up_handle_state (user_data, state, reason, message, TRUE);
}

static void
on_up_notify_state (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  MidwayTunnel1 *tunnel = MIDWAY_TUNNEL1 (object);

  up_handle_state (user_data, midway_tunnel1_get_state (tunnel),
                   midway_tunnel1_get_last_reason (tunnel),
                   midwayctl_nonnull (midway_tunnel1_get_last_message (tunnel)), FALSE);
}

static void
up_attach (UpWait        *wait,
           MidwayTunnel1 *tunnel)
{
  wait->tunnel = g_object_ref (tunnel);
  g_signal_connect (tunnel, "state-changed", G_CALLBACK (on_up_state_changed), wait);
  g_signal_connect (tunnel, "notify::state", G_CALLBACK (on_up_notify_state), wait);

  /* Subscribed; now look, so that a change made before we subscribed is
   * not missed. */
  up_handle_state (wait, midway_tunnel1_get_state (tunnel),
                   midway_tunnel1_get_last_reason (tunnel),
                   midwayctl_nonnull (midway_tunnel1_get_last_message (tunnel)), FALSE);
}

static void
on_up_object_added (GDBusObjectManager *manager,
                    GDBusObject        *object,
                    gpointer            user_data)
{
  UpWait *wait = user_data;
  g_autoptr(MidwayTunnel1) tunnel = NULL;

  if (wait->tunnel != NULL || !g_str_equal (g_dbus_object_get_object_path (object), wait->path))
    return;
  if (!MIDWAY_IS_OBJECT (object))
    return;
  tunnel = midway_object_get_tunnel1 (MIDWAY_OBJECT (object));
  if (tunnel != NULL)
    up_attach (wait, tunnel);
}

static void
on_up_object_removed (GDBusObjectManager *manager,
                      GDBusObject        *object,
                      gpointer            user_data)
{
  UpWait *wait = user_data;

  if (!g_str_equal (g_dbus_object_get_object_path (object), wait->path))
    return;
  up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                                _("The tunnel of “%s” went away before it came up"),
                                wait->display_name));
}

static void
on_helper_owner_changed (GObject    *object,
                         GParamSpec *pspec,
                         gpointer    user_data)
{
  g_autofree char *owner = g_dbus_object_manager_client_get_name_owner (G_DBUS_OBJECT_MANAGER_CLIENT (object));
  UpWait *wait = user_data;

  if (owner == NULL)
    up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_FAILED,
                                  _("The Midway helper stopped")));
}

static gboolean
on_up_timeout (gpointer user_data)
{
  UpWait *wait = user_data;

  wait->timeout_id = 0;
  /* Never up yet, so the helper gives it a few attempts, not for ever:
   * say what it will really do. */
  if (wait->reconnect)
    up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_TIMED_OUT,
                                  ngettext ("“%s” is not up yet; the tunnel goes on in the background, "
                                            "and fails if %u attempt in all does not bring it up "
                                            "(see “midwayctl status”; “midwayctl down” stops it)",
                                            "“%s” is not up yet; the tunnel goes on in the background, "
                                            "and fails if %u attempts in all do not bring it up "
                                            "(see “midwayctl status”; “midwayctl down” stops it)",
                                            MIDWAY_MAX_ATTEMPTS_NEVER_UP),
                                  wait->display_name, (guint) MIDWAY_MAX_ATTEMPTS_NEVER_UP));
  else
    up_finish (wait, g_error_new (MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_TIMED_OUT,
                                  _("“%s” is not up yet; its one attempt goes on in the background "
                                    "and is not retried (reconnect=false) "
                                    "(see “midwayctl status”; “midwayctl down” stops it)"),
                                  wait->display_name));
  return G_SOURCE_REMOVE;
}

gboolean
midwayctl_cmd_up (int      argc,
                  char   **argv,
                  GError **error)
{
  gboolean no_wait = FALSE;
  gboolean secret_stdin = FALSE;
  gboolean system = FALSE;
  int timeout = MIDWAYCTL_DEFAULT_TIMEOUT_S;
  const GOptionEntry entries[] = {
    { "system", 0, 0, G_OPTION_ARG_NONE, &system,
      N_("NAME is a system profile (under /etc/midway/profiles)"), NULL },
    { "no-wait", 'n', 0, G_OPTION_ARG_NONE, &no_wait,
      N_("Return once the helper has started the tunnel"), NULL },
    { "timeout", 't', 0, G_OPTION_ARG_INT, &timeout,
      N_("Give up waiting after SECS seconds (default 60, 0 waits for ever)"), N_("SECS") },
    { "secret-stdin", 's', 0, G_OPTION_ARG_NONE, &secret_stdin,
      N_("Read the password or key passphrase from the first line of standard input"), NULL },
    G_OPTION_ENTRY_NULL
  };
  g_auto(GStrv) args = NULL;
  g_autofree char *name = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(MidwayProfile) profile = NULL;
  g_autoptr(GVariant) profile_variant = NULL;
  g_autoptr(GVariant) credentials = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GDBusObjectManager) manager = NULL;
  g_autoptr(GDBusInterface) interface = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  UpWait wait = { 0 };
  gulong added_id, removed_id, owner_id;

  if (!midwayctl_parse_options (argc, argv, "NAME", entries, 1, 1, &args, error))
    return FALSE;

  if (timeout < 0)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("--timeout must be 0 or more seconds"));
      return FALSE;
    }

  name = midwayctl_arg_to_utf8 (args[0], error);
  if (name == NULL)
    return FALSE;
  if (system && secret_stdin)
    {
      g_set_error (error, MIDWAYCTL_ERROR, MIDWAYCTL_ERROR_USAGE,
                   _("--secret-stdin does not go with --system: a system profile signs in with "
                     "the administrator’s key"));
      return FALSE;
    }
  if (!system)
    {
      profile = midwayctl_store_lookup (name, error);
      if (profile == NULL)
        return FALSE;
      display_name = midwayctl_sanitize (midway_profile_get_name (profile));
      credentials = build_credentials (profile, secret_stdin, error);
      if (credentials == NULL)
        return FALSE;
      profile_variant = g_variant_take_ref (midway_profile_to_variant (profile));
    }
  else
    display_name = midwayctl_sanitize (name);

  bus = midwayctl_open_system_bus (error);
  if (bus == NULL)
    return FALSE;

  /* Before Connect, so that no InterfacesAdded of the new tunnel can slip
   * past us. */
  manager = midwayctl_open_manager (bus, TRUE, error);
  if (manager == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, MIDWAY_HELPER_BUS_NAME, MIDWAY_HELPER_OBJECT_PATH,
                                       midway_helper1_interface_info ()->name,
                                       system ? "ConnectSystemProfile" : "Connect",
                                       system ? g_variant_new ("(s)", name)
                                              : g_variant_new ("(@a{sv}@a{sv})", profile_variant, credentials),
                                       G_VARIANT_TYPE ("(o)"),
                                       G_DBUS_CALL_FLAGS_ALLOW_INTERACTIVE_AUTHORIZATION,
                                       MIDWAYCTL_INTERACTIVE_CALL_TIMEOUT_MS, NULL, error);
  /* The secrets have done their job; don't keep them until exit. */
  g_clear_pointer (&credentials, g_variant_unref);
  if (reply == NULL)
    {
      midwayctl_tidy_dbus_error (error);
      return FALSE;
    }
  g_variant_get (reply, "(o)", &path);

  if (no_wait)
    {
      g_print (_("Connecting “%s” (%s)\n"), display_name, path);
      return TRUE;
    }

  loop = g_main_loop_new (NULL, FALSE);
  wait.loop = loop;
  wait.manager = manager;
  wait.path = path;
  wait.display_name = display_name;
  wait.verbose = isatty (STDERR_FILENO);
  /* A system profile's reconnect is the administrator's; the message on
   * a timeout then says what most profiles do. */
  wait.reconnect = profile != NULL ? midway_profile_get_reconnect (profile) : TRUE;

  added_id = g_signal_connect (manager, "object-added", G_CALLBACK (on_up_object_added), &wait);
  removed_id = g_signal_connect (manager, "object-removed", G_CALLBACK (on_up_object_removed), &wait);
  owner_id = g_signal_connect (manager, "notify::name-owner", G_CALLBACK (on_helper_owner_changed), &wait);

  midwayctl_drain_main_context ();

  if (!wait.finished && wait.tunnel == NULL)
    {
      interface = g_dbus_object_manager_get_interface (manager, path, midwayctl_tunnel_interface_name ());
      if (interface != NULL)
        up_attach (&wait, MIDWAY_TUNNEL1 (interface));
    }

  if (!wait.finished)
    {
      if (timeout > 0)
        wait.timeout_id = g_timeout_add_seconds ((guint) timeout, on_up_timeout, &wait);
      g_main_loop_run (loop);
    }

  if (wait.timeout_id != 0)
    g_source_remove (wait.timeout_id);
  g_signal_handler_disconnect (manager, added_id);
  g_signal_handler_disconnect (manager, removed_id);
  g_signal_handler_disconnect (manager, owner_id);
  if (wait.tunnel != NULL)
    {
      g_signal_handlers_disconnect_by_data (wait.tunnel, &wait);
      g_object_unref (wait.tunnel);
    }
  g_free (wait.reported_state);

  if (wait.error != NULL)
    {
      g_propagate_error (error, wait.error);
      return FALSE;
    }
  return TRUE;
}
