// undo_bench: what undo for every pixel write costs (issue 10), and what the
// alternatives that were weighed would cost on this machine.
//
//   build/bin/undo_bench [RUNS] [--json] [--full]   (RUNS at least 5, default 5)
//
// For a 3840x2160 and a 16384x16384 RGBA uint8 image (32 MiB and 1 GiB), and
// for each statement below, medians over RUNS of:
//   untracked   the write alone, into a buffer nobody tracks;
//   tracked     the same write into a buffer with a History, plus
//               History::commit() (the end of the unit of work);
//   overhead    tracked - untracked;
//   step        the bytes the new undo step holds (History entry bytes), and
//               how much the process's resident memory grew by (a check on
//               that figure);
//   undo        History::undo() of that step.
// Statements: nothing; reading every pixel; one row; 10 % of the rows as one
// band; every tenth row (10 % of the rows spread over the image); 100 % of
// the pixels (memset with a value that changes every run; each run's step
// is undone and dropped, so its memory returns to the tracker's pool of
// warm chunks, as at the undo limit or after an undo and a new edit); the
// same with the steps kept in the history (no memory comes back: what
// every step costs until the limit is reached); 100 % rewritten
// with the values they already hold (no step; the worst case of the
// comparison). A plain memcpy of the image (into warm pages, into a fresh
// mapping, and into a fresh mapping with the huge-page advice, which is
// what NumPy's a.copy() gets) is measured in the same run as the yardstick
// of the target.
//
// The alternatives: contentHash() of the whole image (the least a per-unit
// "tile snapshot with hashing" costs); userfaultfd write-protect (what this
// kernel offers, as root and as an unprivileged user; async mode and
// PAGEMAP_SCAN timed on 1 GiB when present); soft-dirty bits (clear_refs
// "4" and pagemap bit 55: do they work, what do they cost on 1 GiB).
//
// Prints figures; asserts nothing (but says so when an undo did not give
// back the original bytes). With --json the last line is one JSON object.
#include <livepix/contenthash.h>
#include <livepix/history.h>
#include <livepix/image.h>
#include <livepix/pixelbuffer.h>
#include <livepix/writetracker.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchsupport.h"

using namespace livepix;
using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

const std::size_t Page = std::size_t(::sysconf(_SC_PAGESIZE));

// Newer than Debian 12's kernel headers (6.1): userfaultfd async write
// protection and PAGEMAP_SCAN came with Linux 6.7.
constexpr std::uint64_t FeatureWpAsync = 1ull << 15;
constexpr std::uint64_t FeatureWpUnpopulated = 1ull << 13;
struct PageRegion {
    std::uint64_t start, end, categories;
};
struct PmScanArg {
    std::uint64_t size, flags, start, end, walkEnd, vec, vecLen, maxPages, categoryInverted, categoryMask,
        categoryAnyofMask, returnMask;
};
constexpr std::uint64_t PageIsWritten = 1u << 1;
constexpr std::uint64_t PmScanWpMatching = 1u << 0;
constexpr std::uint64_t PmScanCheckWpAsync = 1u << 1;
const unsigned long PagemapScan = _IOWR('f', 16, PmScanArg);

std::size_t residentBytes()
{
    long pages = 0, resident = 0;
    if (FILE *f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        std::fclose(f);
    }
    return std::size_t(resident) * Page;
}

std::string mib(double bytes)
{
    char text[32];
    if (bytes < 1024 * 1024)
        std::snprintf(text, sizeof text, "%.0f KiB", bytes / 1024);
    else
        std::snprintf(text, sizeof text, "%.1f MiB", bytes / (1024.0 * 1024.0));
    return text;
}

/// Bytes that differ from one page to the next and from any memset value.
void fillPattern(std::uint8_t *data, std::size_t bytes)
{
    auto *words = reinterpret_cast<std::uint64_t *>(data);
    for (std::size_t i = 0; i < bytes / 8; ++i)
        words[i] = (i * 0x9E3779B97F4A7C15ull) | 0x0101010101010101ull;
}

struct Size {
    const char *name;
    int width, height;
    std::size_t rowBytes() const { return std::size_t(width) * 4; }
    std::size_t bytes() const { return rowBytes() * std::size_t(height); }
};

