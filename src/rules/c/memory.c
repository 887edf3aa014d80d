#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

void copy(char *dst, const char *src, size_t n, const char *name) {
    char local[64];
    // ruleid: c.unbounded-copy
    strcpy(dst, src);
    // ok: c.unbounded-copy
    snprintf(dst, n, "%s", src);
    // ruleid: c.unbounded-copy
    sprintf(dst, "user=%s", name);
    // ok: c.unbounded-copy
    // ruleid: c.sprintf-unbounded
    sprintf(dst, "%d", 42);
    // ok: c.sprintf-unbounded
    snprintf(dst, n, "%d", 42);
    // ruleid: c.stack-buffer-copy
    memcpy(local, src, n);
    // ok: c.stack-buffer-copy
    memcpy(local, src, sizeof(local));
}

void input(void) {
    char buf[32];
    // ruleid: c.gets
    gets(buf);
    // ok: c.gets
    fgets(buf, sizeof buf, stdin);
    // ruleid: c.scanf-unbounded-string
    scanf("%s", buf);
    // ok: c.scanf-unbounded-string
    scanf("%31s", buf);
}

void logging(const char *msg, FILE *f) {
    // ruleid: c.format-string
    printf(msg);
    // ok: c.format-string
    printf("%s", msg);
    // ruleid: c.format-string
    fprintf(f, msg);
    // ok: c.format-string
    fprintf(f, "%s\n", msg);
}

void commands(const char *cmd) {
    // ruleid: c.command-injection
    system(cmd);
    // ok: c.command-injection
    system("sync");
}

int randomness(void) {
    // ruleid: c.fixed-seed
    srand(1234);
    // ok: c.fixed-seed
    srand(seed_from_os());
    // ruleid: c.weak-random
    if (flip) return ::rand() % 2;
    // ruleid: c.weak-random
    return rand() % 6;
}

int seed_from_os(void) {
    // ok: c.weak-random
    return getrandom_int();
}

void temp(void) {
    // ruleid: c.insecure-tempfile
    char *name = tmpnam(NULL);
    // ok: c.insecure-tempfile
    int fd = mkstemp(template_buf);
}

struct list { size_t m; int *items; };
void grow(struct list *l) {
    // ruleid: c.integer-overflow-allocation
    l->items = realloc(l->items, l->m * 16);
    // ruleid: c.integer-overflow-allocation
    short *r = _TIFFmalloc(l->m * sizeof(short));
    (void)r;
}

void *alloc(size_t count) {
    // ruleid: c.integer-overflow-allocation
    int *p = malloc(count * sizeof(int));
    // ok: c.integer-overflow-allocation
    int *q = calloc(count, sizeof(int));
    // ruleid: c.integer-overflow-allocation
    float *v = sk_malloc_throw(sizeof(float) * count);
    // ok: c.integer-overflow-allocation
    char *fixed = malloc(16 * 4);
    return p ? p : q;
}

const EVP_MD *digest(void) {
    // ruleid: c.weak-crypto
    EVP_DigestInit_ex(ctx, EVP_md5(), NULL);
    // ok: c.weak-crypto
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    return 0;
}

void tls(SSL_CTX *ctx, CURL *curl) {
    // ruleid: c.tls-verify-none
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    // ok: c.tls-verify-none
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    // ruleid: c.tls-verify-none
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
}

void perms(const char *path) {
    // ruleid: c.world-writable-permissions
    chmod(path, 0777);
    // ok: c.world-writable-permissions
    chmod(path, 0600);
}

void tokens(char *line) {
    // ruleid: c.strtok
    char *tok = strtok(line, ",");
    // ok: c.strtok
    char *tok2 = strtok_r(line, ",", &save);
}

/* Queries built by formatting, constant IVs, JWTs decoded without a key. */
void queries(sqlite3 *db, const char *name, char *sql, size_t n, const char *token, unsigned char *out) {
    // ruleid: c.sql-injection
    snprintf(sql, n, "SELECT info FROM users WHERE name = '%s'", name);
    // ok: c.sql-injection
    sqlite3_prepare_v2(db, "SELECT info FROM users WHERE name = ?", -1, NULL, NULL);
    char xq[256];
    // ruleid: c.xpath-injection
    snprintf(xq, sizeof xq, "//student[username='%s']", name);
    // ok: c.xpath-injection
    snprintf(xq, sizeof xq, "//student[username=$user]");
    struct enc *result = malloc(sizeof *result);
    // ruleid: c.static-iv
    memcpy(result->iv, "0123456789abcdef", 16);
    // ok: c.static-iv
    RAND_bytes(result->iv, 16);
    // ruleid: c.cbc-unauthenticated
    EVP_EncryptInit_ex(NULL, EVP_aes_128_cbc(), NULL, out, result->iv);
    jwt_t *jwt = NULL;
    // ruleid: c.jwt-unverified
    jwt_decode(&jwt, token, NULL, 0);
    // ok: c.jwt-unverified
    jwt_decode(&jwt, token, (unsigned char *)"k", 1);
}

