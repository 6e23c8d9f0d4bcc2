/* stream.c: stream names, sockets (unix and TCP), and listeners.
 *
 * Design: one struct stream for every kind (stream-provider.h): a non-blocking
 * socket plus, for ssl:, an OpenSSL object driven by stream-ssl.c.  A stream
 * goes TCP_CONNECTING -> (TLS_HANDSHAKE ->) CONNECTED, or FAILED.  With three
 * kinds, a switch on is_ssl is simpler than a vtable.
 *
 * Unix socket paths longer than sun_path (108 bytes) are reached through
 * /proc/self/fd/DIRFD/NAME, so deep test directories work.
 *
 * Names: "tcp:HOST:PORT" with PORT defaulting to 6640 (the IANA OVSDB port)
 * when omitted, like OVS; "ptcp:PORT[:IP]" binds 0.0.0.0 by default.  Every
 * parse error quotes the offending text. */
#define LOG_MODULE "stream"
#include "lib/stream.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/stream-provider.h"
#include "lib/timeval.h"
#include "lib/util.h"

#define OVSDB_DEFAULT_PORT "6640"

enum stream_kind { KIND_UNIX, KIND_TCP, KIND_SSL };

/* A parsed name. */
struct stream_addr {
    enum stream_kind kind;
    bool passive;
    char *path;                 /* unix. */
    char *host;                 /* tcp/ssl: host or IP (no brackets), or NULL. */
    char *port;                 /* tcp/ssl: decimal port. */
};

static void
stream_addr_destroy(struct stream_addr *a)
{
    free(a->path);
    free(a->host);
    free(a->port);
    memset(a, 0, sizeof *a);
}

static void
ignore_sigpipe(void)
{
    static bool done;
    if (!done) {
        done = true;
        signal(SIGPIPE, SIG_IGN);   /* OpenSSL writes with write(2). */
    }
}

/* Parses a port: decimal 0..65535 (0 only if ALLOW_ZERO). */
static int
parse_port(const char *s, bool allow_zero, const char *name, char **errp)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < (allow_zero ? 0 : 1) || v > 65535) {
        *errp = xasprintf("%s: bad port \"%s\" (expected %d to 65535)",
                          name, s, allow_zero ? 0 : 1);
        return EINVAL;
    }
    return 0;
}

/* Splits "HOST" or "[V6]" into a malloc'd host without brackets. */
static int
parse_host(const char *s, size_t len, const char *name, char **hostp,
           char **errp)
{
    if (len && s[0] == '[') {
        if (len < 2 || s[len - 1] != ']') {
            *errp = xasprintf("%s: bad address \"%.*s\" (unbalanced '[')",
                              name, (int) len, s);
            return EINVAL;
        }
        s++;
        len -= 2;
    }
    if (!len) {
        *errp = xasprintf("%s: missing host", name);
        return EINVAL;
    }
    *hostp = xstrndup(s, len);
    return 0;
}

