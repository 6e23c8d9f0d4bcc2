/* stream-ssl.c: TLS for ssl: and pssl: streams, with OpenSSL.
 *
 * Design: one process-wide SSL_CTX built lazily from the three files set by
 * stream_ssl_set_key_cert_ca() and rebuilt when they change.  Both roles
 * require and verify the peer's certificate against the CA file
 * (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT), as ovsdb-server does
 * with -p/-c/-C.  TLS 1.2 and 1.3 by default (stream_ssl_set_protocols(),
 * like --ssl-protocols), OpenSSL's default ciphers unless
 * stream_ssl_set_ciphers() says otherwise.  Host names are not checked:
 * trust comes from the CA (OVS's model, and OVN certificates are named after
 * chassis, not hosts).
 *
 * With TLS 1.3 a client finishes its handshake before the server has checked
 * the client certificate, so a server's refusal surfaces on the client's
 * first read as an EPROTO with the alert text ("certificate unknown", ...).
 *
 * Non-blocking I/O: OpenSSL may need to write while reading (and vice
 * versa), so each direction remembers which poll events its last
 * WANT_READ/WANT_WRITE needs; data already decrypted inside OpenSSL
 * (SSL_pending) wakes the poll loop at once. */
#define LOG_MODULE "stream_ssl"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/log.h"
#include "lib/poll-loop.h"
#include "lib/stream-provider.h"
#include "lib/util.h"

static char *key_file, *cert_file, *ca_file;
static SSL_CTX *ctx;
static bool ctx_dirty = true;
static int min_version = TLS1_2_VERSION, max_version = TLS1_3_VERSION;
static char *cipher_list;

static void
replace(char **dst, const char *src)
{
    if (src && (!*dst || strcmp(*dst, src))) {
        free(*dst);
        *dst = xstrdup(src);
        ctx_dirty = true;
    }
}

void
stream_ssl_set_key_cert_ca(const char *private_key_file,
                           const char *certificate_file,
                           const char *ca_cert_file)
{
    replace(&key_file, private_key_file);
    replace(&cert_file, certificate_file);
    replace(&ca_file, ca_cert_file);
}

bool
stream_ssl_is_configured(void)
{
    return key_file && cert_file && ca_file;
}

int
stream_ssl_set_protocols(const char *protocols, char **errp)
{
    int lo = INT_MAX, hi = 0;
    char *copy = xstrdup(protocols && *protocols ? protocols
                         : "TLSv1.2,TLSv1.3");
    char *save = NULL;
    int error = 0;
    for (char *w = strtok_r(copy, ", ", &save); w;
         w = strtok_r(NULL, ", ", &save)) {
        int v;
        if (!strcasecmp(w, "TLSv1.2")) {
            v = TLS1_2_VERSION;
        } else if (!strcasecmp(w, "TLSv1.3")) {
            v = TLS1_3_VERSION;
        } else {
            if (errp) {
                *errp = xasprintf("unsupported TLS protocol \"%s\" "
                                  "(expected TLSv1.2 or TLSv1.3)", w);
            }
            error = EINVAL;
            goto out;
        }
        lo = MIN(lo, v);
        hi = MAX(hi, v);
    }
    if (!hi) {
        if (errp) {
            *errp = xasprintf("no TLS protocol in \"%s\"", protocols);
        }
        error = EINVAL;
        goto out;
    }
    min_version = lo;
    max_version = hi;
    ctx_dirty = true;
out:
    free(copy);
    if (!error && errp) {
        *errp = NULL;
    }
    return error;
}

int
stream_ssl_set_ciphers(const char *ciphers, char **errp)
{
    if (ciphers && *ciphers) {
        SSL_CTX *probe = SSL_CTX_new(TLS_method());
        bool ok = probe && SSL_CTX_set_cipher_list(probe, ciphers) == 1;
        SSL_CTX_free(probe);
        ERR_clear_error();
        if (!ok) {
            if (errp) {
                *errp = xasprintf("no usable cipher in \"%s\"", ciphers);
            }
            return EINVAL;
        }
    }
    free(cipher_list);
    cipher_list = ciphers && *ciphers ? xstrdup(ciphers) : NULL;
    ctx_dirty = true;
    if (errp) {
        *errp = NULL;
    }
    return 0;
}

