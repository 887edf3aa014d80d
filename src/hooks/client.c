/*
 * warden-hook-client: the thin hook for resident mode (`warden daemon`). An agent runs it per
 * tool call instead of starting Node: it reads the hook payload on stdin, hands it to the daemon
 * over a Unix socket and replays the daemon's answer (exit code, stdout, stderr).
 *
 *   warden-hook-client AGENT SOCKET NODE WARDEN_JS [--policy FILE] [--start SECONDS] [--fallback-sh CMD]
 *
 * If the daemon cannot be reached or answers badly, it runs the ordinary hook
 * (`NODE WARDEN_JS hook AGENT`, or the shell command CMD: the per-process hook with its start-up
 * snapshots) with the same input, so the guard never silently lapses.
 *
 * --start (the default of `warden install`): when no daemon answers, the client also starts one,
 * detached, that leaves after SECONDS without a call (`warden daemon --idle-exit`); one client at a
 * time starts it (a lock file beside the socket). And it talks only to a daemon that is Warden: the
 * process at the other end of the socket must be this user's, run this Node, and have been started
 * as `NODE WARDEN_JS daemon` with this call's HOME, WARDEN_HOME and WARDEN_POLICY; anything else on
 * the socket is ignored as if absent (the call is judged per process).
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
#include <limits.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define READ_MS 3000     /* agents write the payload at once and close stdin */
#define DAEMON_MS 5500   /* past this the ordinary hook gets the rest of the time */
#define DEADLINE_MS 7500 /* inside the agent's 10 s hook timeout */
#define MAX_PAYLOAD (4 * 1024 * 1024) /* as MAX_HOOK_INPUT in src/hooks/install.ts */

static struct timespec started;

/* The options after WARDEN_JS (see the usage above). */
static const char *policy_file, *start_secs, *fallback_sh;

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
  size_t seen = in->n > MAX_PAYLOAD ? MAX_PAYLOAD : in->n; /* past the cap only the cap was kept */
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

/* Reads a /proc file of at most `cap` bytes into `out` (NUL-terminated): its length, or -1. */
static ssize_t read_proc(const char *path, char *out, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, out + n, cap - 1 - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
    if (n == cap - 1) break;
  }
  close(fd);
  out[n] = 0;
  return (ssize_t)n;
}

/* Whether two paths name the same file (after links): how a daemon's Node and script are compared. */
static int same_file(const char *a, const char *b) {
  char ra[PATH_MAX], rb[PATH_MAX];
  return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/*
 * Whether the daemon judges as this call would per process: the variables that choose the policy
 * and the home (~ in policy paths, the protected files) must be as in our environment. A daemon
 * started from another shell (another WARDEN_POLICY, say) is not asked; the call is judged per
 * process, with its own settings.
 */
static int same_setting(pid_t pid) {
  static const char *names[] = { "HOME", "WARDEN_HOME", "WARDEN_POLICY" };
  static char env[65536];
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
  ssize_t n = read_proc(path, env, sizeof env);
  if (n < 0 || n == (ssize_t)sizeof env - 1) return 0; /* unreadable, or too long to be sure */
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
    const char *ours = getenv(names[k]), *theirs = "";
    size_t len = strlen(names[k]);
    for (const char *e = env; e < env + n; e += strlen(e) + 1)
      if (strncmp(e, names[k], len) == 0 && e[len] == '=') theirs = e + len + 1;
    if (strcmp(ours ? ours : "", theirs) != 0) return 0;
  }
  return 1;
}

/*
 * Whether the process answering on socket `s` is a Warden daemon of this user: same uid, running
 * NODE (argv[3]), started as `NODE WARDEN_JS daemon …`. A program that took the socket's path
 * (the agent's own, say) fails this, and the call goes to the ordinary hook instead.
 */
static int peer_is_warden(int s, char **argv) {
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != geteuid() || cred.pid <= 0) return 0;
  char path[64], exe[PATH_MAX], cmd[8192];
  snprintf(path, sizeof path, "/proc/%d/exe", (int)cred.pid);
  ssize_t n = readlink(path, exe, sizeof exe - 1);
  if (n <= 0) return 0;
  exe[n] = 0;
  if (!same_file(exe, argv[3])) return 0;
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)cred.pid);
  ssize_t c = read_proc(path, cmd, sizeof cmd);
  if (c <= 0) return 0;
  /* cmdline: NUL-separated arguments; the second must be WARDEN_JS and the third "daemon". */
  const char *a1 = memchr(cmd, 0, (size_t)c);
  if (!a1 || a1 + 1 >= cmd + c) return 0;
  a1++;
  const char *a2 = a1 + strlen(a1) + 1;
  if (a2 >= cmd + c || strcmp(a2, "daemon") != 0) return 0;
  if (!same_file(a1, argv[4])) return 0;
  return same_setting(cred.pid);
}

/* How long a start in progress (the lock beside the socket) keeps other clients from starting one. */
#define START_LOCK_MS 15000

/*
 * Starts the daemon, detached from the agent (its own session, no inherited pipes or NODE_OPTIONS),
 * unless another client did so in the last START_LOCK_MS: the lock `SOCKET.starting`, which the
 * daemon removes once it listens. Best effort: this call is judged by the ordinary hook anyway.
 */
