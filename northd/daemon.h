/* daemon.h: the small part of daemon life loom-northd needs: --detach,
 * --pidfile, and orderly exit on SIGTERM/SIGINT.
 *
 * Detaching forks once; the parent waits on a pipe until the child says it
 * is ready (or died), so "loom-northd --detach" exits 0 only when the
 * daemon really runs, and with the child's status otherwise.  The pid file
 * is written and fcntl-locked by the final process (the lock, not the pid,
 * says "running": zombies and reused pids do not block a restart), and
 * removed at exit. */
#ifndef LOOM_NORTHD_DAEMON_H
#define LOOM_NORTHD_DAEMON_H 1

#include <stdbool.h>

/* Forks (if DETACH) and writes PIDFILE (if not NULL).  Returns 0 in the
 * process that goes on, or exits: the parent with 0 once the child calls
 * nd_daemon_ready() (or with 1 if it dies first).  On error (pid file
 * taken, fork failure) logs and returns -1. */
int nd_daemon_start(bool detach, bool chdir_root, const char *pidfile);

/* Tells the waiting parent that start-up succeeded; detaches stdio. */
void nd_daemon_ready(void);

/* True once SIGTERM or SIGINT arrived. */
bool nd_daemon_should_exit(void);

/* Removes the pid file (also done at exit). */
void nd_daemon_cleanup(void);

#endif
