#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Start time of pid: field 22 of /proc/<pid>/stat (clock ticks since boot).
 * -ESRCH if there is no such process; -EBADMSG if the stat line cannot be parsed
 * (the comm field may hold spaces and parentheses: parse from the last ')'). */
int proc_start_time(pid_t pid, unsigned long long *ret);
/* The parent pid of pid (field 4 of /proc/<pid>/stat), as the mounted /proc sees it. */
int proc_parent_pid(pid_t pid, pid_t *ret);
/* True when pid > 0 exists, is not a zombie, and started at start (the same process, not a reused pid). */
bool proc_is_alive(pid_t pid, unsigned long long start);
