#include "links/names.h"

#include <string.h>

#include "links/limits.h"

static bool is_alnum(char c)
{
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool name_is_valid(const char *s, size_t len)
{
        if (!s || len == 0 || len > OCILINK_MAX_NAME || !is_alnum(s[0]))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
                        return false;
        return true;
}

bool id_is_valid(const char *s)
{
        size_t len;

        if (!s)
                return false;
        len = strlen(s);
        if (len == 0 || len > OCILINK_MAX_ID || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
                return false;
        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c <= 0x20 || c >= 0x7f || c == '/')
                        return false;
        }
        return true;
}

bool hostname_is_valid(const char *s)
{
        size_t len;

        if (!s)
                return false;
        len = strlen(s);
        if (len == 0 || len > 253 || !is_alnum(s[0]))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
                        return false;
        return true;
}