struct Statement {
    const char *name;
    const char *key;
    std::function<void(std::uint8_t *, const Size &, std::uint8_t)> run;
    bool everySize = true; // false: 4K only unless --full (at 1 GiB it costs what "100 %" costs)
    // true: the steps stay in the history from run to run (no undo, no
    // drop), so no step's memory comes back to the pool: every step needs
    // memory the process did not have, as until the undo limit is reached.
    bool keepSteps = false;
};

/// Runs of a measurement whose first run took `firstMs`: the slow ones
/// (seconds each on the 1 GiB image) are taken 3 times to keep the program
/// under about two minutes.
int runsAfter(double firstMs, int runs)
{
    return firstMs > 1000 ? std::min(runs, 3) : runs;
}

volatile std::uint64_t g_sink;

std::vector<Statement> statements()
{
    return {
        {"touches nothing", "nothing", [](std::uint8_t *, const Size &, std::uint8_t) {}},
        {"reads every pixel", "read_all",
         [](std::uint8_t *d, const Size &s, std::uint8_t) {
             const auto *w = reinterpret_cast<const std::uint64_t *>(d);
             std::uint64_t sum = 0;
             for (std::size_t i = 0; i < s.bytes() / 8; ++i)
                 sum += w[i];
             g_sink = sum;
         }},
        {"one row", "one_row",
         [](std::uint8_t *d, const Size &s, std::uint8_t v) {
             std::memset(d + std::size_t(s.height / 2) * s.rowBytes(), v, s.rowBytes());
         }},
        {"10 % rows, one band", "rows10_band",
         [](std::uint8_t *d, const Size &s, std::uint8_t v) {
             std::memset(d + std::size_t(s.height * 45 / 100) * s.rowBytes(), v, std::size_t(s.height / 10) * s.rowBytes());
         }},
        {"10 % rows, every 10th", "rows10_spread",
         [](std::uint8_t *d, const Size &s, std::uint8_t v) {
             for (int y = 0; y < s.height; y += 10)
                 std::memset(d + std::size_t(y) * s.rowBytes(), v, s.rowBytes());
         },
         false},
        {"100 % pixels", "all", [](std::uint8_t *d, const Size &s, std::uint8_t v) { std::memset(d, v, s.bytes()); }},
        {"100 %, steps kept", "all_kept",
         [](std::uint8_t *d, const Size &s, std::uint8_t v) { std::memset(d, v, s.bytes()); }, false, true},
        {"100 %, same values", "all_same",
         [](std::uint8_t *d, const Size &s, std::uint8_t) {
             // a[:] = a: every byte stored again (volatile: not optimised away)
             volatile std::uint64_t *w = reinterpret_cast<std::uint64_t *>(d);
             for (std::size_t i = 0; i < s.bytes() / 8; ++i)
                 w[i] = w[i];
         },
         false},
    };
}

struct Figures {
    bool measured = false;
    int runs = 0;
    double untracked = 0, tracked = 0, undo = -1, stepBytes = 0, rssGrowth = 0;
    bool exact = true;
};

struct SizeFigures {
    std::vector<Figures> statements;
    double memcpyWarm = 0, memcpyFresh = 0, memcpyFreshHuge = 0, memcpyGrowing = 0, hash = 0;
};