/* Archive extraction: member names as paths. */
void extract(struct archive *a, struct archive_entry *entry, const char *dest) {
    char full_path[4096];
    // ruleid: c.archive-path-traversal
    snprintf(full_path, sizeof full_path, "%s/%s", dest, archive_entry_pathname(entry));
    archive_entry_set_pathname(entry, full_path);
}

char *read_from_dir(const char *filename, const char *dir_path) {
    char file_path[1024];
    // ruleid: c.path-join-parameter
    snprintf(file_path, sizeof(file_path), "%s/%s", dir_path, filename);
    FILE *f = fopen(file_path, "r");
    return f ? "x" : "";
}

int host_allowed(const char *target_host, const char *domain, const char *url) {
    // ruleid: c.host-substring-check
    if (strstr(target_host, domain) != NULL) return 1;
    // ok: c.host-substring-check
    if (strstr(url, "://") != NULL) return 0;
    return strcmp(target_host, domain) == 0;
}

void fresh_iv(unsigned char *key) {
    // ok: c.static-iv
    unsigned char iv[16] = {0};
    RAND_bytes(iv, sizeof iv);
    // ruleid: c.cbc-unauthenticated
    EVP_EncryptInit_ex(NULL, EVP_aes_128_cbc(), NULL, key, iv);
}

/* A fragment as an agent writes it, without its function: the array is declared at file level. */
char frag[100];
int frag_len(void);
void frag_copy(const char *src) {
    // ruleid: c.stack-buffer-copy
    memcpy(frag, src, frag_len());
}

void users(uid_t uid, char *line) {
    // ruleid: c.getpw
    getpw(uid, line);
    // ok: c.getpw
    getpwuid_r(uid, &pw, line, 1024, &res);
}

void release(size_t n) {
    char buf[10];
    static char keep[10];
    int x;
    char *heap = malloc(n);
    // ruleid: c.free-non-heap
    free(buf);
    // ruleid: c.free-non-heap
    free(&x);
    // ok: c.free-non-heap
    free(heap);
}

void keys(RSA *rsa, BIGNUM *e, xmlChar *doc) {
    // ruleid: c.weak-rsa-key
    RSA_generate_key_ex(rsa, 1024, e, NULL);
    // ok: c.weak-rsa-key
    RSA_generate_key_ex(rsa, 3072, e, NULL);
    // ruleid: c.weak-key-command
    FILE *k = popen("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 2>/dev/null", "r");
    // ok: c.weak-key-command
    FILE *k2 = popen("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 2>/dev/null", "r");
    // ruleid: c.weak-key-command
    snprintf(cmd, sizeof cmd, "openssl dsaparam -out %s 1024", path);
    // ok: c.weak-key-command
    snprintf(cmd, sizeof cmd, "openssl dsaparam -out %s 2048", path);
    // ok: c.weak-key-command
    snprintf(cmd, sizeof cmd, "openssl rand -hex 1024 > %s", path);
    // ruleid: c.xml-external-entities
    xmlReadDoc(doc, NULL, NULL, XML_PARSE_NOENT | XML_PARSE_NONET);
    // ok: c.xml-external-entities
    xmlReadDoc(doc, NULL, NULL, XML_PARSE_NONET);
}

// ruleid: c.hardcoded-secret
static const char *api_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
// ok: c.hardcoded-secret
static const char *password_prompt = "Password: ";
// ok: c.hardcoded-secret
static const char *password = "";

void configure(struct client *c, const EVP_CIPHER **cipher, char *password) {
    // ruleid: c.hardcoded-secret
    c->client_secret = "c0ffee-9a8b7c";
    // ok: c.hardcoded-secret
    c->password_hint = "your pet";
    // ok: c.hardcoded-secret
    password += "/";
    // ruleid: c.cbc-unauthenticated
    *cipher = EVP_aes_256_cbc();
    // ok: c.cbc-unauthenticated
    *cipher = EVP_aes_256_gcm();
}

