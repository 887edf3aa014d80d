/*
 * The sandbox's network recorder, two halves of one design (included into relay.c, one binary):
 *
 * Inside (hand_out_packets, in the relay before the agent starts, holding CAP_NET_ADMIN/NET_RAW):
 * every IPv4 and IPv6 address gets a local route on lo ("AnyIP"), so a direct connect to any host
 * lands on the sandbox's own loopback and is refused at once (RST, ICMP port unreachable) instead of
 * failing with ENETUNREACH unseen; a packet socket on lo, filtered in the kernel to what an attempt
 * looks like (SYN, RST, UDP, ICMP; outgoing copies only, 1 KiB each), is passed to Warden's recorder
 * over a Unix socket and closed here. drop_all_caps() then leaves the agent nothing to undo it with.
 *
 * Outside (record_main, started by Warden, beyond the agent's PID namespace): receives that socket,
 * reads each attempt (TCP SYN to a non-loopback address; a refused TCP connect to a loopback port; a
 * UDP datagram to a non-loopback address or refused on loopback, DNS queries parsed for the name),
 * and writes one JSON line per destination per second with a count (at most MAX_KEYS destinations a
 * second, the rest counted together), so an agent looping on connect cannot flood the audit log.
 * Packets the kernel dropped because the reader fell behind are counted (PACKET_STATISTICS).
 */
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/securebits.h>
#include <net/if.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define SNAP 1024
#define MAX_KEYS 32

static int netlink_local_default(int family, int lo) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr n;
    struct rtmsg r;
    char attrs[32];
  } req;
  memset(&req, 0, sizeof req);
  req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
  req.n.nlmsg_type = RTM_NEWROUTE;
  req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
  req.n.nlmsg_seq = 1;
  req.r.rtm_family = family;
  req.r.rtm_table = RT_TABLE_LOCAL;
  req.r.rtm_protocol = RTPROT_BOOT;
  req.r.rtm_scope = RT_SCOPE_HOST;
  req.r.rtm_type = RTN_LOCAL;
  struct rtattr *a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
  a->rta_type = RTA_OIF;
  a->rta_len = RTA_LENGTH(sizeof(int));
  memcpy(RTA_DATA(a), &lo, sizeof(int));
  req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + RTA_ALIGN(a->rta_len);
  int err = -EIO;
  if (send(fd, &req, req.n.nlmsg_len, 0) < 0) {
    err = -errno;
  } else {
    char buf[512];
    ssize_t got = recv(fd, buf, sizeof buf, 0);
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (got >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR)
      err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
  }
  close(fd);
  return err;
}

/* Kernel filter: outgoing copies on lo of TCP SYN/RST, UDP and ICMP (v4 and v6), cut to SNAP bytes. */
static int attach_filter(int fd) {
  struct sock_filter f[] = {
      /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
      /* 1 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 17),
      /* 2 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL),
      /* 3 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 7, 0),
      /* 4 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 0, 14),
      /* v6: next header at 6, TCP flags at 40 + 13 (no extension headers: a packet with them is not ours) */
      /* 5 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 6),
      /* 6 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 11, 0),
      /* 7 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 10, 0),
      /* 8 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 10),
      /* 9 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 53),
      /* 10 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x06, 7, 8),
      /* v4: protocol at 9, TCP flags at IHL + 13 */
      /* 11 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),
      /* 12 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 17, 5, 0),
      /* 13 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 4, 0),
      /* 14 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 4),
      /* 15 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
      /* 16 */ BPF_STMT(BPF_LD | BPF_B | BPF_IND, 13),
      /* 17 */ BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x06, 0, 1),
      /* 18 */ BPF_STMT(BPF_RET | BPF_K, SNAP),
      /* 19 */ BPF_STMT(BPF_RET | BPF_K, 0),
  };
  struct sock_fprog prog = {sizeof f / sizeof f[0], f};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog);
}

static int connect_unix(const char *path);

