/* Input: a hosts file and the edit ocilink makes to it, as fields:
 *
 *   owner \0 alias \0 source hostname \0 lines \0 file content (the rest, NULs included)
 *
 * hosts_set_block, hosts_get_block and hosts_replace_alias run on the content and are compared with
 * a reference reading of the markers; for a valid owner (a container name: the hook never uses
 * another) and lines that hold no marker of that owner, the edits must also be idempotent, keep
 * every byte outside the block, and undo cleanly: removing a block just set gives back the file as
 * it was. Then the lines the hook itself would write (hosts_link_lines, with the hostname only when
 * hostname_is_valid accepts it, as make_record does) must be exactly one well-formed line per
 * address, and go through the same checks. */

#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <stdbool.h>

#include "links/hosts.h"
#include "links/names.h"
#include "links/strv.h"

enum {
        F_OWNER,
        F_ALIAS,
        F_HOSTNAME,
        F_LINES,
        F_CONTENT,
        F_MAX,
};

struct ref_block {
        bool valid; /* no NUL, and owner's markers are absent or one begin followed by one end */
        bool found;
        size_t begin, body, end, after;
};

static bool line_eq(const char *line, size_t llen, const char *want)
{
        return llen == strlen(want) && memcmp(line, want, llen) == 0;
}

static void ref_find(const char *c, size_t len, const char *begin_mark, const char *end_mark, struct ref_block *b)
{
        /* The marker lines met, in order: 'b' or 'e'; more than three already means refused. */
        char seq[4] = "";
        size_t n = 0, pos = 0;

        *b = (struct ref_block) { 0 };
        if (memchr(c, '\0', len))
                return;
        while (pos < len) {
                size_t llen = 0, next;

                while (pos + llen < len && c[pos + llen] != '\n')
                        llen++;
                next = pos + llen < len ? pos + llen + 1 : len;
                if (line_eq(c + pos, llen, begin_mark) || line_eq(c + pos, llen, end_mark)) {
                        bool is_begin = line_eq(c + pos, llen, begin_mark);
                        if (n < 3)
                                seq[n] = is_begin ? 'b' : 'e';
                        n++;
                        if (is_begin && n == 1) {
                                b->begin = pos;
                                b->body = next;
                        } else if (!is_begin && n == 2) {
                                b->end = pos;
                                b->after = next;
                        }
                }
                pos = next;
        }
        if (n == 0) {
                b->valid = true;
        } else if (n == 2 && seq[0] == 'b' && seq[1] == 'e') {
                b->valid = true;
                b->found = true;
        }
}

static bool lines_hold_marker(const char *lines, const char *begin_mark, const char *end_mark)
{
        const char *p = lines;

        for (;;) {
                const char *nl = strchr(p, '\n');
                size_t llen = nl ? (size_t) (nl - p) : strlen(p);

                if (line_eq(p, llen, begin_mark) || line_eq(p, llen, end_mark))
                        return true;
                if (!nl)
                        return false;
                p = nl + 1;
        }
}

/* The first name of a hosts line, the reference way: the second run of non-blank bytes. */
static bool ref_first_name_is(const char *line, size_t llen, const char *alias)
{
        size_t i = 0, start;

        while (i < llen && !(line[i] == ' ' || line[i] == '\t'))
                i++;
        while (i < llen && (line[i] == ' ' || line[i] == '\t'))
                i++;
        start = i;
        while (i < llen && !(line[i] == ' ' || line[i] == '\t'))
                i++;
        return line_eq(line + start, i - start, alias);
}

static bool every_line_names(const char *lines, size_t len, const char *alias)
{
        for (size_t pos = 0; pos < len;) {
                const char *nl = memchr(lines + pos, '\n', len - pos);
                size_t llen = nl ? (size_t) (nl - (lines + pos)) : len - pos;

                if (!ref_first_name_is(lines + pos, llen, alias))
                        return false;
                pos += llen + 1;
        }
        return true;
}

static void expect_eq(const struct buf *got, const struct buf *want)
{
        FUZZ_CHECK(got->data && want->data);
        FUZZ_CHECK(got->len == want->len);
        FUZZ_CHECK(memcmp(got->data, want->data, got->len) == 0);
        FUZZ_CHECK(got->data[got->len] == '\0');
}

