// Canvas paint time against the floor of a bare QPainter::drawImage.
//
// Run (from the build folder):
//   QT_QPA_PLATFORM=offscreen ./bin/paint_bench [runs]
// (LIVEPIX_DISPLAY_THREADS=1 makes the float conversion use the GUI thread
// alone; on a shared machine, `nice -n -10` steadies the figures.)
//
// For a 3840x2160 RGBA image (uint8, float32, and float32 with one channel
// through levels and a colormap) shown in a 1600x900 canvas,
// at fit and at 1:1, it times Canvas::repaint() in three cases:
//   live    the image's revision is bumped before every paint with nothing
//           written: shared buffers (no tracker sees their writes) rebuild
//           every display cache (at fit: the whole box reduction), tracked
//           private ones find no changed chunk and cost a cached paint;
//   cached  nothing changed between paints;
//   edit    (private buffers) a 256x256 patch is written before each paint:
//           the smooth frame after an isolated edit, paint only.
// In the same run it times the floor: a bare QWidget whose paintEvent only
// calls QPainter::drawImage of a QImage over the same memory (wrapImage:
// RGBA8888 or RGBA32FPx4) into the same target rectangle with the same
// smoothing. Prints medians over the runs and the ratio to the floor, and
// for converted (float) images the time of the 8-bit conversion alone.
// The last two rows paint uint8 and float32 images in shared memory (a memfd,
// as once a client attached: docs/ATTACH.md) to show what sharing costs a
// paint, against the private rows of the same run.
#include <QApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QWidget>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <cstdlib>
#include <functional>
#include <vector>

#include <livepix/image.h>

#include "viewer/canvas.h"
#include "viewer/displaypipeline.h"
#include "viewer/document.h"
#include "viewer/qimagewrap.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

#include "benchsupport.h"

using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

/// The floor: nothing but drawImage.
class FloorWidget : public QWidget {
public:
    QImage image;
    QRectF target;
    QRectF source;
    bool smooth = false;

    // Like the canvas, skip Qt's background fill: the floor is drawImage alone.
    FloorWidget() { setAttribute(Qt::WA_OpaquePaintEvent); }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter painter(this);
        painter.setRenderHint(QPainter::SmoothPixmapTransform, smooth);
        painter.drawImage(target, image, source);
    }
};

double medianMs(int runs, const std::function<void()> &before, const std::function<void()> &paint)
{
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) { // warm up (LUT, caches, pool threads)
        before();
        paint();
    }
    for (int i = 0; i < runs; ++i) {
        before();
        times.push_back(timeMs(paint));
    }
    return median(times);
}

