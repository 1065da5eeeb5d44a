/* measure: run a command many times and print its wall time (min, median, max) and maximum RSS.
 *
 *     measure -n RUNS [-w WARMUP] [-i STDIN] [-o SAMPLES] [-r SRC:DST]... -- COMMAND [ARG]...
 *
 * Each run gets STDIN (default /dev/null) on its standard input, standard output on /dev/null and
 * standard error kept. Before each run (outside the timed part) every -r copies SRC over DST, so a
 * run that edits a file starts from the same bytes. A run that exits non-zero stops the
 * measurement with its status. -o appends each run's time (us) to SAMPLES, a line each. Prints one
 * line:
 *     min_us median_us max_us maxrss_kib runs
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESTORES 8

struct restore {
        const char *src, *dst;
        char *data;
        size_t len;
};

static int cmp_long(const void *a, const void *b)
{
        long x = *(const long *) a, y = *(const long *) b;
        return (x > y) - (x < y);
}

static long now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static int slurp(struct restore *r)
{
        struct stat s;
        int fd = open(r->src, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &s) < 0)
                return -1;
        r->len = (size_t) s.st_size;
        r->data = malloc(r->len + 1);
        if (!r->data || read(fd, r->data, r->len) != (ssize_t) r->len)
                return -1;
        close(fd);
        return 0;
}

static int put_back(const struct restore *r)
{
        int fd = open(r->dst, O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0 || write(fd, r->data, r->len) != (ssize_t) r->len)
                return -1;
        return close(fd);
}

/* Runs argv once; returns its wall time in microseconds, or -1 on failure. */
static long run_once(char **argv, const char *in, long *maxrss)
{
        struct rusage ru;
        int status;
        long t0 = now_us(), t1;
        pid_t pid = fork();

        if (pid < 0)
                return -1;
        if (pid == 0) {
                int fd = open(in, O_RDONLY);
                int null = open("/dev/null", O_WRONLY);
                if (fd < 0 || null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0)
                        _exit(126);
                execv(argv[0], argv);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return -1;
        t1 = now_us();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "measure: %s exited with status %d\n", argv[0],
                        WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
                return -1;
        }
        if (ru.ru_maxrss > *maxrss)
                *maxrss = ru.ru_maxrss;
        return t1 - t0;
}

int main(int argc, char **argv)
{
        struct restore rs[MAX_RESTORES];
        const char *in = "/dev/null", *samples = NULL;
        int runs = 100, warmup = 5, nr = 0, opt;
        long *t, maxrss = 0;

        while ((opt = getopt(argc, argv, "+n:w:i:o:r:")) != -1) {
                switch (opt) {
                case 'n':
                        runs = atoi(optarg);
                        break;
                case 'w':
                        warmup = atoi(optarg);
                        break;
                case 'i':
                        in = optarg;
                        break;
                case 'o':
                        samples = optarg;
                        break;
                case 'r': {
                        char *colon = strchr(optarg, ':');
                        if (!colon || nr == MAX_RESTORES)
                                return 2;
                        *colon = '\0';
                        rs[nr] = (struct restore){ .src = optarg, .dst = colon + 1 };
                        if (slurp(&rs[nr]) < 0) {
                                fprintf(stderr, "measure: cannot read %s: %s\n", optarg, strerror(errno));
                                return 2;
                        }
                        nr++;
                        break;
                }
                default:
                        return 2;
                }
        }
        if (optind >= argc || runs < 1) {
                fprintf(stderr, "usage: measure -n RUNS [-w WARMUP] [-i STDIN] [-o SAMPLES] [-r SRC:DST]... -- COMMAND [ARG]...\n");
                return 2;
        }
        t = calloc((size_t) runs, sizeof *t);
        if (!t)
                return 1;
        for (int i = -warmup; i < runs; i++) {
                long us;
                for (int k = 0; k < nr; k++)
                        if (put_back(&rs[k]) < 0) {
                                fprintf(stderr, "measure: cannot restore %s: %s\n", rs[k].dst, strerror(errno));
                                return 1;
                        }
                us = run_once(argv + optind, in, &maxrss);
                if (us < 0)
                        return 1;
                if (i >= 0)
                        t[i] = us;
        }
        if (samples) {
                FILE *f = fopen(samples, "a");
                if (!f) {
                        fprintf(stderr, "measure: cannot open %s: %s\n", samples, strerror(errno));
                        return 1;
                }
                for (int i = 0; i < runs; i++)
                        fprintf(f, "%ld\n", t[i]);
                if (fclose(f) != 0)
                        return 1;
        }
        qsort(t, (size_t) runs, sizeof *t, cmp_long);
        printf("%ld %ld %ld %ld %d\n", t[0], runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2,
               t[runs - 1], maxrss, runs);
        return 0;
}
