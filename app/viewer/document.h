#pragma once
// Document: one open image in the window.
#include <QObject>
#include <QString>

#include <livepix/image.h>

#include "viewer/displaysettings.h"

namespace livepix::gui {

/// One open image: the core Image handle plus what the window knows about it
/// (display name, file path, unsaved changes).
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

    const Image &image() const { return m_image; }
    /// Replaces the handle (e.g. after undo swaps in a snapshot, or a Python
    /// script assigns a new image). Emits imageReplaced(). When the channel
    /// count or dtype changes, the display settings go back to the defaults
    /// for the new image (keeping exposure and gamma).
    void setImage(Image image);

    QString name() const { return m_name; }
    void setName(const QString &name);
    /// Empty when the image was never saved (e.g. made by viewer.show()).
    QString filePath() const { return m_filePath; }
    void setFilePath(const QString &path);
    bool isModified() const { return m_modified; }
    void setModified(bool modified);
    /// Declares the pixels as saved (or as loaded): clears the modified mark
    /// and remembers a fingerprint of the pixels (livepix::contentHash), so
    /// that edits nobody announced (writes through NumPy) can be detected.
    void markClean();
    /// Same, with a fingerprint already taken (e.g. by the loader thread).
    void markClean(std::uint64_t hash);
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

private:
    Image m_image;
    QString m_name;
    QString m_filePath;
    bool m_modified = false;
    std::uint64_t m_cleanHash = 0;
    DisplaySettings m_display;
    bool m_hasDisplay = false;
};

} // namespace livepix::gui