/* The first OpenSSL error on the queue as text, or FALLBACK.  Clears the
 * queue.  Returns a static buffer. */
static const char *
openssl_error(const char *fallback)
{
    static char buf[256];
    unsigned long e = ERR_get_error();
    if (!e) {
        return fallback;
    }
    const char *reason = ERR_reason_error_string(e);
    if (reason) {
        snprintf(buf, sizeof buf, "%s", reason);
    } else {
        ERR_error_string_n(e, buf, sizeof buf);
    }
    ERR_clear_error();
    return buf;
}

int
ssl_check_config(void)
{
    if (!stream_ssl_is_configured()) {
        log_err("TLS needs a private key, a certificate and a CA certificate "
                "(missing:%s%s%s; set them with the -p, -c and -C options)",
                key_file ? "" : " private key",
                cert_file ? "" : " certificate",
                ca_file ? "" : " CA certificate");
        return ENOPROTOOPT;
    }
    if (!ctx_dirty && ctx) {
        return 0;
    }

    SSL_CTX *c = SSL_CTX_new(TLS_method());
    if (!c) {
        log_err("SSL_CTX_new failed: %s", openssl_error("unknown error"));
        return ENOPROTOOPT;
    }
    SSL_CTX_set_min_proto_version(c, min_version);
    SSL_CTX_set_max_proto_version(c, max_version);
    if (cipher_list) {
        SSL_CTX_set_cipher_list(c, cipher_list);
    }
    SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE
                     | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
    SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);

    const char *what = NULL, *file = NULL;
    if (SSL_CTX_use_certificate_chain_file(c, cert_file) != 1) {
        what = "certificate", file = cert_file;
    } else if (SSL_CTX_use_PrivateKey_file(c, key_file, SSL_FILETYPE_PEM)
               != 1) {
        what = "private key", file = key_file;
    } else if (SSL_CTX_check_private_key(c) != 1) {
        what = "private key (does not match the certificate)", file = key_file;
    } else if (SSL_CTX_load_verify_locations(c, ca_file, NULL) != 1) {
        what = "CA certificate", file = ca_file;
    } else {
        STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_file);
        if (names) {
            SSL_CTX_set_client_CA_list(c, names);
        }
    }
    if (what) {
        log_err("cannot load TLS %s from \"%s\": %s", what, file,
                openssl_error("unknown error"));
        SSL_CTX_free(c);
        return ENOPROTOOPT;
    }

    SSL_CTX_free(ctx);
    ctx = c;
    ctx_dirty = false;
    return 0;
}

int
ssl_stream_start(struct stream *s, bool server)
{
    int error = ssl_check_config();
    if (error) {
        stream_set_error(s, "TLS is not configured");
        return error;
    }
    SSL *ssl = SSL_new(ctx);
    if (!ssl || SSL_set_fd(ssl, s->fd) != 1) {
        stream_set_error(s, "cannot create TLS session: %s",
                         openssl_error("unknown error"));
        SSL_free(ssl);
        return ENOPROTOOPT;
    }
    if (server) {
        SSL_set_accept_state(ssl);
    } else {
        SSL_set_connect_state(ssl);
    }
    s->ssl = ssl;
    s->ssl_server = server;
    s->ssl_hs_events = server ? POLLIN : POLLOUT;
    return 0;
}

/* Handles a failed SSL call that returned R with SSL_get_error() code E.
 * Returns -EAGAIN (and sets *EVENTS), 0 for a clean EOF, or -errno after
 * recording the error. */