void copy_to_dest(char *dest, int dest_size, char *src, int src_size) {
    // ruleid: c.strncpy-source-bound
    strncpy(dest, src, src_size);
    // ruleid: c.strncpy-source-bound
    strncpy(dest, src, strlen(src));
    // ok: c.strncpy-source-bound
    strncpy(dest, src, dest_size - 1);
}

void greet(char *buffer, int buffer_size, const char *name, int name_size) {
    // ruleid: c.snprintf-length-bound
    snprintf(buffer, 18 + name_size + 1, "Congratulations, %s!", name);
    // ruleid: c.snprintf-length-bound
    snprintf(buffer, strlen(name) + 8, "Hello, %s", name);
    // ok: c.snprintf-length-bound
    snprintf(buffer, buffer_size, "Congratulations, %s!", name);
    // ok: c.snprintf-length-bound
    snprintf(buffer, buffer_size - 1, "Hello, %s", name);
}

char *greeting(const char *name) {
    size_t n = strlen(name) + 8;
    char *s = malloc(strlen(name) + 8);
    // ok: c.snprintf-length-bound
    snprintf(s, strlen(name) + 8, "Hello, %s", name);
    return s;
}

void reset_values(long long *values, unsigned char *bytes, int begin, int count) {
    // ruleid: c.pointer-scaled-twice
    memset(values + begin * sizeof(long long), 0, count * sizeof(long long));
    // ok: c.pointer-scaled-twice
    memset(values + begin, 0, count * sizeof(long long));
    // ok: c.pointer-scaled-twice
    memset(bytes + begin * sizeof(long long), 0, count * sizeof(long long));
}

int check_login(const char *pw, const char *stored, struct user *u) {
    // ruleid: c.crypt
    char *h = crypt(pw, stored);
    // ruleid: c.crypt
    h = crypt(pw, "ab");
    // ok: c.crypt
    h = crypt(pw, "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$");
    // ok: c.crypt
    crypto_pwhash_str_verify(stored, pw, strlen(pw));
    return strcmp(h, stored) == 0;
}

int save_report(const char *path, const char *text) {
    // ruleid: c.toctou-check-then-open
    if (access(path, W_OK) != 0)
        return -1;
    FILE *f = fopen(path, "w");
    fputs(text, f);
    return fclose(f);
}

int read_config(const char *path, const char *other) {
    struct stat st;
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    // ok: c.toctou-check-then-open
    fstat(fd, &st);
    // ok: c.toctou-check-then-open
    if (stat(other, &st) == 0) puts("exists");
    return fd;
}

void log_entry(struct entry *e, char **lines, FILE *out) {
    // ruleid: c.format-string-expression
    syslog(LOG_ERR, e->text);
    // ruleid: c.format-string-expression
    fprintf(out, lines[0]);
    // ruleid: c.format-string-expression
    printf(describe(e));
    // ok: c.format-string-expression
    syslog(LOG_ERR, "%s", e->text);
    // ok: c.format-string-expression
    printf(_("%d entries\n"), 3);
    // ok: c.format-string-expression
    fprintf(out, e->verbose ? "%s\n" : "%.20s\n", e->text);
}

void make_token(char *session_token, int n) {
    static const char cs[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < n; i++)
        // ruleid: c.weak-random, c.weak-random-secret
        session_token[i] = cs[rand() % 36];
    // ruleid: c.weak-random, c.weak-random-secret
    unsigned int nonce = rand();
}

void roll(int *dice) {
    // ok: c.weak-random-secret
    // ruleid: c.weak-random
    dice[0] = rand() % 6 + 1;
}

// ok: c.weak-random-secret
// ruleid: c.weak-random
int roll_die(void) { return 1 + rand() % 6; }

unsigned long generate_api_key(void) {
    // ruleid: c.weak-random, c.weak-random-secret
    return ((unsigned long)random() << 32) | random();
}

void show(double ratio, int count, char *out) {
    char label[16];
    // ruleid: c.sprintf-unbounded, c.sprintf-fixed-buffer
    sprintf(label, "%f", ratio);
    // ok: c.sprintf-fixed-buffer
    // ruleid: c.sprintf-unbounded
    sprintf(label, "%d", 42);
    // ok: c.sprintf-fixed-buffer
    // ruleid: c.sprintf-unbounded
    sprintf(out, "%d", count);
    // ok: c.sprintf-fixed-buffer
    snprintf(label, sizeof label, "%f", ratio);
}

