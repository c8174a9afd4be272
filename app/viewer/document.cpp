#include "viewer/document.h"

#include <livepix/contenthash.h>

#include "display/displaydefaults.h"

#include <utility>

namespace livepix::gui {

Document::Document(Image image, QString name, QObject *parent)
    : QObject(parent), m_image(std::move(image)), m_name(std::move(name))
{
}

void Document::setImage(Image image)
{
    const bool sameLayout = image.channels() == m_image.channels() && image.dtype() == m_image.dtype();
    m_image = std::move(image);
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

void Document::setDisplaySettings(DisplaySettings settings)
{
    m_display = std::move(settings);
    m_hasDisplay = true;
    Q_EMIT displaySettingsChanged();
}

void Document::setModified(bool modified)
{
    if (modified == m_modified)
        return;
    m_modified = modified;
    Q_EMIT modifiedChanged(modified);
}

} // namespace livepix::gui
