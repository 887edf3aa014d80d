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
