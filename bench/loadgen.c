/*
 * loadgen — the load generator of `make bench` (see docs/performance.md).
 *
 *   loadgen socket PATH CLIENTS EVENTS WINDOW PREFIX [EXTRA]
 *       CLIENTS connections to tocsind's socket, each keeping up to WINDOW lines in
 *       flight, EVENTS events in all, each opening incident PREFIX-<client>-<n>.
 *       Prints: events= ok= errors= seconds= eps=
 *   loadgen rate PATH RATE SECONDS PREFIX
 *       One connection sending RATE events/s at an even pace for SECONDS (open loop);
 *       each reply's latency is measured from the moment its line was written.
 *       Prints: events= ok= errors= p50_ms= p99_ms= max_ms=
 *       With LOADGEN_LATENCIES=FILE, also writes "seconds-since-start latency-ms" per event.
 *   loadgen http HOST PORT CLIENTS ALERTS PREFIX
 *       CLIENTS keep-alive HTTP/1.1 connections posting one alert per request to
 *       Alertmanager's /api/v2/alerts, ALERTS in all.
 *       Prints: events= ok= errors= seconds= eps=
 *   loadgen sink PORT
 *       An HTTP server on 127.0.0.1:PORT answering 200 at once to every request (the
 *       webhook receiver). Runs until killed; prints the request count on SIGTERM.
 *   loadgen floor PATH FILE
 *       The least a durable server can do, as a reference for the latency phase: one
 *       thread answering one client at a time on the Unix socket PATH; each read's whole
 *       lines are appended to FILE and fdatasync'd, then each gets "ok ...". Runs until
 *       killed.
 *   loadgen spool DIR FILES PREFIX
 *       Writes FILES one-event files into DIR/tmp (not timed), then renames them all
 *       into DIR/new and waits until tocsind has taken every one.
 *       Prints: files= seconds= fps=
 *
 * Every loop is bounded by its count and by a 600 s deadline.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEADLINE_SECONDS 600.0

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int connect_unix(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die(path);
    return fd;
}

static int connect_tcp(const char *host, int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads replies line by line; counts ok/error. */
typedef struct {
    int fd;
    char buf[1 << 16];
    size_t len, pos;
} LineReader;

/* Returns 1 for an "ok" line, 0 for another line, -1 at EOF. */
static int read_reply(LineReader *r) {
    for (;;) {
        char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
        if (nl) {
            int ok = (r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "ok ", 3) == 0);
            if (!ok && getenv("LOADGEN_VERBOSE")) fprintf(stderr, "reply: %.*s\n", (int)(nl - (r->buf + r->pos)), r->buf + r->pos);
            r->pos = (size_t)(nl - r->buf) + 1;
            return ok;
        }
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
        ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        r->len += (size_t)n;
    }
}

/* ---- socket: pipelining clients ---- */

typedef struct {
    const char *path, *prefix, *extra;
    int client;
    long events, window, ok, errors;
} SocketJob;

static void *socket_client(void *arg) {
    SocketJob *job = arg;
    int fd = connect_unix(job->path);
    LineReader *reader = calloc(1, sizeof *reader);
    reader->fd = fd;
    long sent = 0, answered = 0;
    char *out = malloc(1 << 20);
    double deadline = now_seconds() + DEADLINE_SECONDS;
    while (answered < job->events && now_seconds() < deadline) {
        size_t len = 0;
        while (sent < job->events && sent - answered < job->window && len < (1 << 20) - 512) {
            len += (size_t)snprintf(out + len, 512, "kind=fault severity=3 id=%s-%d-%ld summary=\"bench event %ld\"%s%s\n",
                job->prefix, job->client, sent, sent, job->extra[0] ? " " : "", job->extra);
            sent++;
        }
        if (len) write_all(fd, out, len);
        int r = read_reply(reader);
        if (r < 0) break;
        if (r) job->ok++; else job->errors++;
        answered++;
        /* drain what is already buffered without blocking */
        while (answered < sent && memchr(reader->buf + reader->pos, '\n', reader->len - reader->pos)) {
            r = read_reply(reader);
            if (r) job->ok++; else job->errors++;
            answered++;
        }
    }
    close(fd);
    free(out);
    free(reader);
    return NULL;
}