/* Parses NAME into *A.  Returns 0, EAFNOSUPPORT or EINVAL (with *ERRP). */
static int
parse_stream_name(const char *name, struct stream_addr *a, char **errp)
{
    memset(a, 0, sizeof *a);
    const char *colon = strchr(name, ':');
    if (!colon) {
        *errp = xasprintf("\"%s\": missing stream type (expected unix:, "
                          "tcp:, ssl:, punix:, ptcp: or pssl:)", name);
        return EAFNOSUPPORT;
    }
    size_t tlen = colon - name;
    const char *rest = colon + 1;
    const char *type = name;
    if (tlen > 1 && name[0] == 'p') {
        a->passive = true;
        type++;
        tlen--;
    }
    if (tlen == 4 && !strncmp(type, "unix", 4)) {
        a->kind = KIND_UNIX;
    } else if (tlen == 3 && !strncmp(type, "tcp", 3)) {
        a->kind = KIND_TCP;
    } else if (tlen == 3 && !strncmp(type, "ssl", 3)) {
        a->kind = KIND_SSL;
    } else {
        *errp = xasprintf("\"%s\": unknown stream type \"%.*s\" (expected "
                          "unix, tcp, ssl, punix, ptcp or pssl)",
                          name, (int) (colon - name), name);
        return EAFNOSUPPORT;
    }

    if (a->kind == KIND_UNIX) {
        if (!*rest) {
            *errp = xasprintf("\"%s\": missing socket path", name);
            return EINVAL;
        }
        a->path = xstrdup(rest);
        return 0;
    }

    int error;
    if (!a->passive) {
        /* HOST[:PORT], HOST possibly "[v6]". */
        const char *port_sep;
        if (rest[0] == '[') {
            const char *rb = strchr(rest, ']');
            if (!rb) {
                *errp = xasprintf("\"%s\": bad address \"%s\" (unbalanced "
                                  "'[')", name, rest);
                return EINVAL;
            }
            port_sep = rb[1] == ':' ? rb + 1 : NULL;
            if (rb[1] && rb[1] != ':') {
                *errp = xasprintf("\"%s\": unexpected \"%s\" after address",
                                  name, rb + 1);
                return EINVAL;
            }
        } else {
            port_sep = strrchr(rest, ':');
            if (port_sep && strchr(rest, ':') != port_sep) {
                *errp = xasprintf("\"%s\": IPv6 address must be in brackets "
                                  "(\"[%s]\")", name, rest);
                return EINVAL;
            }
        }
        size_t hlen = port_sep ? (size_t) (port_sep - rest) : strlen(rest);
        error = parse_host(rest, hlen, name, &a->host, errp);
        if (error) {
            goto fail;
        }
        a->port = xstrdup(port_sep ? port_sep + 1 : OVSDB_DEFAULT_PORT);
        error = parse_port(a->port, false, name, errp);
        if (error) {
            goto fail;
        }
        return 0;
    }

    /* Passive: PORT[:IP]. */
    const char *sep = strchr(rest, ':');
    a->port = sep ? xstrndup(rest, sep - rest) : xstrdup(rest);
    error = parse_port(a->port, true, name, errp);
    if (error) {
        goto fail;
    }
    if (sep) {
        error = parse_host(sep + 1, strlen(sep + 1), name, &a->host, errp);
        if (error) {
            goto fail;
        }
    }
    return 0;

fail:
    stream_addr_destroy(a);
    return error;
}

int
stream_verify_name(const char *name, char **errp)
{
    struct stream_addr a;
    char *err = NULL;
    int error = parse_stream_name(name, &a, &err);
    if (!error && a.passive) {
        err = xasprintf("\"%s\": passive stream name where an active one "
                        "(unix:, tcp:, ssl:) is expected", name);
        error = EINVAL;
    }
    stream_addr_destroy(&a);
    if (errp) {
        *errp = err;
    } else {
        free(err);
    }
    return error;
}

int
pstream_verify_name(const char *name, char **errp)
{
    struct stream_addr a;
    char *err = NULL;
    int error = parse_stream_name(name, &a, &err);
    if (!error && !a.passive) {
        err = xasprintf("\"%s\": active stream name where a passive one "
                        "(punix:, ptcp:, pssl:) is expected", name);
        error = EINVAL;
    }
    stream_addr_destroy(&a);
    if (errp) {
        *errp = err;
    } else {
        free(err);
    }
    return error;
}

bool
stream_name_is_passive(const char *name)
{
    return str_starts_with(name, "punix:") || str_starts_with(name, "ptcp:")
           || str_starts_with(name, "pssl:");
}

/* Fills *SUN for PATH.  If PATH is too long for sun_path, opens its directory
 * and stores the descriptor in *DIRFDP (caller closes it after connect/bind)
 * and uses /proc/self/fd/N/BASENAME.  Returns 0 or ENAMETOOLONG/errno. */
static int
make_unix_addr(const char *path, struct sockaddr_un *sun, int *dirfdp)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    *dirfdp = -1;
    if (strlen(path) < sizeof sun->sun_path) {
        strcpy(sun->sun_path, path);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return ENAMETOOLONG;
    }
    char *dir = slash == path ? xstrdup("/") : xstrndup(path, slash - path);
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (dirfd < 0) {
        return errno;
    }
    int n = snprintf(sun->sun_path, sizeof sun->sun_path, "/proc/self/fd/%d/%s",
                     dirfd, slash + 1);
    if (n < 0 || (size_t) n >= sizeof sun->sun_path) {
        close(dirfd);
        return ENAMETOOLONG;
    }
    *dirfdp = dirfd;
    return 0;
}