/// `scratch` (size.bytes(), filled) is the memcpy target.
SizeFigures benchSize(const Size &size, int runs, bool full, PixelBuffer &scratch)
{
    SizeFigures out;
    auto plain = PixelBuffer::allocate(size.bytes());
    auto tracked = PixelBuffer::allocate(size.bytes());
    fillPattern(plain->data(), size.bytes());
    fillPattern(tracked->data(), size.bytes());
    const Image trackedImage = Image::wrap(tracked, 0, size.width, size.height, 4, DType::UInt8, 4,
                                           std::ptrdiff_t(size.rowBytes()));
    const std::uint64_t original = contentHash(trackedImage);

    auto budget = std::make_shared<UndoBudget>(std::size_t(4) << 30);
    History history(tracked, budget);
    std::uint8_t value = 0x10;
    for (const Statement &statement : statements()) {
        if (!statement.everySize && !full && size.bytes() > (std::size_t(256) << 20)) {
            out.statements.emplace_back();
            continue;
        }
        std::vector<double> untracked, withTracking, undo, bytes, rss;
        int statementRuns = runs;
        for (int r = 0; r < statementRuns; ++r) {
            value = std::uint8_t(value == 0x10 ? 0x20 : 0x10); // changed values every run
            untracked.push_back(timeMs([&] { statement.run(plain->data(), size, value); }));
            const std::size_t rssBefore = residentBytes();
            History::Commit result{};
            withTracking.push_back(timeMs([&] {
                statement.run(tracked->data(), size, value);
                result = history.commit(statement.name);
            }));
            rss.push_back(double(residentBytes()) - double(rssBefore));
            bytes.push_back(result == History::Commit::Added ? double(history.entries().back().bytes) : 0.0);
            if (result == History::Commit::Added && !statement.keepSteps) {
                undo.push_back(timeMs([&] { history.undo(); }));
                history.clear(); // untimed: the redo step would be dropped by the next commit
                // Undo opens the chunks it restored; close them so every run
                // starts from a protected buffer (and check undo left no change).
                if (history.commit("after undo") != History::Commit::NoChange)
                    std::fprintf(stderr, "undo_bench: the unit after an undo was not empty (%s)\n", statement.name);
            }
            if (r == 0)
                statementRuns = runsAfter(withTracking[0] + (undo.empty() ? 0 : undo[0]), runs);
        }
        if (statement.keepSteps) { // untimed: back to the original, as the others are
            while (history.canUndo())
                history.undo();
            history.clear();
            if (history.commit("after undo") != History::Commit::NoChange)
                std::fprintf(stderr, "undo_bench: the unit after an undo was not empty (%s)\n", statement.name);
        }
        Figures f;
        f.measured = true;
        f.runs = statementRuns;
        f.untracked = median(untracked);
        f.tracked = median(withTracking);
        f.undo = undo.empty() ? -1 : median(undo);
        f.stepBytes = median(bytes);
        f.rssGrowth = median(rss);
        f.exact = contentHash(trackedImage) == original;
        if (!f.exact)
            std::fprintf(stderr, "undo_bench: after undoing \"%s\" the image differs from the original\n",
                         statement.name);
        out.statements.push_back(f);
    }

    std::vector<double> hash;
    for (int r = 0; r < runs; ++r)
        hash.push_back(timeMs([&] { g_sink = contentHash(trackedImage); }));
    out.hash = median(hash);

    std::vector<double> warm;
    for (int r = 0; r < runs; ++r)
        warm.push_back(timeMs([&] { std::memcpy(scratch.data(), plain->data(), size.bytes()); }));
    // A copy of the image into a new mapping, kept in `kept` (unmapped by
    // the caller) so that the next copy cannot reuse its memory.
    std::vector<void *> kept;
    const auto copyIntoNewMapping = [&](bool hugePages) {
        void *memory = ::mmap(nullptr, size.bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (hugePages)
            ::madvise(memory, size.bytes(), MADV_HUGEPAGE);
        kept.push_back(memory);
        return timeMs([&] { std::memcpy(memory, plain->data(), size.bytes()); });
    };
    const auto unmapKept = [&] {
        for (void *memory : kept)
            ::munmap(memory, size.bytes());
        kept.clear();
    };
    std::vector<double> fresh, freshHuge, growing;
    int freshRuns = runs;
    for (int r = 0; r < freshRuns; ++r) {
        fresh.push_back(copyIntoNewMapping(false));
        unmapKept();
        if (r == 0)
            freshRuns = runsAfter(fresh[0], runs);
    }
    // What NumPy's a.copy() gets: fresh memory with the huge-page advice
    // NumPy gives large arrays, the least that keeping the old bytes of a
    // whole image costs where no memory is at hand.
    for (int r = 0; r < freshRuns; ++r) {
        freshHuge.push_back(copyIntoNewMapping(true));
        unmapKept();
    }
    // The same with every copy kept (b = a.copy() in a loop, all of them
    // alive): memory the process never had, which is what steps kept in
    // the history need until the undo limit is reached. On a VM whose host
    // backs guest memory lazily this costs far more than memory just freed.
    for (int r = 0; r < freshRuns; ++r)
        growing.push_back(copyIntoNewMapping(true));
    unmapKept();
    out.memcpyWarm = median(warm);
    out.memcpyFresh = median(fresh);
    out.memcpyFreshHuge = median(freshHuge);
    out.memcpyGrowing = median(growing);
    return out;
}

// ---- userfaultfd ----------------------------------------------------------

struct UffdProbe {
    int rootErrno = 0, userModeErrno = 0; // 0: the syscall gave an fd
    std::uint64_t features = 0;           // from UFFDIO_API with none asked
    bool asyncAccepted = false;
    int devErrno = 0;                     // opening /dev/userfaultfd
};

int tryUserfaultfd(int flags, std::uint64_t *features)
{
    const int fd = int(::syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | flags));
    if (fd < 0)
        return errno;
    uffdio_api api{};
    api.api = UFFD_API;
    api.features = 0;
    const int rc = ::ioctl(fd, UFFDIO_API, &api);
    if (rc == 0 && features)
        *features = api.features;
    ::close(fd);
    return rc == 0 ? 0 : errno;
}

