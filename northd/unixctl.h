/* unixctl.h: a control socket that ovs-appctl (and loom's tools) can talk
 * to: JSON-RPC requests {"method": CMD, "params": [ARGS...]} answered with
 * {"result": TEXT} or {"error": TEXT}, as ovs-appctl expects.
 *
 * Commands are registered with a callback that returns the reply text
 * synchronously.  Up to 16 clients at once; a client that sends garbage is
 * dropped. */
#ifndef LOOM_NORTHD_UNIXCTL_H
#define LOOM_NORTHD_UNIXCTL_H 1

#include <stdbool.h>

struct nd_unixctl;

/* Returns a malloc'd reply; sets *IS_ERROR for an error reply. */
typedef char *nd_unixctl_cb(int argc, const char *const *argv, void *aux,
                            bool *is_error);

/* Listens on unix socket PATH (removed first if stale).  Returns NULL and
 * logs on failure. */
struct nd_unixctl *nd_unixctl_create(const char *path);
void nd_unixctl_destroy(struct nd_unixctl *);
void nd_unixctl_register(struct nd_unixctl *, const char *name,
                         const char *usage, int min_args, int max_args,
                         nd_unixctl_cb *, void *aux);
void nd_unixctl_run(struct nd_unixctl *);
void nd_unixctl_wait(struct nd_unixctl *);

#endif