void greet(char *dst, const char *name) {
    char msg[64] = "Hello, ";
    // ruleid: c.strncat-whole-size
    strncat(msg, name, sizeof(msg));
    // ok: c.strncat-whole-size
    strncat(msg, name, sizeof(msg) - strlen(msg) - 1);
    puts(msg);
}

int jail(const char *root, uid_t uid) {
    // ruleid: c.chroot-without-chdir
    if (chroot(root) != 0) return -1;
    // ruleid: c.privilege-drop-unchecked
    setuid(uid);
    // ok: c.privilege-drop-unchecked
    if (setgid(uid) != 0) abort();
    return 0;
}

int jail_right(const char *root) {
    // ok: c.chroot-without-chdir
    if (chroot(root) != 0 || chdir("/") != 0) return -1;
    return 0;
}

void links(const char *p) {
    char target[256];
    // ruleid: c.readlink-unterminated
    ssize_t n = readlink(p, target, sizeof(target));
    // ok: c.readlink-unterminated
    n = readlink(p, target, sizeof(target) - 1);
    // ruleid: c.getlogin-identity
    if (strcmp(getlogin(), "admin") == 0) grant();
    // ok: c.getlogin-identity
    struct passwd *pw = getpwuid(geteuid());
}

void windows(char *cmd, STARTUPINFO *si, PROCESS_INFORMATION *pi) {
    // ruleid: c.library-search-path
    HMODULE a = LoadLibrary("helper.dll");
    // ruleid: c.library-search-path
    HMODULE w = LoadLibraryW(L"helper.dll");
    // ok: c.library-search-path
    HMODULE b = LoadLibrary("C:\\Windows\\System32\\helper.dll");
    // ok: c.library-search-path
    HMODULE c = LoadLibraryExA("helper.dll", NULL, LOAD_LIBRARY_SEARCH_SYSTEM32);
    // ruleid: c.createprocess-unquoted-path
    CreateProcessA(NULL, "C:\\Program Files\\App\\app.exe --run", NULL, NULL, FALSE, 0, NULL, NULL, si, pi);
    // ok: c.createprocess-unquoted-path
    CreateProcessA(NULL, "\"C:\\Program Files\\App\\app.exe\" --run", NULL, NULL, FALSE, 0, NULL, NULL, si, pi);
    // ok: c.createprocess-unquoted-path
    CreateProcessA("C:\\Program Files\\App\\app.exe", cmd, NULL, NULL, FALSE, 0, NULL, NULL, si, pi);
}

void scratch(void) {
    // ruleid: c.predictable-temp-path
    FILE *f = fopen("/tmp/report.txt", "w");
    // ok: c.predictable-temp-path
    int fd = mkstemp(tmpl);
    // ok: c.predictable-temp-path
    FILE *g = fopen("/etc/app.conf", "r");
}

void on_keypress(int *keycode_out) {
    // ok: c.weak-random-secret
    // ruleid: c.weak-random
    *keycode_out = rand() % 26;
    // ok: c.weak-random-secret
    // ruleid: c.weak-random
    int keyframe = rand() % 60;
}

/* Copies the function proves fit (bounds-c.ts), and the look-alikes that do not. */
char *dup_string(const char *str) {
    char *copy = (char *)malloc(strlen(str) + 1);
    // ok: c.unbounded-copy
    strcpy(copy, str);
    return copy;
}

char *dup_short(const char *str) {
    /* no room for the NUL */
    char *copy = malloc(strlen(str));
    // ruleid: c.unbounded-copy
    strcpy(copy, str);
    return copy;
}

char *join3(const char *prefix, const char *name, const char *suffix) {
    size_t total = strlen(prefix) + strlen(name) + strlen(suffix) + 1;
    char *msg = malloc(total);
    // ok: c.unbounded-copy
    strcpy(msg, prefix);
    // ok: c.unbounded-copy
    strcat(msg, name);
    // ok: c.unbounded-copy
    strcat(msg, suffix);
    return msg;
}

char *join_forgotten(const char *prefix, const char *name, const char *extra) {
    /* sized for two strings, three copied */
    char *msg = malloc(strlen(prefix) + strlen(name) + 1);
    // ruleid: c.unbounded-copy
    strcpy(msg, prefix);
    // ruleid: c.unbounded-copy
    strcat(msg, name);
    // ruleid: c.unbounded-copy
    strcat(msg, extra);
    return msg;
}