UffdProbe probeUserfaultfd()
{
    UffdProbe probe;
    probe.rootErrno = tryUserfaultfd(0, &probe.features);
    probe.userModeErrno = tryUserfaultfd(UFFD_USER_MODE_ONLY, nullptr);
    const int fd = ::open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
    probe.devErrno = fd < 0 ? errno : 0;
    if (fd >= 0)
        ::close(fd);
    return probe;
}

/// The same two syscalls as an unprivileged user (nobody), in a child.
std::pair<int, int> userfaultfdAsNobody()
{
    int pipeFds[2];
    if (::pipe(pipeFds) != 0)
        return {-1, -1};
    const pid_t child = ::fork();
    if (child == 0) {
        int result[2] = {-1, -1};
        if (::setgid(65534) == 0 && ::setuid(65534) == 0) {
            result[0] = tryUserfaultfd(0, nullptr);
            result[1] = tryUserfaultfd(UFFD_USER_MODE_ONLY, nullptr);
        }
        [[maybe_unused]] ssize_t n = ::write(pipeFds[1], result, sizeof result);
        ::_exit(0);
    }
    int result[2] = {-1, -1};
    ::close(pipeFds[1]);
    [[maybe_unused]] ssize_t n = ::read(pipeFds[0], result, sizeof result);
    ::close(pipeFds[0]);
    ::waitpid(child, nullptr, 0);
    return {result[0], result[1]};
}

struct UffdTiming {
    bool ran = false;
    std::string problem;
    double protectMs = 0, scanCleanMs = 0, writeRowMs = 0, scanRowMs = 0, foundBytes = 0, memsetMs = 0,
           memsetPlainMs = 0;
};