static void put_ref_block(struct buf *out, const char *begin_mark, const char *end_mark, const char *lines,
                          size_t lines_len)
{
        buf_puts(out, begin_mark);
        buf_puts(out, "\n");
        buf_append(out, lines, lines_len);
        if (lines_len && lines[lines_len - 1] != '\n')
                buf_puts(out, "\n");
        buf_puts(out, end_mark);
        buf_puts(out, "\n");
}

/* What hosts_set_block must give for a valid file. */
static void ref_set(const char *c, size_t len, const struct ref_block *b, const char *begin_mark,
                    const char *end_mark, const char *lines, size_t lines_len, struct buf *out)
{
        buf_append(out, "", 0);
        if (b->found) {
                buf_append(out, c, b->begin);
                if (lines_len)
                        put_ref_block(out, begin_mark, end_mark, lines, lines_len);
                buf_append(out, c + b->after, len - b->after);
        } else {
                buf_append(out, c, len);
                if (lines_len) {
                        if (len && c[len - 1] != '\n')
                                buf_puts(out, "\n");
                        put_ref_block(out, begin_mark, end_mark, lines, lines_len);
                }
        }
}

/* A padding line (hosts_pad_block): empty, or '#' and spaces only. */
static bool ref_is_pad(const char *l, size_t n)
{
        if (n == 0)
                return true;
        if (l[0] != '#')
                return false;
        for (size_t i = 1; i < n; i++)
                if (l[i] != ' ')
                        return false;
        return true;
}

/* What hosts_replace_alias must give for a valid file with a block: the alias's lines replaced
 * at the first one's place, padding lines dropped. */
static bool ref_replace(const char *c, size_t len, const struct ref_block *b, const char *alias, const char *lines,
                        size_t lines_len, struct buf *out)
{
        bool found = false;

        buf_append(out, "", 0);
        buf_append(out, c, b->body);
        for (size_t pos = b->body; pos < b->end;) {
                size_t llen = 0, next;

                while (pos + llen < b->end && c[pos + llen] != '\n')
                        llen++;
                next = pos + llen < b->end ? pos + llen + 1 : b->end;
                if (ref_first_name_is(c + pos, llen, alias)) {
                        if (!found)
                                buf_append(out, lines, lines_len);
                        found = true;
                } else if (!ref_is_pad(c + pos, llen)) {
                        buf_append(out, c + pos, next - pos);
                }
                pos = next;
        }
        buf_append(out, c + b->end, len - b->end);
        return found;
}

