#include "viewer/comparecontroller.h"

#include <QFutureWatcher>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include <livepix/colormap.h>
#include <livepix/histogram.h>

#include "viewer/comparedifference.h"
#include "viewer/comparemode.h"
#include "viewer/document.h"
#include "viewer/ratelimiter.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {

/// Pixels of the sampled relative difference whose maximum sets its default levels.
constexpr std::size_t RelativeSamplePixels = 1 << 20;

QString divergingColormap()
{
    for (const Colormap *map : colormaps())
        if (map->diverging)
            return QString::fromLatin1(map->name.data(), int(map->name.size()));
    return {};
}

} // namespace

CompareController *CompareController::forViewer(Viewer *viewer)
{
    if (auto *existing = viewer->findChild<CompareController *>(QString(), Qt::FindDirectChildrenOnly))
        return existing;
    return new CompareController(viewer);
}

CompareController::CompareController(Viewer *viewer)
    : QObject(viewer), m_viewer(viewer),
      m_limiter(new RateLimiter(MetricsIntervalMs, [this] { startMetricsJob(); }, this))
{
    qRegisterMetaType<livepix::gui::Document *>();
    connect(viewer, &Viewer::documentsChanged, this, &CompareController::onDocumentsChanged);
    connect(viewer, &Viewer::currentChanged, this, &CompareController::requestMetrics);
    // Fires after every statement and on the repaint timer while code runs.
    connect(viewer, &Viewer::pixelsChanged, this, &CompareController::requestMetrics);
}

CompareController::~CompareController() = default;

LevelRange CompareController::defaultDifferenceLevels(DifferenceMode mode, double maxValue)
{
    const double m = std::isfinite(maxValue) && maxValue > 0.0 ? maxValue : 1.0;
    if (mode == DifferenceMode::Signed)
        return {-m, m};
    return {0.0, m};
}

Document *CompareController::referenceOf(const Document *document) const
{
    if (!document)
        return nullptr;
    const DisplaySettings &s = document->displaySettings();
    Document *reference = s.compareReference.data();
    if (s.compareMode == CompareMode::None || !reference || reference == document ||
        !m_viewer->documents().contains(reference))
        return nullptr;
    return reference;
}

Image CompareController::levelsSource(const Document *document, std::size_t pixelBudget) const
{
    if (!document)
        return {};
    const Document *reference = referenceOf(document);
    const std::optional<DifferenceMode> mode = differenceModeOf(document->displaySettings().compareMode);
    if (!reference || !mode)
        return document->image();
    return overlapDifference(document->image(), reference->image(), *mode, pixelBudget);
}

void CompareController::watch(Document *document)
{
    if (m_saved.contains(document))
        return;
    m_saved.insert(document, Saved{});
    connect(document, &Document::displaySettingsChanged, this, [this, document] { onSettingsChanged(document); });
    connect(document, &Document::imageReplaced, this, &CompareController::requestMetrics);
    connect(document, &QObject::destroyed, this, [this, document] { m_saved.remove(document); });
}

void CompareController::applySettings(Document *document, DisplaySettings settings)
{
    m_applying = true;
    document->setDisplaySettings(std::move(settings));
    m_applying = false;
}

