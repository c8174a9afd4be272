// Regression test for LeakSanitizer's tracer crashing at exit ("Tracer caught
// signal 11 ... LeakSanitizer has encountered a fatal error"), which failed
// passing tests now and then (tst_batchrun_without_ipython, tst_screenshot).
//
// Cause: GCC 12's sanitizer runtime intercepts __tls_get_addr to learn where
// each dynamic TLS block is, so that the leak check can scan it. When a
// block's address is 16 bytes past a page boundary it takes the block for one
// with glibc 2.19-2.24's header and reads the two words before it as the
// block's start and size (google/sanitizers#1322). Since glibc 2.25 there is
// no header: those words belong to the allocator, and the tracer dies
// scanning the "range" they make. Under ASan, a thread's first small malloc
// lands exactly there, so here every thread's block is misread.
//
// tests/CMakeLists.txt sets intercept_tls_get_addr=0 for every test. With it
// this program exits 0; without it (the lsan_dynamic_tls_reproduces test) the
// tracer crashes every time, which proves this program still exercises the
// fault.
#include <dlfcn.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s path/to/libdynamic_tls_block.so\n", argv[0]);
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW);
    if (!library) {
        std::fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    auto touchBlock = reinterpret_cast<char *(*)()>(dlsym(library, "touchBlock"));
    if (!touchBlock) {
        std::fprintf(stderr, "%s\n", dlerror());
        return 2;
    }

    // The threads must still be alive when the leak check runs at exit: it
    // scans the dynamic TLS of live threads only.
    constexpr int Threads = 4;
    std::mutex mutex;
    std::condition_variable touched;
    int count = 0;
    for (int i = 0; i < Threads; ++i) {
        std::thread([&] {
            touchBlock();
            {
                std::lock_guard lock(mutex);
                ++count;
            }
            touched.notify_one();
            for (;;)
                pause();
        }).detach();
    }
    std::unique_lock lock(mutex);
    touched.wait(lock, [&] { return count == Threads; });
    return 0;
}