/// Async write protection on 1 GiB: protect, write one row, find it with
/// PAGEMAP_SCAN (re-protecting); rewrite all. No old bytes are kept: this
/// is the cost of "what changed", not of undo.
UffdTiming timeUffdAsync(std::uint8_t *data, std::size_t bytes, std::size_t rowBytes, int runs)
{
    UffdTiming t;
    const int fd = int(::syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY));
    if (fd < 0) {
        t.problem = std::string("userfaultfd: ") + std::strerror(errno);
        return t;
    }
    uffdio_api api{};
    api.api = UFFD_API;
    api.features = FeatureWpAsync | FeatureWpUnpopulated;
    if (::ioctl(fd, UFFDIO_API, &api) != 0) {
        t.problem = std::string("UFFDIO_API with WP_ASYNC: ") + std::strerror(errno);
        ::close(fd);
        return t;
    }
    uffdio_register reg{};
    reg.range.start = reinterpret_cast<std::uintptr_t>(data);
    reg.range.len = bytes;
    reg.mode = UFFDIO_REGISTER_MODE_WP;
    if (::ioctl(fd, UFFDIO_REGISTER, &reg) != 0) {
        t.problem = std::string("UFFDIO_REGISTER (WP): ") + std::strerror(errno);
        ::close(fd);
        return t;
    }
    const int pagemap = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    std::vector<PageRegion> regions(bytes / Page);
    auto scan = [&](bool reprotect) -> long {
        PmScanArg arg{};
        arg.size = sizeof arg;
        arg.flags = PmScanCheckWpAsync | (reprotect ? PmScanWpMatching : 0);
        arg.start = reinterpret_cast<std::uintptr_t>(data);
        arg.end = arg.start + bytes;
        arg.vec = reinterpret_cast<std::uintptr_t>(regions.data());
        arg.vecLen = regions.size();
        arg.categoryMask = PageIsWritten;
        arg.returnMask = PageIsWritten;
        return ::ioctl(pagemap, PagemapScan, &arg);
    };
    std::vector<double> protect, clean, row, rowScan, found, all, plainAll;
    std::uint8_t value = 0x30;
    int uffdRuns = runs;
    for (int r = 0; r < uffdRuns && t.problem.empty(); ++r) {
        protect.push_back(timeMs([&] {
            uffdio_writeprotect wp{};
            wp.range.start = reinterpret_cast<std::uintptr_t>(data);
            wp.range.len = bytes;
            wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
            if (::ioctl(fd, UFFDIO_WRITEPROTECT, &wp) != 0)
                t.problem = std::string("UFFDIO_WRITEPROTECT: ") + std::strerror(errno);
        }));
        long n = 0;
        clean.push_back(timeMs([&] { n = scan(true); }));
        if (n < 0) {
            t.problem = std::string("PAGEMAP_SCAN: ") + std::strerror(errno);
            break;
        }
        value = std::uint8_t(value ^ 0x7f);
        row.push_back(timeMs([&] { std::memset(data + bytes / 2, value, rowBytes); }));
        rowScan.push_back(timeMs([&] { n = scan(true); }));
        double written = 0;
        for (long i = 0; i < n; ++i)
            written += double(regions[std::size_t(i)].end - regions[std::size_t(i)].start);
        found.push_back(written);
        all.push_back(timeMs([&] { std::memset(data, value, bytes); }));
        // The same memset with the pages writable (the scan above left them
        // protected; unprotect to time the bare write).
        uffdio_writeprotect off{};
        off.range.start = reinterpret_cast<std::uintptr_t>(data);
        off.range.len = bytes;
        off.mode = 0;
        ::ioctl(fd, UFFDIO_WRITEPROTECT, &off);
        plainAll.push_back(timeMs([&] { std::memset(data, value ^ 1, bytes); }));
        if (r == 0)
            uffdRuns = runsAfter(all[0], runs);
    }
    uffdio_range range{reinterpret_cast<std::uintptr_t>(data), bytes};
    ::ioctl(fd, UFFDIO_UNREGISTER, &range);
    ::close(pagemap);
    ::close(fd);
    t.ran = t.problem.empty();
    t.protectMs = median(protect);
    t.scanCleanMs = median(clean);
    t.writeRowMs = median(row);
    t.scanRowMs = median(rowScan);
    t.foundBytes = median(found);
    t.memsetMs = median(all);
    t.memsetPlainMs = median(plainAll);
    return t;
}

// ---- soft-dirty -----------------------------------------------------------

struct SoftDirty {
    bool clearWorks = false, bitSeen = false, cleanPageClear = false;
    double clearMs = 0, readMs = 0, memsetAfterClearMs = 0, memsetMs = 0;
};

bool softDirtyBit(int pagemap, const std::uint8_t *address)
{
    std::uint64_t entry = 0;
    const off_t offset = off_t(reinterpret_cast<std::uintptr_t>(address) / Page * 8);
    if (::pread(pagemap, &entry, sizeof entry, offset) != ssize_t(sizeof entry))
        return false;
    return (entry >> 55) & 1;
}

bool clearSoftDirty()
{
    const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, "4", 1) == 1;
    ::close(fd);
    return ok;
}

