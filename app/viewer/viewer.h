#pragma once
// Viewer: the window's model (open documents, current one, view settings).
#include <QList>
#include <QObject>
#include <QString>

#include <livepix/autolevels.h>
#include <livepix/image.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

class AutoLevelsFollower;
class Document;

/// The model behind the main window and behind the Python `viewer` object:
/// which images are open, which one is shown, and how (zoom, exposure, gamma).
/// It has no widgets; the canvas and main window listen to its signals.
///
/// Threading: GUI thread only. The Python console calls it through blocking
/// queued calls with the GIL released (see app/console/).
class Viewer : public QObject {
    Q_OBJECT
public:
    static constexpr int ModifiedCheckDelayMs = 250;

    explicit Viewer(QObject *parent = nullptr);
    ~Viewer() override;

    QList<Document *> documents() const;
    Document *current() const;
    void setCurrent(Document *document);

    /// Loads a file (on a worker thread, with progress) and makes it current.
    /// Returns the new document, or nullptr with *error set ("<path>: <reason>").
    /// Synchronous from the caller's point of view; the event loop keeps
    /// running while it loads.
    Document *open(const QString &path, QString *error = nullptr);
    /// Adds an existing image (e.g. from Python) as a new current document.
    Document *show(const Image &image, const QString &name);
    /// Closes a document (drops its image reference). Returns false if unknown.
    bool close(Document *document);
    /// True while open() waits for a worker thread.
    bool isLoading() const;
    /// Asks a running load to stop; open() then fails with "<path>: cancelled".
    void cancelLoad();

    /// Zoom factor: 1.0 is 1:1; <= 0 means "fit to window".
    double zoom() const;
    void setZoom(double zoom);
    bool fitToWindow() const;
    /// Exposure in stops (multiplies values by 2^exposure) and display
    /// gamma of the current document (Document::displaySettings); both apply
    /// to how pixels are shown, never to the pixels. With no document they
    /// read and set the defaults.
    double exposure() const;
    void setExposure(double stops);
    double gamma() const;
    void setGamma(double gamma);
    /// Viewer-wide exposure and gamma: what new documents start with.
    double defaultExposure() const;
    void setDefaultExposure(double stops);
    double defaultGamma() const;
    void setDefaultGamma(double gamma);

    /// The current document's display settings (defaults for a new
    /// document when there is none).
    DisplaySettings displaySettings() const;
    /// Replaces the current document's display settings (no-op without one).
    void setDisplaySettings(const DisplaySettings &settings);
    /// Fits the current document's levels to its pixels now (see
    /// fitLevels); remembers `options` for "auto while editing".
    void autoLevels(const AutoLevelsOptions &options);
    /// Re-fits levels as pixels change, for documents with
    /// DisplaySettings::autoWhileEditing (throttled, sampled when large).
    AutoLevelsFollower *autoLevelsFollower() const;

public Q_SLOTS:
    /// THE one "pixels may have changed" path: bumps the revision of every
    /// open image (so caches rebuild) and asks the views to repaint. Called
    /// after every console statement, script, filter run, and on a timer while
    /// Python or a filter is running. ModifiedCheckDelayMs after the last
    /// call, documents whose pixels differ from their saved fingerprint
    /// (Document::markClean) get the modified mark.
    void pixelsMayHaveChanged();

Q_SIGNALS:
    void documentsChanged();
    void currentChanged(livepix::gui::Document *document);
    void viewSettingsChanged();
    /// Pixels may have changed; views repaint (coalesced to one paint a frame).
    void pixelsChanged();
    /// Load progress for views (the model shows nothing itself). Emitted on
    /// the GUI thread; progress is in [0, 1].
    void loadStarted(const QString &path);
    void loadProgress(const QString &path, double progress);
    void loadFinished(const QString &path);

private:
    void checkForUnsavedEdits();
    void initDisplaySettings();

    struct Private;
    Private *d;
};

} // namespace livepix::gui
