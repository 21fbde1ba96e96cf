/* midway-server-script.c: the server script's parameters and the reader
 * of its output.
 *
 * The script's body (midway-server.sh) is fixed text; only the parameter
 * block above it varies, and every value in it has passed a check here
 * that leaves nothing a shell would read as code: single-quoted words of
 * small alphabets.  The other way, the server is not trusted at all: its
 * output is matched record by record against the forms the script
 * prints, and a line that fits none ends the run.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "midway-error.h"
#include "midway-profile.h"
#include "midway-server-resources.h"
#include "midway-server-script.h"

#define MAX_USER_LENGTH 32
#define MAX_LANS 16
#define MAX_DNS 3
#define MAX_KEY_LENGTH 8192
#define MAX_OUTPUT (1024 * 1024)
#define MAX_LINE 512
#define MAX_STEPS 256
#define RECORD_PREFIX "midway-server "

static const struct
{
  const char *name;
  const char *description;  /* N_() */
} step_names[] = {
  { "parameters", N_("the script’s parameters") },
  { "pppd", N_("pppd on the server") },
  { "kernel-ppp", N_("PPP in the server’s kernel") },
  { "sudo", N_("sudo and visudo on the server") },
  { "account", N_("the server account") },
  { "pool", N_("the address pool") },
  { "address", N_("the account’s address pair") },
  { "peers", N_("pppd’s peers file") },
  { "sudoers", N_("the sudoers drop-in") },
  { "authorized-key", N_("the key’s authorized_keys line") },
  { "ssh-files", N_("the ~/.ssh setup made for the key") },
  { "forwarding-file", N_("the forwarding sysctl drop-in") },
  { "forwarding", N_("IPv4 forwarding") },
  { "firewall-script", N_("the firewall script") },
  { "firewall-boot", N_("the firewall’s boot service") },
  { "firewall-boot-link", N_("the firewall service’s activation") },
  { "firewall", N_("the firewall rules") },
};

static const char * const status_names[] = {
  [MIDWAY_SERVER_STEP_OK] = "ok",
  [MIDWAY_SERVER_STEP_CHANGED] = "changed",
  [MIDWAY_SERVER_STEP_REMOVED] = "removed",
  [MIDWAY_SERVER_STEP_MISSING] = "missing",
  [MIDWAY_SERVER_STEP_WRONG] = "wrong",
  [MIDWAY_SERVER_STEP_FAILED] = "failed",
  [MIDWAY_SERVER_STEP_SKIPPED] = "skipped",
};

static gboolean invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MIDWAY_ERROR, MIDWAY_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

const char *
midway_server_action_to_string (MidwayServerAction action)
{
  switch (action)
    {
    case MIDWAY_SERVER_ACTION_SETUP:  return "setup";
    case MIDWAY_SERVER_ACTION_CHECK:  return "check";
    case MIDWAY_SERVER_ACTION_REMOVE: return "remove";
    default:                          g_return_val_if_reached (NULL);
    }
}

/* Stricter than the profile's rule for "user": the name becomes part of
 * file names under /etc and of a sudoers line, where a dot would make
 * sudo skip the drop-in. */
static gboolean
check_user (const char *user,
            GError    **error)
{
  gsize length = user != NULL ? strlen (user) : 0;

  if (length == 0)
    return invalid (error, _("The profile names no server account (user): setup needs one"));
  if (length > MAX_USER_LENGTH || !(g_ascii_islower (user[0]) || user[0] == '_') ||
      strspn (user, "abcdefghijklmnopqrstuvwxyz0123456789_-") != length)
    return invalid (error,
                    _("The server account “%s” is not a name setup can use: lower-case letters, digits, “_” and “-”, at most %d, starting with a letter or “_”"),
                    user, MAX_USER_LENGTH);
  return TRUE;
}

static gboolean
is_canonical_ipv4_network (const char *text)
{
  guint family = 0, prefix = 0;
  guint8 address[16];

  return midway_profile_parse_network (text, &family, address, &prefix) && family == 4 &&
         strchr (text, '/') != NULL;
}

static gboolean
is_canonical_ipv4 (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);
  g_autofree char *back = NULL;

  if (address == NULL || g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV4)
    return FALSE;
  back = g_inet_address_to_string (address);
  return g_str_equal (back, text);
}

