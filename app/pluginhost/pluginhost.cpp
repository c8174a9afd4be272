#include "pluginhost/pluginhost.h"

#include <QAction>
#include <QMenu>
#include <QPointer>
#include <QMessageBox>
#include <QProgressDialog>
#include <QInputDialog>
#include <QSettings>
#include <QFutureWatcher>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

#include <livepix/filterregistry.h>
#include <livepix/plugincatalog.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "pluginhost/filterdialog.h"
#include "pluginhost/filterjob.h"
#include "pluginhost/filterpreview.h"
#include "pluginhost/pluginsdialog.h"
#include "viewer/application.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/historycontroller.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"
#ifdef LIVEPIX_HAVE_CONSOLE
#include "console/pythonruntime.h"
#endif

namespace livepix::gui {

namespace {
// "Gaussian Blur (radius=2, sigma=1.5)": the step label of a run.
QString runLabel(const QString &name, const ParamValues &values)
{
    QStringList parts;
    for (const auto &[key, value] : values.values())
        parts << QString::fromStdString(key + "=" + values.toString(key));
    return parts.isEmpty() ? name : name + QStringLiteral(" (") + parts.join(QStringLiteral(", ")) + QLatin1Char(')');
}
} // namespace

PluginHost::PluginHost(MainWindow *window, QObject *parent)
    : PluginHost(window, PluginCatalog::instance(), FilterRegistry::instance(), parent)
{
}

PluginHost::PluginHost(MainWindow *window, PluginCatalog &catalog, FilterRegistry &registry, QObject *parent,
                       FirstLoad firstLoad)
    : QObject(parent), m_window(window), m_viewer(window->viewer()), m_catalog(catalog), m_registry(registry)
{
    // The progress bar moves with the live repaint (see LiveEdit).
    connect(m_viewer, &Viewer::pixelsChanged, this, [this] {
        if (m_progress && m_job)
            m_progress->setValue(int(m_job->progress() * 1000));
    });
    createMenus();
#ifdef LIVEPIX_HAVE_CONSOLE
    // Python plugins become loadable once Python is up.
    if (PythonRuntime *python = PythonRuntime::instance())
        connect(python, &PythonRuntime::ready, this, [this] { requestLoad(false); });
#endif
    if (firstLoad == FirstLoad::Now)
        requestLoad(false);
    connect(m_viewer, &Viewer::currentChanged, this, &PluginHost::updateActions);
    connect(m_viewer, &Viewer::documentsChanged, this, &PluginHost::updateActions);
    updateActions();
}

PluginHost::~PluginHost()
{
    if (m_dialog)
        m_dialog->reject();
    if (m_job) {
        m_job->cancel();
        m_job.reset(); // waits; the pixels are restored by the run itself
    }
    m_runEdit.drop(); // the window may be half destroyed: no repaint
    // A pool load uses the catalog, which may go away after this host
    // (tests). Loads on the Python worker only use the process-wide one.
    m_poolLoad.waitForFinished();
}

bool PluginHost::loadMayHelp() const
{
    if (!m_loadedOnce)
        return true;
    for (const auto &r : m_records)
        if (r.state == PluginRecord::State::NeedsLoader)
            return true;
    return false;
}

void PluginHost::requestLoad(bool reload)
{
    if (m_loading) {
        m_queuedLoad = true;
        m_queuedReload = m_queuedReload || reload;
        return;
    }
    m_loading = true;
    rebuildFiltersMenu();
    PluginCatalog *catalog = &m_catalog;
    auto load = [catalog, reload] {
        if (reload)
            catalog->reload();
        else
            catalog->ensureLoaded();
        return CatalogSnapshot{catalog->records(), catalog->searchPaths()};
    };
#ifdef LIVEPIX_HAVE_CONSOLE
    // Only the process-wide catalog has the livepix module's Python loader:
    // its loads run where Python runs, once Python runs.
    PythonRuntime *python = PythonRuntime::instance();
    if (catalog == &PluginCatalog::instance() && python && python->isStarted() && !python->isClosing()) {
        auto result = std::make_shared<CatalogSnapshot>();
        python->runOnWorker([load, result] { *result = load(); }, this, [this, result] { onLoaded(*result); });
        return;
    }
#endif
    auto *watcher = new QFutureWatcher<CatalogSnapshot>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        onLoaded(watcher->result());
    });
    m_poolLoad = QtConcurrent::run(load);
    watcher->setFuture(m_poolLoad);
}

