#include "viewer/document.h"

#include <livepix/contenthash.h>
#include <livepix/pixelbuffer.h>

#include "display/displaydefaults.h"
#include "viewer/trackedchanges.h"

#include <QSettings>

#include <algorithm>

#include <utility>

namespace livepix::gui {

Document::Document(Image image, QString name, QObject *parent)
    : QObject(parent), m_image(std::move(image)), m_name(std::move(name))
{
    resetHistory();
}

Document::~Document() = default;

std::shared_ptr<UndoBudget> Document::undoBudget()
{
    static const auto budget = [] {
        const int mib = QSettings().value(QStringLiteral("undo/memoryLimitMiB"), 1024).toInt();
        return std::make_shared<UndoBudget>(std::size_t(std::max(mib, 1)) << 20);
    }();
    return budget;
}

void Document::resetHistory()
{
    m_history.reset();
    if (!m_image.isNull())
        m_history = std::make_unique<History>(m_image.buffer(), undoBudget());
}

void Document::historyChanged()
{
    updateModified();
    Q_EMIT historyUpdated();
}

void Document::updateModified()
{
    const bool modified = m_changedOutsideHistory || (m_history && !m_history->isClean());
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

bool Document::markPixelsMayHaveChanged()
{
    if (m_image.isNull())
        return false;
    const TrackedEpoch seen = trackedEpoch(m_image);
    if (seen.tracker && seen.id == m_bumpedTracker && seen.tracker->changedSince(m_bumpedEpoch).empty())
        return false;
    m_bumpedRows.reset();
    if (seen.tracker) {
        // Re-protect before reading the epoch: a write from here on opens
        // its chunk again (or stamps it), so the next call sees it. Not
        // waiting for a unit being copied out: then the chunks stay open,
        // and the next call counts them as changed.
        m_image.buffer()->writeTracker()->tryRearm();
        const std::uint64_t epoch = seen.tracker->changeEpoch();
        // Asked after the new epoch was read, so a write that raced the
        // rearm is in these rows too (or in the next call's).
        if (seen.id == m_bumpedTracker)
            m_bumpedRows = rowsTouched(m_image, seen.tracker->changedSince(m_bumpedEpoch));
        m_bumpedTracker = seen.id;
        m_bumpedEpoch = epoch;
    }
    m_image.markChanged();
    m_bumpedRevision = m_image.revision();
    return true;
}

std::optional<std::vector<std::pair<int, int>>> Document::rowsOfLastBump() const
{
    if (m_image.isNull() || m_image.revision() != m_bumpedRevision)
        return std::nullopt;
    return m_bumpedRows;
}

void Document::setImage(Image image)
{
    const bool sameLayout = image.channels() == m_image.channels() && image.dtype() == m_image.dtype();
    const bool newBuffer = image.buffer() != m_image.buffer();
    m_image = std::move(image);
    if (newBuffer) {
        // Steps (and changed rows) of the old buffer do not apply to the new one.
        m_bumpedRows.reset();
        resetHistory();
        m_changedOutsideHistory = true;
        updateModified();
        Q_EMIT historyUpdated();
    }
    if (m_hasDisplay && !sameLayout) {
        DisplayDefaults defaults = displayDefaultsFromSettings();
        defaults.exposure = m_display.exposure;
        defaults.gamma = m_display.gamma;
        setDisplaySettings(defaultDisplaySettings(m_image, defaults));
    }
    Q_EMIT imageReplaced();
}

void Document::setName(const QString &name)
{
    if (name == m_name)
        return;
    m_name = name;
    Q_EMIT nameChanged();
}

void Document::setFilePath(const QString &path)
{
    m_filePath = path;
}

void Document::markClean()
{
    markClean(contentHash(m_image));
}

void Document::markClean(std::uint64_t hash)
{
    m_cleanHash = hash;
    setModified(false);
    Q_EMIT markedClean();
}

void Document::markCleanAt(std::uint64_t stateId, std::uint64_t hash)
{
    m_cleanHash = hash;
    m_changedOutsideHistory = false;
    if (m_history)
        m_history->markCleanAt(stateId);
    updateModified();
    Q_EMIT markedClean();
}

void Document::setDisplaySettings(DisplaySettings settings)
{
    m_display = std::move(settings);
    m_hasDisplay = true;
    Q_EMIT displaySettingsChanged();
}

void Document::setModified(bool modified)
{
    m_changedOutsideHistory = modified;
    if (!modified && m_history)
        m_history->markClean();
    updateModified();
}

} // namespace livepix::gui