static void check_set(const char *c, size_t len, const char *owner, bool strict, const struct ref_block *rb,
                      const char *begin_mark, const char *end_mark, const char *lines, size_t lines_len)
{
        struct buf out = { 0 }, want = { 0 }, again = { 0 }, removed = { 0 }, removed_orig = { 0 }, block = { 0 };
        bool found = false;
        int r;

        r = hosts_set_block(c, len, owner, lines, lines_len, &out);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        FUZZ_CHECK((r == 0) == rb->valid);
        if (r < 0)
                return;
        /* Every byte outside owner's block is kept; the block is exactly the lines. */
        ref_set(c, len, rb, begin_mark, end_mark, lines, lines_len, &want);
        expect_eq(&out, &want);

        if (strict) {
                struct ref_block ob;

                ref_find(out.data, out.len, begin_mark, end_mark, &ob);
                FUZZ_CHECK(ob.valid && ob.found == (lines_len > 0));

                /* Idempotent: setting the same lines again changes nothing. */
                FUZZ_CHECK(hosts_set_block(out.data, out.len, owner, lines, lines_len, &again) == 0);
                expect_eq(&again, &out);

                /* The block reads back as the lines. */
                FUZZ_CHECK(hosts_get_block(out.data, out.len, owner, &block, &found) == 0);
                FUZZ_CHECK(found == (lines_len > 0));
                if (found) {
                        FUZZ_CHECK(block.len == lines_len + (lines[lines_len - 1] != '\n'));
                        FUZZ_CHECK(memcmp(block.data, lines, lines_len) == 0);
                } else {
                        FUZZ_CHECK(block.len == 0);
                }

                /* Removing the block gives what removing it from the original gives, plus the
                 * newline an append had to add: the original itself when it had no block and
                 * ended with a newline (or was empty). */
                FUZZ_CHECK(hosts_set_block(out.data, out.len, owner, "", 0, &removed) == 0);
                FUZZ_CHECK(hosts_set_block(c, len, owner, "", 0, &removed_orig) == 0);
                if (!rb->found && lines_len && len && c[len - 1] != '\n')
                        buf_puts(&removed_orig, "\n");
                expect_eq(&removed, &removed_orig);
                if (!rb->found && (len == 0 || c[len - 1] == '\n'))
                        FUZZ_CHECK(removed.len == len && memcmp(removed.data, c, len) == 0);

                /* Padding (a shrinking rewrite's filler) grows the file by exactly the amount asked,
                 * stays inside the block, and goes again with the next set of the block. */
                if (found) {
                        size_t pad = 1 + (lines_len + len) % 300;
                        struct buf padded = { 0 }, reset = { 0 };
                        struct ref_block pb;

                        buf_append(&padded, out.data, out.len);
                        FUZZ_CHECK(hosts_pad_block(&padded, owner, pad) == 0);
                        FUZZ_CHECK(padded.len == out.len + pad);
                        ref_find(padded.data, padded.len, begin_mark, end_mark, &pb);
                        FUZZ_CHECK(pb.valid && pb.found);
                        /* outside the block, nothing moved */
                        FUZZ_CHECK(pb.begin == ob.begin);
                        FUZZ_CHECK(padded.len - pb.after == out.len - ob.after);
                        FUZZ_CHECK(memcmp(padded.data + pb.after, out.data + ob.after, out.len - ob.after) == 0);
                        FUZZ_CHECK(hosts_set_block(padded.data, padded.len, owner, lines, lines_len, &reset) == 0);
                        expect_eq(&reset, &out);
                        buf_done(&padded);
                        buf_done(&reset);
                }
        }
        buf_done(&out);
        buf_done(&want);
        buf_done(&again);
        buf_done(&removed);
        buf_done(&removed_orig);
        buf_done(&block);
}

static void check_get(const char *c, size_t len, const char *owner, const struct ref_block *rb)
{
        struct buf out = { 0 };
        bool found = true;
        int r;

        r = hosts_get_block(c, len, owner, &out, &found);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        FUZZ_CHECK((r == 0) == rb->valid);
        if (r < 0)
                return;
        FUZZ_CHECK(found == rb->found);
        FUZZ_CHECK(out.data && out.data[out.len] == '\0');
        if (found)
                FUZZ_CHECK(out.len == rb->end - rb->body && memcmp(out.data, c + rb->body, out.len) == 0);
        else
                FUZZ_CHECK(out.len == 0);
        buf_done(&out);
}

