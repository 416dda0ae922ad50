#pragma once
/* Thin C helpers for Linux calls Swift cannot reach directly (variadic syscall(),
 * struct ucred behind _GNU_SOURCE, posix_spawn attribute plumbing). */
#include <stdint.h>
#include <sys/types.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/eventfd.h>
#include <sys/un.h>
#include <poll.h>

/* SO_PEERCRED of a connected Unix socket. Returns 0 or -errno. */
int tocsin_peercred(int fd, uint32_t *uid, uint32_t *gid, int32_t *pid);

/* pidfd_open(2). Returns the fd or -errno. */
int tocsin_pidfd_open(pid_t pid);

/* Blocks SIGTERM, SIGINT, SIGHUP, SIGCHLD and SIGPIPE-ignore; returns a signalfd for the
 * first four (non-blocking, close-on-exec) or -errno. */
int tocsin_signalfd_setup(void);

/* Reads one signal from a signalfd: its number, 0 when none is pending, -errno on error. */
int tocsin_signalfd_read(int fd);

/* Spawns path with argv/envp in a new process group, stdin/stdout/stderr from the given
 * fds (stderr = stdout), the signal mask cleared and default dispositions restored.
 * Returns 0 and sets *pid, or an errno value. */
int tocsin_spawn(const char *path, char *const argv[], char *const envp[], int stdin_fd, int stdout_fd, pid_t *pid);

/* Sets O_NONBLOCK on fd. Returns 0 or -errno. */
int tocsin_set_nonblocking(int fd);

/* accept4(2) with SOCK_NONBLOCK | SOCK_CLOEXEC. Returns the fd or -errno. */
int tocsin_accept(int fd);

/* pipe2(2) with O_CLOEXEC. Returns 0 or -errno. */
int tocsin_pipe(int fds[2]);

/* Whether the child pid has ended, without reaping it (waitid with WNOWAIT): 1 and its exit
 * code or killing signal, 0 while it runs, or -errno. The zombie keeps its process group
 * reserved until waitpid reaps it, so the group can still be killed safely. */
int tocsin_exited_nowait(pid_t pid, int *code, int *signal);

/* renameat2(RENAME_NOREPLACE): moves old_name of old_dir to new_name of new_dir unless
 * new_name exists. Returns 0 or -errno (-EEXIST when it exists). */
int tocsin_rename_noreplace(int old_dir, const char *old_name, int new_dir, const char *new_name);
