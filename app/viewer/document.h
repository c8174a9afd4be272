#pragma once
// Document: one open image in the window.
#include <QObject>
#include <QString>

#include <livepix/history.h>
#include <livepix/image.h>

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// One open image: the core Image handle plus what the window knows about it
/// (display name, file path, unsaved changes) and its undo History. Every
/// write into its pixels is tracked from the moment it exists (see
/// WriteTracker); WorkUnits turns the writes into steps. The modified mark
/// follows the pixels: it is set while the history is away from the saved
/// state (undoing back to it clears the mark, redoing sets it again) or
/// after a change that is not in the history (setModified(true)).
///
/// Ownership: holds an Image handle, i.e. a shared reference to the pixel
/// buffer; closing the document drops only this reference, so NumPy arrays or
/// plugin views that still hold the buffer keep it alive.
/// Threading: GUI thread only. Other threads get the pixels through a copy of
/// image() (a handle), never through the Document.
class Document : public QObject {
    Q_OBJECT
public:
    explicit Document(Image image, QString name, QObject *parent = nullptr);
    ~Document() override;

    const Image &image() const { return m_image; }
    /// Replaces the handle (e.g. after undo swaps in a snapshot, or a Python
    /// script assigns a new image). Emits imageReplaced(). When the channel
    /// count or dtype changes, the display settings go back to the defaults
    /// for the new image (keeping exposure and gamma).
    void setImage(Image image);
    /// Someone may have written the pixels (the one path of
    /// Viewer::pixelsMayHaveChanged()): bumps the image's revision, which
    /// makes every cache of it stale, unless its write tracker proves that
    /// no byte was written since the last call (a tracked private buffer;
    /// shared and untracked ones always count as changed). Returns whether
    /// it bumped. The chunks written so far are re-protected first
    /// (WriteTracker::rearm()), so the next call sees only later writes:
    /// the repaint when a console request ends after its last statement was
    /// shown costs nothing. GUI thread.
    bool markPixelsMayHaveChanged();
    /// The image rows (spans [first, last), ascending) the last bump of
    /// markPixelsMayHaveChanged() covers, when the tracker named them and
    /// no other bump came since; std::nullopt: any row may have changed
    /// (a shared or untracked buffer, the first bump of a buffer). The
    /// canvas repaints only these rows. GUI thread.
    std::optional<std::vector<std::pair<int, int>>> rowsOfLastBump() const;

    QString name() const { return m_name; }
    void setName(const QString &name);
    /// Empty when the image was never saved (e.g. made by viewer.show()).
    QString filePath() const { return m_filePath; }
    void setFilePath(const QString &path);
    bool isModified() const { return m_modified; }
    /// true: the pixels changed outside the history (e.g. restored from a
    /// checkpoint); false: take the current pixels as saved.
    void setModified(bool modified);

    /// The undo steps of the current image; null for a null image. A new
    /// image (setImage) starts a new history.
    History *history() const { return m_history.get(); }
    /// Call after the history changed (a step, undo, redo): updates the
    /// modified mark and emits historyUpdated().
    void historyChanged();
    /// The one byte limit all documents' histories share (QSettings
    /// "undo/memoryLimitMiB", default 1024, read when first used).
    static std::shared_ptr<UndoBudget> undoBudget();
    /// Declares the pixels as saved (or as loaded): clears the modified mark
    /// and remembers a fingerprint of the pixels (livepix::contentHash), so
    /// that edits nobody announced (writes through NumPy) can be detected.
    void markClean();
    /// Same, with a fingerprint already taken (e.g. by the loader thread).
    void markClean(std::uint64_t hash);
    /// The pixels of history state `stateId` (History::stateId(), taken
    /// when a save's snapshot was made) are saved, with fingerprint `hash`.
    /// If the pixels moved on since, the document stays modified.
    void markCleanAt(std::uint64_t stateId, std::uint64_t hash);
    /// Fingerprint taken by markClean(); 0 when the document never was clean
    /// (e.g. an image made by viewer.show()).
    std::uint64_t cleanHash() const { return m_cleanHash; }

    /// How this document is shown (levels, colormap, channel, compare...).
    const DisplaySettings &displaySettings() const { return m_display; }
    /// Replaces the display settings; emits displaySettingsChanged().
    void setDisplaySettings(DisplaySettings settings);
    /// False until display settings were set (the Viewer then gives a new
    /// document its defaults, see defaultDisplaySettings()).
    bool hasDisplaySettings() const { return m_hasDisplay; }

Q_SIGNALS:
    void imageReplaced();
    void nameChanged();
    void modifiedChanged(bool modified);
    void displaySettingsChanged();
    /// markClean() ran: the pixels are as saved (or loaded). Emitted also
    /// when the document was not modified (e.g. the first save of an image
    /// made by viewer.show()).
    void markedClean();
    /// The history got a step, or was undone, redone or cleared.
    void historyUpdated();

private:
    Image m_image;
    QString m_name;
    QString m_filePath;
    void resetHistory();
    void updateModified();

    std::unique_ptr<History> m_history;
    bool m_modified = false;
    bool m_changedOutsideHistory = false;
    std::uint64_t m_cleanHash = 0;
    DisplaySettings m_display;
    bool m_hasDisplay = false;
    // markPixelsMayHaveChanged(): the tracker (id) and its change epoch at
    // the last bump; 0: none yet.
    std::uint64_t m_bumpedTracker = 0;
    std::uint64_t m_bumpedEpoch = 0;
    // The rows of the last bump (none: unknown), valid while the image's
    // revision is still m_bumpedRevision (another markChanged() makes them
    // unknown).
    std::optional<std::vector<std::pair<int, int>>> m_bumpedRows;
    std::uint64_t m_bumpedRevision = 0;
};

} // namespace livepix::gui
