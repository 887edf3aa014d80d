/*
 * warden-hook-client: the thin hook for resident mode (`warden daemon`). An agent runs it per
 * tool call instead of starting Node: it reads the hook payload on stdin, hands it to the daemon
 * over a Unix socket and replays the daemon's answer (exit code, stdout, stderr).
 *
 *   warden-hook-client AGENT SOCKET NODE WARDEN_JS [--policy FILE]
 *
 * If the daemon cannot be reached or answers badly, it runs the ordinary hook
 * (`NODE WARDEN_JS hook AGENT`) with the same input, so the guard never silently lapses.
 *
 * Deadline: the agent lets the tool run when a hook is late (10 s), so every step here waits
 * with poll() against one clock started at launch: the input for at most READ_MS, the daemon
 * until DAEMON_MS (a stopped or stuck daemon accepts connections and never answers), the
 * ordinary hook until DEADLINE_MS, when it is killed. Whatever did not finish by then, the client
 * prints the agent's deny itself and records it in the background (`warden hook AGENT --late`).
 *
 * Protocol: request = "AGENT\nPROJECT_DIR\n" + payload bytes, then the client shuts down its
 * write side. Response = "CODE STDOUT_LEN STDERR_LEN\n" + stdout bytes + stderr bytes.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
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

#define READ_MS 3000     /* agents write the payload at once and close stdin */
#define DAEMON_MS 5500   /* past this the ordinary hook gets the rest of the time */
#define DEADLINE_MS 7500 /* inside the agent's 10 s hook timeout */
#define MAX_INPUT (4 * 1024 * 1024) /* as MAX_HOOK_INPUT in src/hooks/install.ts */

static struct timespec started;

static long elapsed_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - started.tv_sec) * 1000L + (now.tv_nsec - started.tv_nsec) / 1000000L;
}

/* Milliseconds left until `until` (from launch), never negative. */
static int left(long until) {
  long l = until - elapsed_ms();
  return l > 0 ? (int)l : 0;
}

/* Waits until fd is ready for `events` or `until` passes: 1 ready, 0 out of time. */
static int wait_fd(int fd, short events, long until) {
  for (;;) {
    struct pollfd p = { fd, events, 0 };
    int r = poll(&p, 1, left(until));
    if (r > 0) return 1;
    if (r == 0) return 0;
    if (errno != EINTR) return 1; /* let the read or write report the error */
  }
}

struct buf { char *p; size_t n, cap; };

static int grow(struct buf *b, size_t more) {
  if (b->n + more <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 65536;
  while (cap < b->n + more) cap *= 2;
  char *np = realloc(b->p, cap);
  if (!np) return -1;
  b->p = np;
  b->cap = cap;
  return 0;
}

/* Reads fd to its end, keeping at most `keep` bytes: 1 at the end, 0 out of time, -1 an error. */
static int read_until(int fd, struct buf *b, size_t keep, long until) {
  char tmp[65536];
  for (;;) {
    if (!wait_fd(fd, POLLIN, until)) return 0;
    ssize_t r = read(fd, tmp, sizeof tmp);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r < 0) return -1;
    if (r == 0) return 1;
    size_t take = b->n >= keep ? 0 : ((size_t)r < keep - b->n ? (size_t)r : keep - b->n);
    if (take && grow(b, take) != 0) return -1;
    if (take) memcpy(b->p + b->n, tmp, take);
    b->n += take;
    if ((size_t)r > take) b->n = keep + 1; /* marks "over the cap"; the rest is drained */
  }
}

static int write_all(int fd, const char *p, size_t n, long until) {
  while (n > 0) {
    if (!wait_fd(fd, POLLOUT, until)) return -1;
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR || errno == EAGAIN) continue; return -1; }
    p += w; n -= (size_t)w;
  }
  return 0;
}