static void
set_nodelay(int fd)
{
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

static struct stream *
stream_create(const char *name, int fd, bool is_ssl)
{
    struct stream *s = xcalloc(1, sizeof *s);
    s->name = xstrdup(name);
    s->fd = fd;
    s->is_ssl = is_ssl;
    s->phase = STREAM_P_TCP_CONNECTING;
    return s;
}

void
stream_set_error(struct stream *s, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    free(s->error);
    s->error = xasprintf("%s: %s", s->name, msg);
    free(msg);
    log_dbg("%s", s->error);    /* The stream's user decides how loud. */
}

/* Resolves HOST:PORT (HOST NULL = any) for a stream socket. */
static int
resolve(const char *host, const char *port, bool passive,
        struct addrinfo **resp, char **errp)
{
    struct addrinfo hints = {
        .ai_family = host ? AF_UNSPEC : AF_INET,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
    };
    int rc = getaddrinfo(host, port, &hints, resp);
    if (rc) {
        *errp = xasprintf("cannot resolve \"%s\": %s", host ? host : "*",
                          gai_strerror(rc));
        return rc == EAI_SYSTEM ? errno : EADDRNOTAVAIL;
    }
    return 0;
}

int
stream_open(const char *name, struct stream **streamp)
{
    struct stream_addr a;
    char *err = NULL;
    int fd = -1;
    int error;

    *streamp = NULL;
    ignore_sigpipe();
    error = parse_stream_name(name, &a, &err);
    if (!error && a.passive) {
        err = xasprintf("\"%s\": cannot connect to a passive name", name);
        error = EINVAL;
    }
    if (error) {
        goto out;
    }
    if (a.kind == KIND_SSL) {
        error = ssl_check_config();
        if (error) {
            err = xasprintf("%s: TLS is not usable (see above)", name);
            goto out;
        }
    }

    if (a.kind == KIND_UNIX) {
        struct sockaddr_un sun;
        int dirfd;
        error = make_unix_addr(a.path, &sun, &dirfd);
        if (error) {
            err = xasprintf("%s: bad socket path (%s)", name, strerror(error));
            goto out;
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = errno;
        } else if (connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
            /* Unix connect completes at once or fails; EAGAIN means the
             * listener's backlog is full: a failure for this attempt. */
            error = errno;
        }
        if (dirfd >= 0) {
            close(dirfd);
        }
        if (error) {
            err = xasprintf("%s: connection failed (%s)", name,
                            strerror(error));
            goto out;
        }
        *streamp = stream_create(name, fd, false);
        (*streamp)->phase = STREAM_P_CONNECTED;
        fd = -1;
        goto out;
    }

    struct addrinfo *ai;
    error = resolve(a.host, a.port, false, &ai, &err);
    if (error) {
        char *e = xasprintf("%s: %s", name, err);
        free(err);
        err = e;
        goto out;
    }
    /* A host name may resolve to both families; ovsdb-server usually
     * listens on IPv4 only, so prefer IPv4 (a non-blocking connect cannot
     * cheaply fall back). */
    const struct addrinfo *pick = ai;
    for (const struct addrinfo *p = ai; p; p = p->ai_next) {
        if (p->ai_family == AF_INET) {
            pick = p;
            break;
        }
    }
    fd = socket(pick->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0);
    if (fd < 0) {
        error = errno;
    } else {
        set_nodelay(fd);
        if (connect(fd, pick->ai_addr, pick->ai_addrlen) < 0
            && errno != EINPROGRESS) {
            error = errno;
        }
    }
    freeaddrinfo(ai);
    if (error) {
        err = xasprintf("%s: connection failed (%s)", name, strerror(error));
        goto out;
    }
    *streamp = stream_create(name, fd, a.kind == KIND_SSL);
    fd = -1;

out:
    if (fd >= 0) {
        close(fd);
    }
    if (err) {
        log_dbg("%s", err);     /* Callers report the errno as they see fit. */
        free(err);
    }
    stream_addr_destroy(&a);
    assert(!error == !!*streamp);
    return error;
}

int
stream_connect(struct stream *s)
{
    switch (s->phase) {
    case STREAM_P_CONNECTED:
        return 0;
    case STREAM_P_FAILED:
        return s->connect_error;
    case STREAM_P_TCP_CONNECTING: {
        struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
        if (poll(&pfd, 1, 0) == 0) {
            return EAGAIN;
        }
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
            soerr = errno;
        }
        if (soerr) {
            s->phase = STREAM_P_FAILED;
            s->connect_error = soerr;
            stream_set_error(s, "connection failed (%s)", strerror(soerr));
            return soerr;
        }
        if (!s->is_ssl) {
            s->phase = STREAM_P_CONNECTED;
            return 0;
        }
        int error = ssl_stream_start(s, s->ssl_server);
        if (error) {
            s->phase = STREAM_P_FAILED;
            s->connect_error = error;
            return error;
        }
        s->phase = STREAM_P_TLS_HANDSHAKE;
    }
        /* fall through */
    case STREAM_P_TLS_HANDSHAKE: {
        int error = ssl_stream_handshake(s);
        if (!error) {
            s->phase = STREAM_P_CONNECTED;
        } else if (error != EAGAIN) {
            s->phase = STREAM_P_FAILED;
            s->connect_error = error;
        }
        return error;
    }
    }
    return EINVAL;
}

