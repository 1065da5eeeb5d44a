#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A growable list of owned C strings, always NULL-terminated. */
struct strv {
        char **v;
        size_t n;
        size_t cap;
};

void strv_push(struct strv *s, char *owned);
void strv_pushf(struct strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool strv_contains(const struct strv *s, const char *str);
/* Sorts by strcmp. */
void strv_sort(struct strv *s);
void strv_done(struct strv *s);

/* A growable byte buffer, kept NUL-terminated for convenience. */
struct buf {
        char *data;
        size_t len;
        size_t cap;
};

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_done(struct buf *b);
