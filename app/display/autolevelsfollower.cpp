#include "display/autolevelsfollower.h"

#include "display/displaydefaults.h"
#include "viewer/comparecontroller.h"
#include "viewer/document.h"
#include "viewer/viewer.h"

namespace livepix::gui {

AutoLevelsFollower::AutoLevelsFollower(Viewer *viewer) : QObject(viewer), m_viewer(viewer)
{
    m_pending.setSingleShot(true);
    connect(&m_pending, &QTimer::timeout, this, &AutoLevelsFollower::fit);
    connect(viewer, &Viewer::pixelsChanged, this, &AutoLevelsFollower::onPixelsChanged);
}

void AutoLevelsFollower::onPixelsChanged()
{
    Document *document = m_viewer->current();
    if (!document || !document->displaySettings().autoWhileEditing)
        return;
    if (!m_lastFit.isValid() || m_lastFit.elapsed() >= IntervalMs) {
        fit();
        return;
    }
    if (!m_pending.isActive())
        m_pending.start(int(IntervalMs - m_lastFit.elapsed()));
}

void AutoLevelsFollower::fit()
{
    m_pending.stop();
    Document *document = m_viewer->current();
    if (!document || document->image().isNull() || !document->displaySettings().autoWhileEditing)
        return;
    // What the canvas shows: in a difference compare mode, the difference
    // (already sampled to about the budget when the images are large).
    const Image values = CompareController::forViewer(m_viewer)->levelsSource(document, PixelBudget);
    if (values.isNull())
        return;
    AutoLevelsOptions options = m_options;
    if (std::size_t(values.width()) * values.height() > PixelBudget)
        options.pixelBudget = PixelBudget;
    options.linked = document->displaySettings().levelsLinked;
    DisplaySettings settings = document->displaySettings();
    fitLevels(settings, values, options);
    m_lastFit.restart();
    ++m_fits;
    if (settings.levels != document->displaySettings().levels)
        document->setDisplaySettings(settings);
}

} // namespace livepix::gui