void PluginHost::onLoaded(const CatalogSnapshot &snapshot)
{
    m_loading = false;
    m_loadedOnce = true;
    m_records = snapshot.records;
    m_searchPaths = snapshot.searchPaths;
    reportSkipped();
    rebuildFiltersMenu();
    updateActions();
    if (m_pluginsDialog)
        m_pluginsDialog->refresh(m_records, m_searchPaths, m_queuedLoad);
    if (std::exchange(m_announceReload, false)) {
        int loaded = 0, skipped = 0;
        for (const auto &r : m_records)
            (r.state == PluginRecord::State::Loaded ? loaded : skipped) += 1;
        m_window->statusBar()->showMessage(
            tr("Plugins reloaded: %1 loaded, %2 not loaded").arg(loaded).arg(skipped), 4000);
    }
    Q_EMIT pluginsLoaded();
    if (std::exchange(m_queuedLoad, false))
        requestLoad(std::exchange(m_queuedReload, false));
}

void PluginHost::createMenus()
{
    connect(m_window->filtersMenu(), &QMenu::aboutToShow, this, [this] {
        // Shows what is known now; a load that may find more (Python
        // plugins, once Python is up) updates the menu when it is done.
        if (loadMayHelp())
            requestLoad(false);
        rebuildFiltersMenu();
        updateActions();
    });
    rebuildFiltersMenu();

    QMenu *plugins = m_window->pluginsMenu();
    m_pluginsAction = plugins->addAction(tr("&Plugins…"), this, &PluginHost::showPluginsDialog);
    m_pluginsAction->setObjectName(QStringLiteral("showPlugins"));
    m_reloadAction = plugins->addAction(tr("&Reload Plugins"), this, &PluginHost::reloadPlugins);
    m_reloadAction->setObjectName(QStringLiteral("reloadPlugins"));
    m_reloadAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
}

QList<QAction *> PluginHost::filterActions()
{
    rebuildFiltersMenu();
    updateActions();
    QList<QAction *> result;
    for (QAction *a : m_window->filtersMenu()->actions())
        if (!a->isSeparator() && a->property("livepix_filter").isValid())
            result << a;
    return result;
}

void PluginHost::rebuildFiltersMenu()
{
    const std::uint64_t revision = m_registry.revision();
    // Before the first load (FirstLoad::OnRequest) the menu says plugins
    // are coming, not that there are none.
    const bool loading = m_loading || !m_loadedOnce;
    if (revision == m_menuRevision && loading == m_menuShowsLoading)
        return;
    m_menuRevision = revision;
    m_menuShowsLoading = loading;
    QMenu *menu = m_window->filtersMenu();
    for (QAction *a : menu->actions())
        if (a->property("livepix_filter").isValid()) {
            menu->removeAction(a);
            a->deleteLater();
        }
    auto entries = m_registry.entries();
    std::sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) {
        return QString::fromStdString(a.filter->name()).localeAwareCompare(QString::fromStdString(b.filter->name())) < 0;
    });
    for (const auto &entry : entries) {
        const QString name = QString::fromStdString(entry.filter->name());
        // "…" promises a dialog, as desktop conventions have it.
        auto *action = new QAction(entry.filter->params().empty() ? name : name + QStringLiteral("…"), menu);
        action->setProperty("livepix_filter", name);
        action->setObjectName(name);
        QString tip = QString::fromStdString(entry.filter->description());
        if (!entry.plugin.empty())
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Plugin: %1").arg(QString::fromStdString(entry.plugin));
        action->setToolTip(tip);
        action->setStatusTip(tip);
        connect(action, &QAction::triggered, this, [this, name] { triggerFilter(name); });
        menu->addAction(action);
    }
    if (loading) {
        auto *entry = new QAction(m_loading ? tr("Loading Python plugins…") : tr("Loading plugins…"), menu);
        entry->setObjectName(QStringLiteral("loadingPlugins"));
        entry->setProperty("livepix_filter", QString());
        entry->setEnabled(false);
        menu->addAction(entry);
    } else if (entries.empty()) {
        auto *none = new QAction(tr("(no filters: see Plugins > Plugins…)"), menu);
        none->setProperty("livepix_filter", QString());
        none->setEnabled(false);
        menu->addAction(none);
    }
    menu->setToolTipsVisible(true);
}

void PluginHost::updateActions()
{
    Document *document = m_viewer->current();
    const bool busy = m_job || m_dialog;
    for (QAction *a : m_window->filtersMenu()->actions()) {
        const QString name = a->property("livepix_filter").toString();
        if (name.isEmpty())
            continue;
        auto filter = m_registry.find(name.toStdString());
        a->setEnabled(!busy && document && filter && filter->supports(document->image().dtype()));
    }
}

namespace {
void printSkipped(const PluginRecord &r)
{
    std::fprintf(stderr, "livepix: plugin %s skipped: %s\n",
                 (r.manifest.name.empty() ? r.manifestPath : r.manifest.name).c_str(), r.reason.c_str());
}
} // namespace

