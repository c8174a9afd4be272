#pragma once
// CompareController: starts and ends comparisons, their default levels, live metrics.
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

#include <cstddef>
#include <optional>
#include <vector>

#include <livepix/autolevels.h>
#include <livepix/comparison.h>

#include "viewer/displaysettings.h"
#include "viewer/imagekey.h"

namespace livepix::gui {

class Document;
class RateLimiter;
class Viewer;

/// The compare state of a Viewer's documents. A comparison lives in the
/// compared document's DisplaySettings (compareReference, compareMode,
/// splitPosition, blinkShowsReference); this object changes those fields
/// consistently and does what must follow:
///
/// - Difference modes show the difference image through the document's own
///   levels and colormap. Entering one saves the document's levels and
///   colormap and sets defaults for the difference (signed: symmetric around 0
///   with the diverging colormap; absolute, squared, relative: 0..max), which
///   follow the data live until the user sets levels; leaving restores the
///   saved ones.
/// - The error metrics of the current document's comparison are computed on
///   a pool thread, keyed by both images' revisions, at most every
///   MetricsIntervalMs while pixels change (also while a script still runs).
/// - Closing the reference document ends the comparison.
///
/// One per Viewer: forViewer() finds or makes it (a child of the Viewer).
/// Threading: GUI thread only. Jobs get copies of the two Image handles and
/// touch nothing else; their results come back through a QFutureWatcher.
class CompareController : public QObject {
    Q_OBJECT
public:
    static constexpr int MetricsIntervalMs = 100;

    static CompareController *forViewer(Viewer *viewer);
    explicit CompareController(Viewer *viewer);
    ~CompareController() override;

    /// Compares `document` with `reference` (another open document) in
    /// `mode` (not None). Returns false with *error set when it cannot.
    bool start(Document *document, Document *reference, CompareMode mode, QString *error = nullptr);
    /// Ends the comparison of `document` (restoring its levels after a
    /// difference mode). Nothing happens when it does not compare.
    void end(Document *document);
    /// The document's reference when it compares with an open document, else nullptr.
    Document *referenceOf(const Document *document) const;
    void toggleBlink(Document *document);
    void setSplitPosition(Document *document, double fraction);

    /// Metrics of the current document's comparison, once computed for it.
    std::optional<CompareMetrics> metrics() const;
    /// True when metrics() is for the revisions shown now.
    bool metricsCurrent() const;
    /// One line for the status bar; empty when the current document does not compare.
    QString metricsText() const;
    /// How many metric jobs finished (tests and benchmarks read it).
    int metricsComputations() const { return m_computations; }

    /// The values `document`'s levels apply to, which auto levels fit: in a
    /// difference mode the difference with its reference over the overlap
    /// (sampled to about pixelBudget pixels when that is > 0; null when the
    /// images do not overlap), otherwise the document's own image.
    Image levelsSource(const Document *document, std::size_t pixelBudget = 0) const;

    /// Default levels of a difference mode whose largest value is `maxValue`.
    static LevelRange defaultDifferenceLevels(DifferenceMode mode, double maxValue);

Q_SIGNALS:
    /// A comparison started, ended or changed mode.
    void comparisonChanged(livepix::gui::Document *document);
    void metricsChanged();

private:
    struct Saved {
        std::vector<LevelRange> levels; // the document's own, while a difference mode shows
        bool levelsLinked = true;
        QString colormap;
        bool inDifference = false;
        bool userLevels = false;                 // the user set levels for the difference
        std::vector<LevelRange> appliedLevels;   // what this object set last
    };
    struct Result {
        CompareMetrics metrics;
        double differenceMax = 0.0; // largest value of the difference image of `mode`
        ImageKey a, b;
    };

    static Result compute(const Image &a, const Image &b, std::optional<DifferenceMode> mode);
    void watch(Document *document);
    void applySettings(Document *document, DisplaySettings settings);
    void applyDifferenceDefaults(Document *document, double differenceMax);
    void onSettingsChanged(Document *document);
    void onDocumentsChanged();
    void requestMetrics();
    void startMetricsJob();
    void takeResult(Document *document, const Result &result);

    Viewer *m_viewer;
    QHash<Document *, Saved> m_saved;
    RateLimiter *m_limiter;
    QPointer<Document> m_metricsDocument;
    Result m_result;
    bool m_haveResult = false;
    bool m_applying = false;
    int m_computations = 0;
};

} // namespace livepix::gui
