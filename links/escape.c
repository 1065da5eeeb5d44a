#include "links/escape.h"

#include <string.h>

#include "links/limits.h"
#include "links/macro.h"
#include "links/strv.h"

char *escape_for_log(const char *s, size_t len)
{
        struct buf b = { 0 };
        size_t n = len > OCILINK_MAX_QUOTE ? OCILINK_MAX_QUOTE : len;

        if (!s)
                return xstrdup("(null)");
        buf_append(&b, "", 0);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '\\')
                        buf_puts(&b, "\\\\");
                else if (c < 0x20 || c >= 0x7f)
                        buf_printf(&b, "\\x%02x", c);
                else
                        buf_append(&b, &s[i], 1);
        }
        if (n < len)
                buf_puts(&b, "...");
        return b.data;
}

char *escape_str(const char *s)
{
        return escape_for_log(s, s ? strlen(s) : 0);
}