static int cmd_socket(int argc, char **argv) {
    if (argc < 7) return fprintf(stderr, "usage: loadgen socket PATH CLIENTS EVENTS WINDOW PREFIX [EXTRA]\n"), 2;
    int clients = atoi(argv[3]);
    long events = atol(argv[4]);
    SocketJob *jobs = calloc((size_t)clients, sizeof *jobs);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double start = now_seconds();
    for (int i = 0; i < clients; i++) {
        jobs[i] = (SocketJob){.path = argv[2], .prefix = argv[6], .extra = argc > 7 ? argv[7] : "", .client = i,
            .events = events / clients + (i < events % clients), .window = atol(argv[5])};
        pthread_create(&threads[i], NULL, socket_client, &jobs[i]);
    }
    long ok = 0, errors = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        ok += jobs[i].ok;
        errors += jobs[i].errors;
    }
    double seconds = now_seconds() - start;
    printf("events=%ld ok=%ld errors=%ld seconds=%.3f eps=%.0f\n", events, ok, errors, seconds, ok / seconds);
    return errors || ok != events;
}

/* ---- rate: open-loop latency ---- */

typedef struct {
    int fd;
    long total;
    double *sent_at;
    volatile long sent;
    double *latency;
    long ok, errors;
} RateJob;

static void *rate_reader(void *arg) {
    RateJob *job = arg;
    LineReader *reader = calloc(1, sizeof *reader);
    reader->fd = job->fd;
    for (long i = 0; i < job->total; i++) {
        int r = read_reply(reader);
        if (r < 0) break;
        job->latency[i] = now_seconds() - job->sent_at[i];
        if (r) job->ok++; else job->errors++;
    }
    free(reader);
    return NULL;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmd_rate(int argc, char **argv) {
    if (argc < 6) return fprintf(stderr, "usage: loadgen rate PATH RATE SECONDS PREFIX\n"), 2;
    long rate = atol(argv[3]);
    double seconds = atof(argv[4]);
    RateJob job = {.fd = connect_unix(argv[2]), .total = (long)(rate * seconds)};
    job.sent_at = calloc((size_t)job.total, sizeof(double));
    job.latency = calloc((size_t)job.total, sizeof(double));
    pthread_t reader;
    pthread_create(&reader, NULL, rate_reader, &job);
    double start = now_seconds();
    char line[512];
    for (long i = 0; i < job.total; i++) {
        double due = start + (double)i / (double)rate;
        double wait = due - now_seconds();
        if (wait > 0.0002) {
            struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)(wait * 1e9)};
            nanosleep(&ts, NULL);
        }
        int n = snprintf(line, sizeof line, "kind=fault severity=3 id=%s-%ld summary=\"paced event\"\n", argv[5], i);
        job.sent_at[i] = now_seconds();
        write_all(job.fd, line, (size_t)n);
    }
    pthread_join(reader, NULL);
    long answered = job.ok + job.errors;
    const char *dump = getenv("LOADGEN_LATENCIES"); /* "sent_at_s latency_ms" per event, to study a tail */
    if (dump) {
        FILE *f = fopen(dump, "w");
        if (f) {
            for (long i = 0; i < answered; i++) fprintf(f, "%.6f %.3f\n", job.sent_at[i] - start, job.latency[i] * 1000);
            fclose(f);
        }
    }
    qsort(job.latency, (size_t)answered, sizeof(double), compare_doubles);
    double p50 = answered ? job.latency[answered / 2] * 1000 : -1;
    double p99 = answered ? job.latency[(long)(answered * 0.99)] * 1000 : -1;
    double max = answered ? job.latency[answered - 1] * 1000 : -1;
    printf("events=%ld ok=%ld errors=%ld p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n", job.total, job.ok, job.errors, p50, p99, max);
    return job.errors || job.ok != job.total;
}

/* ---- http: Alertmanager clients ---- */

typedef struct {
    const char *host, *prefix;
    int port, client;
    long alerts, ok, errors;
} HttpJob;

/* Reads one HTTP response; returns its status or -1. */
static int read_http_response(LineReader *r) {
    for (;;) {
        char *end = memmem(r->buf + r->pos, r->len - r->pos, "\r\n\r\n", 4);
        if (end) {
            int status = atoi(r->buf + r->pos + 9);
            long body = 0;
            char *cl = memmem(r->buf + r->pos, (size_t)(end - (r->buf + r->pos)), "Content-Length:", 15);
            if (!cl) cl = memmem(r->buf + r->pos, (size_t)(end - (r->buf + r->pos)), "content-length:", 15);
            if (cl) body = atol(cl + 15);
            size_t need = (size_t)(end + 4 - r->buf) + (size_t)body;
            while (r->len < need) {
                ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
                if (n <= 0) return -1;
                r->len += (size_t)n;
            }
            r->pos = need;
            return status;
        }
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
        ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        r->len += (size_t)n;
    }
}