SoftDirty probeSoftDirty(std::uint8_t *data, std::size_t bytes, int runs)
{
    SoftDirty s;
    const int pagemap = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap < 0)
        return s;
    s.clearWorks = clearSoftDirty();
    data[bytes / 2] ^= 1;
    s.bitSeen = softDirtyBit(pagemap, data + bytes / 2);
    s.cleanPageClear = !softDirtyBit(pagemap, data + bytes / 4);
    std::vector<std::uint64_t> entries(bytes / Page);
    std::vector<double> clear, read, after, plainSet;
    for (int r = 0; r < runs; ++r) {
        clear.push_back(timeMs([&] { clearSoftDirty(); }));
        after.push_back(timeMs([&] { std::memset(data, r & 1 ? 0x44 : 0x55, bytes); }));
        plainSet.push_back(timeMs([&] { std::memset(data, r & 1 ? 0x55 : 0x44, bytes); }));
        read.push_back(timeMs([&] {
            const off_t offset = off_t(reinterpret_cast<std::uintptr_t>(data) / Page * 8);
            g_sink = std::uint64_t(::pread(pagemap, entries.data(), entries.size() * 8, offset));
        }));
    }
    ::close(pagemap);
    s.clearMs = median(clear);
    s.readMs = median(read);
    s.memsetAfterClearMs = median(after);
    s.memsetMs = median(plainSet);
    return s;
}

std::string errnoText(int e)
{
    if (e == 0)
        return "ok";
    if (e < 0)
        return "not tried";
    return std::string(strerrorname_np(e) ? strerrorname_np(e) : "?") + " (" + std::strerror(e) + ")";
}

std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