/* The call's deny in the agent's protocol (as answer() in src/hooks/adapters.ts), then exit 2. */
static int deny(char **argv, const struct buf *in, const char *reason) {
  int gemini = strcmp(argv[1], "gemini-cli") == 0;
  size_t seen = in->n > MAX_INPUT ? MAX_INPUT : in->n; /* past the cap only the cap was kept */
  int prompt = !(seen && memmem(in->p, seen, "\"tool_name\"", 11));
  if (gemini)
    printf("{\"decision\":\"deny\",\"reason\":\"Warden denied this: %s\"}\n", reason);
  else if (prompt)
    printf("{\"decision\":\"block\",\"reason\":\"Warden denied this: %s\"}\n", reason);
  else
    printf("{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\","
           "\"permissionDecisionReason\":\"Warden denied this: %s\"}}\n", reason);
  fflush(stdout);
  fprintf(stderr, "Warden denied this: %s\n", reason);
  fflush(stderr);
  /* The record, in a process of its own that outlives us, off the agent's pipes. */
  int p[2];
  if (pipe(p) == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      setsid();
      if (fork() != 0) _exit(0);
      int null = open("/dev/null", O_RDWR);
      dup2(p[0], 0);
      dup2(null, 1);
      dup2(null, 2);
      close(p[0]); close(p[1]);
      char *args[] = { argv[3], argv[4], "hook", argv[1], "--late", (char *)reason, NULL };
      execv(argv[3], args);
      _exit(2);
    }
    close(p[0]);
    if (pid > 0) {
      while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
      /* As much of the payload as the pipe takes without waiting: the record is a best effort. */
      fcntl(p[1], F_SETFL, O_NONBLOCK);
      if (seen) { ssize_t w = write(p[1], in->p, seen); (void)w; }
    }
    close(p[1]);
  }
  return 2;
}

/* The daemon's answer, replayed: 1 when it answered in time and well, else 0. */
static int ask_daemon(char **argv, const struct buf *in, int *code) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (s < 0) return 0;
  if (strlen(argv[2]) >= sizeof addr.sun_path) { close(s); return 0; }
  strcpy(addr.sun_path, argv[2]);
  fcntl(s, F_SETFL, O_NONBLOCK); /* a full backlog fails at once instead of blocking */
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) { close(s); return 0; }
  const char *project = getenv("QWEN_PROJECT_DIR");
  if (!project) project = getenv("CLAUDE_PROJECT_DIR");
  if (!project) project = getenv("GEMINI_PROJECT_DIR");
  if (!project) project = "";
  if (write_all(s, argv[1], strlen(argv[1]), DAEMON_MS) || write_all(s, "\n", 1, DAEMON_MS) ||
      write_all(s, project, strlen(project), DAEMON_MS) || write_all(s, "\n", 1, DAEMON_MS) ||
      write_all(s, in->p, in->n, DAEMON_MS)) {
    close(s);
    return 0;
  }
  shutdown(s, SHUT_WR);
  struct buf resp = { 0 };
  int done = read_until(s, &resp, (size_t)MAX_INPUT * 4, DAEMON_MS);
  close(s);
  size_t olen, elen, hdr = 0;
  char *nl = done == 1 && resp.n ? memchr(resp.p, '\n', resp.n < 64 ? resp.n : 64) : NULL;
  if (nl) { *nl = 0; hdr = (size_t)(nl - resp.p) + 1; }
  if (!nl || sscanf(resp.p, "%d %zu %zu", code, &olen, &elen) != 3 || hdr + olen + elen != resp.n) {
    free(resp.p);
    return 0;
  }
  write_all(1, resp.p + hdr, olen, DEADLINE_MS);
  write_all(2, resp.p + hdr + olen, elen, DEADLINE_MS);
  free(resp.p);
  return 1;
}

/*
 * The ordinary hook, fed the payload we already read, until the deadline. Its stdout is held
 * until it exits, so a deny printed after a kill is never mixed with part of its answer.
 * Returns its exit code, or -1 when it did not finish in time (killed) or could not start.
 */