static void *http_client(void *arg) {
    HttpJob *job = arg;
    int fd = connect_tcp(job->host, job->port);
    LineReader *reader = calloc(1, sizeof *reader);
    reader->fd = fd;
    char body[512], request[1024];
    double deadline = now_seconds() + DEADLINE_SECONDS;
    for (long i = 0; i < job->alerts && now_seconds() < deadline; i++) {
        int b = snprintf(body, sizeof body,
            "[{\"labels\":{\"alertname\":\"bench\",\"kind\":\"fault\",\"severity\":\"3\",\"id\":\"%s-%d-%ld\"},"
            "\"annotations\":{\"summary\":\"bench event %ld\"}}]",
            job->prefix, job->client, i, i);
        int n = snprintf(request, sizeof request,
            "POST /api/v2/alerts HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
            job->host, job->port, b, body);
        write_all(fd, request, (size_t)n);
        int status = read_http_response(reader);
        if (status < 0) break;
        if (status == 200) job->ok++; else job->errors++;
    }
    close(fd);
    free(reader);
    return NULL;
}

static int cmd_http(int argc, char **argv) {
    if (argc < 7) return fprintf(stderr, "usage: loadgen http HOST PORT CLIENTS ALERTS PREFIX\n"), 2;
    int clients = atoi(argv[4]);
    long alerts = atol(argv[5]);
    HttpJob *jobs = calloc((size_t)clients, sizeof *jobs);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    double start = now_seconds();
    for (int i = 0; i < clients; i++) {
        jobs[i] = (HttpJob){.host = argv[2], .port = atoi(argv[3]), .prefix = argv[6], .client = i,
            .alerts = alerts / clients + (i < alerts % clients)};
        pthread_create(&threads[i], NULL, http_client, &jobs[i]);
    }
    long ok = 0, errors = 0;
    for (int i = 0; i < clients; i++) {
        pthread_join(threads[i], NULL);
        ok += jobs[i].ok;
        errors += jobs[i].errors;
    }
    double seconds = now_seconds() - start;
    printf("events=%ld ok=%ld errors=%ld seconds=%.3f eps=%.0f\n", alerts, ok, errors, seconds, ok / seconds);
    return errors || ok != alerts;
}

/* ---- sink: the webhook receiver ---- */

static volatile sig_atomic_t stop_sink;
static void on_term(int sig) { (void)sig; stop_sink = 1; }

typedef struct {
    char buf[1 << 16];
    size_t len;
} SinkConnection;

static int cmd_sink(int argc, char **argv) {
    if (argc < 3) return fprintf(stderr, "usage: loadgen sink PORT\n"), 2;
    signal(SIGTERM, on_term);
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(listener, (struct sockaddr *)&a, sizeof a) != 0) die("bind");
    listen(listener, 128);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    long requests = 0;
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    while (!stop_sink) {
        struct epoll_event events[64];
        int n = epoll_wait(ep, events, 64, 200);
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                int c;
                while ((c = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
                    SinkConnection *conn = calloc(1, sizeof *conn + sizeof(int));
                    memcpy((char *)conn + sizeof *conn, &c, sizeof c);
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = conn};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            SinkConnection *conn = events[i].data.ptr;
            int fd;
            memcpy(&fd, (char *)conn + sizeof *conn, sizeof fd);
            ssize_t got = read(fd, conn->buf + conn->len, sizeof conn->buf - conn->len);
            if (got <= 0) {
                close(fd);
                free(conn);
                continue;
            }
            conn->len += (size_t)got;
            for (;;) {
                char *end = memmem(conn->buf, conn->len, "\r\n\r\n", 4);
                if (!end) break;
                long body = 0;
                char *cl = memmem(conn->buf, (size_t)(end - conn->buf), "ontent-Length:", 14);
                if (!cl) cl = memmem(conn->buf, (size_t)(end - conn->buf), "ontent-length:", 14);
                if (cl) body = atol(cl + 14);
                size_t need = (size_t)(end + 4 - conn->buf) + (size_t)body;
                if (conn->len < need) break;
                write_all(fd, reply, sizeof reply - 1);
                requests++;
                memmove(conn->buf, conn->buf + need, conn->len - need);
                conn->len -= need;
            }
        }
    }
    printf("requests=%ld\n", requests);
    return 0;
}

