#pragma once
// Viewer: the window's model (open documents, current one, view settings).
#include <QList>
#include <QObject>
#include <QString>

#include <livepix/autolevels.h>
#include <livepix/image.h>
#include <livepix/imageio.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

class AutoLevelsFollower;
class Document;
class LoadJob;
class PrefetchCache;
class SaveJob;
class WorkUnits;

/// The model behind the main window and behind the Python `viewer` object:
/// which images are open, which one is shown, and how (zoom, exposure, gamma).
/// It has no widgets; the canvas and main window listen to its signals.
///
/// Threading: GUI thread only. The Python console calls it through blocking
/// queued calls with the GIL released (see app/console/). Loads and saves run
/// on the Viewer's own thread pools (LoadJob, SaveJob).
class Viewer : public QObject {
    Q_OBJECT
public:
    explicit Viewer(QObject *parent = nullptr);
    ~Viewer() override;

    QList<Document *> documents() const;
    Document *current() const;
    void setCurrent(Document *document);

    /// Starts loading a file on a pool thread (with progress) and returns at
    /// once. When the load ends, the document is made here on the GUI thread,
    /// becomes current, and the job emits finished(document, error) (error
    /// "<path>: <reason>"). Jobs finish in the order they were asked for. The
    /// job deletes itself after finished(). Loads and their documents may be
    /// asked for, closed or re-opened at any time, also from slots of a load
    /// in progress: nothing waits in a nested event loop.
    LoadJob *openAsync(const QString &path);
    /// The images the folder browser loads ahead (openAsync() takes from it).
    PrefetchCache *prefetchCache();
    /// Adds an existing image (e.g. from Python) as a new current document.
    Document *show(const Image &image, const QString &name);
    /// Closes a document (drops its image reference). Returns false if unknown.
    /// A save of it that is running still completes (the file is written).
    bool close(Document *document);
    /// True while a load job has not finished.
    bool isLoading() const;
    /// Asks every running load to stop; they fail with "<path>: cancelled".
    void cancelLoad();

    /// Starts saving `document` to `path` (format from the extension; see
    /// livepix::saveImage for `options`) and returns at once: a snapshot of the
    /// pixels is taken now and written by a pool thread (see SaveJob). When it
    /// succeeded, the document takes the path and its name and is marked clean
    /// with the snapshot's hash; pixels written since then bring the modified
    /// mark back (checked right away). On failure the document is unchanged,
    /// the target file untouched, and the error names the file and the reason.
    /// Saves run one at a time, in the order asked. Returns nullptr for a null
    /// document.
    SaveJob *saveAsync(Document *document, const QString &path, const SaveOptions &options = {});
    /// True while a save job has not finished.
    bool isSaving() const;
    /// Asks every running save to stop (the target files stay untouched).
    void cancelSaves();

    /// Shutdown hooks (e.g. for quitting): true while any load or save job has
    /// not finished (jobsFinished() is emitted when that becomes false).
    bool hasRunningJobs() const;
    /// Blocks (no event loop) until the pool threads of every load and save
    /// have ended, at most `msecs` (-1: no limit). Returns false on timeout.
    /// Files are then complete on disk; the documents' clean marks follow when
    /// the event loop next runs. Cancel loads first (cancelLoad()) to not wait
    /// for them. The destructor waits like this with no limit, so a save that
    /// has started is never cut short.
    bool waitForJobs(int msecs = -1);

    /// Zoom factor: 1.0 is 1:1; <= 0 means "fit to window".
    double zoom() const;
    void setZoom(double zoom);
    bool fitToWindow() const;
    /// The display settings a document of `image` starts with (the
    /// defaults of the settings dialog, with this viewer's exposure and gamma).
    DisplaySettings displaySettingsForNew(const Image &image) const;
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

    /// Units of work and their undo steps (see WorkUnits).
    WorkUnits *workUnits() const;

    enum class HistoryStep { Done, NothingToDo, Busy };
    /// Undoes / redoes one step of the current document. Steps waiting to
    /// be recorded are recorded first, and open writes outside any unit
    /// become their own step. From the GUI (fromCode false) this is refused
    /// (Busy) while a unit of work (code, a filter) is open; code calling
    /// viewer.undo() has closed its unit first (WorkUnits::cut()).
    HistoryStep undo(bool fromCode = false);
    HistoryStep redo(bool fromCode = false);
    /// Undoes or redoes until `position` steps of `document` are applied.
    HistoryStep jumpTo(Document *document, std::size_t position, bool fromCode = false);

public Q_SLOTS:
    /// THE one "pixels may have changed" path: bumps the revision of every
    /// open image (so caches rebuild) and asks the views to repaint. Called
    /// after every console statement, script, filter run, on a timer while
    /// Python or a filter is running, and when the write tracker sees
    /// writers nobody announced (BackgroundWrites). An image whose write
    /// tracker proves nothing was written since the last call keeps its
    /// revision (Document::markPixelsMayHaveChanged()); when no image
    /// changed, no repaint is asked for. The modified mark comes from each
    /// document's History (see WorkUnits).
    void pixelsMayHaveChanged();

Q_SIGNALS:
    void documentsChanged();
    void currentChanged(livepix::gui::Document *document);
    void viewSettingsChanged();
    /// Pixels may have changed; views repaint (coalesced to one paint a frame).
    void pixelsChanged();
    /// Load and save progress for views (the model shows nothing itself).
    /// Emitted on the GUI thread; progress is in [0, 1].
    void loadStarted(const QString &path);
    void loadProgress(const QString &path, double progress);
    void loadFinished(const QString &path);
    void saveStarted(const QString &path);
    void saveProgress(const QString &path, double progress);
    void saveFinished(const QString &path, bool ok);
    /// The last running load or save job finished (hasRunningJobs() is false).
    void jobsFinished();

private:
    /// Adds a new document to the list and to the tracked ones.
    void adopt(Document *document);
    /// Before undo/redo/jumpTo: records waiting steps, refuses (false) from
    /// the GUI while a unit is open, turns open background writes into a step.
    bool settleHistory(bool fromCode);
    /// Moves `document`'s history to `position` (settleHistory() done).
    HistoryStep stepHistoryTo(Document *document, std::size_t position);
    void finishLoadedJobs();
    void finishSaveJob(SaveJob *job);
    void emitJobsFinishedIfIdle();
    void initDisplaySettings();

    struct Private;
    Private *d;
};

} // namespace livepix::gui