/* Sends `msg` and, when fd >= 0, the fd with it. */
static int send_fd(int sock, int fd, const char *msg) {
  struct iovec iov = {(void *)msg, strlen(msg)};
  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  if (fd >= 0) {
    m.msg_control = cbuf;
    m.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
  }
  return sendmsg(sock, &m, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/*
 * Inside: routes, packet socket, hand-out. A step the kernel refuses (no capability here) is told
 * to the recorder ("no ...") and the session runs unrecorded; a recorder that cannot be reached
 * stops the start (-1): Warden asked for a record and would not get one.
 */
static int hand_out_packets(const char *path) {
  char why[256] = "";
  int lo = if_nametoindex("lo"), pfd = -1;
  int e4 = lo ? netlink_local_default(AF_INET, lo) : -ENODEV;
  int e6 = lo ? netlink_local_default(AF_INET6, lo) : -ENODEV;
  if (e4 < 0) {
    snprintf(why, sizeof why, "no local route for IPv4 (%s)", strerror(-e4));
  } else {
    /* Protocol 0 here, ETH_P_ALL at bind: the hook is registered once (a rebind waits for an RCU grace period). */
    pfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_ll sll = {0};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = lo;
    int big = 4 << 20;
    if (pfd < 0 || attach_filter(pfd) < 0 || bind(pfd, (struct sockaddr *)&sll, sizeof sll) < 0) {
      snprintf(why, sizeof why, "no packet socket on lo (%s)", strerror(errno));
      if (pfd >= 0) close(pfd);
      pfd = -1;
    } else if (setsockopt(pfd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
      setsockopt(pfd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  }
  int s = connect_unix(path);
  if (s < 0) {
    fprintf(stderr, "warden run: the sandbox relay cannot reach the network recorder (%s)\n", strerror(errno));
    if (pfd >= 0) close(pfd);
    return -1;
  }
  char msg[320];
  if (pfd >= 0)
    snprintf(msg, sizeof msg, "ok%s%s", e6 < 0 ? " ipv6-route-failed:" : "", e6 < 0 ? strerror(-e6) : "");
  else
    snprintf(msg, sizeof msg, "no %s", why);
  int r = send_fd(s, pfd, msg);
  if (pfd >= 0) close(pfd);
  close(s);
  return r;
}

static int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * For a user without root, bubblewrap (whose /dev needs a namespace root) would otherwise show the
 * sandbox the user's own uid from a user namespace nested below the one that owns the network, and
 * no capability there reaches the network. So Warden asks it for uid 0 and the relay, once the
 * network is set up, nests that user namespace itself: the agent sees the user's ids ("UID:GID"),
 * as without the recorder, and holds nothing over the network namespace.
 */
static int become(const char *ids) {
  unsigned uid, gid;
  char map[64];
  if (sscanf(ids, "%u:%u", &uid, &gid) != 2) return -1;
  unsigned outer_uid = getuid(), outer_gid = getgid();
  if (unshare(CLONE_NEWUSER) < 0) return -1;
  if (write_file("/proc/self/setgroups", "deny") < 0) return -1;
  snprintf(map, sizeof map, "%u %u 1", uid, outer_uid);
  if (write_file("/proc/self/uid_map", map) < 0) return -1;
  snprintf(map, sizeof map, "%u %u 1", gid, outer_gid);
  if (write_file("/proc/self/gid_map", map) < 0) return -1;
  return getuid() == uid && getgid() == gid ? 0 : -1;
}

/* Every capability gone for good: bounding set, ambient, inheritable, permitted, effective, and
   the root-exec rule switched off and locked, so that the agent (uid 0 in its namespace) gets none. */
static int drop_all_caps(void) {
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  for (int c = 0; c <= 63; c++) prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
  prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                               SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE |
                               SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
        0, 0, 0);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  memset(d, 0, sizeof d);
  if (syscall(SYS_capset, &h, d) < 0) return -1;
  if (syscall(SYS_capget, &h, d) < 0) return -1;
  for (int k = 0; k < 2; k++)
    if (d[k].effective || d[k].permitted || d[k].inheritable) return -1;
  /* A bounding set that kept anything (no CAP_SETPCAP to drop it) is harmless only with NOROOT set. */
  /* (Only uid 0 regains capabilities on exec; another uid's bounding set is not a way back.) */
  int noroot = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) & SECBIT_NOROOT;
  if ((getuid() == 0 || geteuid() == 0) && prctl(PR_CAPBSET_READ, CAP_NET_ADMIN, 0, 0, 0) > 0 && !noroot) return -1;
  return 0;
}

/* ---- outside: the reader ---- */

struct attempt {
  char proto[4];
  char addr[INET6_ADDRSTRLEN];
  int port;
  char name[320];
  unsigned long count;
};

static struct attempt keys[MAX_KEYS];
static int nkeys;
static unsigned long others, dropped_total;

static int loop4(const unsigned char *a) { return a[0] == 127; }
static int loop6(const unsigned char *a) {
  static const unsigned char one[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(a, one, 16) == 0 || (memcmp(a, mapped, 12) == 0 && a[12] == 127);
}

/* The first question's name of a DNS query (labels joined by dots), bytes outside [A-Za-z0-9._-] as \xNN. */
static void dns_name(const unsigned char *p, size_t len, char *out, size_t cap) {
  out[0] = 0;
  if (len < 13 || (p[2] & 0x80)) return; /* too short, or a response */
  size_t i = 12, o = 0;
  while (i < len && p[i] && o + 8 < cap) {
    unsigned l = p[i++];
    if (l > 63 || i + l > len) {
      out[0] = 0; /* a name that runs off the packet is no name */
      return;
    }
    if (o) out[o++] = '.';
    for (unsigned k = 0; k < l && o + 6 < cap; k++, i++) {
      unsigned char c = p[i];
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
        out[o++] = c;
      else
        o += snprintf(out + o, cap - o, "\\\\x%02x", c);
    }
  }
  out[o] = 0;
}

static void note(const char *proto, int family, const unsigned char *addr, int port, const char *name) {
  char a[INET6_ADDRSTRLEN];
  inet_ntop(family, addr, a, sizeof a);
  for (int k = 0; k < nkeys; k++)
    if (keys[k].port == port && !strcmp(keys[k].proto, proto) && !strcmp(keys[k].addr, a) &&
        !strcmp(keys[k].name, name)) {
      keys[k].count++;
      return;
    }
  if (nkeys == MAX_KEYS) {
    others++;
    return;
  }
  struct attempt *t = &keys[nkeys++];
  snprintf(t->proto, sizeof t->proto, "%s", proto);
  snprintf(t->addr, sizeof t->addr, "%s", a);
  snprintf(t->name, sizeof t->name, "%s", name);
  t->port = port;
  t->count = 1;
}

/* One transport header (what follows an IP header): `outer` says whether it is the packet itself
   or the one quoted in an ICMP error (then only a refused datagram to loopback counts). */
static void transport(int family, int proto, const unsigned char *src, const unsigned char *dst,
                      const unsigned char *l4, size_t len, int quoted) {
  int dst_loop = family == AF_INET ? loop4(dst) : loop6(dst);
  int src_loop = family == AF_INET ? loop4(src) : loop6(src);
  char name[320] = "";
  if (proto == 6 && len >= 20 && !quoted) {
    int sport = l4[0] << 8 | l4[1], dport = l4[2] << 8 | l4[3], flags = l4[13];
    unsigned seq = (unsigned)l4[4] << 24 | l4[5] << 16 | l4[6] << 8 | l4[7];
    if ((flags & 0x12) == 0x02 && !dst_loop) note("tcp", family, dst, dport, "");
    /* A refusal of a SYN: RST|ACK with sequence 0, from the loopback port that was asked for. */
    else if ((flags & 0x14) == 0x14 && seq == 0 && src_loop) note("tcp", family, src, sport, "");
  } else if (proto == 17 && len >= 8 && (quoted ? dst_loop : !dst_loop)) {
    int dport = l4[2] << 8 | l4[3];
    if (dport == 53) dns_name(l4 + 8, len - 8, name, sizeof name);
    note("udp", family, dst, dport, name);
  }
}

static void packet(const unsigned char *b, size_t n, int quoted);

static void icmp_error(int family, const unsigned char *l4, size_t len) {
  if (len < 8) return;
  if ((family == AF_INET && l4[0] == 3 && l4[1] == 3) || (family == AF_INET6 && l4[0] == 1 && l4[1] == 4))
    packet(l4 + 8, len - 8, 1);
}

static void packet(const unsigned char *b, size_t n, int quoted) {
  if (n < 20) return;
  if ((b[0] >> 4) == 4) {
    size_t ihl = (b[0] & 15) * 4;
    if (ihl < 20 || n < ihl) return;
    if (b[9] == 1 && !quoted) icmp_error(AF_INET, b + ihl, n - ihl);
    else transport(AF_INET, b[9], b + 12, b + 16, b + ihl, n - ihl, quoted);
  } else if ((b[0] >> 4) == 6 && n >= 40) {
    if (b[6] == 58 && !quoted) icmp_error(AF_INET6, b + 40, n - 40);
    else transport(AF_INET6, b[6], b + 8, b + 24, b + 40, n - 40, quoted);
  }
}

static void flush_keys(void) {
  for (int k = 0; k < nkeys; k++)
    printf("{\"proto\":\"%s\",\"addr\":\"%s\",\"port\":%d,\"count\":%lu%s%s%s}\n", keys[k].proto, keys[k].addr,
           keys[k].port, keys[k].count, keys[k].name[0] ? ",\"name\":\"" : "", keys[k].name,
           keys[k].name[0] ? "\"" : "");
  if (others) printf("{\"others\":%lu}\n", others);
  nkeys = 0;
  others = 0;
  fflush(stdout);
}

static void drain(int pfd) {
  unsigned char b[SNAP];
  ssize_t n;
  while ((n = recv(pfd, b, sizeof b, MSG_DONTWAIT)) > 0) packet(b, (size_t)n, 0);
  struct tpacket_stats st;
  socklen_t sl = sizeof st;
  if (getsockopt(pfd, SOL_PACKET, PACKET_STATISTICS, &st, &sl) == 0) dropped_total += st.tp_drops;
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Outside: waits for the relay's hand-out on SOCKET, then reads until stdin closes (Warden is done). */
static int record_main(const char *path) {
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {0};
  a.sun_family = AF_UNIX;
  strncpy(a.sun_path, path, sizeof a.sun_path - 1);
  unlink(path);
  if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 1) < 0) {
    printf("{\"error\":\"cannot listen on the recorder socket: %s\"}\n", strerror(errno));
    return 1;
  }
  printf("{\"listening\":true}\n");
  fflush(stdout);
  struct pollfd w[2] = {{l, POLLIN, 0}, {0, POLLIN, 0}};
  if (poll(w, 2, -1) < 0 || !(w[0].revents & POLLIN)) return 0; /* Warden stopped before the sandbox came */
  int c = accept4(l, NULL, NULL, SOCK_CLOEXEC);
  close(l);
  unlink(path); /* one hand-out only: nothing else inside may offer a socket of its own */
  char msg[320] = "", cbuf[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {msg, sizeof msg - 1};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = cbuf;
  m.msg_controllen = sizeof cbuf;
  ssize_t got = c < 0 ? -1 : recvmsg(c, &m, MSG_CMSG_CLOEXEC);
  int pfd = -1;
  struct cmsghdr *cm = got > 0 ? CMSG_FIRSTHDR(&m) : NULL;
  if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) memcpy(&pfd, CMSG_DATA(cm), sizeof(int));
  if (got > 0) msg[got] = 0;
  for (char *p = msg; *p; p++)
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 32) *p = ' ';
  int type = -1;
  socklen_t tl = sizeof type;
  if (pfd >= 0 && (strncmp(msg, "ok", 2) || getsockopt(pfd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_DGRAM)) {
    close(pfd);
    pfd = -1;
  }
  if (pfd < 0) {
    printf("{\"unavailable\":\"%s\"}\n", got > 0 ? (strncmp(msg, "no ", 3) ? msg : msg + 3) : "the relay sent nothing");
    fflush(stdout);
    return 0;
  }
  printf("{\"ready\":true,\"note\":\"%s\"}\n", msg + 2);
  fflush(stdout);
  close(c);
  unsigned char b[SNAP];
  long long window = 0;
  for (;;) {
    int timeout = nkeys || others ? (int)(window + 1000 - now_ms()) : -1;
    if (timeout < 0 && (nkeys || others)) timeout = 0;
    struct pollfd p[2] = {{pfd, POLLIN, 0}, {0, POLLIN, 0}};
    int r = poll(p, 2, timeout);
    if (r < 0 && errno != EINTR) break;
    if (p[0].revents & POLLIN) {
      int had = nkeys || others;
      for (int k = 0; k < 256; k++) {
        ssize_t n = recv(pfd, b, sizeof b, MSG_DONTWAIT);
        if (n <= 0) break;
        packet(b, (size_t)n, 0);
      }
      if (!had && (nkeys || others)) window = now_ms();
    }
    if ((nkeys || others) && now_ms() >= window + 1000) flush_keys();
    if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
      char sink[64];
      if (read(0, sink, sizeof sink) <= 0) break;
    }
  }
  drain(pfd);
  flush_keys();
  printf("{\"end\":true,\"dropped\":%lu}\n", dropped_total);
  fflush(stdout);
  return 0;
}
