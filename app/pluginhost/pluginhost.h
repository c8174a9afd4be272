#pragma once
// PluginHost: the app's side of filters and plugins.
#include <QObject>
#include <QPointer>
#include <QString>

#include <livepix/filter.h>

#include <functional>
#include <memory>
#include <set>

#include "pluginhost/undohistory.h"

class QAction;
class QProgressDialog;
class QTimer;

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
/// with a progress dialog and Cancel while the canvas repaints live, and
/// keeps Edit > Undo / Redo (UndoHistory, bounded by the QSettings value
/// "undo/memoryLimitMiB", default 1024). Plugins > Plugins… lists loaded and
/// skipped plugins; Plugins > Reload re-scans (changed Python plugins are
/// re-imported).
///
/// Every run ends with exactly one Viewer::pixelsMayHaveChanged() (plus one
/// per frame while it runs). A run that fails or is cancelled leaves the
/// image as it was and adds no undo step; a failure is shown with the
/// filter's message.
///
/// Threading: GUI thread only; filters run in FilterJobs.
class PluginHost : public QObject {
    Q_OBJECT
public:
    /// Loads the catalog (once per process) and fills the window's menus.
    PluginHost(MainWindow *window, PluginCatalog &catalog, FilterRegistry &registry, QObject *parent = nullptr);
    explicit PluginHost(MainWindow *window, QObject *parent = nullptr);
    ~PluginHost() override;

    /// When false, nothing modal is shown: errors only go to runFinished()
    /// and stderr, and questions are answered by the confirm handler (tests).
    void setInteractive(bool interactive) { m_interactive = interactive; }
    using ConfirmHandler = std::function<bool(const QString &question)>;
    void setConfirmHandler(ConfirmHandler handler) { m_confirm = std::move(handler); }

    UndoHistory &undoHistory() { return m_history; }
    /// The undo budget from QSettings ("undo/memoryLimitMiB").
    static std::size_t undoBudgetFromSettings();

    /// What the Filters menu does: with parameters, opens the dialog (non-
    /// blocking; activeDialog() returns it) and runs on OK; without, runs.
    /// Returns false when nothing was started (no image, unsupported dtype,
    /// the user declined to run without undo).
    bool triggerFilter(const QString &name);
    /// Runs `name` with `values` on the current image, no dialog.
    bool runFilter(const QString &name, const ParamValues &values = {});
    FilterDialog *activeDialog() const;

    bool isRunning() const { return m_job != nullptr; }
    float progress() const;
    void cancelRun();

    bool undo();
    bool redo();
    QAction *undoAction() const { return m_undoAction; }
    QAction *redoAction() const { return m_redoAction; }
    QAction *reloadAction() const { return m_reloadAction; }
    /// The Filters menu's actions (rebuilt when the registry changed).
    QList<QAction *> filterActions();

    void reloadPlugins();
    void showPluginsDialog();
    PluginsDialog *pluginsDialog() const;

    /// `livepix --list-plugins`: prints the catalog's table, returns 0.
    static int printPluginList(PluginCatalog &catalog);

Q_SIGNALS:
    /// A run ended (after the final repaint). `error` is empty unless it failed.
    void runFinished(const QString &filter, bool ok, bool cancelled, const QString &error);

private:
    /// Undo or redo one step of the current document (step is UndoHistory::undo or ::redo).
    bool stepHistory(Image (UndoHistory::*step)(const void *));
    void createMenus();
    void rebuildFiltersMenu();
    void updateActions();
    void reportSkipped();
    bool confirm(const QString &question);
    void showError(const QString &message);
    /// Checks that a run can start; returns the filter or nullptr (with a message shown).
    std::shared_ptr<const Filter> prepare(const QString &name, bool *undoable);
    void startRun(std::shared_ptr<const Filter> filter, const ParamValues &values, Image before, bool undoable);
    void finishRun(const QString &name, bool ok, bool cancelled, const QString &error, const Image &before,
                   bool undoable);
    void onDialogFinished(int result);
    void watchDocument(Document *document);

    MainWindow *m_window;
    Viewer *m_viewer;
    PluginCatalog &m_catalog;
    FilterRegistry &m_registry;
    UndoHistory m_history;
    bool m_interactive = true;
    ConfirmHandler m_confirm;

    std::uint64_t m_menuRevision = ~std::uint64_t(0);
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_reloadAction = nullptr;
    QAction *m_pluginsAction = nullptr;

    std::unique_ptr<FilterJob> m_job;
    QPointer<Document> m_jobDocument;
    bool m_jobUndoable = false;
    QProgressDialog *m_progress = nullptr;
    QTimer *m_repaint = nullptr;

    QPointer<FilterDialog> m_dialog;
    QPointer<Document> m_dialogDocument;
    Image m_dialogBefore;
    bool m_dialogUndoable = false;
    QPointer<PluginsDialog> m_pluginsDialog;
    std::set<QString> m_reported; ///< skipped plugins already printed to stderr
};

/// Creates the PluginHost for the application's window and installs the
/// --list-plugins handler. Called once from main().
class Application;
void installPluginHost(Application &app);

} // namespace livepix::gui
