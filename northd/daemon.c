/* daemon.c: see daemon.h. */
#define LOG_MODULE "northd"
#include "northd/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/log.h"

static char *pidfile_path;
static int ready_fd = -1;
static volatile sig_atomic_t exit_requested;

static void
on_signal(int sig)
{
    (void) sig;
    exit_requested = 1;
}

bool nd_daemon_should_exit(void) { return exit_requested != 0; }

void
nd_daemon_cleanup(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        free(pidfile_path);
        pidfile_path = NULL;
    }
}

/* Pid files are locked (fcntl write lock) by the daemon for its whole
 * life, as OVS does: a killed daemon's lock vanishes with it, even while
 * it lingers as a zombie or its pid is reused, so only a lock -- never a
 * pid that happens to answer kill(0) -- means "running". */
static int pidfile_fd = -1;

/* Returns the pid holding PATH's lock, or 0 if none. */
static pid_t
pidfile_locker(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return 0;
    }
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    pid_t pid = 0;
    if (!fcntl(fd, F_GETLK, &lk) && lk.l_type != F_UNLCK) {
        pid = lk.l_pid ? lk.l_pid : -1;
    }
    close(fd);
    return pid;
}

static int
write_pidfile(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        log_err("cannot create pid file %s: %s", path, strerror(errno));
        return -1;
    }
    struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &lk)) {
        log_err("pid file %s is locked by another running process; not "
                "starting", path);
        close(fd);
        return -1;
    }
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) || write(fd, buf, (size_t) n) != n) {
        log_err("cannot write pid file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    pidfile_fd = fd;                /* held open: the lock lives with it */
    pidfile_path = strdup(path);
    atexit(nd_daemon_cleanup);
    return 0;
}

int
nd_daemon_start(bool detach, bool chdir_root, const char *pidfile)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (pidfile) {
        pid_t other = pidfile_locker(pidfile);
        if (other) {
            log_err("pid file %s is held by running process %ld; not "
                    "starting", pidfile, (long) other);
            return -1;
        }
    }
    if (detach) {
        int fds[2];
        if (pipe(fds)) {
            log_err("pipe: %s", strerror(errno));
            return -1;
        }
        pid_t pid = fork();
        if (pid < 0) {
            log_err("fork: %s", strerror(errno));
            return -1;
        }
        if (pid > 0) {
            /* Parent: wait for the child's "ready" byte. */
            close(fds[1]);
            char c;
            ssize_t n;
            do {
                n = read(fds[0], &c, 1);
            } while (n < 0 && errno == EINTR);
            if (n == 1) {
                _exit(0);
            }
            int status = 0;
            waitpid(pid, &status, 0);
            _exit(WIFEXITED(status) && WEXITSTATUS(status)
                  ? WEXITSTATUS(status) : 1);
        }
        close(fds[0]);
        ready_fd = fds[1];
        setsid();
        if (chdir_root && chdir("/")) {
            log_warn("chdir /: %s", strerror(errno));
        }
    }
    if (pidfile && write_pidfile(pidfile)) {
        return -1;
    }
    return 0;
}

void
nd_daemon_ready(void)
{
    if (ready_fd < 0) {
        return;
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    ssize_t n;
    do {
        n = write(ready_fd, "", 1);
    } while (n < 0 && errno == EINTR);
    close(ready_fd);
    ready_fd = -1;
}
