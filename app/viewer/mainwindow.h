#pragma once
// MainWindow: menus, document tabs, canvas, view controls and status bar.
#include <QMainWindow>
#include <QPointer>
#include <QMap>
#include <QStringList>

#include <functional>
#include <vector>

#include "widgets/recentlist.h"

class QAction;
class QDoubleSpinBox;
class QLabel;
class QMenu;
class QProgressBar;
class QTabBar;
class QTimer;
class QToolButton;

namespace livepix::gui {

class Canvas;
class ColorBar;
class Document;
class FolderBrowser;
class LoadJob;
class SaveJob;
class HistogramDock;
class HistoryController;
class Viewer;

/// The livepix window over a Viewer model: tabs for the open documents
/// above the Canvas, File/Edit/View/Filters/Plugins/Help menus, an exposure
/// and gamma toolbar, a status bar with the pixel inspector and load
/// progress. Other parts of the app extend it: they add actions to
/// editMenu(), filtersMenu() and pluginsMenu() (or menu(name)), and dock
/// widgets with QMainWindow::addDockWidget().
///
/// Errors from opening and saving are shown in (window-modal, non-blocking)
/// message boxes naming the file and the reason. Loads and saves run in the
/// background (LoadJob, SaveJob); the status bar shows their progress with a
/// Cancel button.
///
/// Threading: GUI thread only.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(Viewer *viewer, QWidget *parent = nullptr);
    ~MainWindow() override;

    Viewer *viewer() const { return m_viewer; }
    Canvas *canvas() const { return m_canvas; }
    /// View > Histogram (hidden until asked for; remembered in QSettings).
    HistogramDock *histogramDock() const { return m_histogramDock; }
    FolderBrowser *folderBrowser() const { return m_folderBrowser; }
    /// Edit > Undo / Redo and the History panel.
    HistoryController *historyController() const { return m_history; }
    /// Status-bar text of the current comparison (metrics), empty when none.
    QString compareStatus() const;
    /// The colormap legend beside the canvas (visible while a colormap is shown).
    ColorBar *colorBar() const { return m_colorBar; }

    QMenu *fileMenu() const { return m_fileMenu; }
    QMenu *editMenu() const { return m_editMenu; }
    QMenu *viewMenu() const { return m_viewMenu; }
    QMenu *filtersMenu() const { return m_filtersMenu; }
    QMenu *pluginsMenu() const { return m_pluginsMenu; }
    QMenu *helpMenu() const { return m_helpMenu; }
    /// A top-level menu by its untranslated name ("File", "Edit", "View",
    /// "Filters", "Plugins", "Help"); nullptr if there is none.
    QMenu *menu(const QString &name) const;

    /// Starts opening files (Viewer::openAsync); each failure is reported in
    /// a message box naming the file and the reason, each success goes to the
    /// recent files. Returns the jobs (they delete themselves once finished).
    QList<LoadJob *> openFiles(const QStringList &paths);
    /// Starts writing `document` to `path` (format from the extension; see
    /// Viewer::saveAsync): the window stays responsive and shows progress.
    /// On success the document takes the new path and name and is clean; on
    /// failure nothing changes (the target file is untouched, since saveImage
    /// is atomic) and a message box names the file and the reason. Returns the
    /// job (nullptr for no document).
    SaveJob *saveTo(Document *document, const QString &path, const QMap<QString, QString> &options = {});

    /// Interactive versions (dialogs). Return nullptr if the user cancelled.
    SaveJob *save(Document *document);
    SaveJob *saveAs(Document *document);
    /// Asks to save a modified document first. Returns false if the user
    /// cancelled; true if the document closed, or will close as soon as its
    /// save succeeds (it stays open, modified, if the save fails).
    bool closeDocument(Document *document);

    /// Other unsaved work (the script editor's buffer) joins the quit
    /// questions: each guard runs before the images are asked about, once
    /// per quit, and returns false to cancel the quit (it asked and the user
    /// said Cancel, or its save failed).
    void addCloseGuard(std::function<bool()> guard) { m_closeGuards.push_back(std::move(guard)); }

    QStringList recentFiles() const;
    void addRecentFile(const QString &path);

public Q_SLOTS:
    void showOpenDialog();
    void showKeys();
    /// View > Next / Previous Image in Folder (FolderBrowser).
    void addFolderActions();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createActions();
    void createToolBar();
    void createStatusBar();
    void createDataViews();
    void fillCompareWithMenu();
    void fillCompareModeMenu();
    void chooseCompareMode(int mode);
    void rebuildTabs();
    void onCurrentChanged(Document *document);
    void updateTitle();
    void updateViewControls();
    void updatePixelInfo();
    void updateRecentMenu();
    void cycleDocument(int delta);
    QString saveFilter() const;
    void showError(const QString &title, const QString &text);
    void showJobStarted(const QString &text);
    void showJobProgress(double progress);
    void hideJobProgressIfIdle();

    Viewer *m_viewer;
    Canvas *m_canvas;
    FolderBrowser *m_folderBrowser = nullptr;
    ColorBar *m_colorBar = nullptr;
    QTabBar *m_tabs;
    Document *m_document = nullptr;
    QMenu *m_fileMenu = nullptr;
    QMenu *m_recentMenu = nullptr;
    QMenu *m_editMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_filtersMenu = nullptr;
    QMenu *m_pluginsMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_saveAction = nullptr;
    QAction *m_saveAsAction = nullptr;
    QAction *m_closeAction = nullptr;
    QDoubleSpinBox *m_exposure = nullptr;
    QDoubleSpinBox *m_gamma = nullptr;
    QLabel *m_pixelLabel = nullptr;
    QLabel *m_imageLabel = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QLabel *m_loadLabel = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancelLoad = nullptr; // cancels loads and saves
    QTimer *m_progressDelay = nullptr;
    bool m_closeAfterSaves = false; // closeEvent waits for saves to end
    bool m_resumingClose = false;   // the close after those saves: keep the answers given
    QList<QPointer<Document>> m_discardedOnQuit; // answered "Discard" in this quit
    std::vector<std::function<bool()>> m_closeGuards;
    RecentList m_recentFiles{QStringLiteral("recentFiles")};
    QPoint m_hoverPixel{-1, -1};
    bool m_syncingTabs = false;
    HistogramDock *m_histogramDock = nullptr;
    HistoryController *m_history = nullptr;
    QMenu *m_compareWithMenu = nullptr;
    QMenu *m_compareModeMenu = nullptr;
    QLabel *m_compareLabel = nullptr;
};

} // namespace livepix::gui
