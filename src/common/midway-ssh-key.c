/* midway-ssh-key.c: SSH private keys that never touch the disk.
 *
 * A generated key is written straight into OpenSSH's own format
 * ("openssh-key-v1", PROTOCOL.key in OpenSSH's sources) in memory; the
 * caller puts it in the keyring.  Every buffer that held secret bytes is
 * wiped before it is freed: libgcrypt's secure memory for the key it makes,
 * explicit_bzero() for ours.
 *
 * Reading a key is split in two.  midway-openssh-format.c reads what the
 * openssh-key-v1 format keeps in the clear (the public key, even when the
 * rest is encrypted) and, when unencrypted, checks the private part's
 * structure.  Whether OpenSSH can really use a key, in any of the formats
 * it reads, only OpenSSH can say: midway_ssh_key_check_async() asks
 * ssh-keygen.  It gets the key through a memfd (memory, not a file on
 * disk) and the passphrase on its stdin: in a new session, without a
 * controlling terminal and with askpass forbidden, ssh-keygen's prompt
 * reads from stdin.  Nothing secret is ever in its argv or environment.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define G_LOG_DOMAIN "midway"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gcrypt.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "midway-argv.h"
#include "midway-openssh-format.h"
#include "midway-ssh-key.h"

#define ED25519 "ssh-ed25519"
#define ED25519_KEY_SIZE MIDWAY_ED25519_KEY_SIZE
/* ssh-keygen reads a passphrase into a 1024-byte buffer. */
#define MAX_PASSPHRASE_LENGTH 1023
/* No key has more than a few kilobytes of stdout or stderr to say. */
#define MAX_OUTPUT_SIZE (64 * 1024)

struct _MidwaySshKey
{
  GObject  parent_instance;

  GBytes  *private_data;  /* wiped when freed */
  GBytes  *public_blob;
  char    *key_type;
  char    *comment;
  char    *public_line;
  char    *fingerprint;
  gboolean encrypted;
};

G_DEFINE_FINAL_TYPE (MidwaySshKey, midway_ssh_key, G_TYPE_OBJECT)

G_DEFINE_QUARK (midway-ssh-key-error-quark, midway_ssh_key_error)

typedef struct gcry_sexp MidwayGcrySexp;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MidwayGcrySexp, gcry_sexp_release)

static gboolean
ensure_gcrypt (GError **error)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      /* libsecret shares the library and sets it up the same way if it
       * comes first; whoever is second leaves it as it is. */
      if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
        {
          if (gcry_check_version ("1.10.0") != NULL)
            {
              /* Unprivileged processes may not be able to lock the pool;
               * the key is still wiped, which is what matters most here. */
              gcry_control (GCRYCTL_DISABLE_SECMEM_WARN);
              gcry_control (GCRYCTL_INIT_SECMEM, 32768, 0);
              gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
            }
        }
      g_once_init_leave (&initialised, 1);
    }
  if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                   _("libgcrypt %s or later is needed to make keys"), "1.10.0");
      return FALSE;
    }
  return TRUE;
}

/* ---- The object --------------------------------------------------------- */

/* Takes @private_data; the public line and fingerprint follow from the rest. */
static MidwaySshKey *
key_new (GBytes     *private_data,
         const char *key_type,
         GBytes     *public_blob,
         const char *comment,
         gboolean    encrypted)
{
  MidwaySshKey *self = g_object_new (MIDWAY_TYPE_SSH_KEY, NULL);
  g_autofree char *encoded = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  gsize blob_length;
  const guint8 *blob = g_bytes_get_data (public_blob, &blob_length);
  char *end;

  self->private_data = private_data;
  self->public_blob = g_bytes_ref (public_blob);
  self->key_type = g_strdup (key_type);
  self->comment = g_strdup (comment != NULL ? comment : "");
  self->encrypted = encrypted;

  encoded = g_base64_encode (blob, blob_length);
  if (*self->comment != '\0')
    self->public_line = g_strdup_printf ("%s %s %s", key_type, encoded, self->comment);
  else
    self->public_line = g_strdup_printf ("%s %s", key_type, encoded);

  g_checksum_update (checksum, blob, blob_length);
  g_checksum_get_digest (checksum, digest, &digest_length);
  g_clear_pointer (&encoded, g_free);
  encoded = g_base64_encode (digest, digest_length);
  /* ssh-keygen leaves the padding out. */
  end = strchr (encoded, '=');
  if (end != NULL)
    *end = '\0';
  self->fingerprint = g_strconcat ("SHA256:", encoded, NULL);
  return self;
}

