// Compare and histogram: what the data views cost, against a single image.
//
// Run (from the build folder):
//   QT_QPA_PLATFORM=offscreen ./bin/compare_bench [runs] [--json]
// With --json the last line of output is one JSON object with every figure.
//
// For two 3840x2160 RGBA float32 images in a 1600x900 canvas at fit, median
// times in one run (the rows take turns within each round, so a busy machine
// slows all alike):
//   single      Canvas::repaint() of image A alone, its revision bumped
//               before every paint (as while a script edits it);
//   difference  the same in the signed difference compare mode, both
//               revisions bumped (the difference is recomputed at display
//               resolution each frame); target: within 2x of `single`;
//   split       the split wipe (two images, each half converted);
//   histogram   HistogramDock::compute(), the dock's job, on image A: with
//               the dock's pixel budget (4K is above it: sampled) and exact;
//               and of the signed difference (sampled);
//   dock        from a change (revision bump + Viewer::pixelsMayHaveChanged)
//               to the dock's histogramUpdated signal, through the event loop;
//   metrics     compareMetrics(A, B), the status bar's job.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <vector>

#include <livepix/comparison.h>
#include <livepix/image.h>

#include "viewer/canvas.h"
#include "viewer/comparecontroller.h"
#include "viewer/document.h"
#include "viewer/viewer.h"
#include "widgets/histogramdock.h"

using namespace livepix;
using namespace livepix::gui;

#include "benchsupport.h"

using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

Image makeImage(float shift)
{
    const int w = 3840, h = 2160;
    Image image = Image::create(w, h, 4, DType::Float32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            auto *p = &image.at<float>(x, y, 0);
            p[0] = 1.5f * float(x) / w + shift * float((x * 7 + y * 13) % 17) / 17.0f;
            p[1] = 1.5f * float(y) / h;
            p[2] = 1.5f * float((x ^ y) & 255) / 255.0f;
            p[3] = 1.0f;
        }
    return image;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    const auto [runs, json] = bench::parseBenchArgs(argc, argv, 30);

    Viewer viewer;
    Canvas canvas(&viewer);
    canvas.resize(1600, 900);
    canvas.show();
    const Image a = makeImage(0.0f);
    const Image b = makeImage(0.05f);
    Document *docB = viewer.show(b, QStringLiteral("B"));
    Document *docA = viewer.show(a, QStringLiteral("A"));
    viewer.setZoom(0.0);
    QApplication::processEvents();
    CompareController *compare = CompareController::forViewer(&viewer);

    auto paintIn = [&](CompareMode mode) {
        if (mode == CompareMode::None)
            compare->end(docA);
        else
            compare->start(docA, docB, mode);
        a.markChanged();
        b.markChanged();
        return timeMs([&] { canvas.repaint(); });
    };
    const std::vector<CompareMode> modes{CompareMode::None, CompareMode::Difference, CompareMode::Split};
    std::vector<std::vector<double>> paintTimes(modes.size());
    for (int i = 0; i < 3; ++i) // warm up (LUTs, caches, pool threads)
        for (CompareMode mode : modes)
            paintIn(mode);
    // Within a round each mode paints twice and the second (both revisions
    // bumped again) is timed, so the switch itself is not measured.
    for (int i = 0; i < runs; ++i)
        for (std::size_t m = 0; m < modes.size(); ++m) {
            paintIn(modes[m]);
            paintTimes[m].push_back(paintIn(modes[m]));
        }
    compare->end(docA);
    const double singleMs = median(paintTimes[0]);
    const double differenceMs = median(paintTimes[1]);
    const double splitMs = median(paintTimes[2]);

    std::vector<double> sampled, exact, diffHist, metrics;
    bool wasSampled = false;
    for (int i = 0; i < runs; ++i) {
        sampled.push_back(timeMs([&] {
            wasSampled = HistogramDock::compute(a, {}, std::nullopt, HistogramDock::DefaultPixelBudget).histogram.sampled;
        }));
        exact.push_back(timeMs([&] { HistogramDock::compute(a, {}, std::nullopt, 0); }));
        diffHist.push_back(timeMs(
            [&] { HistogramDock::compute(a, b, DifferenceMode::Signed, HistogramDock::DefaultPixelBudget); }));
        metrics.push_back(timeMs([&] { compareMetrics(a, b); }));
    }

    // The dock end to end: change -> job on a pool thread -> signal.
    HistogramDock dock(&viewer);
    dock.show();
    QApplication::processEvents();
    std::vector<double> dockTimes;
    for (int i = 0; i < std::min(runs, 20); ++i) {
        QElapsedTimer wait; // past the rate limit, so the change starts a job at once
        wait.start();
        while (wait.elapsed() < HistogramDock::IntervalMs + 5)
            QApplication::processEvents(QEventLoop::AllEvents, 5);
        QEventLoop loop;
        QObject::connect(&dock, &HistogramDock::histogramUpdated, &loop, &QEventLoop::quit);
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        const int before = dock.computations();
        QElapsedTimer timer;
        timer.start();
        a.markChanged();
        viewer.pixelsMayHaveChanged();
        loop.exec();
        if (dock.computations() == before)
            break;
        dockTimes.push_back(timer.nsecsElapsed() / 1e6);
    }
    const double dockMs = dockTimes.empty() ? -1.0 : median(dockTimes);

    std::printf("compare benchmark: two 3840x2160 RGBA float32 images, %dx%d canvas at fit, median of %d (ms)\n",
                canvas.width(), canvas.height(), runs);
    std::printf("  paint single image (live)          %8.2f\n", singleMs);
    std::printf("  paint difference compare (live)    %8.2f   %.2fx single (target <= 2x)\n", differenceMs,
                differenceMs / singleMs);
    std::printf("  paint split wipe (live)            %8.2f   %.2fx single\n", splitMs, splitMs / singleMs);
    std::printf("  histogram, dock budget (%s)      %8.2f\n", wasSampled ? "sampled" : "exact  ", median(sampled));
    std::printf("  histogram, exact                   %8.2f\n", median(exact));
    std::printf("  histogram of the difference        %8.2f\n", median(diffHist));
    std::printf("  dock: change -> histogramUpdated   %8.2f\n", dockMs);
    std::printf("  compareMetrics                     %8.2f\n", median(metrics));
    if (json)
        std::printf("{\"bench\": \"compare\", \"image\": \"3840x2160 RGBA float32\", \"canvas\": \"%dx%d\", "
                    "\"runs\": %d, \"paint_single_fit_ms\": %.3f, \"paint_difference_fit_ms\": %.3f, "
                    "\"difference_over_single\": %.3f, \"paint_split_fit_ms\": %.3f, "
                    "\"histogram_dock_budget_ms\": %.3f, \"histogram_dock_budget_sampled\": %s, "
                    "\"histogram_exact_ms\": %.3f, \"histogram_difference_ms\": %.3f, "
                    "\"dock_change_to_update_ms\": %.3f, \"compare_metrics_ms\": %.3f}\n",
                    canvas.width(), canvas.height(), runs, singleMs, differenceMs, differenceMs / singleMs, splitMs,
                    median(sampled), wasSampled ? "true" : "false", median(exact), median(diffHist), dockMs,
                    median(metrics));
    return 0;
}
