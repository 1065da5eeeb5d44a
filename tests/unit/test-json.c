#include "oci/json.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "links/limits.h"
#include "links/macro.h"
#include "links/strv.h"

/* ---- helpers ---- */

static struct json_value *parse_ok(const char *text)
{
        struct json_value *v = NULL;
        char err[JSON_ERR_MAX] = "";
        int r = json_parse(text, strlen(text), &v, err);

        if (r < 0)
                print_error("unexpected failure %d (%s) for: %s\n", r, err, text);
        assert_int_equal(r, 0);
        assert_non_null(v);
        return v;
}

/* Parses len bytes expecting failure r; returns the message (static buffer). */
static const char *parse_failn(const char *text, size_t len, int expected)
{
        static char err[JSON_ERR_MAX];
        struct json_value *v = NULL;
        int r;

        memset(err, 0, sizeof(err));
        r = json_parse(text, len, &v, err);
        if (r != expected)
                print_error("expected %d, got %d (%s)\n", expected, r, err);
        assert_int_equal(r, expected);
        assert_null(v);
        assert_true(err[0] != '\0');
        assert_non_null(memchr(err, '\0', sizeof(err)));
        return err;
}

static const char *parse_fail(const char *text, int expected)
{
        return parse_failn(text, strlen(text), expected);
}

static char *write_str(const struct json_value *v, bool pretty)
{
        char *out = NULL;
        size_t len = 0;

        assert_int_equal(json_write(v, pretty, &out, &len), 0);
        assert_non_null(out);
        assert_int_equal(strlen(out), len);
        return out;
}

/* Compact output of text must be exactly expected. */
static void assert_roundtrip_as(const char *text, const char *expected)
{
        _cleanup_json_ struct json_value *v = parse_ok(text);
        _cleanup_free_ char *out = write_str(v, false);

        assert_string_equal(out, expected);
}

static void assert_roundtrip(const char *text)
{
        assert_roundtrip_as(text, text);
}

