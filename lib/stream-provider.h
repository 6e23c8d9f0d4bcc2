/* stream-provider.h: the inside of struct stream, shared by stream.c (names,
 * sockets, listening) and stream-ssl.c (TLS on top of a connected socket).
 * Not for use outside those two files. */
#ifndef LOOM_STREAM_PROVIDER_H
#define LOOM_STREAM_PROVIDER_H 1

#include <stdbool.h>
#include <sys/types.h>

#include "lib/stream.h"

enum stream_phase {
    STREAM_P_TCP_CONNECTING,    /* Non-blocking connect() in progress. */
    STREAM_P_TLS_HANDSHAKE,     /* Socket up, TLS handshake in progress. */
    STREAM_P_CONNECTED,
    STREAM_P_FAILED             /* connect_error holds why. */
};

struct stream {
    char *name;
    char *error;                /* Last failure, human-readable, or NULL. */
    int fd;
    enum stream_phase phase;
    int connect_error;          /* Positive errno once FAILED. */
    bool is_ssl;
    bool ssl_server;            /* Accepted from pssl (TLS server role). */
    void *ssl;                  /* SSL * (stream-ssl.c). */
    short ssl_rx_events;        /* poll events the last TLS read needs. */
    short ssl_tx_events;        /* poll events the last TLS write needs. */
    short ssl_hs_events;        /* poll events the handshake needs. */
};

/* Records a failure message (printf-style) in stream->error and logs it. */
void stream_set_error(struct stream *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* stream-ssl.c. */
int ssl_stream_start(struct stream *, bool server);  /* 0 or errno. */
int ssl_stream_handshake(struct stream *);           /* 0, EAGAIN, errno. */
ssize_t ssl_stream_recv(struct stream *, void *, size_t);
ssize_t ssl_stream_send(struct stream *, const void *, size_t);
void ssl_stream_wait(struct stream *, enum stream_wait_type);
void ssl_stream_close(struct stream *);
/* Checks that the TLS files are set and loadable; 0 or errno (logged). */
int ssl_check_config(void);

#endif