static void start_daemon(char **argv) {
  char lock[PATH_MAX];
  if (snprintf(lock, sizeof lock, "%s.starting", argv[2]) >= (int)sizeof lock) return;
  int fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    struct stat st;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (errno != EEXIST || lstat(lock, &st) != 0) return;
    /* A lock left by a start that failed: taken over once it is old, or at once when the daemon that
       wrote its pid there (as it starts) is gone. Anything but a plain file there (a link, a FIFO
       that would block a read until the agent's timeout) was planted: never ours, replaced. */
    int owner = 0;
    if (S_ISREG(st.st_mode)) {
      char held[32];
      int lf = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      ssize_t n = lf >= 0 ? read(lf, held, sizeof held - 1) : -1;
      if (lf >= 0) close(lf);
      held[n > 0 ? n : 0] = 0;
      owner = atoi(held);
    }
    int dead = owner > 0 && kill(owner, 0) != 0 && errno == ESRCH;
    int fresh = (now.tv_sec - st.st_mtime) * 1000L < START_LOCK_MS;
    if (S_ISREG(st.st_mode) && !dead && fresh) return;
    unlink(lock);
    fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return;
  }
  close(fd);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    if (fork() != 0) _exit(0);
    int null = open("/dev/null", O_RDWR);
    /* Its own lines (why it did not start, why it left) in SOCKET.log, started afresh past 1 MB. */
    char logp[PATH_MAX];
    struct stat ls;
    int big = snprintf(logp, sizeof logp, "%s.log", argv[2]) < (int)sizeof logp && stat(logp, &ls) == 0 &&
              ls.st_size > 1024 * 1024;
    /* (never through a link, and not a FIFO someone left there: opening it would wait for a reader) */
    int log = open(logp, O_WRONLY | O_CREAT | O_APPEND | (big ? O_TRUNC : 0) | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (log >= 0 && (fstat(log, &ls) != 0 || !S_ISREG(ls.st_mode))) {
      close(log);
      log = -1;
    }
    dup2(null, 0);
    dup2(null, 1);
    dup2(log >= 0 ? log : null, 2);
    for (int f = 3; f < 1024; f++) close(f);
    if (chdir("/") != 0) _exit(2);
    unsetenv("NODE_OPTIONS");
    char *args[12];
    int k = 0;
    args[k++] = argv[3]; args[k++] = argv[4]; args[k++] = "daemon";
    args[k++] = "--socket"; args[k++] = argv[2];
    args[k++] = "--idle-exit"; args[k++] = (char *)start_secs;
    if (policy_file) { args[k++] = "--policy"; args[k++] = (char *)policy_file; }
    args[k] = NULL;
    execv(argv[3], args);
    _exit(127);
  }
  if (pid > 0) while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  else unlink(lock);
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
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
    /* Nobody there (no socket, or a stale one): start a daemon for the next call. */
    if (start_secs && (errno == ENOENT || errno == ECONNREFUSED)) start_daemon(argv);
    close(s);
    return 0;
  }
  if (start_secs && !peer_is_warden(s, argv)) { close(s); return 0; }
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
  int done = read_until(s, &resp, (size_t)MAX_PAYLOAD * 4, DAEMON_MS);
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
static int fallback(char **argv, const struct buf *in) {
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
    if (fallback_sh) {
      /* The per-process hook as `warden install` writes it: it keeps its own deadline. */
      char *args[] = { "/bin/sh", "-c", (char *)fallback_sh, NULL };
      execv(args[0], args);
      _exit(127);
    }
    char *args[10];
    int k = 0;
    args[k++] = argv[3]; args[k++] = argv[4]; args[k++] = "hook"; args[k++] = argv[1];
    args[k++] = "--budget-ms"; args[k++] = budget;
    if (policy_file) { args[k++] = "--policy"; args[k++] = (char *)policy_file; }
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
  const char *usage = "usage: warden-hook-client AGENT SOCKET NODE WARDEN_JS [--policy FILE] [--start SECONDS] "
                      "[--fallback-sh CMD]\n";
  if (argc < 5) {
    fputs(usage, stderr);
    return 2;
  }
  for (int i = 5; i < argc; i += 2) {
    const char **opt = strcmp(argv[i], "--policy") == 0        ? &policy_file
                       : strcmp(argv[i], "--start") == 0       ? &start_secs
                       : strcmp(argv[i], "--fallback-sh") == 0 ? &fallback_sh
                                                               : NULL;
    if (!opt || i + 1 >= argc) {
      fputs(usage, stderr);
      return 2;
    }
    *opt = argv[i + 1];
  }
  struct buf in = { 0 };
  int r = read_until(0, &in, MAX_PAYLOAD, READ_MS);
  if (r == 0)
    return deny(argv, &in, "no complete hook input on stdin within 3 s; Warden fails closed");
  if (r < 0) return deny(argv, &in, "the hook input could not be read; Warden fails closed");
  if (in.n > MAX_PAYLOAD)
    return deny(argv, &in,
                "the hook input is larger than 4194304 bytes; Warden does not judge a call this large and "
                "fails closed (split it up)");
  int code = 2;
  if (ask_daemon(argv, &in, &code)) return code;
  code = fallback(argv, &in);
  if (code == 0 || code == 2) return code;
  return deny(argv, &in,
              "Warden did not finish judging within 7.5 s (the daemon and the ordinary hook were late or "
              "failed) and fails closed; try again");
}
