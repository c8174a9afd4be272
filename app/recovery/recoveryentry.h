#pragma once
// RecoveryEntry: one checkpoint on disk, as its sidecar describes it.
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace livepix::gui {

/// One crash-recovery checkpoint: the image file in the recovery folder and
/// what its JSON sidecar says about it. A plain value; any thread.
struct RecoveryEntry {
    QString imagePath;    ///< the checkpoint's pixels (TIFF or EXR) in the recovery folder
    QString sidecarPath;  ///< its JSON sidecar beside it
    QString instanceDir;  ///< the folder of the instance that wrote it
    QString originalPath; ///< the document's file; empty when it was never saved
    QString name;         ///< the document's display name
    QString dtype;        ///< "uint8", "uint16", "float16", "float32"
    int width = 0;
    int height = 0;
    int channels = 0;
    QStringList channelNames;
    QDateTime time;       ///< when the checkpoint was written (UTC)
    qint64 pid = 0;       ///< the instance that wrote it
    std::uint64_t hash = 0; ///< livepix::contentHash of the pixels written

    /// "640×480, 3 ch, uint8"
    QString sizeText() const;
    /// Local time, "2026-12-02 14:15:16".
    QString timeText() const;
    /// What `livepix --list-recovery` prints for it: image path, name,
    /// size, time, separated by tabs (the path first, so `cut -f1` works).
    QString listLine() const;
};

} // namespace livepix::gui