static double now_seconds(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* n nested arrays: [[[...]]] */
static char *nested_arrays(size_t n)
{
        char *s = xmalloc(2 * n + 1);

        memset(s, '[', n);
        memset(s + n, ']', n);
        s[2 * n] = '\0';
        return s;
}

/* n levels alternating arrays and objects, closed: [{"k":[{"k":1}]}] */
static char *nested_mixed(size_t n)
{
        struct buf b = { 0 };

        for (size_t i = 0; i < n; i++)
                buf_puts(&b, i % 2 ? "{\"k\":" : "[");
        buf_puts(&b, "1");
        for (size_t i = n; i > 0; i--)
                buf_puts(&b, (i - 1) % 2 ? "}" : "]");
        return b.data;
}

/* ---- round trips ---- */

static void test_roundtrip_key_order(void **state __attribute__((unused)))
{
        assert_roundtrip("{\"z\":1,\"a\":2,\"m\":{\"y\":true,\"b\":false,\"n\":null},\"c\":[3,2,1]}");
        /* Whitespace goes, order stays. */
        assert_roundtrip_as("{ \"b\" : 1 ,\n\t\"a\" : [ ] , \"c\" : { } }\n",
                            "{\"b\":1,\"a\":[],\"c\":{}}");
}

static void test_roundtrip_unknown_keys(void **state __attribute__((unused)))
{
        const char *text = "{\"ociVersion\":\"1.0.2\",\"x-vendor\":{\"deep\":[{\"k\":\"v\"}],"
                           "\"n\":7},\"process\":{\"args\":[\"sh\"],\"futureField\":[null,true]}}";
        _cleanup_json_ struct json_value *v = parse_ok(text);
        _cleanup_free_ char *out = NULL;
        struct json_value *vendor;

        vendor = json_get(v, "x-vendor");
        assert_non_null(vendor);
        assert_int_equal(vendor->type, JSON_OBJECT);
        assert_string_equal(json_get_str(v, "ociVersion"), "1.0.2");
        /* Editing one member leaves the unknown ones alone. */
        json_set(json_get(v, "process"), "cwd", json_new_string("/"));
        out = write_str(v, false);
        assert_string_equal(out, "{\"ociVersion\":\"1.0.2\",\"x-vendor\":{\"deep\":[{\"k\":\"v\"}],"
                                 "\"n\":7},\"process\":{\"args\":[\"sh\"],\"futureField\":[null,true],"
                                 "\"cwd\":\"/\"}}");
}

static void test_roundtrip_numbers(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *v = NULL;

        assert_roundtrip("[1.50,1e400,-0,12345678901234567890,0.1e-7,1E+2,-1.0e-0,0,-0.0,"
                         "99999999999999999999999999999999999999.000000000000000000001]");
        assert_roundtrip("{\"big\":-12345678901234567890123,\"tiny\":4.9e-325}");
        assert_roundtrip("1.50");
        assert_roundtrip("-0");

        v = parse_ok("[1.50]");
        assert_int_equal(v->n, 1);
        assert_int_equal(v->items[0]->type, JSON_NUMBER);
        assert_string_equal(v->items[0]->str, "1.50");
        assert_int_equal(v->items[0]->len, 4);
}

static void test_roundtrip_unicode_escapes(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *v =
                parse_ok("[\"\\u00e9\",\"\xc3\xa9\",\"\\ud83d\\ude00\",\"a\\\"b\\\\c\\/d\\n\\t\\r\\b\\f\\u0001\","
                         "\"\xe6\x97\xa5\xe6\x9c\xac\",\"\\u001f\\u007f\"]");
        _cleanup_free_ char *out = NULL;

        assert_int_equal(v->n, 6);
        assert_string_equal(v->items[0]->str, "\xc3\xa9");
        assert_int_equal(v->items[0]->len, 2);
        assert_string_equal(v->items[1]->str, "\xc3\xa9");
        assert_string_equal(v->items[2]->str, "\xf0\x9f\x98\x80");
        assert_string_equal(v->items[3]->str, "a\"b\\c/d\n\t\r\b\f\x01");
        assert_int_equal(v->items[3]->len, 13);
        assert_string_equal(v->items[5]->str, "\x1f\x7f");

        out = write_str(v, false);
        assert_string_equal(out, "[\"\xc3\xa9\",\"\xc3\xa9\",\"\xf0\x9f\x98\x80\","
                                 "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\",\"\xe6\x97\xa5\xe6\x9c\xac\","
                                 "\"\\u001F\x7f\"]"); /* yajl writes upper-case hex */

        /* Keys are decoded and re-escaped the same way. */
        assert_roundtrip_as("{\"k\\u00e9\\n\":\"v\"}", "{\"k\xc3\xa9\\n\":\"v\"}");
        {
                _cleanup_json_ struct json_value *o = parse_ok("{\"k\\u00e9\\n\":\"v\"}");
                assert_string_equal(json_get_str(o, "k\xc3\xa9\n"), "v");
        }
}

static void test_roundtrip_scalars(void **state __attribute__((unused)))
{
        assert_roundtrip("null");
        assert_roundtrip("true");
        assert_roundtrip("false");
        assert_roundtrip("\"s\"");
        assert_roundtrip("42");
        assert_roundtrip("[]");
        assert_roundtrip("{}");
        assert_roundtrip_as("  \"x\"  \n", "\"x\"");
}

static void test_write_pretty(void **state __attribute__((unused)))
{
        const char *text = "{\"a\":[1,\"x\"],\"b\":{\"c\":null},\"d\":2.50}";
        _cleanup_json_ struct json_value *v = parse_ok(text);
        _cleanup_json_ struct json_value *again = NULL;
        _cleanup_json_ struct json_value *scalar = NULL;
        _cleanup_free_ char *out = write_str(v, true);
        _cleanup_free_ char *compact = NULL;
        _cleanup_free_ char *s = NULL;

        assert_string_equal(out, "{\n"
                                 "    \"a\": [\n"
                                 "        1,\n"
                                 "        \"x\"\n"
                                 "    ],\n"
                                 "    \"b\": {\n"
                                 "        \"c\": null\n"
                                 "    },\n"
                                 "    \"d\": 2.50\n"
                                 "}\n");
        assert_null(strchr(out, '\t'));

        /* Pretty output parses back to the same tree. */
        again = parse_ok(out);
        compact = write_str(again, false);
        assert_string_equal(compact, text);

        /* A scalar document ends with a newline too, once. */
        scalar = json_new_int(5);
        s = write_str(scalar, true);
        assert_string_equal(s, "5\n");
}

static void test_write_refuses_bad_trees(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *deep = json_new(JSON_ARRAY);
        _cleanup_json_ struct json_value *nul = json_new_stringn("a\0b", 3);
        _cleanup_json_ struct json_value *ok64 = json_new(JSON_ARRAY);
        struct json_value *cur = deep;
        char *out = NULL;
        size_t len = 0;

        assert_int_equal(json_write(NULL, false, &out, &len), -EINVAL);

        /* 65 levels: we would not read it back, so we do not write it. */
        for (int i = 1; i < OCILINK_MAX_JSON_DEPTH + 1; i++) {
                struct json_value *next = json_new(JSON_ARRAY);
                json_append(cur, next);
                cur = next;
        }
        assert_int_equal(json_write(deep, false, &out, &len), -ELOOP);
        assert_null(out);

        /* 64 levels built by hand are written. */
        cur = ok64;
        for (int i = 1; i < OCILINK_MAX_JSON_DEPTH; i++) {
                struct json_value *next = json_new(i % 2 ? JSON_OBJECT : JSON_ARRAY);
                if (cur->type == JSON_ARRAY)
                        json_append(cur, next);
                else
                        json_set(cur, "k", next);
                cur = next;
        }
        assert_int_equal(json_write(ok64, false, &out, &len), 0);
        json_free(parse_ok(out));
        free(TAKE_PTR(out));

        /* A string with an embedded NUL would not parse back either. */
        assert_int_equal(json_write(nul, false, &out, &len), -EINVAL);
        assert_null(out);
}

/* ---- refusals ---- */

static void test_refuse_size(void **state __attribute__((unused)))
{
        size_t max = OCILINK_MAX_JSON_BYTES;
        _cleanup_free_ char *buf = xmalloc(max + 2);
        struct json_value *v = NULL;
        char err[JSON_ERR_MAX];
        const char *msg;

        /* Exactly the cap: one string filling it is fine. */
        buf[0] = '"';
        memset(buf + 1, 'a', max - 2);
        buf[max - 1] = '"';
        buf[max] = ' ';
        buf[max + 1] = '\0';
        assert_int_equal(json_parse(buf, max, &v, err), 0);
        assert_int_equal(v->type, JSON_STRING);
        assert_int_equal(v->len, max - 2);
        json_free(TAKE_PTR(v));

        /* One byte more (trailing space) is refused before anything is read. */
        msg = parse_failn(buf, max + 1, -EFBIG);
        assert_non_null(strstr(msg, "4194304"));
        parse_failn(buf, SIZE_MAX, -EFBIG);
}

static void test_refuse_raw_nul(void **state __attribute__((unused)))
{
        const char *msg;

        msg = parse_failn("{\"a\":\"x\0y\"}", 11, -EBADMSG);
        assert_non_null(strstr(msg, "NUL"));
        parse_failn("{}\0", 3, -EBADMSG);
        parse_failn("\0{}", 3, -EBADMSG);
        parse_failn("{\"a\0\":1}", 8, -EBADMSG);
}

static void test_refuse_escaped_nul(void **state __attribute__((unused)))
{
        const char *msg;

        msg = parse_fail("{\"a\":\"x\\u0000y\"}", -EBADMSG);
        assert_string_equal(msg, "NUL byte in a JSON string");
        msg = parse_fail("{\"a\\u0000\":1}", -EBADMSG);
        assert_string_equal(msg, "NUL byte in a JSON object key");
        /* Deep inside a tree already being built (no leak: valgrind). */
        parse_fail("{\"a\":[1,2,{\"b\":[\"ok\",\"\\u0000\"]}]}", -EBADMSG);
        parse_fail("[{\"x\":1},{\"\\u0000\":2}]", -EBADMSG);
        parse_fail("\"\\u0000\"", -EBADMSG);
}

static void test_depth_limit(void **state __attribute__((unused)))
{
        _cleanup_free_ char *ok = nested_arrays(OCILINK_MAX_JSON_DEPTH);
        _cleanup_free_ char *bad = nested_arrays(OCILINK_MAX_JSON_DEPTH + 1);
        _cleanup_json_ struct json_value *v = parse_ok(ok);
        _cleanup_free_ char *out = write_str(v, false);
        _cleanup_free_ char *mixed_ok = NULL;
        _cleanup_free_ char *mixed_bad = NULL;
        _cleanup_free_ char *mixed_out = NULL;
        _cleanup_json_ struct json_value *mixed = NULL;
        const char *msg;

        assert_string_equal(out, ok);

        msg = parse_fail(bad, -ELOOP);
        assert_string_equal(msg, "JSON nesting deeper than 64 levels");

        /* Objects count the same: 64 accepted, 65 refused. */
        mixed_ok = nested_mixed(OCILINK_MAX_JSON_DEPTH);
        mixed_bad = nested_mixed(OCILINK_MAX_JSON_DEPTH + 1);
        mixed = parse_ok(mixed_ok);
        mixed_out = write_str(mixed, false);
        assert_string_equal(mixed_out, mixed_ok);
        msg = parse_fail(mixed_bad, -ELOOP);
        assert_string_equal(msg, "JSON nesting deeper than 64 levels");
}

static void test_depth_10000(void **state __attribute__((unused)))
{
        _cleanup_free_ char *arrays = nested_arrays(10000);
        struct buf b = { 0 };

        parse_fail(arrays, -ELOOP);
        /* Unclosed, too. */
        parse_failn(arrays, 10000, -ELOOP);

        for (int i = 0; i < 10000; i++)
                buf_puts(&b, "{\"a\":");
        parse_fail(b.data, -ELOOP);
        buf_done(&b);
}

static void test_refuse_duplicate_keys(void **state __attribute__((unused)))
{
        const char *msg;
        struct buf b = { 0 };

        msg = parse_fail("{\"a\":1,\"b\":2,\"a\":3}", -EBADMSG);
        assert_string_equal(msg, "duplicate key `a` in an object");
        msg = parse_fail("{\"x\":{\"k\":1,\"k\":{\"deep\":[1,2]}}}", -EBADMSG);
        assert_string_equal(msg, "duplicate key `k` in an object");
        parse_fail("[{\"a\":1},{\"b\":1,\"b\":1}]", -EBADMSG);
        /* Same key written two ways. */
        msg = parse_fail("{\"\\u0061\":1,\"a\":2}", -EBADMSG);
        assert_string_equal(msg, "duplicate key `a` in an object");
        /* Quoted keys are escaped. */
        msg = parse_fail("{\"\\u0001\\n\\\\\":1,\"\\u0001\\n\\\\\":2}", -EBADMSG);
        assert_string_equal(msg, "duplicate key `\\x01\\x0a\\\\` in an object");
        msg = parse_fail("{\"\xc3\xa9\":1,\"\xc3\xa9\":2}", -EBADMSG);
        assert_string_equal(msg, "duplicate key `\\xc3\\xa9` in an object");

        /* Same key in different objects is fine. */
        json_free(parse_ok("{\"a\":{\"a\":1},\"b\":{\"a\":{\"a\":2}}}"));

        /* A large object (sorted check): the first repeat in input order is named. */
        buf_puts(&b, "{");
        for (int i = 0; i < 100; i++)
                buf_printf(&b, "\"k%03d\":%d,", i, i);
        buf_puts(&b, "\"k050\":0,\"k007\":0}");
        msg = parse_fail(b.data, -EBADMSG);
        assert_string_equal(msg, "duplicate key `k050` in an object");
        buf_done(&b);

        /* A long key is cut in the message. */
        buf_puts(&b, "{\"");
        for (int i = 0; i < 1000; i++)
                buf_puts(&b, "x");
        buf_puts(&b, "\":1,\"");
        for (int i = 0; i < 1000; i++)
                buf_puts(&b, "x");
        buf_puts(&b, "\":2}");
        msg = parse_fail(b.data, -EBADMSG);
        assert_true(strlen(msg) < JSON_ERR_MAX);
        assert_non_null(strstr(msg, "...` in an object"));
        buf_done(&b);
}

static void test_refuse_comments(void **state __attribute__((unused)))
{
        parse_fail("{\"a\":1 /* c */}", -EBADMSG);
        parse_fail("// c\n{}", -EBADMSG);
        parse_fail("{} // c", -EBADMSG);
        parse_fail("/* c */ {}", -EBADMSG);
        parse_fail("[1, # c\n2]", -EBADMSG);
}

static void test_refuse_trailing_garbage(void **state __attribute__((unused)))
{
        parse_fail("{} x", -EBADMSG);
        parse_fail("{}{}", -EBADMSG);
        parse_fail("1 2", -EBADMSG);
        parse_fail("{}]", -EBADMSG);
        parse_fail("[1],", -EBADMSG);
        parse_fail("\"a\"\"b\"", -EBADMSG);
        /* Trailing whitespace is not garbage. */
        json_free(parse_ok("{}\n\t \r\n"));
}

static void test_refuse_invalid_utf8(void **state __attribute__((unused)))
{
        const char *msg;

        /* Caught by yajl's lexer. */
        msg = parse_fail("\"\xff\"", -EBADMSG);
        assert_non_null(strstr(msg, "JSON syntax error at byte "));
        parse_fail("\"\xe2\x82\"", -EBADMSG);            /* truncated sequence */
        parse_fail("\"\x80\"", -EBADMSG);                /* lone continuation byte */
        parse_fail("{\"\xfe\":1}", -EBADMSG);            /* in a key */
        parse_fail("{\"a\":\"x\xf8\x88\x80\x80\x80\"}", -EBADMSG);

        /* yajl lets these through; json.c refuses them. */
        msg = parse_fail("[\"ok\",\"\xc0\xaf\"]", -EBADMSG); /* overlong '/' */
        assert_string_equal(msg, "invalid UTF-8 in a JSON string");
        parse_fail("\"\xe0\x80\xaf\"", -EBADMSG);        /* overlong '/', 3 bytes */
        parse_fail("\"\xf0\x80\x80\xaf\"", -EBADMSG);    /* overlong '/', 4 bytes */
        parse_fail("\"\xed\xa0\x80\"", -EBADMSG);        /* UTF-16 surrogate */
        parse_fail("\"\xf4\x90\x80\x80\"", -EBADMSG);    /* past U+10FFFF */
        parse_fail("\"\\udc00\"", -EBADMSG);             /* lone low surrogate escape */
        msg = parse_fail("{\"\xc1\xbf\":1}", -EBADMSG);
        assert_string_equal(msg, "invalid UTF-8 in a JSON object key");

        /* After ASCII runs of every length around the 8-byte steps of the ASCII fast path. */
        for (size_t run = 0; run <= 17; run++) {
                char doc[64];
                int n = snprintf(doc, sizeof doc, "[\"%.*s\xc0\xafz\"]", (int) run, "abcdefghijklmnopqrstuvwxyz");
                assert_true(n > 0);
                parse_fail(doc, -EBADMSG);                   /* an overlong form after the run */
                n = snprintf(doc, sizeof doc, "[\"%.*s\xc3\xa9z\"]", (int) run, "abcdefghijklmnopqrstuvwxyz");
                assert_roundtrip(doc);                       /* a valid 2-byte form after it */
        }

        /* The edges of valid UTF-8 pass. */
        assert_roundtrip("[\"\xc2\x80\",\"\xdf\xbf\",\"\xe0\xa0\x80\",\"\xed\x9f\xbf\",\"\xee\x80\x80\","
                         "\"\xef\xbf\xbf\",\"\xf0\x90\x80\x80\",\"\xf4\x8f\xbf\xbf\"]");
}

static void test_refuse_empty_and_partial(void **state __attribute__((unused)))
{
        struct json_value *v = NULL;
        char err[JSON_ERR_MAX] = "";

        parse_failn("", 0, -EBADMSG);
        assert_int_equal(json_parse(NULL, 0, &v, err), -EBADMSG);
        assert_null(v);
        parse_fail("   \n", -EBADMSG);
        parse_fail("{\"a\":", -EBADMSG);
        parse_fail("[1,2", -EBADMSG);
        parse_fail("{\"a\":[1,{\"b\":\"x\"", -EBADMSG);
        parse_fail("\"abc", -EBADMSG);
        parse_fail("tru", -EBADMSG);
        parse_fail("-", -EBADMSG);
}

static void test_syntax_errors(void **state __attribute__((unused)))
{
        const char *msg;

        msg = parse_fail("{\"secret\": nope}", -EBADMSG);
        assert_non_null(strstr(msg, "JSON syntax error at byte "));
        /* The input is not quoted back. */
        assert_null(strstr(msg, "nope"));
        assert_null(strstr(msg, "secret"));
        assert_null(strchr(msg, '\n'));

        msg = parse_fail("[1,2,,3]", -EBADMSG);
        /* The byte count is yajl's: just past the offending token (1-based position here). */
        assert_true(strncmp(msg, "JSON syntax error at byte 6: ", 29) == 0);

        parse_fail("[01]", -EBADMSG);
        parse_fail("[1.]", -EBADMSG);
        parse_fail("[+1]", -EBADMSG);
        parse_fail("[NaN]", -EBADMSG);
        parse_fail("{'a':1}", -EBADMSG);
        parse_fail("{a:1}", -EBADMSG);
        parse_fail("[1,]", -EBADMSG);
        parse_fail("{\"a\":1,}", -EBADMSG);
        parse_fail("\"tab\there\"", -EBADMSG);
        parse_fail("\"\\x41\"", -EBADMSG);
        parse_fail("\"\\u12\"", -EBADMSG);
        /* Trees half built when the error hits are freed (valgrind). */
        parse_fail("{\"a\":[1,2,{\"b\":[\"x\",{\"c\":}]}]}", -EBADMSG);
}

static void test_reterr_untouched_on_success(void **state __attribute__((unused)))
{
        char err[JSON_ERR_MAX];
        struct json_value *v = NULL;

        memset(err, 'Z', sizeof(err));
        assert_int_equal(json_parse("{\"a\":[1]}", 9, &v, err), 0);
        for (size_t i = 0; i < sizeof(err); i++)
                assert_int_equal(err[i], 'Z');
        json_free(v);
        json_free(NULL);
}

/* ---- editing ---- */

static void test_set_get(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *v = parse_ok("{\"a\":1,\"b\":\"two\",\"c\":[]}");
        _cleanup_free_ char *out = NULL;
        struct json_value *n = json_new(JSON_NULL);

        assert_string_equal(json_get_str(v, "b"), "two");
        assert_null(json_get_str(v, "a"));
        assert_null(json_get_str(v, "zz"));
        assert_null(json_get(v, "zz"));
        assert_null(json_get(NULL, "a"));
        assert_null(json_get_str(NULL, "a"));
        assert_null(json_get(json_get(v, "c"), "a"));
        assert_null(json_get(v, NULL));

        /* Replace in place keeps position; a new key goes at the end. */
        json_set(v, "a", json_new_string("one"));
        json_set(v, "d", n);
        assert_ptr_equal(json_get(v, "d"), n);
        json_set(v, "d", n); /* same value again: no double free */
        out = write_str(v, false);
        assert_string_equal(out, "{\"a\":\"one\",\"b\":\"two\",\"c\":[],\"d\":null}");

        /* Not an object: the value is freed, nothing else happens (valgrind). */
        json_set(json_get(v, "c"), "x", json_new_int(1));
        json_set(NULL, "x", json_new_int(1));
        assert_int_equal(json_get(v, "c")->n, 0);
}

static void test_remove(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *v = parse_ok("{\"a\":1,\"b\":{\"x\":[1]},\"c\":3,\"d\":4}");
        _cleanup_json_ struct json_value *arr = parse_ok("[0,1,2,3]");
        _cleanup_free_ char *out = NULL;
        _cleanup_free_ char *out2 = NULL;

        assert_true(json_remove(v, "b"));
        assert_false(json_remove(v, "b"));
        assert_false(json_remove(v, "zz"));
        assert_false(json_remove(NULL, "a"));
        assert_false(json_remove(arr, "a"));
        assert_true(json_remove(v, "d"));
        assert_true(json_remove(v, "a"));
        out = write_str(v, false);
        assert_string_equal(out, "{\"c\":3}");
        assert_true(json_remove(v, "c"));
        assert_int_equal(v->n, 0);
        json_set(v, "e", json_new(JSON_TRUE));
        assert_int_equal(json_get(v, "e")->type, JSON_TRUE);

        json_remove_at(arr, 1);
        json_remove_at(arr, 2);
        json_remove_at(arr, 7); /* out of range: nothing */
        json_append(arr, json_new_number("1.50"));
        json_append(v, json_new_int(9)); /* not an array: freed */
        out2 = write_str(arr, false);
        assert_string_equal(out2, "[0,2,1.50]");
}

static void test_get_or_add(void **state __attribute__((unused)))
{
        _cleanup_json_ struct json_value *v = parse_ok("{\"o\":{\"k\":1},\"a\":[1],\"s\":\"x\"}");
        _cleanup_free_ char *out = NULL;
        struct json_value *o, *a, *created, *created_arr;

        o = json_get_or_add_object(v, "o");
        assert_ptr_equal(o, json_get(v, "o"));
        assert_int_equal(o->n, 1);
        a = json_get_or_add_array(v, "a");
        assert_ptr_equal(a, json_get(v, "a"));

        /* Present with another type. */
        assert_null(json_get_or_add_object(v, "a"));
        assert_null(json_get_or_add_object(v, "s"));
        assert_null(json_get_or_add_array(v, "o"));
        assert_null(json_get_or_add_array(v, "s"));
        assert_null(json_get_or_add_object(NULL, "x"));
        assert_null(json_get_or_add_object(a, "x"));

        created = json_get_or_add_object(v, "new");
        assert_non_null(created);
        assert_int_equal(created->type, JSON_OBJECT);
        assert_ptr_equal(json_get_or_add_object(v, "new"), created);
        created_arr = json_get_or_add_array(created, "list");
        assert_non_null(created_arr);
        json_append(created_arr, json_new_string("x"));

        out = write_str(v, false);
        assert_string_equal(out, "{\"o\":{\"k\":1},\"a\":[1],\"s\":\"x\",\"new\":{\"list\":[\"x\"]}}");
}

static void test_constructors(void **state __attribute__((unused)))
{
        struct json_value *arr = json_new(JSON_ARRAY);
        _cleanup_free_ char *out = NULL;

        json_append(arr, json_new(JSON_NULL));
        json_append(arr, json_new(JSON_TRUE));
        json_append(arr, json_new(JSON_FALSE));
        json_append(arr, json_new(JSON_STRING));
        json_append(arr, json_new(JSON_NUMBER));
        json_append(arr, json_new(JSON_OBJECT));
        json_append(arr, json_new_string("a/b"));
        json_append(arr, json_new_stringn("abcdef", 3));
        json_append(arr, json_new_number("-1.5e3"));
        json_append(arr, json_new_int(LLONG_MIN));
        json_append(arr, json_new_int(LLONG_MAX));
        json_append(arr, json_new_int(0));
        assert_string_equal(arr->items[3]->str, "");
        assert_int_equal(arr->items[7]->len, 3);
        assert_string_equal(arr->items[7]->str, "abc");

        out = write_str(arr, false);
        assert_string_equal(out, "[null,true,false,\"\",0,{},\"a/b\",\"abc\",-1.5e3,"
                                 "-9223372036854775808,9223372036854775807,0]");
        json_free(arr);
}

/* ---- json_number_to_ll ---- */

static int to_ll(const char *text, long long min, long long max, long long *ret)
{
        _cleanup_json_ struct json_value *v = json_new_number(text);

        return json_number_to_ll(v, min, max, ret);
}

static void test_number_to_ll(void **state __attribute__((unused)))
{
        long long r = 0;

        assert_int_equal(to_ll("0", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == 0);
        assert_int_equal(to_ll("-0", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == 0);
        assert_int_equal(to_ll("42", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == 42);
        assert_int_equal(to_ll("-42", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == -42);
        assert_int_equal(to_ll("9223372036854775807", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == LLONG_MAX);
        assert_int_equal(to_ll("-9223372036854775808", LLONG_MIN, LLONG_MAX, &r), 0);
        assert_true(r == LLONG_MIN);

        /* Range of long long, then of [min, max] (inclusive). */
        r = 7;
        assert_int_equal(to_ll("9223372036854775808", LLONG_MIN, LLONG_MAX, &r), -ERANGE);
        assert_int_equal(to_ll("-9223372036854775809", LLONG_MIN, LLONG_MAX, &r), -ERANGE);
        assert_int_equal(to_ll("12345678901234567890", LLONG_MIN, LLONG_MAX, &r), -ERANGE);
        assert_int_equal(to_ll("99999999999999999999999999999", LLONG_MIN, LLONG_MAX, &r), -ERANGE);
        assert_int_equal(to_ll("65536", 0, 65535, &r), -ERANGE);
        assert_int_equal(to_ll("-1", 0, 65535, &r), -ERANGE);
        assert_true(r == 7); /* untouched on failure */
        assert_int_equal(to_ll("65535", 0, 65535, &r), 0);
        assert_true(r == 65535);
        assert_int_equal(to_ll("1", 1, 1, &r), 0);
        assert_true(r == 1);

        /* Not an integer. */
        r = 7;
        assert_int_equal(to_ll("1.0", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("1.5", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("1e3", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("1E3", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("-", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("+1", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("--1", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll(" 1", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("1 ", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("0x10", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("01", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_int_equal(to_ll("1a", LLONG_MIN, LLONG_MAX, &r), -EINVAL);
        assert_true(r == 7);

        /* Not a number. */
        assert_int_equal(json_number_to_ll(NULL, 0, 1, &r), -EINVAL);
        {
                _cleanup_json_ struct json_value *s = json_new_string("1");
                _cleanup_json_ struct json_value *p = parse_ok("[80,\"80\",8.0]");
                assert_int_equal(json_number_to_ll(s, 0, 10, &r), -EINVAL);
                assert_int_equal(json_number_to_ll(p->items[0], 0, 65535, &r), 0);
                assert_true(r == 80);
                assert_int_equal(json_number_to_ll(p->items[1], 0, 65535, &r), -EINVAL);
                assert_int_equal(json_number_to_ll(p->items[2], 0, 65535, &r), -EINVAL);
        }
}

/* ---- scale ---- */

static double timed_parse(const struct buf *b, int *ret_r, struct json_value **ret, char *err)
{
        double t0 = now_seconds();

        *ret_r = json_parse(b->data, b->len, ret, err);
        return now_seconds() - t0;
}

/* Must be well under a second natively. Under valgrind or sanitizers everything is slower, so
 * the test also accepts a time close to that of a same-sized input with no keys at all (an
 * array of the same strings): a quadratic duplicate check would be thousands of times slower. */
static void assert_fast(double elapsed, double baseline)
{
        print_message("# parsed in %.3f s (same-sized array: %.3f s)\n", elapsed, baseline);
        assert_true(elapsed < 1.0 || elapsed < 4.0 * baseline + 0.1);
}

static void test_large_object(void **state __attribute__((unused)))
{
        const size_t nkeys = 200000;
        struct buf b = { 0 }, arr = { 0 };
        _cleanup_json_ struct json_value *v = NULL;
        char err[JSON_ERR_MAX] = "";
        double baseline, elapsed;
        int r;

        buf_puts(&b, "{");
        buf_puts(&arr, "[");
        for (size_t i = 0; i < nkeys; i++) {
                /* Reversed, so neither the input nor a sort sees it in order. */
                buf_printf(&b, "%s\"key-%06zu-pad\":%zu", i ? "," : "", nkeys - i, i % 10);
                buf_printf(&arr, "%s\"key-%06zu-pad\",%zu", i ? "," : "", nkeys - i, i % 10);
        }
        buf_puts(&b, "}");
        buf_puts(&arr, "]");
        assert_true(b.len <= OCILINK_MAX_JSON_BYTES);
        assert_true(b.len > 3500000);

        baseline = timed_parse(&arr, &r, &v, err);
        assert_int_equal(r, 0);
        assert_int_equal(v->n, 2 * nkeys);
        json_free(TAKE_PTR(v));
        buf_done(&arr);

        elapsed = timed_parse(&b, &r, &v, err);
        assert_int_equal(r, 0);
        assert_int_equal(v->n, nkeys);
        assert_string_equal(v->keys[0], "key-200000-pad");
        assert_non_null(json_get(v, "key-000001-pad"));
        json_free(TAKE_PTR(v));
        assert_fast(elapsed, baseline);

        /* The same with one repeat at the very end: refused, just as fast. */
        b.data[--b.len] = '\0';
        buf_puts(&b, ",\"key-100000-pad\":0}");
        elapsed = timed_parse(&b, &r, &v, err);
        buf_done(&b);
        assert_int_equal(r, -EBADMSG);
        assert_null(v);
        assert_string_equal(err, "duplicate key `key-100000-pad` in an object");
        assert_fast(elapsed, baseline);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip_key_order),
                cmocka_unit_test(test_roundtrip_unknown_keys),
                cmocka_unit_test(test_roundtrip_numbers),
                cmocka_unit_test(test_roundtrip_unicode_escapes),
                cmocka_unit_test(test_roundtrip_scalars),
                cmocka_unit_test(test_write_pretty),
                cmocka_unit_test(test_write_refuses_bad_trees),
                cmocka_unit_test(test_refuse_size),
                cmocka_unit_test(test_refuse_raw_nul),
                cmocka_unit_test(test_refuse_escaped_nul),
                cmocka_unit_test(test_depth_limit),
                cmocka_unit_test(test_depth_10000),
                cmocka_unit_test(test_refuse_duplicate_keys),
                cmocka_unit_test(test_refuse_comments),
                cmocka_unit_test(test_refuse_trailing_garbage),
                cmocka_unit_test(test_refuse_invalid_utf8),
                cmocka_unit_test(test_refuse_empty_and_partial),
                cmocka_unit_test(test_syntax_errors),
                cmocka_unit_test(test_reterr_untouched_on_success),
                cmocka_unit_test(test_set_get),
                cmocka_unit_test(test_remove),
                cmocka_unit_test(test_get_or_add),
                cmocka_unit_test(test_constructors),
                cmocka_unit_test(test_number_to_ll),
                cmocka_unit_test(test_large_object),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
