#pragma once
// PluginHost: the app's side of filters and plugins.
#include <QFuture>
#include <QObject>
#include <QPointer>
#include <QString>

#include <livepix/filter.h>
#include <livepix/plugincatalog.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "viewer/liveedit.h"

class QAction;
class QProgressDialog;

namespace livepix {
class FilterRegistry;
class PluginCatalog;
} // namespace livepix

namespace livepix::gui {

class Document;
class FilterDialog;
class FilterJob;
class MainWindow;
class PluginsDialog;
class Viewer;

/// Builds the Filters menu from the FilterRegistry, opens the parameter
/// dialog (FilterDialog, with live preview), runs filters on a worker thread
/// with a progress dialog and Cancel while the canvas repaints live. Each
/// run (with its dialog's previews) is one unit of work (WorkUnits): its
/// writes become one undo step labelled with the filter and its parameters
/// (Edit > Undo is the window's HistoryController). Plugins > Plugins… lists loaded and
/// skipped plugins; Plugins > Reload re-scans (changed Python plugins are
/// re-imported).
///
/// A run holds a LiveEdit token on the viewer, so the canvas repaints at
/// ~30 Hz while it runs and once when it ends. A run that fails or is
/// cancelled leaves the image as it was and adds no undo step; a failure is
/// shown with the filter's message.
///
/// Plugin loading never blocks the GUI thread: the catalog imports Python
/// plugins under its lock with the GIL, so the GUI never calls a loading
/// catalog function itself. Loads and reloads are asynchronous jobs: on the
/// Python worker thread (PythonRuntime::runOnWorker) for the process-wide
/// catalog once Python runs, else on a pool thread (no Python loader can be
/// involved then). The job returns a snapshot (records, search paths) by a
/// queued call; until then the Filters menu shows what the registry holds
/// now plus a disabled "Loading Python plugins…" entry, and pluginsLoaded()
/// says when it is done.
///
/// Threading: GUI thread only; filters run in FilterJobs, loads as above.
class PluginHost : public QObject {
    Q_OBJECT
public:
    /// When the catalog is first loaded: at construction, or when
    /// loadPlugins() is called (the app does it once its window shows its
    /// first image, so plugin libraries are not mapped while it loads).
    enum class FirstLoad { Now, OnRequest };
    /// Loads the catalog (once per process; see FirstLoad) and fills the
    /// window's menus.
    PluginHost(MainWindow *window, PluginCatalog &catalog, FilterRegistry &registry, QObject *parent = nullptr,
               FirstLoad firstLoad = FirstLoad::Now);
    explicit PluginHost(MainWindow *window, QObject *parent = nullptr);
    ~PluginHost() override;

    /// When false, nothing modal is shown: errors only go to runFinished()
    /// and stderr (tests).
    void setInteractive(bool interactive) { m_interactive = interactive; }

    /// What the Filters menu does: with parameters, opens the dialog (non-
    /// blocking; activeDialog() returns it) and runs on OK; without, runs.
    /// Returns false when nothing was started (no image, unsupported dtype).
    bool triggerFilter(const QString &name);
    /// Runs `name` with `values` on the current image, no dialog.
    bool runFilter(const QString &name, const ParamValues &values = {});
    FilterDialog *activeDialog() const;

    bool isRunning() const { return m_job != nullptr; }
    float progress() const;
    void cancelRun();

    bool undo();
    bool redo();
    /// The window's Edit > Undo / Redo (HistoryController).
    QAction *undoAction() const;
    QAction *redoAction() const;
    QAction *reloadAction() const { return m_reloadAction; }
    /// The Filters menu's actions (rebuilt when the registry changed).
    QList<QAction *> filterActions();

    /// Starts the first catalog load (FirstLoad::OnRequest); asynchronous,
    /// and a no-op once a load ran or runs.
    void loadPlugins();
    /// Plugins > Reload: re-scans asynchronously (see the class comment).
    void reloadPlugins();
    void showPluginsDialog();
    PluginsDialog *pluginsDialog() const;
    /// True while a plugin load or reload job runs.
    bool isLoadingPlugins() const { return m_loading; }
    /// The catalog's records as of the last finished load.
    const std::vector<PluginRecord> &pluginRecords() const { return m_records; }

    /// `livepix --list-plugins`: prints the catalog's table, returns 0.
    static int printPluginList(PluginCatalog &catalog);

Q_SIGNALS:
    /// A run ended (after the final repaint). `error` is empty unless it failed.
    void runFinished(const QString &filter, bool ok, bool cancelled, const QString &error);
    /// A plugin load or reload finished; menus and the Plugins dialog show it.
    void pluginsLoaded();

private:
    struct CatalogSnapshot {
        std::vector<PluginRecord> records;
        std::vector<std::string> searchPaths;
    };
    /// Starts a load (or reload) job unless one runs; then it runs after it.
    void requestLoad(bool reload);
    /// True when a load could change something (first load, plugins waiting
    /// for the Python loader).
    bool loadMayHelp() const;
    void onLoaded(const CatalogSnapshot &snapshot);
    void createMenus();
    void rebuildFiltersMenu();
    void updateActions();
    void reportSkipped();
    void showError(const QString &message);
    /// Checks that a run can start; returns the filter or nullptr (with a message shown).
    std::shared_ptr<const Filter> prepare(const QString &name);
    void startRun(std::shared_ptr<const Filter> filter, const ParamValues &values, Image before);
    void finishRun(const QString &name, bool ok, bool cancelled, const QString &error);
    void onDialogFinished(int result);
    /// One unit of work at a time: a dialog's previews and its run share it.
    void beginUnit(const QString &label);
    void endUnit(const QString &label);

    MainWindow *m_window;
    Viewer *m_viewer;
    PluginCatalog &m_catalog;
    FilterRegistry &m_registry;
    bool m_interactive = true;

    std::uint64_t m_menuRevision = ~std::uint64_t(0);
    bool m_menuShowsLoading = false;
    bool m_loading = false;       ///< a load job runs
    bool m_loadedOnce = false;    ///< a load job finished
    bool m_queuedLoad = false;    ///< another load after the current one...
    bool m_queuedReload = false;  ///< ...and whether it is a reload
    bool m_announceReload = false; ///< the user asked: say what the reload found
    QFuture<CatalogSnapshot> m_poolLoad;
    std::vector<PluginRecord> m_records;
    std::vector<std::string> m_searchPaths;
    QAction *m_reloadAction = nullptr;
    QAction *m_pluginsAction = nullptr;

    std::unique_ptr<FilterJob> m_job;
    QPointer<Document> m_jobDocument;
    bool m_unitOpen = false;
    QString m_runLabel;
    QProgressDialog *m_progress = nullptr;
    LiveEdit m_runEdit; ///< held while a run writes

    QPointer<FilterDialog> m_dialog;
    QPointer<Document> m_dialogDocument;
    Image m_dialogBefore;
    QPointer<PluginsDialog> m_pluginsDialog;
    std::set<QString> m_reported; ///< skipped plugins already printed to stderr
};

/// Creates the PluginHost for the application's window and installs the
/// --list-plugins handler. Called once from main().
class Application;
void installPluginHost(Application &app);

} // namespace livepix::gui
