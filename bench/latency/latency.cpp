// Edit-to-screen latency of livepix, compared with peers in the same run.
//
// livepix: a console statement edits a 3840x2160 image in place through
// NumPy; latency = from the moment the statement finished on the Python
// worker (PythonRuntime::lastStatementEndNs) to the end of the next canvas
// paint that started after it (Canvas::painted). That path is exactly what a
// user gets: statement end -> Viewer::pixelsMayHaveChanged -> update() ->
// paint. The 30 Hz repaint timer is switched off so only that path paints.
// Fit zoom in a 1600x900 canvas, offscreen.
//
// Peers (peers.py, run by the same Debian python3 with PyQt6): pyqtgraph
// ImageItem setImage + viewport repaint, and QImage -> QPixmap -> QLabel.
#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <vector>

#include "console/pythonruntime.h"
#include "viewer/canvas.h"
#include "viewer/viewer.h"

using namespace livepix::gui;

#include "benchsupport.h"

using livepix::bench::median;
using livepix::bench::timeMs;

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// Records when each canvas paint starts (event filter) and ends (painted()).
class PaintClock : public QObject {
public:
    explicit PaintClock(Canvas *canvas) : m_canvas(canvas)
    {
        canvas->installEventFilter(this);
        connect(canvas, &Canvas::painted, this, [this]() { m_lastEnd = {m_currentStart, nowNs()}; });
    }
    /// (start, end) of the last completed paint.
    std::pair<qint64, qint64> lastPaint() const { return m_lastEnd; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_canvas && event->type() == QEvent::Paint)
            m_currentStart = nowNs();
        return false;
    }

private:
    Canvas *m_canvas;
    qint64 m_currentStart = 0;
    std::pair<qint64, qint64> m_lastEnd{0, 0};
};

bool runPython(PythonRuntime &runtime, const QString &code)
{
    QString error;
    if (!runtime.runAndWait(code, false, &error)) {
        std::fprintf(stderr, "python failed: %s\n", qPrintable(error));
        return false;
    }
    return true;
}

