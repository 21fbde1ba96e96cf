/* midwayctl-json.c: just enough JSON writing for --json.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "config.h"

#include "midwayctl.h"

void
midwayctl_json_string (GString    *out,
                       const char *text)
{
  /* JSON text must be UTF-8; anything else (it should not happen, the bus
   * and the profile parser only hand out UTF-8) becomes U+FFFD rather than
   * breaking the consumer's parser. */
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);

  g_string_append_c (out, '"');
  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        default:
          /* RFC 8259 requires U+0000–U+001F escaped; DEL too, so that
           * the output is safe to show on a terminal as it is. */
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
          break;
        }
    }
  g_string_append_c (out, '"');
}

void
midwayctl_json_member (GString    *out,
                       gboolean   *first,
                       const char *key)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  midwayctl_json_string (out, key);
  g_string_append_c (out, ':');
}

void
midwayctl_json_variant (GString  *out,
                        GVariant *value)
{
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr(GVariant) inner = g_variant_get_variant (value);

      midwayctl_json_variant (out, inner);
      return;
    }

  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
      break;
    case G_VARIANT_CLASS_BYTE:
      g_string_append_printf (out, "%u", (guint) g_variant_get_byte (value));
      break;
    case G_VARIANT_CLASS_INT16:
      g_string_append_printf (out, "%d", (int) g_variant_get_int16 (value));
      break;
    case G_VARIANT_CLASS_UINT16:
      g_string_append_printf (out, "%u", (guint) g_variant_get_uint16 (value));
      break;
    case G_VARIANT_CLASS_INT32:
      g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_int32 (value));
      break;
    case G_VARIANT_CLASS_UINT32:
      g_string_append_printf (out, "%" G_GUINT32_FORMAT, g_variant_get_uint32 (value));
      break;
    case G_VARIANT_CLASS_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, g_variant_get_int64 (value));
      break;
    case G_VARIANT_CLASS_UINT64:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
      break;
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      midwayctl_json_string (out, g_variant_get_string (value, NULL));
      break;
    case G_VARIANT_CLASS_ARRAY:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE ("a{s*}")))
        {
          GVariantIter iter;
          const char *key;
          GVariant *member;
          gboolean first = TRUE;

          g_string_append_c (out, '{');
          g_variant_iter_init (&iter, value);
          while (g_variant_iter_next (&iter, "{&s@*}", &key, &member))
            {
              midwayctl_json_member (out, &first, key);
              midwayctl_json_variant (out, member);
              g_variant_unref (member);
            }
          g_string_append_c (out, '}');
        }
      else
        {
          gsize n = g_variant_n_children (value);

          g_string_append_c (out, '[');
          for (gsize i = 0; i < n; i++)
            {
              g_autoptr(GVariant) child = g_variant_get_child_value (value, i);

              if (i > 0)
                g_string_append_c (out, ',');
              midwayctl_json_variant (out, child);
            }
          g_string_append_c (out, ']');
        }
      break;
    case G_VARIANT_CLASS_DOUBLE:
    case G_VARIANT_CLASS_HANDLE:
    case G_VARIANT_CLASS_MAYBE:
    case G_VARIANT_CLASS_TUPLE:
    case G_VARIANT_CLASS_DICT_ENTRY:
    case G_VARIANT_CLASS_VARIANT:
    default:
      /* No profile field or tunnel property has these types. */
      g_string_append (out, "null");
      break;
    }
}
