/* ofp-conn.h: an OpenFlow 1.5 connection to ovs-vswitchd that reconnects,
 * plus blocking helpers for tools and tests.
 *
 * Design: a non-blocking unix: (or tcp:IP:PORT) stream driven by a run/wait
 * loop: ofp_conn_run() connects (with backoff 1 s doubling to 8 s after a
 * failure), negotiates the version (hello with a version bitmap offering
 * 1.5; the switch's hello must allow 1.5), answers echo requests, sends the
 * configured packet-in format and controller id after every (re)connect,
 * optionally probes an idle peer, reads and writes as much as the socket
 * takes.  ofp_conn_wait() registers the socket and the next timer with
 * lib/poll-loop.  Nothing blocks there.  For packet-ins over br-int.mgmt set
 * a packet-in format, and a miss_send_len (ovs-vswitchd's rule for service
 * connections).
 *
 * Output is queued without limit (a 100,000-flow bundle is ~15 MB, queued in
 * one go and drained at socket speed); input is split into messages after a
 * header check.  The seqno changes on every connect and disconnect, so a
 * caller that sees a new seqno knows it must resend its state (flows, TLV
 * maps, groups).
 *
 * The blocking helpers (ofp_conn_connect_blocking, ofp_conn_barrier,
 * ofp_dump_flows, ofp_bundle_transact) poll() the socket themselves with a
 * timeout; messages that arrive meanwhile and are not theirs (packet-ins,
 * port status) are kept and handed out later by ofp_conn_recv(). */
#ifndef LOOM_OFP_CONN_H
#define LOOM_OFP_CONN_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openflow/ofp-buf.h"
#include "openflow/ofp-msgs.h"

struct ofp_conn;

/* TARGET: "unix:/path", "tcp:IP:PORT" or a plain socket path.  Does not
 * connect yet (ofp_conn_run does).  Never fails. */
struct ofp_conn *ofp_conn_create(const char *target);
void ofp_conn_destroy(struct ofp_conn *);

/* Sent after every connect: NXT_SET_PACKET_IN_FORMAT (e.g.
 * NXPIF_NXT_PACKET_IN2; negative: none) and NXT_SET_CONTROLLER_ID (0:
 * none). */
void ofp_conn_set_packet_in_format(struct ofp_conn *, int format);
void ofp_conn_set_controller_id(struct ofp_conn *, uint16_t id);
/* Sent after every connect as OFPT_SET_CONFIG (negative: not sent).  A
 * service connection such as br-int.mgmt receives packet-ins only after
 * setting a nonzero miss_send_len (e.g. 65535). */
void ofp_conn_set_miss_send_len(struct ofp_conn *, int miss_send_len);
/* Inactivity probe in ms (0 disables; default 0, as ovn-controller does for
 * br-int.mgmt): an echo after that long without input, a reconnect after
 * twice that. */
void ofp_conn_set_probe_interval(struct ofp_conn *, int ms);

void ofp_conn_run(struct ofp_conn *);
void ofp_conn_wait(struct ofp_conn *);
/* For callers that poll() themselves: the socket's fd and events (fd -1
 * when none) and the ms until ofp_conn_run() wants to run (-1: no timer). */
void ofp_conn_get_poll(struct ofp_conn *, int *fd, short *events,
                       int *timeout_ms);

bool ofp_conn_is_connected(const struct ofp_conn *);
unsigned int ofp_conn_seqno(const struct ofp_conn *);
const char *ofp_conn_target(const struct ofp_conn *);
/* Why the last connection attempt or connection failed ("" if none). */
const char *ofp_conn_last_error(const struct ofp_conn *);

uint32_t ofp_conn_next_xid(struct ofp_conn *);
/* Queues the message(s) in MSG (one or more complete messages).  Returns 0,
 * or ENOTCONN if not connected (nothing queued). */
int ofp_conn_send(struct ofp_conn *, const struct ofpbuf *msg);
/* Bytes queued but not yet written. */
size_t ofp_conn_tx_backlog(const struct ofp_conn *);
/* Moves the next received message into MSG (cleared first) and returns
 * true, or returns false if none is ready.  Hello and echo are handled
 * internally and never returned. */
