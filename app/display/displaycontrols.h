#pragma once
// DisplayControls: the View menu's display items (levels, colormap, channel, colour) and the colour bar.
#include <QObject>
#include <QPointer>

class QAction;
class QMenu;

namespace livepix::gui {

class ColorBar;
class Document;
class Viewer;

/// Adds to a menu: Auto Levels (min/max, percentile), Per-Channel Levels,
/// Auto Levels While Editing, 16-bit colour images at full range, and the
/// submenus Colormap, Channel, View Transform (none, sRGB, OpenColorIO
/// display/view) and Input Colour Space. Every item acts on the current
/// document's DisplaySettings; check marks follow them (submenus rebuild
/// when shown). Keeps a ColorBar in step with the current document: shown
/// while a colormap is active, with its levels.
///
/// Threading: GUI thread only.
class DisplayControls : public QObject {
    Q_OBJECT
public:
    DisplayControls(Viewer *viewer, QMenu *menu, ColorBar *colorBar, QObject *parent = nullptr);

private:
    void addLevelItems(QMenu *menu);
    void fillColormapMenu(QMenu *menu);
    void fillChannelMenu(QMenu *menu);
    void fillViewTransformMenu(QMenu *menu);
    void fillInputSpaceMenu(QMenu *menu);
    void updateColorBar();
    void updateChecks();

    Viewer *m_viewer;
    ColorBar *m_colorBar;
    QAction *m_linked = nullptr;
    QAction *m_autoWhileEditing = nullptr;
};

} // namespace livepix::gui
