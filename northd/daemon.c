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

/* Returns the pid in PATH if that process is alive, else 0. */
static pid_t
pidfile_live_pid(const char *path)
{
    FILE *f = fopen(path, "r");
    long pid = 0;
    if (!f) {
        return 0;
    }
    if (fscanf(f, "%ld", &pid) != 1) {
        pid = 0;
    }
    fclose(f);
    if (pid > 0 && pid != getpid() && (kill((pid_t) pid, 0) == 0
                                       || errno == EPERM)) {
        return (pid_t) pid;
    }
    return 0;
}

static int
write_pidfile(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        log_err("cannot create pid file %s: %s", tmp, strerror(errno));
        return -1;
    }
    fprintf(f, "%ld\n", (long) getpid());
    if (fclose(f) || rename(tmp, path)) {
        log_err("cannot write pid file %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
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
        pid_t other = pidfile_live_pid(pidfile);
        if (other) {
            log_err("pid file %s names running process %ld; not starting",
                    pidfile, (long) other);
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
