#include "links/strv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "links/macro.h"

void *xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);
        if (!p)
                abort();
        return p;
}

void *xcalloc(size_t n, size_t m)
{
        void *p = calloc(n ? n : 1, m ? m : 1);
        if (!p)
                abort();
        return p;
}

void *xrealloc(void *p, size_t n)
{
        p = realloc(p, n ? n : 1);
        if (!p)
                abort();
        return p;
}

char *xstrdup(const char *s)
{
        char *p = strdup(s);
        if (!p)
                abort();
        return p;
}

char *xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);
        if (!p)
                abort();
        return p;
}

/* printf for the formats the link rules use most (%s, %u, %d, %zu, %%), without stdio's machinery:
 * a recipient of 100 links formats some 1,200 variables, and vasprintf was a fifth of its
 * createRuntime (bench/run). Writes at most cap bytes to out (which may be NULL with cap 0);
 * returns the length, or -1 for a conversion it does not know (the caller then uses vasprintf). */
static long fast_format(char *out, size_t cap, const char *fmt, va_list ap)
{
        size_t n = 0;

        for (const char *f = fmt; *f; f++) {
                char num[24];
                const char *piece;
                size_t len;

                if (*f != '%') {
                        if (n < cap)
                                out[n] = *f;
                        n++;
                        continue;
                }
                f++;
                if (*f == 's') {
                        piece = va_arg(ap, const char *);
                        if (!piece)
                                return -1; /* vasprintf prints "(null)" */
                        len = strlen(piece);
                } else if (*f == 'u' || *f == 'd' || (f[0] == 'z' && f[1] == 'u')) {
                        unsigned long long v;
                        bool neg = false;
                        size_t i = sizeof num;
                        if (*f == 'u')
                                v = va_arg(ap, unsigned);
                        else if (*f == 'z')
                                v = va_arg(ap, size_t), f++;
                        else {
                                int d = va_arg(ap, int);
                                neg = d < 0;
                                v = neg ? 0ull - (unsigned long long) (long long) d : (unsigned long long) d;
                        }
                        do
                                num[--i] = (char) ('0' + v % 10);
                        while (v /= 10);
                        if (neg)
                                num[--i] = '-';
                        piece = num + i;
                        len = sizeof num - i;
                } else if (*f == '%') {
                        piece = "%";
                        len = 1;
                } else
                        return -1;
                for (size_t i = 0; i < len; i++, n++)
                        if (n < cap)
                                out[n] = piece[i];
        }
        return (long) n;
}

static char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *xvasprintf(const char *fmt, va_list ap)
{
        va_list aq;
        char *s = NULL, small[256];
        long n;

        va_copy(aq, ap);
        n = fast_format(small, sizeof small, fmt, aq);
        va_end(aq);
        if (n >= 0 && (size_t) n < sizeof small) {
                s = xmalloc((size_t) n + 1);
                memcpy(s, small, (size_t) n);
                s[n] = '\0';
                return s;
        }
        if (n >= 0) {
                s = xmalloc((size_t) n + 1);
                (void) fast_format(s, (size_t) n, fmt, ap);
                s[n] = '\0';
                return s;
        }
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
        return s;
}

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *s;

        va_start(ap, fmt);
        s = xvasprintf(fmt, ap);
        va_end(ap);
        return s;
}

void strv_push(struct strv *s, char *owned)
{
        if (s->n + 2 > s->cap) {
                s->cap = s->cap ? s->cap * 2 : 8;
                s->v = xrealloc(s->v, s->cap * sizeof(char *));
        }
        s->v[s->n++] = owned;
        s->v[s->n] = NULL;
}

void strv_pushf(struct strv *s, const char *fmt, ...)
{
        va_list ap;
        char *p;

        va_start(ap, fmt);
        p = xvasprintf(fmt, ap);
        va_end(ap);
        strv_push(s, p);
}

bool strv_contains(const struct strv *s, const char *str)
{
        for (size_t i = 0; i < s->n; i++)
                if (STREQ(s->v[i], str))
                        return true;
        return false;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(struct strv *s)
{
        if (s->n > 1)
                qsort(s->v, s->n, sizeof(char *), cmp_str);
}

void strv_done(struct strv *s)
{
        for (size_t i = 0; i < s->n; i++)
                free(s->v[i]);
        free(s->v);
        *s = (struct strv) { 0 };
}

void buf_append(struct buf *b, const void *data, size_t len)
{
        if (b->len + len + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 256;
                while (cap < b->len + len + 1)
                        cap *= 2;
                b->data = xrealloc(b->data, cap);
                b->cap = cap;
        }
        if (len)
                memcpy(b->data + b->len, data, len);
        b->len += len;
        b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
        buf_append(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
        va_list ap, aq;
        long n;

        va_start(ap, fmt);
        va_copy(aq, ap);
        n = fast_format(NULL, 0, fmt, aq);
        va_end(aq);
        if (n >= 0) {
                /* straight into the buffer: no temporary string */
                buf_append(b, "", 0);
                if (b->len + (size_t) n + 1 > b->cap) {
                        size_t cap = b->cap;
                        while (cap < b->len + (size_t) n + 1)
                                cap *= 2;
                        b->data = xrealloc(b->data, cap);
                        b->cap = cap;
                }
                (void) fast_format(b->data + b->len, (size_t) n, fmt, ap);
                b->len += (size_t) n;
                b->data[b->len] = '\0';
        } else {
                _cleanup_free_ char *p = xvasprintf(fmt, ap);
                buf_append(b, p, strlen(p));
        }
        va_end(ap);
}

void buf_done(struct buf *b)
{
        free(b->data);
        *b = (struct buf) { 0 };
}
