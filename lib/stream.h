/* stream.h: non-blocking byte streams named like OVS remotes.
 *
 * Active (connecting) names:   unix:PATH   tcp:HOST:PORT   ssl:HOST:PORT
 * Passive (listening) names:   punix:PATH  ptcp:PORT[:IP]  pssl:PORT[:IP]
 * HOST/IP may be an IPv4 address, a bracketed IPv6 address ("[::1]"), or a
 * host name (resolved with getaddrinfo, which blocks).  ptcp/pssl listen on
 * 0.0.0.0 when IP is omitted; PORT 0 picks a free port (see
 * pstream_get_bound_port()).
 *
 * Everything is non-blocking: stream_open() starts a connection and
 * stream_connect() finishes it (TCP connect, then the TLS handshake for ssl:);
 * recv/send never block and return -EAGAIN instead.  stream_wait() registers
 * with the poll loop (poll-loop.h).
 *
 * TLS: one process-wide configuration set by stream_ssl_set_key_cert_ca()
 * (the equivalent of OVS's -p/-c/-C options).  Both sides present a
 * certificate and verify the peer's against the CA certificate; a peer whose
 * certificate does not verify is refused, and the connection fails with
 * EPROTO and a message (stream_get_error()) such as
 * "ssl:127.0.0.1:6640: peer certificate verification failed: self-signed
 * certificate in certificate chain".  Host names are not checked (like OVS:
 * trust comes from the CA).
 *
 * Errors are positive errno values (or EOF for a clean close, which is -1 and
 * distinct from every errno). */
#ifndef LOOM_STREAM_H
#define LOOM_STREAM_H 1

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct stream;
struct pstream;

/* Returns 0 if NAME is a syntactically valid active stream name ("tcp:..."),
 * else EAFNOSUPPORT (unknown type) or EINVAL (bad address), and if ERRP is
 * nonnull a malloc'd message quoting the bad part in *ERRP. */
int stream_verify_name(const char *name, char **errp);
/* Same for passive names ("ptcp:..."). */
int pstream_verify_name(const char *name, char **errp);
/* True if NAME starts with a passive prefix ("punix:", "ptcp:", "pssl:"). */
bool stream_name_is_passive(const char *name);

/* Starts connecting to NAME.  On success returns 0 and stores a new stream in
 * *STREAMP (the connection may still be in progress: call stream_connect()).
 * On failure returns a positive errno (ENOPROTOOPT: TLS not configured or its
 * files unusable, logged as an error) and stores NULL; other causes are
 * logged at debug level only, since callers report them in context. */
int stream_open(const char *name, struct stream **streamp);

/* Like stream_open() but waits (running the poll loop) until connected, or
 * TIMEOUT_MS passes (0 = no limit; then ETIMEDOUT).  On failure *ERRP (if
 * nonnull) gets a malloc'd message. */
int stream_open_block(const char *name, int timeout_ms,
                      struct stream **streamp, char **errp);

/* Advances the connection.  Returns 0 once connected (and on every later
 * call), EAGAIN while still in progress, or a positive errno on failure (see
 * stream_get_error() for the detail). */
int stream_connect(struct stream *);

/* Reads up to N bytes.  Returns the number read (> 0), 0 at end of stream, or
 * a negative errno (-EAGAIN if nothing is available now). */
ssize_t stream_recv(struct stream *, void *buf, size_t n);

/* Writes up to N bytes.  Returns the number written (> 0, possibly < N), or a
 * negative errno (-EAGAIN if the socket buffer is full). */
ssize_t stream_send(struct stream *, const void *buf, size_t n);

/* Does background work (TLS may need it); harmless to call any time. */
void stream_run(struct stream *);

enum stream_wait_type {
    STREAM_CONNECT,             /* Wake when stream_connect() may progress. */
    STREAM_RECV,                /* Wake when stream_recv() may progress. */
    STREAM_SEND                 /* Wake when stream_send() may progress. */
};
void stream_wait(struct stream *, enum stream_wait_type);

/* The name the stream was opened with ("tcp:127.0.0.1:6641"), or for an
 * accepted stream a description of the peer ("tcp:127.0.0.1:50312"). */
const char *stream_get_name(const struct stream *);

/* A human-readable description of the last failure, or NULL. */
const char *stream_get_error(const struct stream *);

/* Wraps an already-connected socket FD (e.g. from socketpair(); it is made
 * non-blocking and owned by the stream).  NAME is used in logs.  Never
 * fails. */
struct stream *stream_from_fd(int fd, const char *name);

/* Closes and frees the stream (NULL is a no-op). */
void stream_close(struct stream *);

/* Passive streams. */

/* Starts listening on NAME ("ptcp:6641:127.0.0.1").  Returns 0 and a new
 * pstream in *PSTREAMP, or a positive errno (and logs why). */
int pstream_open(const char *name, struct pstream **pstreamp);

/* Accepts one connection if one is pending: returns 0 and a new stream in
 * *STREAMP, EAGAIN if none is pending, or a positive errno.  For pssl the
 * TLS handshake happens in the accepted stream's stream_connect(). */
int pstream_accept(struct pstream *, struct stream **streamp);

/* Wakes the poll loop when a connection is pending. */
void pstream_wait(struct pstream *);

/* The name the pstream was opened with. */
const char *pstream_get_name(const struct pstream *);

/* The TCP port bound (useful after "ptcp:0"), or 0 for punix. */
int pstream_get_bound_port(const struct pstream *);

/* Closes and frees (NULL is a no-op).  For punix, unlinks the socket file. */
void pstream_close(struct pstream *);

/* TLS configuration, process-wide.  Any of the three may be NULL to keep the
 * previous value.  Files are read when the next ssl:/pssl: stream is opened;
 * a missing or bad file then makes that open fail with a logged message
 * naming the file. */
void stream_ssl_set_key_cert_ca(const char *private_key_file,
                                const char *certificate_file,
                                const char *ca_cert_file);

/* True if all three TLS files are configured. */
bool stream_ssl_is_configured(void);

/* Like OVS's --ssl-protocols: a comma-separated subset of "TLSv1.2" and
 * "TLSv1.3" (NULL or "" = default, both).  Returns 0, or EINVAL with a
 * malloc'd message quoting the bad word in *ERRP (the setting is then
 * unchanged). */
int stream_ssl_set_protocols(const char *protocols, char **errp);

/* Like OVS's --ssl-ciphers: an OpenSSL cipher list for TLS 1.2 (NULL or ""
 * = OpenSSL's default).  Returns 0, or EINVAL with *ERRP if OpenSSL accepts
 * no cipher from it. */
int stream_ssl_set_ciphers(const char *ciphers, char **errp);

#endif