bool ofp_conn_recv(struct ofp_conn *, struct ofpbuf *msg);

/* --- Blocking helpers (TIMEOUT_MS <= 0: 10 s).  Each returns NULL or a
 * malloc'd error. --- */
char *ofp_conn_connect_blocking(struct ofp_conn *, int timeout_ms);
/* Sends MSG (may be NULL) followed by a barrier and waits for the barrier
 * reply.  Errors received for MSG's xids are returned, each described. */
char *ofp_conn_transact(struct ofp_conn *, const struct ofpbuf *msg,
                        int timeout_ms);
/* Reads all flows of TABLE (OFPTT_ALL for every table). */
char *ofp_dump_flows(struct ofp_conn *, uint8_t table, struct ofp_flow **flows,
                     size_t *n_flows, int timeout_ms);
void ofp_flows_free(struct ofp_flow *flows, size_t n);
/* Sends the request REQ (one message; its xid is replaced) and collects
 * the replies with its xid into REPLIES (concatenated): one reply, or for a
 * multipart request all parts until the last.  An OFPT_ERROR reply becomes
 * the returned error. */
char *ofp_conn_request(struct ofp_conn *, const struct ofpbuf *req,
                       struct ofpbuf *replies, int timeout_ms);

/* One bundle: open, add every message of MSGS (complete messages, e.g.
 * flow_mods and group_mods; their xids are rewritten), commit atomically
 * and ordered.  If the switch rejects any message the whole bundle is
 * discarded (the tables stay as they were) and the error names the message
 * by index and the OpenFlow error, e.g. "message 3 (OFPT_FLOW_MOD):
 * OFPBAC_BAD_OUT_GROUP".  *FAILED_INDEX (may be NULL) gets that index, or
 * -1. */
char *ofp_bundle_transact(struct ofp_conn *, const struct ofpbuf *msgs,
                          int timeout_ms, long *failed_index);

/* The same bundle without blocking, for a daemon's main loop:
 *
 *   struct ofp_bundle bd;  ofp_bundle_init(&bd);
 *   err = ofp_bundle_begin(conn, &bd, &msgs);     // open + adds + barrier
 *   ... each iteration: ofp_conn_run(conn);
 *       while (ofp_conn_recv(conn, &msg))
 *           if (!ofp_bundle_handle(conn, &bd, msg.data, msg.size)) other(msg);
 *       if (ofp_bundle_is_done(conn, &bd)) { err = ofp_bundle_result(&bd, &idx); ... }
 *   ofp_bundle_destroy(&bd);
 *
 * ofp_bundle_handle() consumes the replies that belong to the bundle (and
 * sends the commit, or the discard if an add was rejected, when the barrier
 * reply arrives).  A lost connection ends the bundle with an error (the
 * switch discards it).  One bundle per struct; several may be in flight. */
struct ofp_bundle {
    int state;
    uint32_t bundle_id, open_xid, first_xid, barrier_xid, commit_xid;
    size_t n_msgs;
    unsigned int seqno;
    bool discard;
    long failed_index;
    struct ofpbuf errors;
};
void ofp_bundle_init(struct ofp_bundle *);
void ofp_bundle_destroy(struct ofp_bundle *);
char *ofp_bundle_begin(struct ofp_conn *, struct ofp_bundle *,
                       const struct ofpbuf *msgs);
bool ofp_bundle_handle(struct ofp_conn *, struct ofp_bundle *,
                       const uint8_t *msg, size_t len);
bool ofp_bundle_is_done(struct ofp_conn *, struct ofp_bundle *);
/* NULL if the bundle was committed, else the error (caller frees). */
char *ofp_bundle_result(struct ofp_bundle *, long *failed_index);

/* Splits B (concatenated messages) into the offset of the next message;
 * returns false at the end or on a malformed header. */
bool ofp_next_msg(const struct ofpbuf *b, size_t *ofs, const uint8_t **msg,
                  size_t *len);

#endif
