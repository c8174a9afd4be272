// browse_bench: Page Down in a folder of 4K PNGs, from the key to the first
// frame of the next image, with the neighbour prefetched and without.
//
//   QT_QPA_PLATFORM=offscreen build/bin/browse_bench [RUNS] [--json]
//
// A folder of RUNS+2 photos-sized PNGs (3840x2160 RGBA8, noise so the codec
// works) is written to a temporary folder. For each step: "prefetched" waits
// until the FolderBrowser's PrefetchCache holds the next file, then steps and
// times FolderBrowser::step() -> the canvas's next completed paint showing
// the new document; "cold" does the same with prefetch off (a plain load).
// "Prefetched" steps as soon as the file is in memory, when the canvas may
// still be making the neighbour's display level (PreparedLevels: the step
// then waits for the rest of it); "prefetched, level made" also waits for
// that level, as after looking at an image for a moment.
// Target (issue 9): a prefetched switch reaches its first frame within 30 ms.
#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QThread>

#include <livepix/image.h>
#include <livepix/imageio.h>

#include <cstdio>
#include <random>

#include "benchsupport.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/folderbrowser.h"
#include "viewer/prefetchcache.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

namespace {
/// Runs the event loop for about `ms` (benchmarks do not link Qt Test).
void wait(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

void writeImages(const QTemporaryDir &dir, int count)
{
    std::mt19937 random(7);
    Image image = Image::create(3840, 2160, 4, DType::UInt8);
    for (int i = 0; i < count; ++i) {
        for (int y = 0; y < 2160; ++y) {
            std::uint8_t *row = image.row(y);
            for (int x = 0; x < 3840 * 4; ++x)
                row[x] = std::uint8_t((x / 4 + y + i * 37) ^ (random() & 15));
        }
        saveImage(image, dir.filePath(QStringLiteral("photo%1.png").arg(i + 1)).toStdString());
    }
}

/// ms from step() to the canvas's first completed paint of the new document.
enum class Wait { Nothing, File, Level };

double timeStep(Viewer &viewer, Canvas &canvas, FolderBrowser &browser, Wait waitFor)
{
    const QString before = viewer.current()->filePath();
    const QString next = FolderBrowser::neighbour(before, 1);
    QElapsedTimer waiting;
    waiting.start();
    while (waitFor != Wait::Nothing && !viewer.prefetchCache()->isReady(next) && waiting.elapsed() < 30000)
        wait(5);
    const PreparedLevels &levels = canvas.preparedLevels();
    while (waitFor == Wait::Level && (levels.running() > 0 || levels.levels() == 0) && waiting.elapsed() < 30000)
        wait(1);
    QElapsedTimer clock;
    clock.start();
    browser.step(1);
    while ((!viewer.current() || viewer.current()->filePath() != next) && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    const int paints = canvas.paintCount();
    canvas.repaint(); // what the event loop would do next; counted once it completed
    while (canvas.paintCount() == paints && clock.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return double(clock.nsecsElapsed()) / 1e6;
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const auto args = bench::parseBenchArgs(argc, argv, 5);
    QTemporaryDir dir;
    writeImages(dir, 3 * args.runs + 2);

    Viewer viewer;
    Canvas canvas(&viewer);
    canvas.resize(1200, 700);
    canvas.show();
    wait(300); // the window is exposed
    FolderBrowser browser(&viewer);
    viewer.openAsync(dir.filePath(QStringLiteral("photo1.png")));
    while (!viewer.current())
        wait(10);

    std::vector<double> cold, prefetched, levelMade;
    for (int i = 0; i < args.runs; ++i) {
        browser.setPrefetch(false);
        viewer.prefetchCache()->want({});
        cold.push_back(timeStep(viewer, canvas, browser, Wait::Nothing));
        browser.setPrefetch(true);
        prefetched.push_back(timeStep(viewer, canvas, browser, Wait::File));
        levelMade.push_back(timeStep(viewer, canvas, browser, Wait::Level));
    }
    const double c = bench::median(cold), p = bench::median(prefetched), l = bench::median(levelMade);
    std::printf("browse_bench: Page Down to the first frame, 4K RGBA8 PNG, medians of %d steps each\n", args.runs);
    std::printf("  cold (read and decode on the step):  %8.1f ms\n", c);
    std::printf("  prefetched:                          %8.1f ms   target <= 30 ms: %s\n", p,
                p <= 30.0 ? "met" : "NOT met");
    std::printf("  prefetched, level made:              %8.1f ms   target <= 30 ms: %s\n", l,
                l <= 30.0 ? "met" : "NOT met");
    std::printf("  levels made ahead and used: %d of %d prefetched steps\n", canvas.preparedLevels().adopted(),
                2 * args.runs);
    if (args.json)
        std::printf("{\"runs\": %d, \"cold_ms\": %.3f, \"prefetched_ms\": %.3f, \"prefetched_level_made_ms\": %.3f, "
                    "\"levels_used\": %d}\n",
                    args.runs, c, p, l, canvas.preparedLevels().adopted());
    return 0;
}