bool CompareController::start(Document *document, Document *reference, CompareMode mode, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const QList<Document *> open = m_viewer->documents();
    if (!document || !open.contains(document))
        return fail(tr("no image is open to compare"));
    if (!reference || !open.contains(reference))
        return fail(tr("the reference image is not open in the viewer"));
    if (reference == document)
        return fail(tr("an image cannot be compared with itself: choose another open image"));
    if (mode == CompareMode::None) {
        end(document);
        return true;
    }
    watch(document);
    connect(reference, &Document::imageReplaced, this, &CompareController::requestMetrics, Qt::UniqueConnection);
    Saved &saved = m_saved[document];
    DisplaySettings s = document->displaySettings();
    const std::optional<DifferenceMode> difference = differenceModeOf(mode);
    const bool wasDifference = saved.inDifference;
    if (difference && !wasDifference) {
        saved.levels = s.levels;
        saved.levelsLinked = s.levelsLinked;
        saved.colormap = s.colormap;
    } else if (!difference && wasDifference) {
        s.levels = saved.levels;
        s.levelsLinked = saved.levelsLinked;
        s.colormap = saved.colormap;
    }
    saved.inDifference = difference.has_value();
    if (difference && (!wasDifference || s.compareMode != mode || s.compareReference != reference)) {
        saved.userLevels = false; // new units: defaults again
        s.colormap = *difference == DifferenceMode::Signed ? divergingColormap() : saved.colormap;
    }
    s.compareReference = reference;
    s.compareMode = mode;
    s.blinkShowsReference = false;
    applySettings(document, s);
    if (difference) {
        // The first defaults now (so a screenshot right after shows them);
        // later ones come from the live metric jobs.
        const Result result = compute(document->image(), reference->image(), difference);
        takeResult(document, result);
    }
    Q_EMIT comparisonChanged(document);
    requestMetrics();
    return true;
}

void CompareController::end(Document *document)
{
    if (!document)
        return;
    DisplaySettings s = document->displaySettings();
    if (s.compareMode == CompareMode::None && !s.compareReference)
        return;
    auto it = m_saved.find(document);
    if (it != m_saved.end() && it->inDifference) {
        s.levels = it->levels;
        s.levelsLinked = it->levelsLinked;
        s.colormap = it->colormap;
        it->inDifference = false;
    }
    s.compareReference = nullptr;
    s.compareMode = CompareMode::None;
    s.blinkShowsReference = false;
    applySettings(document, s);
    if (m_metricsDocument == document)
        m_haveResult = false;
    Q_EMIT comparisonChanged(document);
    Q_EMIT metricsChanged();
}

void CompareController::toggleBlink(Document *document)
{
    if (!referenceOf(document))
        return;
    DisplaySettings s = document->displaySettings();
    s.blinkShowsReference = !s.blinkShowsReference;
    applySettings(document, s);
}

void CompareController::setSplitPosition(Document *document, double fraction)
{
    if (!document)
        return;
    DisplaySettings s = document->displaySettings();
    s.splitPosition = std::clamp(fraction, 0.0, 1.0);
    applySettings(document, s);
}

void CompareController::onSettingsChanged(Document *document)
{
    if (m_applying)
        return;
    auto it = m_saved.find(document);
    if (it == m_saved.end())
        return;
    const DisplaySettings &s = document->displaySettings();
    if (it->inDifference && !isDifferenceMode(s.compareMode)) {
        // Someone else changed the mode: treat it as starting that mode.
        if (Document *reference = referenceOf(document))
            start(document, reference, s.compareMode);
        else
            end(document);
        return;
    }
    if (it->inDifference && s.levels != it->appliedLevels)
        it->userLevels = true;
}

void CompareController::onDocumentsChanged()
{
    // A closed reference ends every comparison with it.
    const QList<Document *> open = m_viewer->documents();
    for (Document *document : open) {
        const DisplaySettings &s = document->displaySettings();
        if (s.compareMode != CompareMode::None && !referenceOf(document))
            end(document);
    }
    requestMetrics();
}

CompareController::Result CompareController::compute(const Image &a, const Image &b,
                                                     std::optional<DifferenceMode> mode)
{
    Result result;
    result.a = ImageKey(a);
    result.b = ImageKey(b);
    result.metrics = compareMetrics(a, b);
    if (!mode)
        return result;
    if (*mode != DifferenceMode::Relative) {
        const double m = result.metrics.maxAbs;
        result.differenceMax = *mode == DifferenceMode::Squared ? m * m : m;
        return result;
    }
    // The relative difference has no closed form from the metrics: take its
    // maximum over a regular sample.
    const Image diff = overlapDifference(a, b, *mode, RelativeSamplePixels);
    for (const ChannelStats &stats : computeHistogram(diff).stats)
        if (stats.finite > 0)
            result.differenceMax = std::max(result.differenceMax, stats.max);
    return result;
}