static int fallback(char **argv, int argc, const struct buf *in) {
  int pin[2], pout[2];
  if (pipe(pin) != 0) return -1;
  if (pipe(pout) != 0) { close(pin[0]); close(pin[1]); return -1; }
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(pin[0], 0);
    dup2(pout[1], 1);
    close(pin[0]); close(pin[1]); close(pout[0]); close(pout[1]);
    /* Its own budget: what is left of ours, less a margin to answer (and record) before the kill. */
    char budget[32];
    snprintf(budget, sizeof budget, "%d", left(DEADLINE_MS) - 700);
    char *args[10];
    int k = 0;
    args[k++] = argv[3]; args[k++] = argv[4]; args[k++] = "hook"; args[k++] = argv[1];
    args[k++] = "--budget-ms"; args[k++] = budget;
    if (argc >= 7 && strcmp(argv[5], "--policy") == 0) { args[k++] = "--policy"; args[k++] = argv[6]; }
    args[k] = NULL;
    execv(argv[3], args);
    _exit(127);
  }
  close(pin[0]);
  close(pout[1]);
  fcntl(pin[1], F_SETFL, O_NONBLOCK);
  int wr = pin[1];
  size_t sent = 0;
  struct buf out = { 0 };
  int ended = 0;
  /* Feed stdin and collect stdout together: a child that does not read must not stall us. */
  while (!ended) {
    struct pollfd p[2] = { { pout[0], POLLIN, 0 }, { wr, POLLOUT, 0 } };
    int r = poll(p, wr >= 0 ? 2 : 1, left(DEADLINE_MS));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (wr >= 0 && p[1].revents) {
      ssize_t w = write(wr, in->p + sent, in->n - sent);
      if (w > 0) sent += (size_t)w;
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || sent == in->n) { close(wr); wr = -1; }
    }
    if (p[0].revents) {
      char tmp[65536];
      ssize_t n = read(pout[0], tmp, sizeof tmp);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) ended = 1;
      else if (grow(&out, (size_t)n) == 0) { memcpy(out.p + out.n, tmp, (size_t)n); out.n += (size_t)n; }
    }
  }
  if (wr >= 0) close(wr);
  close(pout[0]);
  int status = 0;
  pid_t w;
  /* Its stdout closed: give it what is left of the deadline to exit, then kill it. */
  while ((w = waitpid(pid, &status, WNOHANG)) == 0 && left(DEADLINE_MS) > 0) {
    struct timespec ms = { 0, 5000000 };
    nanosleep(&ms, NULL);
  }
  if (w != pid) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    free(out.p);
    return -1;
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 0 || code == 2) write_all(1, out.p, out.n, DEADLINE_MS + 1000);
  free(out.p);
  return code;
}

int main(int argc, char **argv) {
  clock_gettime(CLOCK_MONOTONIC, &started);
  signal(SIGPIPE, SIG_IGN); /* a peer that went away is an error to handle, not our death */
  if (argc < 5) {
    fprintf(stderr, "usage: warden-hook-client AGENT SOCKET NODE WARDEN_JS [--policy FILE]\n");
    return 2;
  }
  struct buf in = { 0 };
  int r = read_until(0, &in, MAX_INPUT, READ_MS);
  if (r == 0)
    return deny(argv, &in, "no complete hook input on stdin within 3 s; Warden fails closed");
  if (r < 0) return deny(argv, &in, "the hook input could not be read; Warden fails closed");
  if (in.n > MAX_INPUT)
    return deny(argv, &in,
                "the hook input is larger than 4194304 bytes; Warden does not judge a call this large and "
                "fails closed (split it up)");
  int code = 2;
  if (ask_daemon(argv, &in, &code)) return code;
  code = fallback(argv, argc, &in);
  if (code == 0 || code == 2) return code;
  return deny(argv, &in,
              "Warden did not finish judging within 7.5 s (the daemon and the ordinary hook were late or "
              "failed) and fails closed; try again");
}
