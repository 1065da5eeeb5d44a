#pragma once

#include <stdbool.h>

/* The one place that writes messages (stderr and syslog): "ocilink-hook: <container>: <message>".
 * crun and podman throw a hook's stderr away, so every error also goes to syslog. Callers pass
 * container-supplied text through escape_for_log() first. */

void log_open(bool debug);
/* The container a message is about: its name, else its id (escaped and cut here). */
void log_set_container(const char *name_or_id);
/* Logs an error and returns r, so failing and logging are one statement. */
int log_error(int r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
