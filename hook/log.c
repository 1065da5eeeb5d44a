#include "hook/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "links/escape.h"
#include "links/macro.h"

/* The accepted globals (STYLE rule 14): the log level and the container being handled. */
static bool log_debug_on;
static char *log_container;

void log_open(bool debug)
{
        log_debug_on = debug;
        /* LOG_NDELAY: connect now, before the sandbox forbids new sockets */
        openlog("ocilink-hook", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_container(const char *name_or_id)
{
        free(log_container);
        log_container = name_or_id ? escape_str(name_or_id) : NULL;
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
        _cleanup_free_ char *msg = NULL;

        if (vasprintf(&msg, fmt, ap) < 0)
                return;
        if (log_container) {
                fprintf(stderr, "ocilink-hook: %s: %s%s\n", log_container, level, msg);
                syslog(prio, "%s: %s%s", log_container, level, msg);
        } else {
                fprintf(stderr, "ocilink-hook: %s%s\n", level, msg);
                syslog(prio, "%s%s", level, msg);
        }
}

int log_error(int r, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vlog(LOG_ERR, "", fmt, ap);
        va_end(ap);
        return r;
}

void log_warn(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vlog(LOG_WARNING, "warning: ", fmt, ap);
        va_end(ap);
}

void log_debug(const char *fmt, ...)
{
        va_list ap;

        if (!log_debug_on)
                return;
        va_start(ap, fmt);
        vlog(LOG_DEBUG, "debug: ", fmt, ap);
        va_end(ap);
}
