#include <memory>
#include <random>
#include <cstring>

// ruleid: cpp.auto-ptr
typedef std::auto_ptr<Reader> ReaderPtr;
// ok: cpp.auto-ptr
typedef std::unique_ptr<Reader> ReaderPtr2;

void grid(size_t capacity, size_t n) {
    // ruleid: cpp.integer-overflow-new
    int *trees = new int[capacity * n];
    // ok: cpp.integer-overflow-new
    int *fixed = new int[64];
}

int dice() {
    // ruleid: c.fixed-seed
    std::mt19937 rng(1357);
    // ok: c.fixed-seed
    std::mt19937 rng2(std::random_device{}());
    return rng() + rng2();
}

void names(char *dst, const char *src) {
    // ruleid: c.unbounded-copy
    std::strcpy(dst, src);
    // ok: c.unbounded-copy
    std::strncpy(dst, src, 15);
}

std::string query_for(const std::string &username) {
    // ruleid: c.sql-injection
    std::string q = "SELECT info FROM users WHERE name = '" + username + "'";
    // ruleid: c.xpath-injection
    std::string xq = "//student[username='" + username + "']";
    // ok: c.xpath-injection
    std::string all = "//student";
    // ruleid: c.static-iv
    std::vector<uint8_t> iv = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F};
    // ok: c.static-iv
    std::vector<uint8_t> iv2(16);
    EVP_CIPHER_CTX *ctx = nullptr;
    return q + xq + all;
}

// Extraction that rejects absolute names and '..' (the near miss of c.archive-path-traversal).
bool extract_checked(struct archive *a, struct archive_entry *entry, const std::string &dest) {
    // ok: c.archive-path-traversal
    std::string name = archive_entry_pathname(entry);
    if (std::filesystem::path(name).is_absolute() || name.find("..") != std::string::npos) return false;
    std::string full = dest + "/" + name;
    archive_entry_set_pathname(entry, full.c_str());
    return archive_write_header(a, entry) == ARCHIVE_OK;
}

std::string read_from_dir(const std::string &filename, const std::string &dir_path) {
    // ruleid: c.path-join-parameter
    std::string file_path = dir_path + "/" + filename;
    std::ifstream file(file_path);
    return file.is_open() ? "x" : "";
}

const char *read_from_dir_checked(const char *filename, const char *dir_path) {
    char file_path[1024], real[4096];
    // ok: c.path-join-parameter
    snprintf(file_path, sizeof(file_path), "%s/%s", dir_path, filename);
    if (!realpath(file_path, real) || strncmp(real, dir_path, strlen(dir_path)) != 0) return "";
    FILE *f = fopen(real, "r");
    return f ? "x" : "";
}

void store_header(std::map<std::string, std::string> &header, const std::string &key, const std::string &value) {
    // ruleid: cpp.header-injection
    header[key] = value;
}

void store_header_clean(std::map<std::string, std::string> &header, const std::string &key, std::string value) {
    sanitize_input(value);
    // ok: cpp.header-injection
    header[key] = value;
}

std::string Session::make_token(std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; i++)
        // ruleid: c.weak-random, c.weak-random-secret
        out += "abcdef0123456789"[std::rand() % 16];
    return out;
}

int Dice::roll() {
    // ok: c.weak-random-secret
    // ruleid: c.weak-random
    return std::rand() % 6 + 1;
}

void Logger::emit(const Entry &e) {
    // ruleid: c.format-string-expression
    std::printf(e.text.c_str());
    // ok: c.format-string-expression
    std::printf("%s", e.text.c_str());
}

void rtrim(std::string &s) {
    size_t n = s.size();
    // ruleid: c.index-underflow
    while (s[n - 1] == ' ') n--;
    // ok: c.index-underflow
    while (n != 0 && s[n - 1] == ' ') n--;
    s.resize(n);
}