Image makeImage(DType type, PixelMemory memory)
{
    const int w = 3840, h = 2160;
    Image image = Image::create(w, h, 4, type, memory);
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const float r = float(x) / w, g = float(y) / h, b = float((x ^ y) & 255) / 255.0f;
            const float a = 0.5f + 0.5f * float(x + y) / (w + h);
            const float v[4] = {r, g, b, a};
            for (int c = 0; c < 4; ++c) {
                if (type == DType::UInt8)
                    image.at<std::uint8_t>(x, y, c) = static_cast<std::uint8_t>(v[c] * 255.0f + 0.5f);
                else
                    image.at<float>(x, y, c) = v[c] * (c < 3 ? 1.5f : 1.0f); // some HDR values above 1
            }
        }
    }
    return image;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    // paint_bench [RUNS] [--json]: --json prints the medians as one JSON object, last.
    const auto [runs, json] = bench::parseBenchArgs(argc, argv, 50);
    std::string figures = "{\"bench\": \"paint\", \"runs\": " + std::to_string(runs);
    const auto addFigure = [&figures](const std::string &key, double ms) {
        char value[32];
        std::snprintf(value, sizeof value, "%.3f", ms);
        figures += ", \"" + key + "\": " + value;
    };

    Viewer viewer;
    Canvas canvas(&viewer);
    canvas.resize(1600, 900);
    canvas.show();
    FloorWidget floor;
    floor.resize(1600, 900);
    floor.show();
    QApplication::processEvents();

    std::printf("paint benchmark: 3840x2160 RGBA in a %dx%d canvas, median of %d repaints (ms)\n", canvas.width(),
                canvas.height(), runs);
    std::printf("%-8s %-4s %8s %8s %8s %10s %12s  %s\n", "dtype", "zoom", "floor", "live", "cached", "live/floor",
                "cached/floor", "display-copy rebuilds (live, cached)");

    // Cases: uint8 and float32 as they open (uint8 as stored, float32 with
    // levels fitted to its data), then float32 with one channel shown through
    // levels and a colormap (the target: within 1.1x of the plain float32 row).
    static const char *const Labels[] = {"uint8", "float32", "f32+cmap", "u8shared", "f32shared"};
    static const char *const Keys[] = {"uint8", "float32", "f32_cmap", "uint8_shared", "float32_shared"};
    double privateLive[2][2] = {}, sharedLive[2][2] = {}; // [uint8, float32][fit, 1:1]
    for (int variant = 0; variant < 5; ++variant) {
        const bool shared = variant >= 3;
        const DType type = variant == 0 || variant == 3 ? DType::UInt8 : DType::Float32;
        const char *label = Labels[variant];
        const Image image = makeImage(type, shared ? PixelMemory::Shared : PixelMemory::Private);
        Document *document = viewer.show(image, QStringLiteral("bench"));
        if (variant == 2) {
            DisplaySettings settings = document->displaySettings();
            settings.channel = 0;
            settings.colormap = QStringLiteral("viridis");
            settings.levels[0] = {0.1, 1.2};
            document->setDisplaySettings(settings);
        }
        for (double zoom : {0.0, 1.0}) {
            viewer.setZoom(zoom);
            QApplication::processEvents();
            const double s = canvas.scale();
            const QPointF o = canvas.origin();
            const QRectF imageRect(o, QSizeF(image.width() * s, image.height() * s));
            floor.image = wrapImage(image);
            floor.target = imageRect.intersected(QRectF(canvas.rect()));
            floor.source = QRectF((floor.target.topLeft() - o) / s, floor.target.size() / s);
            floor.smooth = s < 1.0;

            // Floor, live and cached paints take turns within each round, so
            // a busy machine slows all three alike.
            std::vector<double> floorTimes, liveTimes, cachedTimes;
            for (int i = 0; i < 5; ++i) { // warm up (LUT, caches, pool threads)
                floor.repaint();
                image.markChanged();
                canvas.repaint();
            }
            // The rebuild counts show the live case really converts every
            // frame and the cached case never does (0 for direct drawing).
            int liveRebuilds = 0, cachedRebuilds = 0;
            for (int i = 0; i < runs; ++i) {
                floorTimes.push_back(timeMs([&] { floor.repaint(); }));
                image.markChanged();
                int c = canvas.pipeline().conversions();
                liveTimes.push_back(timeMs([&] { canvas.repaint(); }));
                liveRebuilds += canvas.pipeline().conversions() - c;
                c = canvas.pipeline().conversions();
                cachedTimes.push_back(timeMs([&] { canvas.repaint(); }));
                cachedRebuilds += canvas.pipeline().conversions() - c;
            }
            const double floorMs = median(floorTimes);
            const double liveMs = median(liveTimes);
            const double cachedMs = median(cachedTimes);
            const int c0 = 0, c1 = liveRebuilds, c2 = liveRebuilds + cachedRebuilds;
            std::printf("%-8s %-4s %8.2f %8.2f %8.2f %10.2f %12.2f  %d, %d\n", label,
                        zoom <= 0 ? "fit" : "1:1", floorMs, liveMs, cachedMs, liveMs / floorMs, cachedMs / floorMs,
                        c1 - c0, c2 - c1);
            const std::string key = std::string(Keys[variant]) + (zoom <= 0 ? "_fit" : "_1to1");
            if (variant != 2)
                (shared ? sharedLive : privateLive)[type == DType::UInt8 ? 0 : 1][zoom <= 0 ? 0 : 1] = liveMs;
            addFigure(key + "_floor_ms", floorMs);
            addFigure(key + "_live_ms", liveMs);
            addFigure(key + "_cached_ms", cachedMs);
            if (!shared && variant != 2) {
                // A real edit before each paint: a 256x256 patch in the
                // middle, written through the tracked private buffer (the
                // write faults are not timed: they happen before the paint).
                // Zoomed out this is the smooth frame after an isolated edit.
                std::vector<double> editTimes;
                const qint64 rows0 = canvas.pipeline().boxReduction().rowsUpdated();
                for (int i = 0; i < runs + 5; ++i) {
                    for (int y = image.height() / 2 - 128; y < image.height() / 2 + 128; ++y)
                        for (int x = image.width() / 2 - 128; x < image.width() / 2 + 128; ++x) {
                            if (type == DType::UInt8)
                                image.at<std::uint8_t>(x, y, 0) = std::uint8_t(i);
                            else
                                image.at<float>(x, y, 0) = float(i) / runs;
                        }
                    image.markChanged();
                    const double ms = timeMs([&] { canvas.repaint(); });
                    if (i >= 5)
                        editTimes.push_back(ms);
                }
                const double editMs = median(editTimes);
                std::printf("%-8s %-4s   after a 256x256 edit: %.2f ms (level rows reduced again per paint: %lld)\n", "",
                            "", editMs,
                            (long long)(canvas.pipeline().boxReduction().rowsUpdated() - rows0) / (runs + 5));
                addFigure(key + "_edit_ms", editMs);
            }
            if (!DisplayPipeline::drawsDirectly(image)) {
                // Of the live paint, how much is the 8-bit conversion itself.
                DisplayPipeline pipeline;
                const QRectF visible((floor.target.topLeft() - o) / s, floor.target.size() / s);
                const double convertMs = medianMs(runs, [&] { image.markChanged(); },
                                                  [&] { pipeline.frame(image, visible, s, document->displaySettings()); });
                std::printf("%-8s %-4s   of which the display-copy conversion: %.2f ms\n", "", "", convertMs);
            }
            std::fflush(stdout);
        }
        viewer.close(viewer.current());
        floor.image = QImage();
    }
    std::printf("shared / private memory, live paint: uint8 %.2fx (fit) %.2fx (1:1), float32 %.2fx (fit) %.2fx (1:1)\n",
                sharedLive[0][0] / privateLive[0][0], sharedLive[0][1] / privateLive[0][1],
                sharedLive[1][0] / privateLive[1][0], sharedLive[1][1] / privateLive[1][1]);
    addFigure("uint8_shared_vs_private_fit", sharedLive[0][0] / privateLive[0][0]);
    addFigure("float32_shared_vs_private_fit", sharedLive[1][0] / privateLive[1][0]);
    if (json)
        std::printf("%s}\n", figures.c_str());
    return 0;
}
