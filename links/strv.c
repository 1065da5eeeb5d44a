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

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *s = NULL;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                abort();
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
        char *p = NULL;

        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0)
                abort();
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
        va_list ap;
        _cleanup_free_ char *p = NULL;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&p, fmt, ap);
        va_end(ap);
        if (n < 0)
                abort();
        buf_append(b, p, (size_t) n);
}

void buf_done(struct buf *b)
{
        free(b->data);
        *b = (struct buf) { 0 };
}