static gboolean
check_public_key (const char *key,
                  GError    **error)
{
  static const char * const types[] = {
    "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
  };
  g_auto(GStrv) words = NULL;
  gboolean known = FALSE;

  if (strlen (key) > MAX_KEY_LENGTH)
    return invalid (error, _("The public key is too long"));
  words = g_strsplit (key, " ", -1);
  if (g_strv_length (words) != 2)
    return invalid (error, _("The public key must be its type and its base64 text"));
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    known = known || g_str_equal (words[0], types[i]);
  if (!known || words[1][0] == '\0' ||
      strspn (words[1], "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen (words[1]))
    return invalid (error, _("The public key must be its type and its base64 text"));
  return TRUE;
}

/* A single-quoted sh word.  The callers only pass checked text without
 * quotes; the assertion keeps it that way. */
static void
append_assignment (GString    *out,
                   const char *name,
                   const char *value)
{
  g_assert (strchr (value, '\'') == NULL);
  g_string_append_printf (out, "%s='%s'\n", name, value);
}

static char *
join_checked (const char * const *items,
              guint               max_items,
              gboolean (         *valid ) (const char *),
              const char         *what,
              GError            **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint n = 0;

  for (; items != NULL && items[n] != NULL; n++)
    {
      if (!valid (items[n]))
        {
          if (valid == is_canonical_ipv4)
            invalid (error, _("%s: “%s” is not a canonical IPv4 address"), what, items[n]);
          else
            invalid (error, _("%s: “%s” is not a canonical IPv4 network (such as 192.168.1.0/24)"),
                     what, items[n]);
          return NULL;
        }
      if (n > 0)
        g_string_append_c (out, ' ');
      g_string_append (out, items[n]);
    }
  if (n > max_items)
    {
      invalid (error, _("%s: at most %u"), what, max_items);
      return NULL;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GBytes *
script_body (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *body;

  /* Looked up in the resource itself rather than the global table:
   * nothing else in the process sees it. */
  body = g_resource_lookup_data (midway_server_get_resource (),
                                 "/io/github/midway_vpn/Midway/server/midway-server.sh",
                                 G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  return body;
}

/* 8 hex digits of the SHA-256 of the key's blob, or NULL without a
 * public key ("TYPE BASE64"). */
static char *
key_id (const char *public_key)
{
  g_auto(GStrv) words = NULL;
  g_autofree guchar *blob = NULL;
  g_autofree char *digest = NULL;
  gsize length = 0;

  if (public_key == NULL)
    return NULL;
  words = g_strsplit (public_key, " ", 3);
  if (words[0] == NULL || words[1] == NULL)
    return NULL;
  blob = g_base64_decode (words[1], &length);
  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, blob, length);
  return g_strndup (digest, 8);
}

char *
midway_server_peer_name (const char *user,
                         const char *public_key)
{
  g_autofree char *id = key_id (public_key);

  if (id == NULL)
    return g_strdup_printf ("midway-%s", user);
  return g_strdup_printf ("midway-%s-%s", user, id);
}

char *
midway_server_remote_command (const char *user,
                              const char *public_key)
{
  g_autofree char *peer = midway_server_peer_name (user, public_key);

  return g_strdup_printf ("sudo -n pppd call %s", peer);
}

char *
midway_server_script_build (const MidwayServerParams *params,
                            GError                  **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GBytes) body = NULL;
  g_autofree char *lans = NULL;
  g_autofree char *dns = NULL;
  g_autofree char *key = NULL;
  g_autofree char *id = NULL;
  const char *action;

  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  action = midway_server_action_to_string (params->action);
  if (action == NULL)
    {
      invalid (error, _("Unknown server action"));
      return NULL;
    }
  if (!check_user (params->user, error))
    return NULL;
  lans = join_checked (params->lans, MAX_LANS, is_canonical_ipv4_network, "--lan", error);
  if (lans == NULL)
    return NULL;
  dns = join_checked (params->dns, MAX_DNS, is_canonical_ipv4, "--dns", error);
  if (dns == NULL)
    return NULL;
  if (params->public_key != NULL)
    {
      if (!check_public_key (params->public_key, error))
        return NULL;
      key = g_strdup_printf ("%s midway-%s", params->public_key, params->user);
      id = key_id (params->public_key);
    }

  g_string_append (out, "#!/bin/sh\n");
  g_string_append_printf (out, "# Midway %s: %s for the server account %s.\n",
                          PACKAGE_VERSION, action, params->user);
  if (!params->via_sudo)
    g_string_append (out,
                     "# Written by \"midwayctl server ... --print\": read it, then run it as root\n"
                     "# on the server (sh FILE).  Running it again changes nothing.\n");
  g_string_append (out, "\n# Parameters (checked again below).\n");
  append_assignment (out, "MW_ACTION", action);
  append_assignment (out, "MW_USER", params->user);
  append_assignment (out, "MW_LANS", lans);
  append_assignment (out, "MW_GATEWAY", params->gateway ? "yes" : "no");
  append_assignment (out, "MW_DNS", dns);
  append_assignment (out, "MW_KEY", key != NULL ? key : "");
  append_assignment (out, "MW_KEY_ID", id != NULL ? id : "");
  append_assignment (out, "MW_IPV6", params->ipv6 ? "yes" : "no");
  append_assignment (out, "MW_VIA_SUDO", params->via_sudo ? "yes" : "no");
  /* The braces make the shell read the whole script before it runs any
   * of it, so that a command reading standard input cannot swallow the
   * rest of a script that arrives on it. */
  g_string_append (out, "\n{\n");
  body = script_body ();
  g_string_append_len (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_string_append (out, "} </dev/null\n");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ----------------------------------------------------------- the output */

MidwayServerReport *
midway_server_report_new (void)
{
  MidwayServerReport *report = g_new0 (MidwayServerReport, 1);

  report->steps = g_array_new (FALSE, TRUE, sizeof (MidwayServerStep));
  return report;
}

void
midway_server_report_free (MidwayServerReport *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->steps);
  g_free (report->pool);
  g_free (report->server_address);
  g_free (report->client_address);
  g_free (report->firewall);
  g_free (report);
}

static const char *
lookup_step (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (step_names); i++)
    if (g_str_equal (step_names[i].name, name))
      return step_names[i].name;
  return NULL;
}

const char *
midway_server_step_describe (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (step_names); i++)
    if (g_str_equal (step_names[i].name, name))
      return _(step_names[i].description);
  return NULL;
}

const char *
midway_server_step_status_describe (MidwayServerStepStatus status)
{
  switch (status)
    {
    case MIDWAY_SERVER_STEP_OK:      return _("in place");
    case MIDWAY_SERVER_STEP_CHANGED: return _("put in place");
    case MIDWAY_SERVER_STEP_REMOVED: return _("removed");
    case MIDWAY_SERVER_STEP_MISSING: return _("MISSING");
    case MIDWAY_SERVER_STEP_WRONG:   return _("WRONG");
    case MIDWAY_SERVER_STEP_FAILED:  return _("FAILED");
    case MIDWAY_SERVER_STEP_SKIPPED: return _("not needed");
    default:                         g_return_val_if_reached (NULL);
    }
}

static guint32
ipv4_value (const char *text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (text);
  guint32 value;

  memcpy (&value, g_inet_address_to_bytes (address), 4);
  return g_ntohl (value);
}

/* The pool is a private /24: whatever the server says, the client only
 * ever takes addresses that no public host could own. */
static gboolean
valid_pool (const char *pool)
{
  g_autofree char *address = NULL;
  guint32 value;

  if (!is_canonical_ipv4_network (pool) || !g_str_has_suffix (pool, "/24"))
    return FALSE;
  address = g_strndup (pool, strlen (pool) - 3);
  value = ipv4_value (address);
  return (value & 0xff000000) == 0x0a000000 ||
         (value & 0xfff00000) == 0xac100000 ||
         (value & 0xffff0000) == 0xc0a80000;
}

static gboolean
bad_record (GError    **error,
            const char *why)
{
  g_set_error (error, MIDWAY_ERROR, MIDWAY_ERROR_FAILED,
               _("The server’s output is not what the setup script prints (%s); nothing of it was used"),
               why);
  return FALSE;
}

gboolean
midway_server_report_add_line (MidwayServerReport *report,
                               const char         *line,
                               GError            **error)
{
  g_auto(GStrv) words = NULL;
  guint n;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (line != NULL, FALSE);

  if (strlen (line) > MAX_LINE || !g_str_has_prefix (line, RECORD_PREFIX))
    return bad_record (error, _("a line that is not a record"));
  for (const char *p = line; *p != '\0'; p++)
    if (!g_ascii_isgraph (*p) && *p != ' ')
      return bad_record (error, _("a control or non-ASCII character"));
  if (report->ended)
    return bad_record (error, _("a record after the end"));

  words = g_strsplit (line + strlen (RECORD_PREFIX), " ", -1);
  n = g_strv_length (words);

  if (!report->begun)
    {
      if (n != 2 || !g_str_equal (words[0], "begin") || !g_str_equal (words[1], "1"))
        return bad_record (error, _("no begin record"));
      report->begun = TRUE;
      return TRUE;
    }

  if (n == 3 && g_str_equal (words[0], "step"))
    {
      MidwayServerStep step = { lookup_step (words[1]), 0 };
      gboolean found = FALSE;

      if (step.name == NULL)
        return bad_record (error, _("an unknown step"));
      for (gsize i = 0; i < G_N_ELEMENTS (status_names); i++)
        if (g_str_equal (words[2], status_names[i]))
          {
            step.status = (MidwayServerStepStatus) i;
            found = TRUE;
          }
      if (!found)
        return bad_record (error, _("an unknown step status"));
      if (report->steps->len >= MAX_STEPS)
        return bad_record (error, _("too many steps"));
      g_array_append_val (report->steps, step);
      return TRUE;
    }

  if (n == 2 && g_str_equal (words[0], "pool"))
    {
      if (report->pool != NULL || !valid_pool (words[1]))
        return bad_record (error, _("a pool that is not one private /24"));
      report->pool = g_strdup (words[1]);
      return TRUE;
    }

  if (n == 3 && g_str_equal (words[0], "address"))
    {
      g_autofree char *network = NULL;
      guint32 base, server, client;

      if (report->pool == NULL || report->server_address != NULL ||
          !is_canonical_ipv4 (words[1]) || !is_canonical_ipv4 (words[2]))
        return bad_record (error, _("an address pair outside the pool"));
      network = g_strndup (report->pool, strlen (report->pool) - 3);
      base = ipv4_value (network);
      server = ipv4_value (words[1]);
      client = ipv4_value (words[2]);
      /* Pairs start at .2: neither the network's own address nor its
       * broadcast address can ever be in one. */
      if ((server & 0xffffff00) != base || client != server + 1 ||
          (server & 0xff) < 2 || (client & 0xff) > 253 || (server & 1) != 0)
        return bad_record (error, _("an address pair outside the pool"));
      report->server_address = g_strdup (words[1]);
      report->client_address = g_strdup (words[2]);
      return TRUE;
    }

  if (n == 2 && g_str_equal (words[0], "firewall"))
    {
      if (!g_str_equal (words[1], "nft") && !g_str_equal (words[1], "iptables") &&
          !g_str_equal (words[1], "iptables-legacy") && !g_str_equal (words[1], "none"))
        return bad_record (error, _("an unknown firewall"));
      g_free (report->firewall);
      report->firewall = g_strdup (words[1]);
      return TRUE;
    }

  if (n == 2 && g_str_equal (words[0], "end") &&
      (g_str_equal (words[1], "ok") || g_str_equal (words[1], "failed")))
    {
      report->ended = TRUE;
      report->ok = g_str_equal (words[1], "ok");
      for (guint i = 0; i < report->steps->len; i++)
        {
          MidwayServerStepStatus status = g_array_index (report->steps, MidwayServerStep, i).status;

          if (status == MIDWAY_SERVER_STEP_FAILED || status == MIDWAY_SERVER_STEP_MISSING ||
              status == MIDWAY_SERVER_STEP_WRONG)
            report->ok = FALSE;
        }
      return TRUE;
    }

  return bad_record (error, _("an unknown record"));
}

gboolean
midway_server_report_parse (MidwayServerReport *report,
                            const char         *data,
                            gsize               length,
                            GError            **error)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (report != NULL, FALSE);

  if (length > MAX_OUTPUT)
    return bad_record (error, _("more than 1 MiB"));
  if (memchr (data, '\0', length) != NULL)
    return bad_record (error, _("a NUL byte"));
  text = g_strndup (data, length);
  if (length > 0 && text[length - 1] != '\n')
    return bad_record (error, _("an unfinished line"));
  if (length > 0)
    text[length - 1] = '\0';
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; length > 0 && lines[i] != NULL; i++)
    if (!midway_server_report_add_line (report, lines[i], error))
      return FALSE;
  if (!report->ended)
    return bad_record (error, _("no end record"));
  return TRUE;
}