MidwaySshKey *
midway_ssh_key_generate_ed25519 (const char *comment,
                                 GError    **error)
{
  g_autoptr(MidwayGcrySexp) params = NULL;
  g_autoptr(MidwayGcrySexp) pair = NULL;
  g_autoptr(MidwayGcrySexp) public_q = NULL;
  g_autoptr(MidwayGcrySexp) private_d = NULL;
  g_autoptr(GBytes) public_blob = NULL;
  GBytes *armored;
  guint8 public_key[ED25519_KEY_SIZE];
  guint8 seed[ED25519_KEY_SIZE];
  const char *q = NULL, *d = NULL;
  size_t q_length = 0, d_length = 0;
  guint32 check;
  gcry_error_t status;

  g_return_val_if_fail (comment != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!midway_openssh_check_comment (comment, strlen (comment), error) || !ensure_gcrypt (error))
    return NULL;

  status = gcry_sexp_build (&params, NULL, "(genkey (ecc (curve Ed25519) (flags eddsa)))");
  if (status == 0)
    status = gcry_pk_genkey (&pair, params);
  if (status == 0)
    {
      public_q = gcry_sexp_find_token (pair, "q", 0);
      private_d = gcry_sexp_find_token (pair, "d", 0);
    }
  if (public_q != NULL)
    q = gcry_sexp_nth_data (public_q, 1, &q_length);
  if (private_d != NULL)
    d = gcry_sexp_nth_data (private_d, 1, &d_length);
  /* libgcrypt prefixes the point with 0x40 (its "native" encoding); a
   * scalar may come back shorter when it starts with zero bytes. */
  if (status != 0 || q == NULL || d == NULL ||
      !((q_length == ED25519_KEY_SIZE + 1 && q[0] == 0x40) || q_length == ED25519_KEY_SIZE) ||
      d_length == 0 || d_length > ED25519_KEY_SIZE)
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                   _("Cannot make an Ed25519 key: %s"),
                   status != 0 ? gcry_strerror (status) : _("libgcrypt returned an unexpected key"));
      return NULL;
    }
  memcpy (public_key, q + q_length - ED25519_KEY_SIZE, ED25519_KEY_SIZE);
  /* Right-aligned: the leading zero bytes a short scalar lost. */
  memset (seed, 0, sizeof seed);
  memcpy (seed + ED25519_KEY_SIZE - d_length, d, d_length);
  /* The secret s-expressions are in libgcrypt's secure memory, which it
   * wipes on release. */
  g_clear_pointer (&private_d, gcry_sexp_release);
  g_clear_pointer (&pair, gcry_sexp_release);

  gcry_randomize (&check, sizeof check, GCRY_STRONG_RANDOM);
  armored = midway_openssh_write_ed25519 (public_key, seed, comment, check);
  explicit_bzero (seed, sizeof seed);
  public_blob = midway_openssh_ed25519_blob (public_key);
  return key_new (armored, ED25519, public_blob, comment, FALSE);
}

MidwaySshKey *
midway_ssh_key_new_from_private_data (GBytes  *data,
                                      GError **error)
{
  MidwayOpensshInfo info;
  MidwaySshKey *key;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!midway_openssh_parse (data, &info, error))
    return NULL;
  key = key_new (g_bytes_ref (data), info.key_type, info.public_blob, info.comment, info.encrypted);
  midway_openssh_info_clear (&info);
  return key;
}

/* ---- Checking with ssh-keygen ------------------------------------------- */

typedef struct
{
  GBytes       *data;
  MidwaySshKey *parsed;     /* NULL for formats only ssh-keygen reads */
  gboolean      had_passphrase;
  gboolean      pem_encrypted;
} CheckData;

static void
check_data_free (CheckData *check)
{
  g_clear_pointer (&check->data, g_bytes_unref);
  g_clear_object (&check->parsed);
  g_free (check);
}

static char *
ssh_keygen_path (void)
{
  g_autofree char *directory = g_path_get_dirname (MIDWAY_SSH_PATH);

  return g_build_filename (directory, "ssh-keygen", NULL);
}

static void
start_new_session (gpointer user_data)
{
  /* No controlling terminal: ssh-keygen's prompt then reads stdin. */
  setsid ();
}

