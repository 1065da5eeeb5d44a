#include "links/hosts.h"

#include <string.h>

#include "links/macro.h"

#define MARK_BEGIN "# ocilink begin "
#define MARK_END "# ocilink end "

void hosts_link_lines(const char *alias, const char *hostname, const char *name, const char *ipv4,
                      const char *ipv6, struct buf *out)
{
        const char *addrs[2] = { ipv4, ipv6 };

        for (size_t i = 0; i < 2; i++) {
                if (!addrs[i] || !*addrs[i])
                        continue;
                buf_printf(out, "%s\t%s", addrs[i], alias);
                if (hostname && *hostname)
                        buf_printf(out, " %s", hostname);
                if (name && !STREQ(name, alias))
                        buf_printf(out, " %s", name);
                buf_puts(out, "\n");
        }
}

/* Byte offsets of owner's block: [begin, body) is the begin marker line, [body, end) the link
 * lines, [end, after) the end marker line (with its newline when it has one). */
struct block {
        bool found;
        size_t begin, body, end, after;
};

static bool line_is(const char *line, size_t llen, const char *mark, const char *owner)
{
        size_t ml = strlen(mark), ol = strlen(owner);

        return llen == ml + ol && memcmp(line, mark, ml) == 0 && memcmp(line + ml, owner, ol) == 0;
}

static int find_block(const char *c, size_t len, const char *owner, struct block *ret)
{
        struct block b = { 0 };
        bool in = false;

        if (memchr(c, '\0', len))
                return -EBADMSG;
        for (size_t pos = 0; pos < len;) {
                const char *nl = memchr(c + pos, '\n', len - pos);
                size_t llen = nl ? (size_t) (nl - (c + pos)) : len - pos;
                size_t next = nl ? pos + llen + 1 : len;

                if (line_is(c + pos, llen, MARK_BEGIN, owner)) {
                        if (in || b.found)
                                return -EBADMSG;
                        in = true;
                        b.begin = pos;
                        b.body = next;
                } else if (line_is(c + pos, llen, MARK_END, owner)) {
                        if (!in)
                                return -EBADMSG;
                        in = false;
                        b.found = true;
                        b.end = pos;
                        b.after = next;
                }
                pos = next;
        }
        if (in)
                return -EBADMSG;
        *ret = b;
        return 0;
}

static void put_block(struct buf *out, const char *owner, const char *lines, size_t lines_len)
{
        buf_printf(out, "%s%s\n", MARK_BEGIN, owner);
        buf_append(out, lines, lines_len);
        if (lines_len && lines[lines_len - 1] != '\n')
                buf_puts(out, "\n");
        buf_printf(out, "%s%s\n", MARK_END, owner);
}

int hosts_set_block(const char *content, size_t len, const char *owner, const char *lines, size_t lines_len,
                    struct buf *ret)
{
        struct buf out = { 0 };
        struct block b;
        int r;

        r = find_block(content, len, owner, &b);
        if (r < 0)
                return r;
        buf_append(&out, "", 0);
        if (b.found) {
                buf_append(&out, content, b.begin);
                if (lines_len)
                        put_block(&out, owner, lines, lines_len);
                buf_append(&out, content + b.after, len - b.after);
        } else {
                buf_append(&out, content, len);
                if (lines_len) {
                        if (len && content[len - 1] != '\n')
                                buf_puts(&out, "\n");
                        put_block(&out, owner, lines, lines_len);
                }
        }
        *ret = out;
        return 0;
}

/* The first name of a hosts line: the field after the address. */
static bool first_name_is(const char *line, size_t llen, const char *alias)
{
        size_t i = 0, al = strlen(alias), start;

        while (i < llen && line[i] != ' ' && line[i] != '\t')
                i++;
        while (i < llen && (line[i] == ' ' || line[i] == '\t'))
                i++;
        start = i;
        while (i < llen && line[i] != ' ' && line[i] != '\t')
                i++;
        return i - start == al && memcmp(line + start, alias, al) == 0;
}

/* A padding line of hosts_pad_block: empty, or '#' followed by spaces only. */
static bool is_pad_line(const char *line, size_t llen)
{
        if (llen == 0)
                return true;
        if (line[0] != '#')
                return false;
        for (size_t i = 1; i < llen; i++)
                if (line[i] != ' ')
                        return false;
        return true;
}

int hosts_replace_alias(const char *content, size_t len, const char *owner, const char *alias, const char *lines,
                        size_t lines_len, struct buf *ret, bool *ret_found)
{
        struct buf out = { 0 };
        struct block b;
        bool found = false;
        int r;

        r = find_block(content, len, owner, &b);
        if (r < 0)
                return r;
        buf_append(&out, "", 0);
        if (!b.found) {
                buf_append(&out, content, len);
                *ret = out;
                *ret_found = false;
                return 0;
        }
        buf_append(&out, content, b.body);
        for (size_t pos = b.body; pos < b.end;) {
                const char *nl = memchr(content + pos, '\n', b.end - pos);
                size_t llen = nl ? (size_t) (nl - (content + pos)) : b.end - pos;
                size_t next = nl ? pos + llen + 1 : b.end;

                if (first_name_is(content + pos, llen, alias)) {
                        if (!found)
                                buf_append(&out, lines, lines_len);
                        found = true;
                } else if (!is_pad_line(content + pos, llen))
                        /* earlier padding goes: the caller pads again only what this rewrite needs */
                        buf_append(&out, content + pos, next - pos);
                pos = next;
        }
        buf_append(&out, content + b.end, len - b.end);
        if (!found) {
                buf_done(&out);
                buf_append(&out, content, len);
        }
        *ret = out;
        *ret_found = found;
        return 0;
}

int hosts_get_block(const char *content, size_t len, const char *owner, struct buf *ret, bool *ret_found)
{
        struct buf out = { 0 };
        struct block b;
        int r;

        r = find_block(content, len, owner, &b);
        if (r < 0)
                return r;
        buf_append(&out, "", 0);
        if (b.found)
                buf_append(&out, content + b.body, b.end - b.body);
        *ret = out;
        *ret_found = b.found;
        return 0;
}

int hosts_pad_block(struct buf *content, const char *owner, size_t pad)
{
        struct buf out = { 0 };
        struct block b;
        int r;

        if (pad == 0)
                return 0;
        r = find_block(content->data, content->len, owner, &b);
        if (r < 0)
                return r;
        if (!b.found)
                return -ENOENT;
        buf_append(&out, content->data, b.end);
        if (pad == 1)
                buf_puts(&out, "\n");
        else {
                buf_puts(&out, "#");
                for (size_t i = 0; i < pad - 2; i++)
                        buf_puts(&out, " ");
                buf_puts(&out, "\n");
        }
        buf_append(&out, content->data + b.end, content->len - b.end);
        buf_done(content);
        *content = out;
        return 0;
}