int
stream_open_block(const char *name, int timeout_ms, struct stream **streamp,
                  char **errp)
{
    struct stream *s = NULL;
    long long deadline = timeout_ms > 0 ? time_msec() + timeout_ms : LLONG_MAX;
    char *err = NULL;

    int error = stream_verify_name(name, &err);
    if (error) {
        goto out;
    }
    error = stream_open(name, &s);
    if (error == ENOPROTOOPT) {
        err = xasprintf("%s: TLS is not configured or its files cannot be "
                        "loaded (see the log)", name);
        goto out;
    } else if (error) {
        err = xasprintf("%s: connection failed (%s)", name, strerror(error));
        goto out;
    }
    while ((error = stream_connect(s)) == EAGAIN) {
        if (time_msec() >= deadline) {
            error = ETIMEDOUT;
            err = xasprintf("%s: timed out after %d ms connecting", name,
                            timeout_ms);
            goto out;
        }
        stream_wait(s, STREAM_CONNECT);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    if (error) {
        err = s->error ? xstrdup(s->error)
              : xasprintf("%s: connection failed (%s)", name, strerror(error));
    }

out:
    if (error) {
        stream_close(s);
        s = NULL;
        if (errp) {
            *errp = err;
            err = NULL;
        }
    }
    free(err);
    *streamp = s;
    return error;
}

ssize_t
stream_recv(struct stream *s, void *buf, size_t n)
{
    int error = stream_connect(s);
    if (error) {
        return -error;
    }
    if (s->is_ssl) {
        return ssl_stream_recv(s, buf, n);
    }
    ssize_t r = recv(s->fd, buf, n, 0);
    return r >= 0 ? r : errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

ssize_t
stream_send(struct stream *s, const void *buf, size_t n)
{
    int error = stream_connect(s);
    if (error) {
        return -error;
    }
    if (s->is_ssl) {
        return ssl_stream_send(s, buf, n);
    }
    ssize_t r = send(s->fd, buf, n, MSG_NOSIGNAL);
    return r >= 0 ? r : errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

void
stream_run(struct stream *s)
{
    if (s->phase == STREAM_P_TCP_CONNECTING
        || s->phase == STREAM_P_TLS_HANDSHAKE) {
        stream_connect(s);
    }
}

void
stream_wait(struct stream *s, enum stream_wait_type type)
{
    switch (s->phase) {
    case STREAM_P_FAILED:
        poll_immediate_wake();
        return;
    case STREAM_P_TCP_CONNECTING:
        poll_fd_wait(s->fd, POLLOUT);
        return;
    case STREAM_P_TLS_HANDSHAKE:
        poll_fd_wait(s->fd, s->ssl_hs_events ? s->ssl_hs_events : POLLIN);
        return;
    case STREAM_P_CONNECTED:
        if (s->is_ssl) {
            ssl_stream_wait(s, type);
        } else if (type == STREAM_CONNECT) {
            poll_immediate_wake();
        } else {
            poll_fd_wait(s->fd, type == STREAM_RECV ? POLLIN : POLLOUT);
        }
        return;
    }
}

const char *
stream_get_name(const struct stream *s)
{
    return s->name;
}

const char *
stream_get_error(const struct stream *s)
{
    return s->error;
}

struct stream *
stream_from_fd(int fd, const char *name)
{
    assert(fd >= 0);
    ignore_sigpipe();
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    struct stream *s = stream_create(name, fd, false);
    s->phase = STREAM_P_CONNECTED;
    return s;
}

void
stream_close(struct stream *s)
{
    if (!s) {
        return;
    }
    if (s->is_ssl) {
        ssl_stream_close(s);
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    free(s->name);
    free(s->error);
    free(s);
}

/* ---- Passive streams ---- */

struct pstream {
    char *name;
    int fd;
    enum stream_kind kind;
    char *unix_path;            /* punix: the socket file, unlinked on close. */
    int port;                   /* ptcp/pssl: the bound port. */
    unsigned int n_accepted;
};

int
pstream_open(const char *name, struct pstream **pstreamp)
{
    struct stream_addr a;
    char *err = NULL;
    int fd = -1;
    int error;
    int port = 0;

    *pstreamp = NULL;
    ignore_sigpipe();
    error = parse_stream_name(name, &a, &err);
    if (!error && !a.passive) {
        err = xasprintf("\"%s\": cannot listen on an active name", name);
        error = EINVAL;
    }
    if (error) {
        goto out;
    }
    if (a.kind == KIND_SSL) {
        error = ssl_check_config();
        if (error) {
            err = xasprintf("%s: TLS is not usable (see above)", name);
            goto out;
        }
    }

    if (a.kind == KIND_UNIX) {
        struct sockaddr_un sun;
        int dirfd;
        error = make_unix_addr(a.path, &sun, &dirfd);
        if (error) {
            err = xasprintf("%s: bad socket path (%s)", name, strerror(error));
            goto out;
        }
        struct stat st;
        if (!stat(a.path, &st) && S_ISSOCK(st.st_mode)) {
            unlink(a.path);     /* A stale socket from a previous run. */
        }
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *) &sun, sizeof sun) < 0
            || listen(fd, 64) < 0) {
            error = errno;
        }
        if (dirfd >= 0) {
            close(dirfd);
        }
    } else {
        struct addrinfo *ai;
        error = resolve(a.host, a.port, true, &ai, &err);
        if (error) {
            char *e = xasprintf("%s: %s", name, err);
            free(err);
            err = e;
            goto out;
        }
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0);
        int on = 1;
        if (fd < 0
            || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0
            || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0
            || listen(fd, 64) < 0) {
            error = errno;
        }
        freeaddrinfo(ai);
        if (!error) {
            struct sockaddr_storage ss;
            socklen_t len = sizeof ss;
            if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
                error = errno;
            } else {
                port = ntohs(ss.ss_family == AF_INET6
                             ? ((struct sockaddr_in6 *) &ss)->sin6_port
                             : ((struct sockaddr_in *) &ss)->sin_port);
            }
        }
    }
    if (error) {
        err = xasprintf("%s: cannot listen (%s)", name, strerror(error));
        goto out;
    }

    struct pstream *p = xcalloc(1, sizeof *p);
    p->name = xstrdup(name);
    p->fd = fd;
    p->kind = a.kind;
    p->unix_path = a.kind == KIND_UNIX ? xstrdup(a.path) : NULL;
    p->port = port;
    fd = -1;
    *pstreamp = p;