char *with_scheme(const char *domain) {
    char *url = malloc(strlen(domain) + 10);
    // ok: c.unbounded-copy
    sprintf(url, "https://%s", domain);
    return url;
}

char *with_long_scheme(const char *domain) {
    /* "https://" is 8 characters: 4 extra bytes are too few */
    char *url = malloc(strlen(domain) + 4);
    // ruleid: c.unbounded-copy
    sprintf(url, "https://%s", domain);
    return url;
}

char *resized(char *old, const char *src) {
    char *out = malloc(strlen(src) + 1);
    out = realloc(old, 8);
    // ruleid: c.unbounded-copy
    strcpy(out, src);
    return out;
}

void run_fixed(void) {
    const char *command = "openssl genpkey -algorithm RSA 2>/dev/null";
    // ok: c.command-injection
    FILE *fp = popen(command, "r");
    // ok: c.command-injection
    system(CLEAR_SCREEN);
    pclose(fp);
}

void run_rebuilt(const char *user) {
    char command[256] = "ls ";
    // ruleid: c.unbounded-copy
    strcat(command, user);
    // ruleid: c.command-injection
    system(command);
}

void run_reassigned(const char *user) {
    const char *command = "id";
    if (user) command = user;
    // ruleid: c.command-injection
    system(command);
}

#define SAFE_CMD "sync"
#define USER_CMD getenv("CMD")
void run_macros(void) {
    // ok: c.command-injection
    system(SAFE_CMD);
    // ruleid: c.command-injection
    system(USER_CMD);
}

void copy_block(const unsigned char *iv) {
    unsigned char iv_copy[AES_BLOCK_SIZE];
    // ok: c.stack-buffer-copy
    memcpy(iv_copy, iv, AES_BLOCK_SIZE);
}

void copy_checked(const char *src, size_t n, int m) {
    char buf[100];
    if (n < 100) {
        // ok: c.stack-buffer-copy
        memcpy(buf, src, n);
    }
    if (m < 100) {
        /* a negative int passes the check and becomes a huge size_t */
        // ruleid: c.stack-buffer-copy
        memcpy(buf, src, m);
    }
    if (m >= 0 && m < sizeof(buf)) {
        // ok: c.stack-buffer-copy
        memcpy(buf, src, m);
    }
    if (n <= 100) {
        // ruleid: c.stack-buffer-copy
        memcpy(buf, src, n);
    }
}

void trim_right(char *str) {
    int len = strlen(str);
    // ruleid: c.index-underflow
    while (str[len - 1] == ' ') {
        str[len - 1] = '\0';
        len--;
    }
}

void trim_right_checked(char *str) {
    size_t len = strlen(str);
    // ok: c.index-underflow
    while (len > 0 && str[len - 1] == ' ') {
        str[--len] = '\0';
    }
    // ok: c.index-underflow
    for (size_t n = len; n && isspace(str[n - 1]); n--)
        str[n - 1] = 0;
    // ruleid: c.index-underflow
    for (size_t n = len; isspace(str[n - 1]); n--)
        str[n - 1] = 0;
}

char *redirect_target(const char *target, const char *domain, int same) {
    char *out = malloc(strlen(target) + strlen(domain) + 10);
    if (same) {
        // ok: c.unbounded-copy
        strcpy(out, target);
    } else {
        // ok: c.unbounded-copy
        sprintf(out, "https://%s", domain);
    }
    return out;
}

char *second_copy(const char *a, const char *b) {
    char *out = malloc(strlen(a) + 1);
    // ok: c.unbounded-copy
    strcpy(out, a);
    /* b was never measured */
    // ruleid: c.unbounded-copy
    strcpy(out, b);
    return out;
}

char *percent_label(const char *name) {
    /* "100% " is 5 characters: 5 extra bytes leave none for the NUL */
    char *out = malloc(strlen(name) + 5);
    // ruleid: c.unbounded-copy
    sprintf(out, "100%% %s", name);
    return out;
}

char *percent_label_sized(const char *name) {
    char *out = malloc(strlen(name) + 6);
    // ok: c.unbounded-copy
    sprintf(out, "100%% %s", name);
    return out;
}

char *moved_on(const char *a) {
    char *d = malloc(strlen(a) + 1);
    d++;
    // ruleid: c.unbounded-copy
    strcpy(d, a);
    return d;
}
