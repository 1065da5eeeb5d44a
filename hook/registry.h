#pragma once

#include <errno.h>
#include <stdbool.h>
#include <sys/types.h>

#include "links/addrs.h"
#include "links/strv.h"
#include "oci/json.h"

/* ocilink's record of the containers it has seen start, in its state directory:
 *     <dir>/lock                 flock(2) target; the only file that outlives containers
 *     <dir>/names/<name>.json    one record per container name (names are unique among running ones)
 *     <dir>/ids/<id>             the name registered for a container id (poststop gets only the id)
 *     <dir>/links/<src>/<rcp>    empty: the container named rcp links to the one named src (the
 *                                reverse index poststart reads, so a source's start never scans the
 *                                registry; an entry may outlive its link, readers check the record)
 *     <dir>/links/.complete      the index covers every record (see registry_recipients_of)
 *     <dir>/tmp/                 temp files on their way to names/ or ids/; whatever a killed hook left
 *                                there is removed by the next one that takes the lock
 * Writers take the lock (bounded wait) for every multi-step update; files are replaced by
 * temp file + rename, so a reader or a killed hook sees the old or the new record, never a mix. */

struct record {
        char *id;
        char *name;
        pid_t pid;                     /* host pid of the container's process, 0 while unknown */
        unsigned long long start_time; /* /proc/<pid>/stat field 22 at registration */
        char *bundle;
        char *hostname;
        struct addr_list addrs;
        bool ip_fixed;      /* addresses come from io.ocilink.ip: never rediscovered */
        struct strv ports;  /* "80/tcp" */
        struct strv env;    /* what recipients receive as ALIAS_ENV_*: KEY=VALUE */
        struct strv links;  /* "name:alias" */
        char *hosts_file;   /* the recipient's engine hosts file (mount source), or NULL */
        char *rootfs;       /* the recipient's rootfs (absolute), used when hosts_file is NULL */
};

struct registry {
        int dirfd;
        int namesfd;
        int idsfd;
        int tmpfd;
        int linksfd;
        int lockfd;
        char *path;
};

#define REGISTRY_INIT \
        { .dirfd = -EBADF, .namesfd = -EBADF, .idsfd = -EBADF, .tmpfd = -EBADF, .linksfd = -EBADF, .lockfd = -EBADF, .path = NULL }

/* Opens the state directory; with create, creates it (mode 0700) when missing, else a missing
 * directory reads as an empty registry (list and explain change nothing). Refuses a directory not
 * owned by us or writable by others: someone else could plant records. */
int registry_open(const char *path, bool create, struct registry *ret, char **reterr);
void registry_close(struct registry *reg);
/* Takes the exclusive lock, waiting at most OCILINK_LOCK_TIMEOUT_MS. */
int registry_lock(struct registry *reg, char **reterr);
void registry_unlock(struct registry *reg);

/* -ENOENT when absent, -EBADMSG when the file is corrupt. */
int registry_get_name(struct registry *reg, const char *name, struct record *ret);
int registry_get_id(struct registry *reg, const char *id, struct record *ret);
/* Writes rec (replacing the record of its name), its id entry and its links' index entries. */
int registry_put(struct registry *reg, const struct record *rec);
/* The same, knowing prev, the record this name had before (or NULL): its links' index entries
 * are there already, and an unchanged id entry is not written again. */
int registry_put_known(struct registry *reg, const struct record *rec, const struct record *prev);
/* Removes the record of id and its id entry, the name's record and index entries only if it still
 * belongs to id. */
int registry_remove_id(struct registry *reg, const char *id);
/* The names with an index entry for a link to source (sorted); they may no longer link to it.
 * The caller holds the lock. The first call on an index begun after records were written (by an
 * ocilink before the index, 0.1.0) first indexes every record's links. */
int registry_recipients_of(struct registry *reg, const char *source, struct strv *ret);
/* Drops the index entry "recipient links to source" (one found stale). */
void registry_unindex(struct registry *reg, const char *source, const char *recipient);
/* Every readable record, sorted by name; corrupt files are reported through *ret_bad (names). */
int registry_list(struct registry *reg, struct record **ret, size_t *ret_n, struct strv *ret_bad);

bool record_is_running(const struct record *rec);
void record_done(struct record *rec);
void records_free(struct record *v, size_t n);
enum record_view {
        RECORD_VIEW_FILE, /* everything, as stored in names/<name>.json */
        RECORD_VIEW_LIST, /* what `list --json` shows: with status, without internal fields */
};

/* A record as a JSON object (caller frees). */
struct json_value *record_to_tree(const struct record *rec, enum record_view view);
/* JSON text of a record, and back. */
char *record_to_json(const struct record *rec, bool pretty);
int record_from_json(const char *buf, size_t len, struct record *ret);