/* ssh-keygen's last line, without its prompt and the memfd's name. */
static char *
keygen_message (GBytes *stderr_bytes)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  const char *message = "";
  const char *load_prefix = "Load key \"/dev/fd/3\": ";
  gsize length = 0;
  const char *data = stderr_bytes != NULL ? g_bytes_get_data (stderr_bytes, &length) : NULL;

  text = g_utf8_make_valid (data != NULL ? data : "", MIN (length, 1024));
  lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "Enter passphrase:"))
        line = g_strstrip (line + strlen ("Enter passphrase:"));
      if (g_str_has_prefix (line, load_prefix))
        line += strlen (load_prefix);
      if (*line != '\0')
        message = line;
    }
  return g_strdup (*message != '\0' ? message : _("ssh-keygen gave no reason"));
}

static void
on_keygen_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CheckData *check = g_task_get_task_data (task);
  GSubprocess *process = G_SUBPROCESS (source);
  g_autoptr(GBytes) stdout_bytes = NULL;
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *line = NULL;
  g_autofree guchar *decoded = NULL;
  g_auto(GStrv) words = NULL;
  gsize length, decoded_length = 0;
  const char *comment;

  if (!g_subprocess_communicate_finish (process, result, &stdout_bytes, &stderr_bytes, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_autofree char *message = keygen_message (stderr_bytes);

      if (strstr (message, "incorrect passphrase") != NULL)
        g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE, "%s",
                                 check->had_passphrase ? _("The passphrase is wrong")
                                                       : _("The key is protected by a passphrase"));
      else
        g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                                 _("OpenSSH cannot use this key: %s"), message);
      return;
    }

  line = g_strndup (g_bytes_get_data (stdout_bytes, &length), MIN (length, MAX_OUTPUT_SIZE));
  g_strchomp (line);
  words = g_strsplit (line, " ", 3);
  if (g_strv_length (words) >= 2 && midway_openssh_check_key_type ((const guint8 *) words[0], strlen (words[0]), NULL))
    decoded = g_base64_decode (words[1], &decoded_length);
  if (decoded == NULL || decoded_length == 0)
    {
      g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                               _("ssh-keygen printed no public key"));
      return;
    }
  blob = g_bytes_new (decoded, decoded_length);
  if (check->parsed != NULL && !g_bytes_equal (blob, check->parsed->public_blob))
    {
      g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_INVALID,
                               _("The key is damaged: its public part does not belong to its private part"));
      return;
    }
  comment = words[2] != NULL ? words[2] : (check->parsed != NULL ? check->parsed->comment : NULL);
  g_task_return_pointer (task,
                         key_new (g_bytes_ref (check->data), words[0], blob, comment,
                                  check->parsed != NULL ? check->parsed->encrypted : check->pem_encrypted),
                         g_object_unref);
}

/* The passphrase and a newline, as typed at ssh-keygen's prompt. */
static gboolean
write_passphrase (int         fd,
                  const char *passphrase)
{
  char line[MAX_PASSPHRASE_LENGTH + 1];
  gsize length = passphrase != NULL ? strlen (passphrase) : 0;
  gsize written = 0;
  gboolean ok = TRUE;

  memcpy (line, passphrase != NULL ? passphrase : "", length);
  line[length++] = '\n';
  while (written < length)
    {
      ssize_t n = write (fd, line + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          ok = FALSE;
          break;
        }
      written += n;
    }
  explicit_bzero (line, sizeof line);
  return ok;
}

