#include "display/displaycontrols.h"

#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QSettings>

#include "display/autolevelsfollower.h"
#include "display/channelgroups.h"
#include "display/colormapchoice.h"
#include "display/displaydefaults.h"
#include "display/ocioconfig.h"
#include "viewer/displaypipeline.h"
#include "viewer/document.h"
#include "viewer/viewer.h"
#include "widgets/colorbar.h"

namespace livepix::gui {

namespace {

/// Applies `edit` to the current document's settings.
template <typename F> void editCurrent(Viewer *viewer, F &&edit)
{
    Document *document = viewer->current();
    if (!document)
        return;
    DisplaySettings settings = document->displaySettings();
    edit(settings, document->image());
    document->setDisplaySettings(settings);
}

QAction *addChoice(QMenu *menu, QActionGroup *group, const QString &text, bool checked)
{
    QAction *action = menu->addAction(text);
    action->setCheckable(true);
    action->setChecked(checked);
    group->addAction(action);
    return action;
}

} // namespace

DisplayControls::DisplayControls(Viewer *viewer, QMenu *menu, ColorBar *colorBar, QObject *parent)
    : QObject(parent), m_viewer(viewer), m_colorBar(colorBar)
{
    addLevelItems(menu);
    const auto submenu = [this, menu](const QString &title, const QString &name, void (DisplayControls::*fill)(QMenu *)) {
        QMenu *sub = menu->addMenu(title);
        sub->setObjectName(name);
        connect(sub, &QMenu::aboutToShow, this, [this, sub, fill] {
            sub->clear();
            (this->*fill)(sub);
        });
        (this->*fill)(sub); // filled now too, so tests and shortcuts find the items
    };
    submenu(tr("&Colormap"), QStringLiteral("Colormap"), &DisplayControls::fillColormapMenu);
    submenu(tr("C&hannel"), QStringLiteral("Channel"), &DisplayControls::fillChannelMenu);
    submenu(tr("View &Transform"), QStringLiteral("ViewTransform"), &DisplayControls::fillViewTransformMenu);
    submenu(tr("&Input Colour Space"), QStringLiteral("InputColorSpace"), &DisplayControls::fillInputSpaceMenu);
    connect(viewer, &Viewer::viewSettingsChanged, this, &DisplayControls::updateColorBar);
    connect(viewer, &Viewer::currentChanged, this, &DisplayControls::updateColorBar);
    connect(viewer, &Viewer::viewSettingsChanged, this, &DisplayControls::updateChecks);
    updateColorBar();
    updateChecks();
}

void DisplayControls::addLevelItems(QMenu *menu)
{
    menu->addAction(tr("Auto &Levels (Min/Max)\tL"), this, [this] {
        AutoLevelsOptions options;
        options.linked = m_viewer->displaySettings().levelsLinked;
        m_viewer->autoLevels(options);
    });
    menu->addAction(tr("Auto Levels (&Percentile 0.1/99.9)\tShift+L"), this, [this] {
        AutoLevelsOptions options;
        options.mode = AutoLevelsMode::Percentile;
        options.linked = m_viewer->displaySettings().levelsLinked;
        m_viewer->autoLevels(options);
    });
    m_linked = menu->addAction(tr("Per-Channel Levels"));
    m_linked->setCheckable(true);
    m_linked->setToolTip(tr("Auto levels fit each colour channel on its own instead of one range for all"));
    connect(m_linked, &QAction::triggered, this, [this](bool perChannel) {
        AutoLevelsOptions options = m_viewer->autoLevelsFollower()->options();
        options.linked = !perChannel;
        m_viewer->autoLevels(options);
    });
    m_autoWhileEditing = menu->addAction(tr("Auto Levels &While Editing"));
    m_autoWhileEditing->setObjectName(QStringLiteral("AutoLevelsWhileEditing"));
    m_autoWhileEditing->setCheckable(true);
    connect(m_autoWhileEditing, &QAction::triggered, this, [this](bool on) {
        editCurrent(m_viewer, [on](DisplaySettings &s, const Image &) { s.autoWhileEditing = on; });
        if (on)
            m_viewer->autoLevels(m_viewer->autoLevelsFollower()->options());
    });
    QAction *full16 = menu->addAction(tr("16-bit Colour Images Use the Full Type Range"));
    full16->setCheckable(true);
    full16->setChecked(QSettings().value(QLatin1String(FullRange16BitSettingKey), false).toBool());
    full16->setToolTip(tr("Newly opened uint16 colour images show 0..65535 instead of their data range"));
    connect(full16, &QAction::toggled, this,
            [](bool on) { QSettings().setValue(QLatin1String(FullRange16BitSettingKey), on); });
}

void DisplayControls::fillColormapMenu(QMenu *menu)
{
    auto *group = new QActionGroup(menu);
    const QString current = m_viewer->displaySettings().colormap;
    const auto choose = [this](const QString &name) {
        editCurrent(m_viewer, [&name](DisplaySettings &s, const Image &image) { chooseColormap(s, image, name); });
    };
    connect(addChoice(menu, group, tr("None"), current.isEmpty()), &QAction::triggered, this,
            [choose] { choose(QString()); });
    for (const QString &name : colormapNames()) {
        QAction *action = addChoice(menu, group, name, current.compare(name, Qt::CaseInsensitive) == 0);
        connect(action, &QAction::triggered, this, [choose, name] { choose(name); });
    }
}

void DisplayControls::fillChannelMenu(QMenu *menu)
{
    Document *document = m_viewer->current();
    if (!document) {
        menu->addAction(tr("(no image)"))->setEnabled(false);
        return;
    }
    auto *group = new QActionGroup(menu);
    const std::vector<ChannelChoice> choices = channelChoices(document->image());
    const int current = currentChannelChoice(document->image(), document->displaySettings());
    for (int i = 0; i < int(choices.size()); ++i) {
        QString text = choices[i].name;
        if (i == 0)
            text += QStringLiteral("\tC");
        QAction *action = addChoice(menu, group, text, i == current);
        const ChannelChoice choice = choices[i];
        connect(action, &QAction::triggered, this, [this, choice] {
            editCurrent(m_viewer, [&choice](DisplaySettings &s, const Image &) { applyChannelChoice(s, choice); });
        });
    }
}

void DisplayControls::fillViewTransformMenu(QMenu *menu)
{
    auto *group = new QActionGroup(menu);
    const DisplaySettings settings = m_viewer->displaySettings();
    const auto set = [this](ViewTransform transform, const QString &display, const QString &view) {
        editCurrent(m_viewer, [&](DisplaySettings &s, const Image &) {
            s.viewTransform = transform;
            s.ocioDisplay = display;
            s.ocioView = view;
        });
    };
    connect(addChoice(menu, group, tr("None (Gamma)"), settings.viewTransform == ViewTransform::None),
            &QAction::triggered, this, [set] { set(ViewTransform::None, {}, {}); });
    connect(addChoice(menu, group, tr("sRGB"), settings.viewTransform == ViewTransform::SRGB), &QAction::triggered,
            this, [set] { set(ViewTransform::SRGB, {}, {}); });
    QString error;
    const auto config = OcioConfig::fromEnvironment(&error);
    menu->addSeparator();
    if (!config) {
        menu->addAction(error.isEmpty() ? tr("OpenColorIO: set $OCIO to a config") : tr("OpenColorIO: %1").arg(error))
            ->setEnabled(false);
        return;
    }
    for (const QString &display : config->displays()) {
        for (const QString &view : config->views(display)) {
            const bool checked = settings.viewTransform == ViewTransform::Ocio &&
                                 (settings.ocioDisplay.isEmpty() ? config->defaultDisplay() : settings.ocioDisplay) == display &&
                                 (settings.ocioView.isEmpty() ? config->defaultView(display) : settings.ocioView) == view;
            connect(addChoice(menu, group, QStringLiteral("%1 / %2").arg(display, view), checked), &QAction::triggered,
                    this, [set, display, view] { set(ViewTransform::Ocio, display, view); });
        }
    }
}

void DisplayControls::fillInputSpaceMenu(QMenu *menu)
{
    const auto config = OcioConfig::fromEnvironment();
    if (!config) {
        menu->addAction(tr("(needs an OpenColorIO config in $OCIO)"))->setEnabled(false);
        return;
    }
    auto *group = new QActionGroup(menu);
    const QString current = m_viewer->displaySettings().inputColorspace;
    const auto set = [this](const QString &space) {
        editCurrent(m_viewer, [&space](DisplaySettings &s, const Image &) { s.inputColorspace = space; });
    };
    connect(addChoice(menu, group, tr("From the File"), current.isEmpty()), &QAction::triggered, this,
            [set] { set(QString()); });
    for (const QString &space : config->colorSpaces())
        connect(addChoice(menu, group, space, current == space), &QAction::triggered, this, [set, space] { set(space); });
}

void DisplayControls::updateChecks()
{
    const DisplaySettings settings = m_viewer->displaySettings();
    m_linked->setChecked(!settings.levelsLinked);
    m_autoWhileEditing->setChecked(settings.autoWhileEditing);
}

void DisplayControls::updateColorBar()
{
    if (!m_colorBar)
        return;
    Document *document = m_viewer->current();
    if (!document || document->image().isNull()) {
        m_colorBar->hide();
        return;
    }
    const DisplaySettings settings = document->displaySettings();
    const Image &image = document->image();
    const DisplayPipeline::ChannelMap shown = DisplayPipeline::channelMap(image, settings);
    const bool active = !settings.colormap.isEmpty() && shown.grey();
    if (active) {
        const LevelRange range = DisplayPipeline::levelsFor(settings, shown.r, image.dtype());
        m_colorBar->setColormap(settings.colormap);
        m_colorBar->setRange(range.lo, range.hi);
        m_colorBar->setGamma(settings.gamma);
    }
    m_colorBar->setVisible(active);
}

} // namespace livepix::gui
