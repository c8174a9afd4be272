// forEachTile: the filters' parallel-for over tiles, with progress, cancel
// and errors (livepix/tiles.h).
#include <QtTest>

#include <livepix/filtercontext.h>
#include <livepix/image.h>
#include <livepix/tiles.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace livepix;

class TestTiles : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyPixelOnceThroughViewsOfTheImage();
    void severalThreadsShareALargeImage();
    void progressEndsAtOne();
    void cancelStopsNewTiles();
    void anExceptionReachesTheCaller();
    void emptyImageAndBadTileSize();
};

void TestTiles::everyPixelOnceThroughViewsOfTheImage()
{
    // Not a multiple of the tile size either way, and a view of a wider
    // image (its rows further apart than its width).
    const Image whole = Image::create(2 * 1001, 333, 2, DType::UInt16);
    const Image image = whole.view(0, 0, 1001, 333);
    std::vector<std::atomic<int>> visits(std::size_t(image.width()) * std::size_t(image.height()));
    FilterContext context;
    std::atomic<bool> viewsRight{true};
    const bool finished = forEachTile(image, context, [&](const Tile &tile) {
        // The tile's view is the image's memory at (x, y): no copy.
        if (tile.view.pixel(0, 0) != image.pixel(tile.x, tile.y) ||
            tile.view.pixel(tile.width - 1, tile.height - 1) !=
                image.pixel(tile.x + tile.width - 1, tile.y + tile.height - 1) ||
            tile.view.width() != tile.width || tile.view.height() != tile.height)
            viewsRight = false;
        for (int y = tile.y; y < tile.y + tile.height; ++y)
            for (int x = tile.x; x < tile.x + tile.width; ++x)
                ++visits[std::size_t(y) * std::size_t(image.width()) + std::size_t(x)];
    }, TileOptions{128, 50});
    QVERIFY(finished);
    QVERIFY(viewsRight);
    for (std::size_t i = 0; i < visits.size(); ++i)
        QVERIFY2(visits[i] == 1, qPrintable(QStringLiteral("pixel %1 visited %2 times").arg(i).arg(int(visits[i]))));
}

void TestTiles::severalThreadsShareALargeImage()
{
    if (std::thread::hardware_concurrency() < 2)
        QSKIP("one core: every tile runs on the calling thread");
    qunsetenv("LIVEPIX_CORE_THREADS");
    const Image image = Image::create(2048, 1024, 4, DType::UInt8);
    std::mutex lock;
    std::set<std::thread::id> threads;
    FilterContext context;
    QVERIFY(forEachTile(image, context, [&](const Tile &tile) {
        {
            std::lock_guard<std::mutex> guard(lock);
            threads.insert(std::this_thread::get_id());
        }
        // Some work per tile, so a helper gets to take one.
        for (int y = 0; y < tile.height; ++y)
            std::memset(tile.view.row(y), 1, std::size_t(tile.width) * 4);
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }));
    QVERIFY2(threads.size() >= 2, qPrintable(QString::number(threads.size())));
    QVERIFY(threads.count(std::this_thread::get_id())); // the caller works too
    // And the tiles wrote the image itself.
    QCOMPARE(int(image.at<std::uint8_t>(2047, 1023, 3)), 1);
}

void TestTiles::progressEndsAtOne()
{
    const Image image = Image::create(300, 200, 1, DType::Float32);
    FilterContext context;
    std::atomic<int> calls{0};
    std::atomic<bool> progressBelowOne{true};
    QVERIFY(forEachTile(image, context, [&](const Tile &) {
        if (context.progress() >= 1.0f)
            progressBelowOne = false; // 1 only after the last tile
        ++calls;
    }, TileOptions{100, 100}));
    QCOMPARE(int(calls), 6);
    QVERIFY(progressBelowOne);
    QCOMPARE(context.progress(), 1.0f);
}

void TestTiles::cancelStopsNewTiles()
{
    const Image image = Image::create(1000, 1000, 1, DType::UInt8);
    FilterContext context;
    std::atomic<int> calls{0};
    const bool finished = forEachTile(image, context, [&](const Tile &) {
        if (++calls == 3)
            context.cancel();
    }, TileOptions{10, 10}); // 10 000 tiles
    QVERIFY(!finished);
    // The tiles under way on other threads when the cancel came may finish;
    // no thread starts one after it.
    QVERIFY2(calls <= 3 + 64, qPrintable(QString::number(int(calls))));
}

void TestTiles::anExceptionReachesTheCaller()
{
    const Image image = Image::create(1000, 1000, 1, DType::UInt8);
    FilterContext context;
    std::atomic<int> calls{0};
    try {
        forEachTile(image, context, [&](const Tile &tile) {
            ++calls;
            if (tile.x == 0 && tile.y == 0)
                throw std::runtime_error("tile at 0,0 failed");
        }, TileOptions{10, 10});
        QFAIL("no exception");
    } catch (const std::runtime_error &error) {
        QCOMPARE(QString::fromLatin1(error.what()), QStringLiteral("tile at 0,0 failed"));
    }
    QVERIFY2(calls < 10000, qPrintable(QString::number(int(calls)))); // the others stopped
}

void TestTiles::emptyImageAndBadTileSize()
{
    FilterContext context;
    int calls = 0;
    QVERIFY(forEachTile(Image(), context, [&](const Tile &) { ++calls; }));
    QCOMPARE(calls, 0);
    const Image image = Image::create(4, 4, 1, DType::UInt8);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             forEachTile(image, context, [&](const Tile &) { ++calls; }, TileOptions{-1, 8}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             forEachTile(image, context, [&](const Tile &) { ++calls; }, TileOptions{8, 0}));
    QCOMPARE(calls, 0);
    // The default: whole rows, 64 at a time.
    std::vector<Tile> tiles;
    const Image tall = Image::create(100, 130, 1, DType::UInt8);
    QVERIFY(forEachTile(tall, context, [&](const Tile &tile) { tiles.push_back(tile); }));
    QCOMPARE(int(tiles.size()), 3); // one thread: a small image stays on the caller
    for (const Tile &tile : tiles) {
        QCOMPARE(tile.x, 0);
        QCOMPARE(tile.width, 100);
    }
    QCOMPARE(tiles.back().height, 130 - 128);
}

QTEST_GUILESS_MAIN(TestTiles)
#include "tst_tiles.moc"