/// Median latency (ms) over `iterations` edits of the current image.
/// `gapMs` > 0 waits that long before each edit, so every edit is an
/// isolated one (the canvas paints it smooth); 0 sends edits back to back, as
/// a loop animating on screen does (the canvas paints draft frames).
double measureLivepix(PythonRuntime &runtime, PaintClock &clock, int iterations, bool isFloat, int gapMs,
                      std::vector<double> *all, std::vector<double> *waits)
{
    for (int i = 0; i < iterations + 3; ++i) {
        if (gapMs > 0) {
            QEventLoop pause;
            QTimer::singleShot(gapMs, &pause, &QEventLoop::quit);
            pause.exec();
        }
        // A 256x256 patch changes each time; the whole image is "maybe changed".
        const int value = (i * 37) % 200 + 20;
        const QString statement = QStringLiteral("a[1000:1256, 1800:2056] = %1")
                                      .arg(isFloat ? QString::number(value / 255.0) : QString::number(value));
        QEventLoop loop;
        qint64 statementEnd = 0;
        qint64 paintEnd = 0;
        qint64 paintStart = 0;
        QMetaObject::Connection done =
            QObject::connect(&runtime, &PythonRuntime::statementFinished, &loop, [&]() {
                statementEnd = runtime.lastStatementEndNs();
            });
        QTimer poll;
        poll.setInterval(0);
        QObject::connect(&poll, &QTimer::timeout, &loop, [&]() {
            const auto paint = clock.lastPaint();
            if (statementEnd && paint.first >= statementEnd) {
                paintStart = paint.first;
                paintEnd = paint.second;
                loop.quit();
            }
        });
        poll.start();
        runtime.runSource(statement, QStringLiteral("<bench>"));
        QTimer::singleShot(10000, &loop, &QEventLoop::quit);
        loop.exec();
        QObject::disconnect(done);
        // Let the request finish before the next one.
        while (runtime.isBusy())
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        if (!paintEnd) {
            std::fprintf(stderr, "no paint after statement %d\n", i);
            continue;
        }
        if (i >= 3) { // warm-up: first paints build caches
            all->push_back((paintEnd - statementEnd) / 1e6);
            waits->push_back((paintStart - statementEnd) / 1e6);
        }
    }
    return median(*all);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("livepix edit-to-screen latency benchmark"));
    parser.addHelpOption();
    QCommandLineOption iterationsOption(QStringLiteral("iterations"), QStringLiteral("edits per case (default 30)"),
                                        QStringLiteral("n"), QStringLiteral("30"));
    QCommandLineOption noPeers(QStringLiteral("no-peers"), QStringLiteral("skip pyqtgraph and QLabel"));
    parser.addOption(iterationsOption);
    parser.addOption(noPeers);
    parser.process(app);
    const int iterations = qMax(3, parser.value(iterationsOption).toInt());

    Viewer viewer;
    Canvas canvas(&viewer);
    canvas.resize(1600, 900);
    canvas.show();
    PaintClock clock(&canvas);
    PythonRuntime runtime(&viewer);
    runtime.setRepaintInterval(1000000); // only the statement-end path paints
    runtime.start();

    struct Case {
        const char *name;
        const char *dtype;
        const char *fill;
    };
    const Case cases[] = {{"rgba8", "uint8", "255"}, {"rgba32f", "float32", "1.0"}};
    std::map<std::string, double> livepixMs;
    for (const Case &c : cases) {
        const QString setup = QStringLiteral(
                                  "img = livepix.Image(3840, 2160, 4, '%1')\n"
                                  "viewer.show(img, name='%2')\nviewer.zoom = 0\n"
                                  "full = np.asarray(img)\nfull[...] = %3 * 0.5\nfull[..., 3] = %3\n"
                                  "a = full\n")
                                  .arg(QLatin1String(c.dtype), QLatin1String(c.name), QLatin1String(c.fill));
        if (!runPython(runtime, setup))
            return 1;
        for (const bool isolated : {false, true}) {
            std::vector<double> all;
            std::vector<double> waits;
            const int gapMs = isolated ? Canvas::StreamGapMs + Canvas::RefineDelayMs + 30 : 0;
            const double m = measureLivepix(runtime, clock, iterations, QByteArray(c.dtype) == "float32", gapMs,
                                            &all, &waits);
            const std::string name = std::string(c.name) + (isolated ? " isolated" : "");
            livepixMs[name] = m;
            std::printf("livepix  %-17s median %7.2f ms  (min %.2f, max %.2f, n=%zu; statement end -> paint "
                        "start %.2f ms, paint itself %.2f ms)\n",
                        name.c_str(), m, all.empty() ? 0.0 : *std::min_element(all.begin(), all.end()),
                        all.empty() ? 0.0 : *std::max_element(all.begin(), all.end()), all.size(), median(waits),
                        m - median(waits));
            std::fflush(stdout);
        }
        runPython(runtime, QStringLiteral("viewer.close(img)\nimg = full = a = None"));
    }

    std::map<std::string, double> peerMs;
    if (!parser.isSet(noPeers)) {
        QProcess peers;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("PYQTGRAPH_QT_LIB"), QStringLiteral("PyQt6"));
        peers.setProcessEnvironment(env);
        peers.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        peers.start(QStringLiteral(LIVEPIX_BENCH_PYTHON),
                    {QStringLiteral(LIVEPIX_PEERS_SCRIPT), QString::number(iterations)});
        if (!peers.waitForFinished(600000) || peers.exitCode() != 0) {
            std::fprintf(stderr, "peers.py failed\n");
        } else {
            for (const QByteArray &line : peers.readAllStandardOutput().split('\n')) {
                const QJsonObject o = QJsonDocument::fromJson(line).object();
                if (o.isEmpty())
                    continue;
                const std::string name = o.value(QStringLiteral("name")).toString().toStdString();
                peerMs[name] = o.value(QStringLiteral("median_ms")).toDouble();
                std::printf("peer     %-36s median %7.2f ms  (min %.2f)\n", name.c_str(), peerMs[name],
                            o.value(QStringLiteral("min_ms")).toDouble());
            }
        }
    }

    std::printf("\nEdit-to-screen latency, 3840x2160 RGBA, fit zoom in 1600x900, offscreen (medians)\n");
    auto ratio = [&](const char *ours, const char *theirs) {
        if (!peerMs.count(theirs) || !livepixMs.count(ours) || livepixMs[ours] <= 0)
            return;
        std::printf("  %-17s vs %-32s %7.2f ms vs %7.2f ms: livepix is %.1fx %s\n", ours, theirs,
                    livepixMs[ours], peerMs[theirs],
                    peerMs[theirs] >= livepixMs[ours] ? peerMs[theirs] / livepixMs[ours]
                                                      : livepixMs[ours] / peerMs[theirs],
                    peerMs[theirs] >= livepixMs[ours] ? "faster" : "slower");
    };
    for (const char *mode : {"", " isolated"}) {
        const std::string rgba8 = std::string("rgba8") + mode;
        const std::string rgba32f = std::string("rgba32f") + mode;
        ratio(rgba8.c_str(), "pyqtgraph uint8 levels=None");
        ratio(rgba8.c_str(), "pyqtgraph uint8 levels=(0,255)");
        ratio(rgba8.c_str(), "qlabel uint8");
        ratio(rgba32f.c_str(), "pyqtgraph float32 levels=(0,1)");
        ratio(rgba32f.c_str(), "qlabel float32 (numpy to uint8)");
    }
    std::printf("(rows without 'isolated': edits back to back, as a loop animating on screen makes them; the\n"
                " canvas draws draft frames. 'isolated': one edit after a pause, drawn as a smooth frame.)\n");
    std::printf("Targets: rgba8 <= pyqtgraph uint8 levels=None; rgba32f <= 10 ms and >= 5x faster than "
                "pyqtgraph float32 levels=(0,1)\n");
    return 0;
}