void
midway_ssh_key_check_async (GBytes             *data,
                            const char         *passphrase,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *keygen = NULL;
  int input[2];
  CheckData *check;
  const guint8 *bytes;
  gsize length, written = 0;
  int fd;

  g_return_if_fail (data != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, midway_ssh_key_check_async);
  check = g_new0 (CheckData, 1);
  check->data = g_bytes_ref (data);
  check->had_passphrase = passphrase != NULL && *passphrase != '\0';
  g_task_set_task_data (task, check, (GDestroyNotify) check_data_free);

  if (passphrase != NULL &&
      (strlen (passphrase) > MAX_PASSPHRASE_LENGTH || strpbrk (passphrase, "\r\n") != NULL))
    {
      g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NEEDS_PASSPHRASE,
                               _("A passphrase must be one line of at most %d bytes"),
                               MAX_PASSPHRASE_LENGTH);
      return;
    }

  /* What is plainly not a key never reaches ssh-keygen. */
  check->parsed = midway_ssh_key_new_from_private_data (data, &error);
  if (check->parsed == NULL)
    {
      if (!g_error_matches (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_UNSUPPORTED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_clear_error (&error);
      check->pem_encrypted = midway_openssh_is_encrypted_pem (data);
    }

  fd = memfd_create ("midway-ssh-key", MFD_CLOEXEC);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot hold the key in memory: %s"), g_strerror (saved_errno));
      return;
    }
  bytes = g_bytes_get_data (data, &length);
  while (written < length)
    {
      ssize_t n = write (fd, bytes + written, length - written);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      written += n;
    }
  /* ssh-keygen refuses a key others could read. */
  if (written != length || fchmod (fd, 0600) != 0 || lseek (fd, 0, SEEK_SET) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot hold the key in memory: %s"), g_strerror (saved_errno));
      return;
    }

  /* The passphrase goes into a pipe of our own before ssh-keygen starts:
   * it fits the pipe's buffer, and a ssh-keygen that exits without
   * reading it cannot raise SIGPIPE in this process. */
  if (!g_unix_open_pipe (input, FD_CLOEXEC, &error))
    {
      close (fd);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!write_passphrase (input[1], passphrase))
    {
      int saved_errno = errno;

      close (fd);
      close (input[0]);
      close (input[1]);
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot pass the passphrase to ssh-keygen: %s"), g_strerror (saved_errno));
      return;
    }
  close (input[1]);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_take_stdin_fd (launcher, input[0]);
  /* askpass would put up a window of its own or fail; the prompt must
   * read the passphrase from stdin. */
  g_subprocess_launcher_setenv (launcher, "SSH_ASKPASS_REQUIRE", "never", TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, start_new_session, NULL, NULL);
  g_subprocess_launcher_take_fd (launcher, fd, 3);
  keygen = ssh_keygen_path ();
  process = g_subprocess_launcher_spawn (launcher, &error, keygen, "-y", "-f", "/dev/fd/3", NULL);
  if (process == NULL)
    {
      g_task_return_new_error (task, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                               _("Cannot run %s: %s"), keygen, error->message);
      return;
    }
  g_subprocess_communicate_async (process, NULL, cancellable, on_keygen_done, g_steal_pointer (&task));
}

MidwaySshKey *
midway_ssh_key_check_finish (GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == midway_ssh_key_check_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Accessors ---------------------------------------------------------- */

const char *
midway_ssh_key_get_key_type (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return self->key_type;
}

const char *
midway_ssh_key_get_comment (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return self->comment;
}

gboolean
midway_ssh_key_is_encrypted (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), FALSE);
  return self->encrypted;
}

const char *
midway_ssh_key_get_public_line (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return self->public_line;
}

const char *
midway_ssh_key_get_fingerprint (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return self->fingerprint;
}

GBytes *
midway_ssh_key_get_public_blob (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return self->public_blob;
}

GBytes *
midway_ssh_key_dup_private_data (MidwaySshKey *self)
{
  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  return g_bytes_ref (self->private_data);
}

/* ---- Server-side lines -------------------------------------------------- */

char *
midway_ssh_key_comment_for_profile (MidwayProfile *profile)
{
  const char *name;
  GString *comment;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  name = midway_profile_get_name (profile);
  if (*name == '\0')
    name = midway_profile_get_id (profile);
  comment = g_string_new ("midway-");
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        g_string_append_c (comment, '-');
      else
        g_string_append_unichar (comment, c);
    }
  return g_string_free (comment, FALSE);
}

/* Exactly the words midway_argv_build_ssh() asks the server to run. */
static GStrv
remote_words (MidwayProfile *profile)
{
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  g_auto(GStrv) command = g_strsplit (midway_profile_get_remote_command (profile), " ", -1);

  g_strv_builder_addv (words, (const char **) command);
  g_strv_builder_add_many (words, MIDWAY_REMOTE_PPPD_ARGS, NULL);
  if (midway_profile_get_ipv6 (profile))
    g_strv_builder_add (words, "+ipv6");
  return g_strv_builder_end (words);
}

/* The key may run only the command the helper sends, word for word: a
 * stolen key then starts pppd and nothing else, and no shell.  sshd runs a
 * forced command whatever the client asks, so this cannot break the link
 * as long as the profile's remote command and IPv6 setting stay as they
 * were when the line was installed.  "restrict" turns off every
 * forwarding, the agent, X11, ~/.ssh/rc and the pty: ssh runs with -T and
 * pppd with "notty", so none is needed.  The remote command's alphabet
 * (midway-profile-checks.c) has no quote or backslash, so it sits inside the
 * double quotes as it is. */