void PluginHost::reportSkipped()
{
    for (const auto &r : m_records)
        if (r.state == PluginRecord::State::Skipped &&
            m_reported.insert(QString::fromStdString(r.manifestPath + '\n' + r.reason)).second)
            printSkipped(r);
}

void PluginHost::showError(const QString &message)
{
    std::fprintf(stderr, "livepix: %s\n", qPrintable(message));
    if (m_interactive)
        QMessageBox::warning(m_window, tr("livepix"), message);
}

std::shared_ptr<const Filter> PluginHost::prepare(const QString &name)
{
    if (m_job || m_dialog)
        return nullptr;
    auto filter = m_registry.find(name.toStdString());
    Document *document = m_viewer->current();
    if (!filter || !document || document->image().isNull()) {
        showError(!filter ? tr("No filter named '%1'.").arg(name) : tr("Open an image first."));
        return nullptr;
    }
    const Image &image = document->image();
    if (!filter->supports(image.dtype())) {
        showError(tr("%1 does not support %2 images.").arg(name, QString::fromLatin1(dtypeName(image.dtype()))));
        return nullptr;
    }
    return filter;
}

bool PluginHost::triggerFilter(const QString &name)
{
    auto filter = prepare(name);
    if (!filter)
        return false;
    Document *document = m_viewer->current();
    if (filter->params().empty()) {
        startRun(filter, {}, Image());
        return true;
    }
    // The dialog previews into the image itself, so it needs the original
    // pixels to go back to. Its previews and the run are one unit of work.
    beginUnit(name);
    m_dialogBefore = document->image().copy();
    m_dialogDocument = document;
    m_dialog = new FilterDialog(filter, document->image(), m_dialogBefore, m_viewer, m_window);
    // The preview computes what is on screen first, at screen resolution.
    Canvas *canvas = m_window->canvas();
    m_dialog->preview()->setVisibleRegion([canvas = QPointer<Canvas>(canvas)]() -> FilterPreview::ScreenView {
        if (!canvas)
            return {};
        return {canvas->visibleImageRect(), canvas->imagePixelsPerDevicePixel()};
    });
    m_dialog->preview()->setTraits(m_registry.findEntry(name.toStdString()).traits);
    connect(canvas, &Canvas::painted, m_dialog->preview(), &FilterPreview::viewChanged);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::finished, this, &PluginHost::onDialogFinished);
    updateActions();
    m_dialog->open();
    return true;
}

void PluginHost::onDialogFinished(int result)
{
    FilterDialog *dialog = m_dialog;
    m_dialog = nullptr;
    Image before = std::move(m_dialogBefore);
    m_dialogBefore = Image();
    updateActions();
    if (result != QDialog::Accepted || !dialog || !m_dialogDocument || m_dialogDocument != m_viewer->current()) {
        endUnit(QString()); // Cancel: the dialog has put the original pixels back
        return;
    }
    const QString name = dialog->windowTitle();
    auto filter = m_registry.find(name.toStdString());
    if (dialog->previewIsCurrent() || !filter) {
        // The preview already is the result: record it, no second run.
        m_runLabel = runLabel(name, dialog->values());
        finishRun(name, true, false, {});
        return;
    }
    startRun(filter, dialog->values(), before);
}

bool PluginHost::runFilter(const QString &name, const ParamValues &values)
{
    auto filter = prepare(name);
    if (!filter)
        return false;
    startRun(filter, values, Image());
    return true;
}

void PluginHost::beginUnit(const QString &label)
{
    if (m_unitOpen)
        return;
    m_unitOpen = true;
    m_viewer->workUnits()->begin(label);
}

void PluginHost::endUnit(const QString &label)
{
    if (!m_unitOpen)
        return;
    m_unitOpen = false;
    if (!label.isEmpty())
        m_viewer->workUnits()->setLabel(label);
    m_viewer->workUnits()->end();
}

void PluginHost::startRun(std::shared_ptr<const Filter> filter, const ParamValues &values, Image before)
{
    Document *document = m_viewer->current();
    const QString name = QString::fromStdString(filter->name());
    m_runLabel = runLabel(name, values);
    beginUnit(m_runLabel);
    // The run takes a temporary copy of the pixels (inside runFilter) unless
    // it is given one, so a failure or cancel restores them either way.
    m_job = std::make_unique<FilterJob>(filter, document->image(), values, before);
    m_jobDocument = document;
    connect(m_job.get(), &FilterJob::finished, this, [this, name](bool ok, bool cancelled, const QString &error) {
        finishRun(name, ok, cancelled, error);
    });

    m_progress = new QProgressDialog(tr("Running %1…").arg(name), tr("Cancel"), 0, 1000, m_window);
    m_progress->setObjectName(QStringLiteral("filterProgress"));
    m_progress->setWindowTitle(name);
    m_progress->setWindowModality(Qt::WindowModal);
    m_progress->setMinimumDuration(400); // quick filters never flash a dialog
    m_progress->setAutoClose(false);
    m_progress->setAutoReset(false);
    m_progress->setValue(0);
    connect(m_progress, &QProgressDialog::canceled, this, &PluginHost::cancelRun);
    updateActions();
    m_runEdit = LiveEdit(m_viewer);
    m_job->start();
}

