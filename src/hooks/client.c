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
 * Protocol: request = "AGENT\nPROJECT_DIR\n" + payload bytes, then the client shuts down its
 * write side. Response = "CODE STDOUT_LEN STDERR_LEN\n" + stdout bytes + stderr bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp(int fd, size_t *len) {
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  if (!buf) return NULL;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (!nb) { free(buf); return NULL; }
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) { if (errno == EINTR) continue; free(buf); return NULL; }
    if (r == 0) break;
    n += (size_t)r;
  }
  *len = n;
  return buf;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w; n -= (size_t)w;
  }
  return 0;
}

/* The ordinary hook, fed the payload we already read. */
static int fallback(char **argv, int argc, const char *payload, size_t len) {
  int p[2];
  if (pipe(p) != 0) return 2;
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    dup2(p[0], 0);
    close(p[0]); close(p[1]);
    char *args[8];
    int k = 0;
    args[k++] = argv[3]; args[k++] = argv[4]; args[k++] = "hook"; args[k++] = argv[1];
    if (argc >= 7 && strcmp(argv[5], "--policy") == 0) { args[k++] = "--policy"; args[k++] = argv[6]; }
    args[k] = NULL;
    execv(argv[3], args);
    _exit(2);
  }
  close(p[0]);
  write_all(p[1], payload, len);
  close(p[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: warden-hook-client AGENT SOCKET NODE WARDEN_JS [--policy FILE]\n");
    return 2;
  }
  size_t len = 0;
  char *payload = slurp(0, &len);
  if (!payload) { fprintf(stderr, "Warden: cannot read the hook input; failing closed\n"); return 2; }

  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (s < 0 || strlen(argv[2]) >= sizeof addr.sun_path) return fallback(argv, argc, payload, len);
  strcpy(addr.sun_path, argv[2]);
  struct timeval tv = { 9, 0 }; /* inside the agent's 10 s hook timeout */
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) { close(s); return fallback(argv, argc, payload, len); }

  const char *project = getenv("QWEN_PROJECT_DIR");
  if (!project) project = getenv("CLAUDE_PROJECT_DIR");
  if (!project) project = getenv("GEMINI_PROJECT_DIR");
  if (!project) project = "";
  if (write_all(s, argv[1], strlen(argv[1])) || write_all(s, "\n", 1) || write_all(s, project, strlen(project)) || write_all(s, "\n", 1) || write_all(s, payload, len)) {
    close(s);
    return fallback(argv, argc, payload, len);
  }
  shutdown(s, SHUT_WR);
  size_t rlen = 0;
  char *resp = slurp(s, &rlen);
  close(s);
  int code; size_t olen, elen, hdr = 0;
  char *nl = resp ? memchr(resp, '\n', rlen < 64 ? rlen : 64) : NULL;
  if (nl) { *nl = 0; hdr = (size_t)(nl - resp) + 1; }
  if (!nl || sscanf(resp, "%d %zu %zu", &code, &olen, &elen) != 3 || hdr + olen + elen != rlen) {
    free(resp);
    return fallback(argv, argc, payload, len);
  }
  write_all(1, resp + hdr, olen);
  write_all(2, resp + hdr + olen, elen);
  free(resp);
  free(payload);
  return code;
}