char *
midway_ssh_key_dup_authorized_keys_line (MidwaySshKey  *self,
                                         MidwayProfile *profile)
{
  g_auto(GStrv) words = NULL;
  g_autofree char *command = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *encoded = NULL;
  gsize blob_length;
  const guint8 *blob;

  g_return_val_if_fail (MIDWAY_IS_SSH_KEY (self), NULL);
  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);

  words = remote_words (profile);
  command = g_strjoinv (" ", words);
  comment = *self->comment != '\0' ? g_strdup (self->comment) : midway_ssh_key_comment_for_profile (profile);
  blob = g_bytes_get_data (self->public_blob, &blob_length);
  encoded = g_base64_encode (blob, blob_length);
  return g_strdup_printf ("restrict,command=\"%s\" %s %s %s", command, self->key_type, encoded, comment);
}

/* sudoers(5): these are special inside a command's arguments. */
static void
append_sudoers_word (GString    *line,
                     const char *word)
{
  for (const char *p = word; *p != '\0'; p++)
    {
      if (strchr (",:=\\", *p) != NULL)
        g_string_append_c (line, '\\');
      g_string_append_c (line, *p);
    }
}

/* pppd as root with options of the user's choosing is root for that user
 * ("plugin", "connect" and others run code), so the line allows pppd only
 * with the exact options the helper sends, as sudoers matches arguments
 * when they are given.  NOPASSWD because "sudo -n" cannot ask. */
char *
midway_ssh_key_dup_sudoers_line (MidwayProfile *profile,
                                 GError       **error)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) line = NULL;
  const char *user;
  const char *runas = "root";
  guint i = 1;

  g_return_val_if_fail (MIDWAY_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  words = remote_words (profile);
  if (g_strcmp0 (words[0], "sudo") != 0)
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_NO_SUDO,
                   _("The remote command does not use sudo: the server needs no sudoers line"));
      return NULL;
    }
  for (; words[i] != NULL && words[i][0] == '-'; i++)
    {
      if (g_strcmp0 (words[i], "-u") == 0 && words[i + 1] != NULL)
        runas = words[++i];
      else if (g_strcmp0 (words[i], "--") == 0)
        {
          i++;
          break;
        }
      else if (strchr ("nEHPSk", words[i][1]) == NULL || words[i][1] == '\0' || words[i][2] != '\0')
        {
          g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                       _("Cannot write a sudoers line for the sudo option “%s”"), words[i]);
          return NULL;
        }
    }
  if (words[i] == NULL)
    {
      g_set_error (error, MIDWAY_SSH_KEY_ERROR, MIDWAY_SSH_KEY_ERROR_FAILED,
                   _("The remote command names no program for sudo to run"));
      return NULL;
    }

  user = midway_profile_get_user (profile);
  /* ssh logs in as the local user when the profile names none. */
  if (*user == '\0')
    user = g_get_user_name ();
  line = g_string_new (NULL);
  g_string_append_printf (line, "%s ALL=(%s) NOPASSWD: ", user, runas);
  /* sudo finds a bare name through secure_path; Debian's has pppd in /usr/sbin. */
  if (words[i][0] != '/')
    g_string_append (line, "/usr/sbin/");
  append_sudoers_word (line, words[i]);
  for (i++; words[i] != NULL; i++)
    {
      g_string_append_c (line, ' ');
      append_sudoers_word (line, words[i]);
    }
  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* ---- Object ------------------------------------------------------------- */

static void
midway_ssh_key_finalize (GObject *object)
{
  MidwaySshKey *self = MIDWAY_SSH_KEY (object);

  g_clear_pointer (&self->private_data, g_bytes_unref);
  g_clear_pointer (&self->public_blob, g_bytes_unref);
  g_free (self->key_type);
  g_free (self->comment);
  g_free (self->public_line);
  g_free (self->fingerprint);

  G_OBJECT_CLASS (midway_ssh_key_parent_class)->finalize (object);
}

static void
midway_ssh_key_class_init (MidwaySshKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = midway_ssh_key_finalize;
}

static void
midway_ssh_key_init (MidwaySshKey *self)
{
}
