// preloadImageIO() maps the libraries liblivepix_io needs one at a time, from
// the list the build writes beside it, so that another thread's library load
// waits for one library at most instead of the whole OpenImageIO stack (the
// dynamic loader has one lock; issue 9, start-up). A binary of its own: the
// process must not have mapped OpenImageIO before the test.
#include <QtTest>

#include <livepix/imageio.h>

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace livepix;

namespace {
bool isMapped(const std::string &soname)
{
    void *handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_NOLOAD);
    if (handle)
        ::dlclose(handle); // drops only the reference RTLD_NOLOAD just took
    return handle != nullptr;
}

// The sonames of the build's preload list, in its order.
std::vector<std::string> preloadList()
{
    std::ifstream file(LIVEPIX_TEST_PRELOAD_LIST);
    std::vector<std::string> sonames;
    for (std::string line; std::getline(file, line);)
        if (!line.empty() && line.front() != '#')
            sonames.push_back(line);
    return sonames;
}

// How many of `sonames` /proc/self/maps shows (reading it takes no loader lock).
int mappedCount(const std::vector<std::string> &sonames)
{
    std::ifstream maps("/proc/self/maps");
    std::string all((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
    int count = 0;
    for (const std::string &soname : sonames)
        count += all.find("/" + soname) != std::string::npos;
    return count;
}
} // namespace

class TestImageIoPreload : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // In this order: the first test sees the process before any I/O.
    void anotherLoadDoesNotWaitForTheWholeStack();
    void theListNamesWhatTheLibraryNeedsLeavesFirst();
};

void TestImageIoPreload::anotherLoadDoesNotWaitForTheWholeStack()
{
    const std::vector<std::string> list = preloadList();
    QVERIFY2(list.size() > 50, "the build wrote no preload list beside liblivepix_core");
    QVERIFY(!isMapped("libOpenImageIO.so.2.4"));
    QVERIFY(!isMapped(LIVEPIX_TEST_TINY_LIBRARY));
    const int mappedBefore = mappedCount(list);

    std::atomic<bool> preloaded{false};
    std::thread preload([&] {
        preloadImageIO();
        preloaded = true;
    });
    // Once the preload has mapped its first library, load another one here,
    // as Qt loads its plugins while the app's preload runs.
    while (mappedCount(list) == mappedBefore && !preloaded)
        std::this_thread::yield();
    void *tiny = ::dlopen(LIVEPIX_TEST_TINY_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    const bool oiioMappedWhenOurLoadReturned = isMapped("libOpenImageIO.so.2.4");
    const bool preloadDoneWhenOurLoadReturned = preloaded;
    preload.join();

    QVERIFY2(tiny, ::dlerror());
    // With one dlopen of everything, our load would have waited until the
    // whole stack, libOpenImageIO included, was mapped.
    QVERIFY(!preloadDoneWhenOurLoadReturned);
    QVERIFY(!oiioMappedWhenOurLoadReturned);
    QVERIFY(isMapped("libOpenImageIO.so.2.4"));
    ::dlclose(tiny);
}

void TestImageIoPreload::theListNamesWhatTheLibraryNeedsLeavesFirst()
{
    const std::vector<std::string> list = preloadList();
    QVERIFY(!list.empty());
    // libOpenImageIO needs libOpenImageIO_Util: the one needed comes first.
    const auto position = [&](const std::string &soname) {
        return std::find(list.begin(), list.end(), soname) - list.begin();
    };
    QVERIFY(position("libOpenImageIO.so.2.4") < qsizetype(list.size()));
    QVERIFY(position("libOpenImageIO_Util.so.2.4") < position("libOpenImageIO.so.2.4"));
    for (const std::string &soname : list) {
        // Sonames, not paths, and not the process's own libraries.
        QVERIFY2(soname.find('/') == std::string::npos, soname.c_str());
        QVERIFY2(soname.rfind("liblivepix_", 0) != 0, soname.c_str());
        // The preload (the test above) mapped every one of them.
        QVERIFY2(isMapped(soname), soname.c_str());
    }
}

QTEST_GUILESS_MAIN(TestImageIoPreload)
#include "tst_imageiopreload.moc"
