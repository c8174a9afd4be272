// Core loads its OpenImageIO-backed I/O (liblivepix_io) on first use, not at
// start: a program that never opens a file never maps OpenImageIO and the
// 260 libraries it links (issue 9, start-up). This binary links only core and
// Qt, so what /proc/self/maps shows is what core itself brought in.
#include <QtTest>

#include <livepix/imageerror.h>
#include <livepix/imageio.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

using namespace livepix;

namespace {
// How many mappings of files whose name contains `name` this process has.
int mappingsOf(const std::string &name)
{
    std::ifstream maps("/proc/self/maps");
    int count = 0;
    for (std::string line; std::getline(maps, line);)
        count += line.find(name) != std::string::npos;
    return count;
}
} // namespace

class TestImageIoLazy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // In this order: the first test sees the process before any I/O.
    void nothingIsMappedBeforeTheFirstUse();
    void preloadIsIdempotent();
    void loadsAndSavesThroughTheLoadedLibrary();
};

void TestImageIoLazy::nothingIsMappedBeforeTheFirstUse()
{
    QCOMPARE(mappingsOf("libOpenImageIO"), 0);
    QCOMPARE(mappingsOf("liblivepix_io"), 0);

    // Eight threads make the first call at once: the library loads once
    // and every caller gets the whole answer.
    constexpr int Threads = 8;
    std::atomic<int> waiting{Threads};
    std::vector<std::vector<std::string>> lists(Threads);
    std::vector<std::thread> threads;
    for (int i = 0; i < Threads; ++i)
        threads.emplace_back([&, i] {
            --waiting;
            while (waiting.load() > 0)
                std::this_thread::yield();
            lists[i] = readableExtensions();
        });
    for (auto &t : threads)
        t.join();
    for (const auto &list : lists) {
        QVERIFY(std::find(list.begin(), list.end(), "png") != list.end());
        QCOMPARE(list, lists.front());
    }
    QVERIFY(mappingsOf("libOpenImageIO") > 0);
    QVERIFY(mappingsOf("liblivepix_io") > 0);
}

void TestImageIoLazy::preloadIsIdempotent()
{
    const int before = mappingsOf("liblivepix_io");
    preloadImageIO();
    preloadImageIO();
    QCOMPARE(mappingsOf("liblivepix_io"), before);
}

void TestImageIoLazy::loadsAndSavesThroughTheLoadedLibrary()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("round.png")).toStdString();
    Image image = Image::create(7, 5, 3, DType::UInt8);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
            for (int c = 0; c < 3; ++c)
                image.at<std::uint8_t>(x, y, c) = std::uint8_t(x * 30 + y * 7 + c);
    saveImage(image, path);
    const Image back = loadImage(path);
    QCOMPARE(back.width(), 7);
    QCOMPARE(back.at<std::uint8_t>(6, 4, 2), std::uint8_t(6 * 30 + 4 * 7 + 2));
    // Errors still come through as ImageError naming the file.
    try {
        loadImage(dir.filePath(QStringLiteral("missing.png")).toStdString());
        QFAIL("no error for a missing file");
    } catch (const ImageError &error) {
        QVERIFY(std::string(error.what()).find("missing.png") != std::string::npos);
    }
}

QTEST_GUILESS_MAIN(TestImageIoLazy)
#include "tst_imageiolazy.moc"
