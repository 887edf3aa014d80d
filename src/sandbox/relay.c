/*
 * warden-relay: runs inside a `warden run` sandbox as the agent's parent. The sandbox has loopback
 * only, so this relays 127.0.0.1:PORT to Warden's Unix sockets bound into it (the egress proxy,
 * the gateway), runs the agent, and exits with its status. Compiled C so that it adds about a
 * millisecond to the agent's start (a Node relay, src/sandbox/relay.mjs, is the fallback where no C
 * compiler is found: same arguments, same behaviour).
 *
 *   warden-relay [--netrec SOCKET [--as UID:GID]] PORT=SOCKET... -- AGENT [ARGS...]
 *   warden-relay --record SOCKET        (outside the sandbox: the network recorder, netrec.c)
 *
 * With --netrec (bubblewrap gave it CAP_NET_ADMIN, CAP_NET_RAW and CAP_SETPCAP), before the agent
 * starts it gives every address a local route (so a direct connect anywhere is refused at once on
 * the sandbox's own loopback), opens a packet socket on lo and hands it OUT to Warden's recorder
 * over SOCKET (SCM_RIGHTS): the agent can neither see, kill nor starve the reader. In every mode it
 * then drops every capability (bounding set, ambient, securebits locked) and refuses to start an
 * agent that would still hold one.
 *
 * Each accepted connection is served by a child process of its own (poll() between the two ends,
 * half-closes passed on); the children die with the sandbox's PID namespace. A socket that is not
 * there yet (Warden still starting) is retried every millisecond for up to 5 s.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netrec.c"

#define MAX_PAIRS 8

static int sigpipe_fds[2];
static pid_t agent = -1;

static void on_signal(int sig) {
  if (sig == SIGCHLD) {
    int saved = errno;
    (void)!write(sigpipe_fds[1], "c", 1);
    errno = saved;
  } else if (agent > 0)
    kill(agent, sig);
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 128) < 0) return -1;
  return fd;
}

static int connect_unix(const char *path) {
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  for (int tries = 0; tries < 5000; tries++) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
    int e = errno;
    close(fd);
    if (e != ENOENT && e != ECONNREFUSED) return -1;
    struct timespec one_ms = {0, 1000 * 1000}; /* Warden's sockets come within milliseconds */
    nanosleep(&one_ms, NULL);
  }
  return -1;
}

/* Copies what is readable on `from` to `to`; 0 at end of input (passed on as a half-close). */
static int pump(int from, int to) {
  char buf[65536];
  ssize_t n = read(from, buf, sizeof buf);
  if (n <= 0) {
    shutdown(to, SHUT_WR);
    return 0;
  }
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, n - off);
    if (w <= 0) return 0;
    off += w;
  }
  return 1;
}

static void serve(int client, const char *path) {
  int up = connect_unix(path);
  if (up < 0) _exit(1);
  struct pollfd p[2] = {{client, POLLIN, 0}, {up, POLLIN, 0}};
  int open_in[2] = {1, 1};
  while (open_in[0] || open_in[1]) {
    if (poll(p, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; i++)
      if (open_in[i] && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(p[i].fd, p[1 - i].fd)) {
        open_in[i] = 0;
        p[i].fd = -1;
      }
  }
  _exit(0);
}

int main(int argc, char **argv) {
  int ports[MAX_PAIRS], fds[MAX_PAIRS], n = 0, i = 1;
  const char *paths[MAX_PAIRS], *netrec = NULL, *ids = NULL;
  if (argc == 3 && strcmp(argv[1], "--record") == 0) return record_main(argv[2]);
  if (argc > 2 && strcmp(argv[1], "--netrec") == 0) {
    netrec = argv[2];
    i = 3;
    if (argc > 4 && strcmp(argv[3], "--as") == 0) {
      ids = argv[4];
      i = 5;
    }
  }
  for (; i < argc && strcmp(argv[i], "--") != 0 && n < MAX_PAIRS; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) break;
    *eq = 0;
    ports[n] = atoi(argv[i]);
    paths[n] = eq + 1;
    n++;
  }
  if (i >= argc - 1 || strcmp(argv[i], "--") != 0) {
    fprintf(stderr, "usage: warden-relay PORT=SOCKET... -- AGENT [ARGS...]\n");
    return 125;
  }
  char **cmd = argv + i + 1;
  for (int k = 0; k < n; k++)
    if ((fds[k] = listen_on(ports[k])) < 0) {
      fprintf(stderr, "warden run: the sandbox relay could not listen on 127.0.0.1:%d (%s)\n", ports[k],
              strerror(errno));
      return 125;
    }
  if (netrec && hand_out_packets(netrec) < 0) return 125;
  if (ids && become(ids) < 0) {
    fprintf(stderr, "warden run: the sandbox relay could not restore your ids %s (%s)\n", ids, strerror(errno));
    return 125;
  }
  if (drop_all_caps() < 0) {
    fprintf(stderr, "warden run: the sandbox relay could not drop its capabilities; the agent was not started\n");
    return 125;
  }
  if (pipe2(sigpipe_fds, O_CLOEXEC | O_NONBLOCK) < 0) return 125;
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  agent = fork();
  if (agent == 0) {
    signal(SIGPIPE, SIG_DFL);
    execvp(cmd[0], cmd);
    fprintf(stderr, "warden run: cannot start %s (%s)\n", cmd[0], strerror(errno));
    _exit(127);
  }
  struct pollfd p[MAX_PAIRS + 1];
  for (int k = 0; k < n; k++) p[k] = (struct pollfd){fds[k], POLLIN, 0};
  p[n] = (struct pollfd){sigpipe_fds[0], POLLIN, 0};
  for (;;) {
    if (poll(p, n + 1, -1) < 0 && errno != EINTR) return 125;
    if (p[n].revents & POLLIN) {
      char c[64];
      while (read(sigpipe_fds[0], c, sizeof c) > 0) {
      }
      int status;
      pid_t w;
      while ((w = waitpid(-1, &status, WNOHANG)) > 0)
        if (w == agent) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    for (int k = 0; k < n; k++) {
      if (!(p[k].revents & POLLIN)) continue;
      int c = accept4(fds[k], NULL, NULL, SOCK_CLOEXEC);
      if (c < 0) continue;
      if (fork() == 0) {
        for (int j = 0; j < n; j++) close(fds[j]);
        serve(c, paths[k]);
      }
      close(c);
    }
  }
}