int main(int argc, char **argv)
{
    // --full: also the statements that cost what "100 %" costs on 1 GiB.
    bool full = false;
    std::vector<char *> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--full") == 0)
            full = true;
        else
            args.push_back(argv[i]);
    }
    const auto [runs, json] = bench::parseBenchArgs(int(args.size()), args.data(), 5);
    utsname uts{};
    ::uname(&uts);
    const std::vector<Size> sizes = {{"4K", 3840, 2160}, {"1GiB", 16384, 16384}};
    const std::vector<Statement> list = statements();

    std::printf("undo_bench: RGBA uint8, %d runs, medians in ms; kernel %s\n", runs, uts.release);
    std::printf("tracked = the write with a History on the buffer + History::commit(); "
                "overhead = tracked - untracked\n\n");
    std::vector<SizeFigures> all;
    std::shared_ptr<PixelBuffer> scratch;
    for (const Size &size : sizes) {
        scratch.reset();
        scratch = PixelBuffer::allocate(size.bytes());
        fillPattern(scratch->data(), size.bytes());
        all.push_back(benchSize(size, runs, full, *scratch));
        const SizeFigures &f = all.back();
        std::printf("%s image %dx%d (%s); memcpy of it %.2f ms (warm pages), %.2f ms (fresh pages), %.2f ms "
                    "(fresh, huge-page advice: NumPy's a.copy()), %.2f ms (a.copy() with every copy kept)\n",
                    size.name, size.width, size.height, mib(double(size.bytes())).c_str(), f.memcpyWarm,
                    f.memcpyFresh, f.memcpyFreshHuge, f.memcpyGrowing);
        std::printf("  %-22s %10s %10s %10s %10s %11s %11s %5s  %s\n", "statement", "untracked", "tracked",
                    "overhead", "undo", "step", "rss growth", "exact", "target");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const Figures &s = f.statements[i];
            if (!s.measured) {
                std::printf("  %-22s (--full: touches every chunk, costs what \"100 %%\" costs)\n", list[i].name);
                continue;
            }
            const double overhead = s.tracked - s.untracked;
            std::string target;
            const std::string key = list[i].key;
            char text[96] = "";
            if (key == "nothing")
                std::snprintf(text, sizeof text, "<= 2 ms extra: %s", overhead <= 2 ? "met" : "MISSED");
            else if (key == "read_all")
                std::snprintf(text, sizeof text, "reads never fault: any difference is noise");
            else if (key == "one_row" && size.bytes() >= (std::size_t(1) << 30))
                std::snprintf(text, sizeof text, "<= 2 MiB: %s", s.stepBytes <= double(2 << 20) ? "met" : "MISSED");
            else if (key == "all")
                std::snprintf(text, sizeof text, "~<= 1 memcpy extra: %.2fx warm memcpy, %.2fx a.copy()",
                              overhead / f.memcpyWarm, overhead / f.memcpyFreshHuge);
            else if (key == "all_kept")
                std::snprintf(text, sizeof text, "~<= 1 memcpy extra: %.2fx warm memcpy, %.2fx a.copy() kept",
                              overhead / f.memcpyWarm, overhead / f.memcpyGrowing);
            target = text;
            if (s.runs != runs)
                target += (target.empty() ? "" : "; ") + std::to_string(s.runs) + " runs";
            char undo[16] = "-";
            if (s.undo >= 0)
                std::snprintf(undo, sizeof undo, "%.2f", s.undo);
            std::printf("  %-22s %10.2f %10.2f %10.2f %10s %11s %11s %5s  %s\n", list[i].name, s.untracked,
                        s.tracked, overhead, undo, mib(s.stepBytes).c_str(), mib(s.rssGrowth).c_str(),
                        s.exact ? "yes" : "NO", target.c_str());
        }
        std::printf("  contentHash of the whole image: %.2f ms (a per-unit hash of every tile costs at least "
                    "this, on every unit)\n\n",
                    f.hash);
    }

    // Alternatives on the 1 GiB size.
    const UffdProbe probe = probeUserfaultfd();
    const auto nobody = userfaultfdAsNobody();
    const Size &big = sizes.back(); // scratch is still the 1 GiB one
    UffdTiming uffd;
    if (probe.features & FeatureWpAsync)
        uffd = timeUffdAsync(scratch->data(), big.bytes(), big.rowBytes(), runs);
    const SoftDirty soft = probeSoftDirty(scratch->data(), big.bytes(), runs);

    int unprivileged = -1;
    if (FILE *f = std::fopen("/proc/sys/vm/unprivileged_userfaultfd", "r")) {
        if (std::fscanf(f, "%d", &unprivileged) != 1)
            unprivileged = -1;
        std::fclose(f);
    }
    std::printf("userfaultfd (kernel %s; this process runs as uid %d; vm.unprivileged_userfaultfd = %d)\n",
                uts.release, int(::getuid()), unprivileged);
    std::printf("  syscall, this user:   plain %s; UFFD_USER_MODE_ONLY %s\n", errnoText(probe.rootErrno).c_str(),
                errnoText(probe.userModeErrno).c_str());
    std::printf("  syscall, as nobody:   plain %s; UFFD_USER_MODE_ONLY %s\n", errnoText(nobody.first).c_str(),
                errnoText(nobody.second).c_str());
    std::printf("  /dev/userfaultfd:     %s\n", errnoText(probe.devErrno).c_str());
    std::printf("  UFFDIO_API features:  0x%" PRIx64 " (PAGEFAULT_FLAG_WP %s, WP_UNPOPULATED %s, WP_ASYNC %s)\n",
                probe.features, probe.features & UFFD_FEATURE_PAGEFAULT_FLAG_WP ? "yes" : "no",
                probe.features & FeatureWpUnpopulated ? "yes" : "no", probe.features & FeatureWpAsync ? "yes" : "no");
    if (uffd.ran) {
        std::printf("  async WP on 1 GiB:    protect %.2f ms; PAGEMAP_SCAN (find + re-protect) with nothing "
                    "written %.2f ms,\n"
                    "                        after one row %.2f ms (found %s); memset of 1 GiB under WP %.2f ms vs "
                    "%.2f ms unprotected\n",
                    uffd.protectMs, uffd.scanCleanMs, uffd.scanRowMs, mib(uffd.foundBytes).c_str(), uffd.memsetMs,
                    uffd.memsetPlainMs);
    } else {
        std::printf("  async WP on 1 GiB:    not timed (%s)\n",
                    uffd.problem.empty() ? "no WP_ASYNC on this kernel" : uffd.problem.c_str());
    }
    std::printf("soft-dirty (clear_refs \"4\", pagemap bit 55)\n");
    std::printf("  clear_refs write %s; written page marked %s; unwritten page clear %s\n",
                soft.clearWorks ? "ok" : "FAILED", soft.bitSeen ? "yes" : "NO", soft.cleanPageClear ? "yes" : "NO");
    std::printf("  clear_refs \"4\" %.2f ms (whole process); read pagemap of 1 GiB %.2f ms; memset of 1 GiB after "
                "clear %.2f ms vs %.2f ms\n",
                soft.clearMs, soft.readMs, soft.memsetAfterClearMs, soft.memsetMs);

    if (json) {
        std::string out = "{\"bench\": \"undo\", \"runs\": " + std::to_string(runs) +
                          ", \"kernel\": " + jsonString(uts.release) + ", \"sizes\": {";
        char text[512];
        for (std::size_t s = 0; s < sizes.size(); ++s) {
            const SizeFigures &f = all[s];
            std::snprintf(text, sizeof text,
                          "%s\"%s\": {\"width\": %d, \"height\": %d, \"bytes\": %zu, \"memcpy_ms\": %.3f, "
                          "\"memcpy_fresh_ms\": %.3f, \"memcpy_fresh_huge_ms\": %.3f, \"memcpy_kept_ms\": %.3f, \"content_hash_ms\": %.3f, "
                          "\"statements\": {",
                          s ? ", " : "", sizes[s].name, sizes[s].width, sizes[s].height, sizes[s].bytes(),
                          f.memcpyWarm, f.memcpyFresh, f.memcpyFreshHuge, f.memcpyGrowing, f.hash);
            out += text;
            bool firstKey = true;
            for (std::size_t i = 0; i < list.size(); ++i) {
                const Figures &g = f.statements[i];
                if (!g.measured)
                    continue;
                std::snprintf(text, sizeof text,
                              "%s\"%s\": {\"runs\": %d, \"untracked_ms\": %.3f, \"tracked_ms\": %.3f, \"overhead_ms\": %.3f, "
                              "\"undo_ms\": %.3f, \"step_bytes\": %.0f, \"rss_growth_bytes\": %.0f, \"exact\": %s}",
                              firstKey ? "" : ", ", list[i].key, g.runs, g.untracked, g.tracked, g.tracked - g.untracked, g.undo,
                              g.stepBytes, g.rssGrowth, g.exact ? "true" : "false");
                out += text;
                firstKey = false;
            }
            out += "}}";
        }
        std::snprintf(text, sizeof text,
                      "}, \"userfaultfd\": {\"errno\": %d, \"user_mode_only_errno\": %d, \"nobody_errno\": %d, "
                      "\"nobody_user_mode_only_errno\": %d, \"dev_errno\": %d, \"features\": %" PRIu64
                      ", \"wp_async\": %s, \"async_protect_1gib_ms\": %.3f, \"async_scan_clean_1gib_ms\": %.3f, "
                      "\"async_scan_one_row_1gib_ms\": %.3f, \"async_memset_1gib_ms\": %.3f, "
                      "\"unprotected_memset_1gib_ms\": %.3f}",
                      probe.rootErrno, probe.userModeErrno, nobody.first, nobody.second, probe.devErrno,
                      probe.features, (probe.features & FeatureWpAsync) ? "true" : "false", uffd.protectMs,
                      uffd.scanCleanMs, uffd.scanRowMs, uffd.memsetMs, uffd.memsetPlainMs);
        out += text;
        std::snprintf(text, sizeof text,
                      ", \"soft_dirty\": {\"clear_refs_ok\": %s, \"bit55_set_on_write\": %s, \"bit55_clear_unwritten\": "
                      "%s, \"clear_refs_ms\": %.3f, \"pagemap_read_1gib_ms\": %.3f, \"memset_after_clear_1gib_ms\": "
                      "%.3f, \"memset_1gib_ms\": %.3f}}",
                      soft.clearWorks ? "true" : "false", soft.bitSeen ? "true" : "false",
                      soft.cleanPageClear ? "true" : "false", soft.clearMs, soft.readMs, soft.memsetAfterClearMs,
                      soft.memsetMs);
        out += text;
        std::printf("%s\n", out.c_str());
    }
    return 0;
}