out:
    if (fd >= 0) {
        close(fd);
    }
    if (err) {
        log_warn("%s", err);
        free(err);
    }
    stream_addr_destroy(&a);
    return error;
}

int
pstream_accept(struct pstream *p, struct stream **streamp)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    *streamp = NULL;
    int fd = accept4(p->fd, (struct sockaddr *) &ss, &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        int error = errno == EWOULDBLOCK ? EAGAIN : errno;
        if (error != EAGAIN) {
            log_warn("%s: accept failed (%s)", p->name, strerror(error));
        }
        return error;
    }

    char *name;
    p->n_accepted++;
    if (p->kind == KIND_UNIX) {
        name = xasprintf("unix:%s#%u", p->unix_path, p->n_accepted);
    } else {
        char host[INET6_ADDRSTRLEN] = "?";
        int port = 0;
        const char *type = p->kind == KIND_SSL ? "ssl" : "tcp";
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &ss;
            inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof host);
            port = ntohs(sin6->sin6_port);
            name = xasprintf("%s:[%s]:%d", type, host, port);
        } else {
            struct sockaddr_in *sin = (struct sockaddr_in *) &ss;
            inet_ntop(AF_INET, &sin->sin_addr, host, sizeof host);
            port = ntohs(sin->sin_port);
            name = xasprintf("%s:%s:%d", type, host, port);
        }
        set_nodelay(fd);
    }

    struct stream *s = stream_create(name, fd, p->kind == KIND_SSL);
    free(name);
    if (s->is_ssl) {
        /* The socket is connected; the handshake runs in stream_connect(). */
        s->ssl_server = true;
        int error = ssl_stream_start(s, true);
        if (error) {
            stream_close(s);
            return error;
        }
        s->phase = STREAM_P_TLS_HANDSHAKE;
    } else {
        s->phase = STREAM_P_CONNECTED;
    }
    *streamp = s;
    return 0;
}

void
pstream_wait(struct pstream *p)
{
    poll_fd_wait(p->fd, POLLIN);
}

const char *
pstream_get_name(const struct pstream *p)
{
    return p->name;
}

int
pstream_get_bound_port(const struct pstream *p)
{
    return p->port;
}

void
pstream_close(struct pstream *p)
{
    if (!p) {
        return;
    }
    close(p->fd);
    if (p->unix_path) {
        unlink(p->unix_path);
        free(p->unix_path);
    }
    free(p->name);
    free(p);
}