void PluginHost::finishRun(const QString &name, bool ok, bool cancelled, const QString &error)
{
    if (m_progress) {
        m_progress->disconnect(this);
        m_progress->deleteLater();
        m_progress = nullptr;
    }
    m_job.reset();
    m_jobDocument = nullptr;
    // The run's writes become one step labelled with its parameters; a
    // failed or cancelled run put the pixels back, so it adds none.
    if (ok)
        m_window->statusBar()->showMessage(tr("%1 done").arg(name), 4000);
    else if (cancelled)
        m_window->statusBar()->showMessage(tr("%1 cancelled; the image is unchanged").arg(name), 4000);
    // After the message above: a step that cannot be kept says so instead.
    endUnit(m_runLabel);
    m_runEdit.release(); // the one final repaint
    updateActions();
    if (!ok && !cancelled)
        showError(tr("%1 failed: %2\nThe image is unchanged.").arg(name, error));
    Q_EMIT runFinished(name, ok, cancelled, error);
}

FilterDialog *PluginHost::activeDialog() const
{
    return m_dialog;
}

PluginsDialog *PluginHost::pluginsDialog() const
{
    return m_pluginsDialog;
}

float PluginHost::progress() const
{
    return m_job ? m_job->progress() : 0.f;
}

void PluginHost::cancelRun()
{
    if (m_job)
        m_job->cancel();
}

bool PluginHost::undo()
{
    return m_window->historyController()->undo();
}

bool PluginHost::redo()
{
    return m_window->historyController()->redo();
}

QAction *PluginHost::undoAction() const
{
    return m_window->historyController()->undoAction();
}

QAction *PluginHost::redoAction() const
{
    return m_window->historyController()->redoAction();
}

void PluginHost::loadPlugins()
{
    if (!m_loading && !m_loadedOnce)
        requestLoad(false);
}

void PluginHost::reloadPlugins()
{
    m_announceReload = true;
    requestLoad(true);
    if (m_pluginsDialog)
        m_pluginsDialog->refresh(m_records, m_searchPaths, true);
    m_window->statusBar()->showMessage(tr("Reloading plugins…"));
}

void PluginHost::showPluginsDialog()
{
    if (!m_pluginsDialog) {
        m_pluginsDialog = new PluginsDialog(m_window);
        m_pluginsDialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_pluginsDialog, &PluginsDialog::reloadRequested, this, &PluginHost::reloadPlugins);
    }
    if (loadMayHelp())
        requestLoad(false);
    m_pluginsDialog->refresh(m_records, m_searchPaths, m_loading);
    m_pluginsDialog->show();
    m_pluginsDialog->raise();
}

int PluginHost::printPluginList(PluginCatalog &catalog)
{
    catalog.ensureLoaded();
    std::fputs(catalog.formatList().c_str(), stdout);
    std::fflush(stdout);
    // As a window's host reports them (--list-plugins starts none).
    for (const auto &r : catalog.records())
        if (r.state == PluginRecord::State::Skipped)
            printSkipped(r);
    return 0;
}

void installPluginHost(Application &app)
{
    app.setListPluginsHandler([] {
#ifdef LIVEPIX_HAVE_CONSOLE
        // Python plugins load through the livepix Python module: start the
        // embedded interpreter and load them there (on its thread, never
        // with the GIL on this one), so they are listed as loaded or
        // skipped-why; the catalog then has nothing left to load here.
        if (PythonRuntime *python = PythonRuntime::instance()) {
            python->start();
            python->runAndWait(QStringLiteral("import livepix\nlivepix._livepix._ensure_plugins_loaded()"), false);
        }
#endif
        return PluginHost::printPluginList(PluginCatalog::instance());
    });
    MainWindow *window = app.mainWindow();
    auto *host = new PluginHost(window, PluginCatalog::instance(), FilterRegistry::instance(), window,
                                PluginHost::FirstLoad::OnRequest);
    app.whenFirstFrameShown(host, [host] { host->loadPlugins(); });
}

} // namespace livepix::gui