/* ---- spool ---- */

static long count_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d))) if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static int cmd_spool(int argc, char **argv) {
    if (argc < 5) return fprintf(stderr, "usage: loadgen spool DIR FILES PREFIX\n"), 2;
    const char *dir = argv[2];
    long files = atol(argv[3]);
    char path[4096], target[4096], line[512];
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/tmp/%s-%ld", dir, argv[4], i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
        if (fd < 0) die(path);
        int n = snprintf(line, sizeof line, "kind=fault severity=3 id=%s-%ld summary=\"spool event\"\n", argv[4], i);
        write_all(fd, line, (size_t)n);
        close(fd);
    }
    sync();
    double start = now_seconds();
    for (long i = 0; i < files; i++) {
        snprintf(path, sizeof path, "%s/tmp/%s-%ld", dir, argv[4], i);
        snprintf(target, sizeof target, "%s/new/%s-%ld", dir, argv[4], i);
        if (rename(path, target) != 0) die(path);
    }
    snprintf(path, sizeof path, "%s/new", dir);
    double deadline = start + DEADLINE_SECONDS;
    long left;
    /* Listing 20,000 names takes milliseconds of the same two cores tocsind runs on: look
       every 50 ms (the figure's error stays under 2% of a run of several seconds). */
    while ((left = count_entries(path)) > 0 && now_seconds() < deadline) usleep(50000);
    double seconds = now_seconds() - start;
    snprintf(path, sizeof path, "%s/failed", dir);
    long failed = count_entries(path);
    printf("files=%ld left=%ld failed=%ld seconds=%.3f fps=%.0f\n", files, left, failed, seconds, (files - left) / seconds);
    return left != 0 || failed > 0;
}

/* ---- floor: a bare durable request/reply server ---- */

static int cmd_floor(int argc, char **argv) {
    if (argc < 4) return fprintf(stderr, "usage: loadgen floor PATH FILE\n"), 2;
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    snprintf(address.sun_path, sizeof address.sun_path, "%s", argv[2]);
    unlink(argv[2]);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 16) != 0)
        return perror("loadgen floor: bind"), 1;
    int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) return perror("loadgen floor: open"), 1;
    static char input[1 << 20], replies[1 << 20];
    static const char reply[] = "ok incident=1 id=floor state=open\n";
    const size_t reply_length = sizeof reply - 1;
    for (;;) {
        int client = accept(listener, NULL, NULL);
        if (client < 0) continue;
        size_t have = 0;
        for (;;) {
            ssize_t n = read(client, input + have, sizeof input - have);
            if (n <= 0) break;
            have += (size_t)n;
            size_t lines = 0, end = 0;
            for (size_t i = 0; i < have; i++)
                if (input[i] == '\n') lines++, end = i + 1;
            if (lines == 0) continue;
            if (write(out, input, end) != (ssize_t)end || fdatasync(out) != 0) return perror("loadgen floor: write"), 1;
            size_t length = 0;
            for (size_t i = 0; i < lines; i++) {
                if (length + reply_length > sizeof replies) write_all(client, replies, length), length = 0;
                memcpy(replies + length, reply, reply_length);
                length += reply_length;
            }
            write_all(client, replies, length);
            memmove(input, input + end, have - end);
            have -= end;
        }
        close(client);
    }
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fprintf(stderr, "usage: loadgen socket|rate|http|sink|floor|spool ...\n");
        return 2;
    }
    if (!strcmp(argv[1], "socket")) return cmd_socket(argc, argv);
    if (!strcmp(argv[1], "rate")) return cmd_rate(argc, argv);
    if (!strcmp(argv[1], "http")) return cmd_http(argc, argv);
    if (!strcmp(argv[1], "sink")) return cmd_sink(argc, argv);
    if (!strcmp(argv[1], "floor")) return cmd_floor(argc, argv);
    if (!strcmp(argv[1], "spool")) return cmd_spool(argc, argv);
    fprintf(stderr, "loadgen: unknown command %s\n", argv[1]);
    return 2;
}