void CompareController::requestMetrics()
{
    if (referenceOf(m_viewer->current()))
        m_limiter->request();
}

void CompareController::startMetricsJob()
{
    Document *document = m_viewer->current();
    Document *reference = referenceOf(document);
    if (!reference) {
        m_limiter->finished();
        return;
    }
    const Image a = document->image();
    const Image b = reference->image();
    if (m_haveResult && m_metricsDocument == document && m_result.a == ImageKey(a) && m_result.b == ImageKey(b)) {
        m_limiter->finished(); // nothing changed since the last result
        return;
    }
    const std::optional<DifferenceMode> mode = differenceModeOf(document->displaySettings().compareMode);
    auto *watcher = new QFutureWatcher<Result>(this);
    QPointer<Document> guard(document);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, guard] {
        if (guard)
            takeResult(guard, watcher->result());
        watcher->deleteLater();
        m_limiter->finished();
    });
    watcher->setFuture(QtConcurrent::run([a, b, mode] { return compute(a, b, mode); }));
}

void CompareController::takeResult(Document *document, const Result &result)
{
    ++m_computations;
    if (isDifferenceMode(document->displaySettings().compareMode))
        applyDifferenceDefaults(document, result.differenceMax);
    if (document != m_viewer->current())
        return;
    m_result = result;
    m_metricsDocument = document;
    m_haveResult = true;
    Q_EMIT metricsChanged();
}

void CompareController::applyDifferenceDefaults(Document *document, double differenceMax)
{
    auto it = m_saved.find(document);
    const std::optional<DifferenceMode> mode = differenceModeOf(document->displaySettings().compareMode);
    if (it == m_saved.end() || it->userLevels || !mode)
        return;
    DisplaySettings s = document->displaySettings();
    const LevelRange range = defaultDifferenceLevels(*mode, differenceMax);
    std::vector<LevelRange> levels(std::max(1, document->image().channels()), range);
    it->appliedLevels = levels;
    if (s.levels == levels && s.levelsLinked)
        return;
    s.levels = std::move(levels);
    s.levelsLinked = true;
    applySettings(document, s);
}

std::optional<CompareMetrics> CompareController::metrics() const
{
    Document *document = m_viewer->current();
    if (!m_haveResult || m_metricsDocument != document || !referenceOf(document))
        return std::nullopt;
    return m_result.metrics;
}

bool CompareController::metricsCurrent() const
{
    Document *document = m_viewer->current();
    Document *reference = referenceOf(document);
    return reference && metrics() && m_result.a == ImageKey(document->image()) &&
           m_result.b == ImageKey(reference->image());
}

QString CompareController::metricsText() const
{
    Document *document = m_viewer->current();
    Document *reference = referenceOf(document);
    if (!reference)
        return {};
    const QString against = tr("vs %1").arg(reference->name());
    const std::optional<CompareMetrics> m = metrics();
    if (!m)
        return against + tr(": computing…");
    const QLocale locale;
    const QString psnr = std::isinf(m->psnr) ? tr("∞") : QString::number(m->psnr, 'f', 2);
    QString text = tr("%1: MSE %2 · PSNR %3 dB · max |Δ| %4 · %5 differing px")
                       .arg(against, QString::number(m->mse, 'g', 4), psnr, QString::number(m->maxAbs, 'g', 6),
                            locale.toString(qulonglong(m->differing)));
    if (m->sizesDiffer)
        text += tr(" · sizes differ: overlap %1×%2 compared").arg(m->overlapWidth).arg(m->overlapHeight);
    return text;
}

} // namespace livepix::gui
