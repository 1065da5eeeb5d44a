/* A plain main() for the fuzz targets (systemd's src/fuzz/fuzz-main.c pattern): feeds every file
 * named on the command line, or every regular file in a directory named there, to
 * LLVMFuzzerTestOneInput. Linked instead of libFuzzer, it turns each target into a regression test
 * that replays its corpus under any compiler. Fails when an input cannot be read or when no input
 * was found at all (a corpus path that went missing must not pass silently). */

#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

/* Replayed inputs are corpus files, small by design; a larger one is a mistake. */
#define REPLAY_MAX_BYTES (8u * 1024u * 1024u)

/* Reads the whole file into a buffer of exactly its size, so an instrumented build (-Db_sanitize)
 * catches a target reading past the input. */
static int read_file(const char *path, uint8_t **ret, size_t *ret_len)
{
        struct stat st;
        uint8_t *buf;
        size_t len = 0;
        int fd;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode) || (uintmax_t) st.st_size > REPLAY_MAX_BYTES) {
                close(fd);
                return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
        }
        buf = malloc(st.st_size > 0 ? (size_t) st.st_size : 1);
        if (!buf)
                abort();
        while (len < (size_t) st.st_size) {
                ssize_t n = read(fd, buf + len, (size_t) st.st_size - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        int r = n < 0 ? -errno : -EIO;
                        free(buf);
                        close(fd);
                        return r;
                }
                len += (size_t) n;
        }
        close(fd);
        *ret = buf;
        *ret_len = len;
        return 0;
}

static int run_file(const char *path, size_t *count)
{
        uint8_t *buf = NULL;
        size_t len = 0;
        int r;

        r = read_file(path, &buf, &len);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", path, strerror(-r));
                return r;
        }
        printf("%s (%zu bytes)\n", path, len);
        fflush(stdout);
        (void) LLVMFuzzerTestOneInput(buf, len);
        free(buf);
        (*count)++;
        return 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Runs the regular files of dir in name order (a stable order makes a failure reproducible). */
static int run_dir(const char *dir, size_t *count)
{
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *de;
        int r = 0;

        if (!d) {
                fprintf(stderr, "%s: %s\n", dir, strerror(errno));
                return -errno;
        }
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 64;
                        names = realloc(names, cap * sizeof(*names));
                        if (!names)
                                abort();
                }
                if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0)
                        abort();
                n++;
        }
        closedir(d);
        if (n)
                qsort(names, n, sizeof(*names), cmp_names);
        for (size_t i = 0; i < n; i++) {
                struct stat st;

                /* README.md and similar notes may sit next to the inputs: only regular files run,
                 * and subdirectories are not entered. */
                if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode) && run_file(names[i], count) < 0)
                        r = -EIO;
                free(names[i]);
        }
        free(names);
        return r;
}

int main(int argc, char **argv)
{
        size_t count = 0;
        bool failed = false;

        if (argc < 2) {
                fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        failed = true;
                } else if (S_ISDIR(st.st_mode)) {
                        if (run_dir(argv[i], &count) < 0)
                                failed = true;
                } else if (run_file(argv[i], &count) < 0) {
                        failed = true;
                }
        }
        printf("%zu inputs replayed\n", count);
        if (count == 0) {
                fprintf(stderr, "no input found\n");
                return 1;
        }
        return failed ? 1 : 0;
}