static void check_replace(const char *c, size_t len, const char *owner, const char *alias, bool strict,
                          const struct ref_block *rb, const char *begin_mark, const char *end_mark, const char *lines,
                          size_t lines_len)
{
        struct buf out = { 0 }, want = { 0 }, again = { 0 }, block = { 0 };
        bool found = true, found2 = false, in_block = false, want_found = false;
        int r;

        r = hosts_replace_alias(c, len, owner, alias, lines, lines_len, &out, &found);
        FUZZ_CHECK(r == 0 || r == -EBADMSG);
        FUZZ_CHECK((r == 0) == rb->valid);
        if (r < 0)
                return;
        if (rb->found)
                want_found = ref_replace(c, len, rb, alias, lines, lines_len, &want);
        FUZZ_CHECK(found == want_found);
        if (found) {
                /* Bytes outside the block's body are kept. */
                expect_eq(&out, &want);
        } else {
                /* Nothing to replace: the content unchanged. */
                FUZZ_CHECK(out.data && out.len == len && memcmp(out.data, c, len) == 0);
        }

        /* With lines the hook could write (whole lines, no marker), the block stays valid; when
         * every line names the alias, replacing again changes nothing. */
        if (strict && found && (lines_len == 0 || lines[lines_len - 1] == '\n')) {
                FUZZ_CHECK(hosts_get_block(out.data, out.len, owner, &block, &in_block) == 0 && in_block);
                if (every_line_names(lines, lines_len, alias)) {
                        FUZZ_CHECK(hosts_replace_alias(out.data, out.len, owner, alias, lines, lines_len, &again,
                                                       &found2) == 0);
                        FUZZ_CHECK(found2 == (lines_len > 0));
                        expect_eq(&again, &out);
                }
        }
        buf_done(&out);
        buf_done(&want);
        buf_done(&again);
        buf_done(&block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *f[F_MAX], *begin_mark, *end_mark;
        const char *hostname;
        struct buf gen = { 0 };
        struct ref_block rb;
        size_t clen = 0;
        bool owner_ok, strict;

        fuzz_fields(data, size, f, F_MAX, &clen);
        if (asprintf(&begin_mark, "# ocilink begin %s", f[F_OWNER]) < 0 ||
            asprintf(&end_mark, "# ocilink end %s", f[F_OWNER]) < 0)
                abort();
        ref_find(f[F_CONTENT], clen, begin_mark, end_mark, &rb);

        /* Owners are validated container names; lines come from hosts_link_lines. Anything else
         * only has to be memory-safe and match the reference. */
        owner_ok = name_is_valid(f[F_OWNER], strlen(f[F_OWNER]));
        strict = owner_ok && !lines_hold_marker(f[F_LINES], begin_mark, end_mark);

        check_get(f[F_CONTENT], clen, f[F_OWNER], &rb);
        check_set(f[F_CONTENT], clen, f[F_OWNER], strict, &rb, begin_mark, end_mark, f[F_LINES], strlen(f[F_LINES]));
        check_replace(f[F_CONTENT], clen, f[F_OWNER], f[F_ALIAS], strict, &rb, begin_mark, end_mark, f[F_LINES],
                      strlen(f[F_LINES]));

        /* The lines the hook itself writes for this alias: IPv4 then IPv6, one per line. A source
         * hostname that fails hostname_is_valid is left out (hook/cmd_stage.c make_record). */
        hostname = hostname_is_valid(f[F_HOSTNAME]) ? f[F_HOSTNAME] : NULL;
        buf_append(&gen, "", 0);
        hosts_link_lines(f[F_ALIAS], hostname, f[F_OWNER], "172.17.0.2", "fd00::2", &gen);
        if (owner_ok && name_is_valid(f[F_ALIAS], strlen(f[F_ALIAS]))) {
                struct buf want = { 0 };

                buf_append(&want, "", 0);
                for (size_t i = 0; i < 2; i++) {
                        buf_puts(&want, i == 0 ? "172.17.0.2\t" : "fd00::2\t");
                        buf_puts(&want, f[F_ALIAS]);
                        if (hostname) {
                                buf_puts(&want, " ");
                                buf_puts(&want, hostname);
                        }
                        if (strcmp(f[F_OWNER], f[F_ALIAS]) != 0) {
                                buf_puts(&want, " ");
                                buf_puts(&want, f[F_OWNER]);
                        }
                        buf_puts(&want, "\n");
                }
                expect_eq(&gen, &want);
                buf_done(&want);
                /* Independently of the format: two lines, no comment, no control byte. */
                for (size_t i = 0, nl = 0; i <= gen.len; i++) {
                        if (i == gen.len) {
                                FUZZ_CHECK(nl == 2);
                                break;
                        }
                        nl += gen.data[i] == '\n';
                        FUZZ_CHECK(gen.data[i] != '#' && gen.data[i] != '\r' && gen.data[i] != 0x7f);
                        FUZZ_CHECK((unsigned char) gen.data[i] >= 0x20 || gen.data[i] == '\t' || gen.data[i] == '\n');
                }
                FUZZ_CHECK(every_line_names(gen.data, gen.len, f[F_ALIAS]));
                FUZZ_CHECK(!lines_hold_marker(gen.data, begin_mark, end_mark));
                check_replace(f[F_CONTENT], clen, f[F_OWNER], f[F_ALIAS], true, &rb, begin_mark, end_mark,
                              gen.data, gen.len);
                check_set(f[F_CONTENT], clen, f[F_OWNER], true, &rb, begin_mark, end_mark, gen.data, gen.len);
        }
        buf_done(&gen);

        free(begin_mark);
        free(end_mark);
        fuzz_fields_free(f, F_MAX);
        return 0;
}