static int
handle_ssl_error(struct stream *s, int r, int e, short *events,
                 const char *during)
{
    switch (e) {
    case SSL_ERROR_WANT_READ:
        *events = POLLIN;
        return -EAGAIN;
    case SSL_ERROR_WANT_WRITE:
        *events = POLLOUT;
        return -EAGAIN;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL: {
        int err = errno;
        if (ERR_peek_error()) {
            break;
        }
        if (r == 0 || !err) {
            return 0;           /* The peer closed the socket. */
        }
        stream_set_error(s, "%s failed (%s)", during, strerror(err));
        return -err;
    }
    default:
        break;
    }

    SSL *ssl = s->ssl;
    long v = SSL_get_verify_result(ssl);
    if (v != X509_V_OK) {
        ERR_clear_error();
        stream_set_error(s, "peer certificate verification failed: %s",
                         X509_verify_cert_error_string(v));
    } else {
        stream_set_error(s, "TLS error during %s: %s", during,
                         openssl_error("protocol error"));
    }
    return -EPROTO;
}

int
ssl_stream_handshake(struct stream *s)
{
    ERR_clear_error();
    int r = SSL_do_handshake(s->ssl);
    if (r == 1) {
        log_dbg("%s: TLS handshake done (%s)", s->name,
                SSL_get_version(s->ssl));
        return 0;
    }
    int e = SSL_get_error(s->ssl, r);
    int rv = handle_ssl_error(s, r, e, &s->ssl_hs_events, "handshake");
    if (rv == 0) {
        stream_set_error(s, "connection closed by peer during TLS handshake "
                         "(did it reject our certificate?)");
        return EPROTO;
    }
    return -rv;
}

ssize_t
ssl_stream_recv(struct stream *s, void *buf, size_t n)
{
    if (!n) {
        return 0;
    }
    ERR_clear_error();
    int r = SSL_read(s->ssl, buf, n > INT_MAX ? INT_MAX : (int) n);
    if (r > 0) {
        s->ssl_rx_events = POLLIN;
        return r;
    }
    return handle_ssl_error(s, r, SSL_get_error(s->ssl, r), &s->ssl_rx_events,
                            "receive");
}

ssize_t
ssl_stream_send(struct stream *s, const void *buf, size_t n)
{
    if (!n) {
        return 0;
    }
    ERR_clear_error();
    int r = SSL_write(s->ssl, buf, n > INT_MAX ? INT_MAX : (int) n);
    if (r > 0) {
        s->ssl_tx_events = POLLOUT;
        return r;
    }
    int rv = handle_ssl_error(s, r, SSL_get_error(s->ssl, r),
                              &s->ssl_tx_events, "send");
    if (rv != -EAGAIN) {
        /* The peer may have closed after sending an alert (with TLS 1.3 a
         * server that rejects our certificate does so after our handshake
         * has completed): read it, for an error that says why. */
        char c;
        ERR_clear_error();
        int r2 = SSL_read(s->ssl, &c, 1);
        if (r2 <= 0 && SSL_get_error(s->ssl, r2) == SSL_ERROR_SSL) {
            stream_set_error(s, "TLS error: %s",
                             openssl_error("protocol error"));
            return -EPROTO;
        }
    }
    return rv ? rv : -EPIPE;
}

void
ssl_stream_wait(struct stream *s, enum stream_wait_type type)
{
    switch (type) {
    case STREAM_CONNECT:
        poll_immediate_wake();
        break;
    case STREAM_RECV:
        if (SSL_pending(s->ssl) > 0) {
            poll_immediate_wake();
        } else {
            poll_fd_wait(s->fd, s->ssl_rx_events ? s->ssl_rx_events : POLLIN);
        }
        break;
    case STREAM_SEND:
        poll_fd_wait(s->fd, s->ssl_tx_events ? s->ssl_tx_events : POLLOUT);
        break;
    }
}

void
ssl_stream_close(struct stream *s)
{
    if (s->ssl) {
        if (s->phase == STREAM_P_CONNECTED) {
            ERR_clear_error();
            SSL_shutdown(s->ssl);   /* Best effort close_notify. */
        }
        SSL_free(s->ssl);
        s->ssl = NULL;
        ERR_clear_error();
    }
}
