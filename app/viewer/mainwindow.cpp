#include "viewer/mainwindow.h"

#include "viewer/historycontroller.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPointer>
#include <QProgressBar>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QHBoxLayout>
#include <QVBoxLayout>

#include <algorithm>
#include <functional>
#include <memory>
#include <utility>

#include <livepix/imageio.h>

#include "display/displaycontrols.h"
#include "viewer/canvas.h"
#include "viewer/workunits.h"
#include "viewer/namepatterns.h"
#include "viewer/comparecontroller.h"
#include "viewer/comparemode.h"
#include "viewer/document.h"
#include "viewer/folderbrowser.h"
#include "viewer/loadjob.h"
#include "viewer/savejob.h"
#include "viewer/pixelinfo.h"
#include "viewer/resources.h"
#include "viewer/viewer.h"
#include "widgets/colorbar.h"
#include "widgets/histogramdock.h"

namespace livepix::gui {

namespace {

/// "RGBA" for one-letter names, "Y,depth" otherwise.
QString channelSeparator(const QStringList &names)
{
    for (const QString &name : names)
        if (name.size() != 1)
            return QStringLiteral(",");
    return QString();
}

/// A file dialog filter of `patterns`. Empty (the dialog keeps its other
/// filters) when there are none: the image I/O library cannot be loaded.
QString filterFor(const QStringList &patterns, const QString &title)
{
    if (patterns.isEmpty())
        return QString();
    return QStringLiteral("%1 (%2)").arg(title, patterns.join(QLatin1Char(' ')));
}

} // namespace

MainWindow::MainWindow(Viewer *viewer, QWidget *parent) : QMainWindow(parent), m_viewer(viewer)
{
    initResources();
    setWindowIcon(QIcon(QStringLiteral(":/livepix/livepix.png")));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_tabs = new QTabBar(central);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabsClosable(true);
    m_tabs->setExpanding(false);
    m_tabs->setElideMode(Qt::ElideMiddle);
    m_tabs->setFocusPolicy(Qt::NoFocus);
    m_canvas = new Canvas(viewer, central);
    // The colormap legend sits beside the canvas, never over the image.
    m_colorBar = new ColorBar(central);
    m_colorBar->hide();
    auto *imageRow = new QHBoxLayout;
    imageRow->setSpacing(0);
    imageRow->addWidget(m_canvas, 1);
    // A unit of work ending on another thread takes its changes after the
    // canvas has drawn them (see WorkUnits::setFrameGate).
    // The gate holds the canvas weakly: the viewer may outlive this window.
    viewer->workUnits()->setFrameGate([canvas = QPointer<Canvas>(m_canvas)](const std::function<void()> &done) {
        if (!canvas || !canvas->owesFrame()) {
            done();
            return;
        }
        auto painted = std::make_shared<QMetaObject::Connection>();
        *painted = QObject::connect(canvas, &Canvas::painted, canvas, [painted, done] {
            disconnect(*painted);
            done();
        });
    });
    imageRow->addWidget(m_colorBar);
    layout->addWidget(m_tabs);
    layout->addLayout(imageRow, 1);
    setCentralWidget(central);

    createActions();
    createToolBar();
    createStatusBar();
    createDataViews();

    connect(m_tabs, &QTabBar::currentChanged, this, [this](int index) {
        if (m_syncingTabs || index < 0 || index >= m_viewer->documents().size())
            return;
        m_viewer->setCurrent(m_viewer->documents().at(index));
    });
    connect(m_tabs, &QTabBar::tabCloseRequested, this, [this](int index) {
        if (index >= 0 && index < m_viewer->documents().size())
            closeDocument(m_viewer->documents().at(index));
    });
    connect(viewer, &Viewer::documentsChanged, this, &MainWindow::rebuildTabs);
    connect(viewer, &Viewer::currentChanged, this, &MainWindow::onCurrentChanged);
    connect(viewer, &Viewer::viewSettingsChanged, this, &MainWindow::updateViewControls);
    connect(viewer, &Viewer::pixelsChanged, this, &MainWindow::updatePixelInfo);
    connect(m_canvas, &Canvas::scaleChanged, this, &MainWindow::updateViewControls);
    connect(m_canvas, &Canvas::hoveredPixelChanged, this, [this](const QPoint &pixel, bool) {
        m_hoverPixel = pixel;
        updatePixelInfo();
    });

    // Load and save progress: shown only for jobs that take a while.
    m_progressDelay = new QTimer(this);
    m_progressDelay->setSingleShot(true);
    m_progressDelay->setInterval(300);
    connect(m_progressDelay, &QTimer::timeout, this, [this] {
        m_loadLabel->show();
        m_progress->show();
        m_cancelLoad->show();
    });
    connect(viewer, &Viewer::loadStarted, this, [this](const QString &path) {
        showJobStarted(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    });
    connect(viewer, &Viewer::saveStarted, this, [this](const QString &path) {
        showJobStarted(tr("Saving %1…").arg(QFileInfo(path).fileName()));
    });
    connect(viewer, &Viewer::loadProgress, this, [this](const QString &, double p) { showJobProgress(p); });
    connect(viewer, &Viewer::saveProgress, this, [this](const QString &, double p) { showJobProgress(p); });
    connect(viewer, &Viewer::jobsFinished, this, &MainWindow::hideJobProgressIfIdle);
    connect(viewer, &Viewer::jobsFinished, this, [this] {
        // Quit was asked while saves ran: close once they all succeeded.
        if (!m_closeAfterSaves)
            return;
        m_closeAfterSaves = false;
        m_resumingClose = true; // a failed save is asked about again
        close();
    });

    rebuildTabs();
    onCurrentChanged(viewer->current());
    resize(1200, 760);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    m_fileMenu = menuBar()->addMenu(tr("&File"));
    m_fileMenu->setObjectName(QStringLiteral("File"));
    m_openAction = m_fileMenu->addAction(tr("&Open…"), this, &MainWindow::showOpenDialog);
    m_openAction->setShortcut(QKeySequence::Open);
    m_recentMenu = m_fileMenu->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
    m_fileMenu->addSeparator();
    m_saveAction = m_fileMenu->addAction(tr("&Save"), this, [this] { save(m_viewer->current()); });
    m_saveAction->setShortcut(QKeySequence::Save);
    m_saveAsAction = m_fileMenu->addAction(tr("Save &As…"), this, [this] { saveAs(m_viewer->current()); });
    m_saveAsAction->setShortcut(QKeySequence::SaveAs);
    m_closeAction = m_fileMenu->addAction(tr("&Close"), this, [this] {
        if (Document *document = m_viewer->current())
            closeDocument(document);
    });
    m_closeAction->setShortcut(QKeySequence::Close);
    m_fileMenu->addSeparator();
    QAction *quit = m_fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    m_editMenu = menuBar()->addMenu(tr("&Edit"));
    m_editMenu->setObjectName(QStringLiteral("Edit"));

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->setObjectName(QStringLiteral("View"));
    QAction *zoomIn = m_viewMenu->addAction(tr("Zoom &In"), m_canvas, &Canvas::zoomIn);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    QAction *zoomOut = m_viewMenu->addAction(tr("Zoom &Out"), m_canvas, &Canvas::zoomOut);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction *actual = m_viewMenu->addAction(tr("&Actual Size"), m_canvas, &Canvas::zoomActualSize);
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    // Text after a tab is shown as the key in the menu: these single keys are
    // handled by the canvas (so they do not fire while typing in the console).
    m_viewMenu->addAction(tr("&Fit to Window\tF"), m_canvas, &Canvas::zoomToFit);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(tr("Increase &Exposure\t]"), this, [this] { m_viewer->setExposure(m_viewer->exposure() + 0.5); });
    m_viewMenu->addAction(tr("Decrease E&xposure\t["), this, [this] { m_viewer->setExposure(m_viewer->exposure() - 0.5); });
    m_viewMenu->addAction(tr("Increase &Gamma\t}"), this, [this] { m_viewer->setGamma(m_viewer->gamma() + 0.1); });
    m_viewMenu->addAction(tr("Decrease G&amma\t{"), this, [this] { m_viewer->setGamma(m_viewer->gamma() - 0.1); });
    m_viewMenu->addAction(tr("&Reset Exposure and Gamma\tR"), this, [this] {
        m_viewer->setExposure(0.0);
        m_viewer->setGamma(1.0);
    });
    m_viewMenu->addSeparator();
    new DisplayControls(m_viewer, m_viewMenu, m_colorBar, this); // levels, colormap, channel, colour
    m_viewMenu->addSeparator();
    QAction *next = m_viewMenu->addAction(tr("&Next Image"), this, [this] { cycleDocument(1); });
    next->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    next->setShortcutContext(Qt::ApplicationShortcut);
    QAction *previous = m_viewMenu->addAction(tr("&Previous Image"), this, [this] { cycleDocument(-1); });
    previous->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab),
                            QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageUp)});
    previous->setShortcutContext(Qt::ApplicationShortcut);
    addFolderActions();
    m_viewMenu->addSeparator();

    m_filtersMenu = menuBar()->addMenu(tr("F&ilters"));
    m_filtersMenu->setObjectName(QStringLiteral("Filters"));
    m_pluginsMenu = menuBar()->addMenu(tr("&Plugins"));
    m_pluginsMenu->setObjectName(QStringLiteral("Plugins"));

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->setObjectName(QStringLiteral("Help"));
    m_helpMenu->addAction(tr("&Keys…"), this, &MainWindow::showKeys);
    m_helpMenu->addAction(tr("&About livepix"), this, [this] {
        QMessageBox::about(this, tr("About livepix"),
                           tr("<b>livepix %1</b><p>An image viewer for people who script their pixels: "
                              "the view, the Python console and plugins share one pixel buffer.</p>")
                               .arg(QStringLiteral(LIVEPIX_VERSION)));
    });
}

QMenu *MainWindow::menu(const QString &name) const
{
    for (QMenu *m : {m_fileMenu, m_editMenu, m_viewMenu, m_filtersMenu, m_pluginsMenu, m_helpMenu})
        if (m->objectName().compare(name, Qt::CaseInsensitive) == 0)
            return m;
    return nullptr;
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("View"));
    bar->setObjectName(QStringLiteral("ViewToolBar"));
    bar->setMovable(false);
    bar->addAction(tr("Fit"), m_canvas, &Canvas::zoomToFit)->setToolTip(tr("Fit to window (F or 0)"));
    bar->addAction(tr("1:1"), m_canvas, &Canvas::zoomActualSize)->setToolTip(tr("Actual size (1 or Ctrl+0)"));
    bar->addAction(tr("−"), m_canvas, &Canvas::zoomOut)->setToolTip(tr("Zoom out (-)"));
    bar->addAction(tr("+"), m_canvas, &Canvas::zoomIn)->setToolTip(tr("Zoom in (+)"));
    bar->addSeparator();
    const QString floatNote = tr("\nFor float (HDR) images, and for integer images scaled to 0..1.");
    auto *exposureLabel = new QLabel(tr(" Exposure "), bar);
    bar->addWidget(exposureLabel);
    m_exposure = new QDoubleSpinBox(bar);
    m_exposure->setRange(-32.0, 32.0);
    m_exposure->setSingleStep(0.5);
    m_exposure->setDecimals(1);
    m_exposure->setSuffix(tr(" EV"));
    m_exposure->setToolTip(tr("Display exposure in stops: values are multiplied by 2^EV ([ and ] on the image)") +
                           floatNote);
    bar->addWidget(m_exposure);
    auto *gammaLabel = new QLabel(tr("  Gamma "), bar);
    bar->addWidget(gammaLabel);
    m_gamma = new QDoubleSpinBox(bar);
    m_gamma->setRange(0.1, 10.0);
    m_gamma->setSingleStep(0.1);
    m_gamma->setDecimals(2);
    m_gamma->setValue(1.0);
    m_gamma->setToolTip(tr("Display gamma: shown = value^(1/gamma) ({ and } on the image)") + floatNote);
    bar->addWidget(m_gamma);
    bar->addAction(tr("Reset"), this, [this] {
        m_viewer->setExposure(0.0);
        m_viewer->setGamma(1.0);
    })->setToolTip(tr("Reset exposure and gamma (R)"));
    connect(m_exposure, &QDoubleSpinBox::valueChanged, m_viewer, &Viewer::setExposure);
    connect(m_gamma, &QDoubleSpinBox::valueChanged, m_viewer, &Viewer::setGamma);
}

void MainWindow::createStatusBar()
{
    m_pixelLabel = new QLabel(this);
    m_pixelLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pixelLabel->setMinimumWidth(200);
    m_imageLabel = new QLabel(this);
    m_zoomLabel = new QLabel(this);
    m_loadLabel = new QLabel(this);
    m_loadLabel->hide();
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setFixedWidth(160);
    m_progress->setTextVisible(true);
    m_progress->hide();
    m_cancelLoad = new QToolButton(this);
    m_cancelLoad->setText(tr("Cancel"));
    m_cancelLoad->hide();
    connect(m_cancelLoad, &QToolButton::clicked, m_viewer, &Viewer::cancelLoad);
    connect(m_cancelLoad, &QToolButton::clicked, m_viewer, &Viewer::cancelSaves);
    statusBar()->addWidget(m_pixelLabel, 1);
    statusBar()->addPermanentWidget(m_loadLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelLoad);
    statusBar()->addPermanentWidget(m_imageLabel);
    statusBar()->addPermanentWidget(m_zoomLabel);
}

void MainWindow::rebuildTabs()
{
    m_syncingTabs = true;
    const QList<Document *> documents = m_viewer->documents();
    while (m_tabs->count() > documents.size())
        m_tabs->removeTab(m_tabs->count() - 1);
    for (int i = 0; i < documents.size(); ++i) {
        Document *document = documents.at(i);
        const QString text = document->name() + (document->isModified() ? QStringLiteral(" *") : QString());
        if (i >= m_tabs->count())
            m_tabs->addTab(text);
        else
            m_tabs->setTabText(i, text);
        m_tabs->setTabToolTip(i, document->filePath().isEmpty() ? document->name() : document->filePath());
        // Reconnect (no duplicates) so renames and the modified mark show.
        disconnect(document, &Document::nameChanged, this, nullptr);
        disconnect(document, &Document::modifiedChanged, this, nullptr);
        connect(document, &Document::nameChanged, this, [this] { rebuildTabs(); updateTitle(); });
        connect(document, &Document::modifiedChanged, this, [this] { rebuildTabs(); updateTitle(); });
    }
    m_tabs->setCurrentIndex(documents.indexOf(m_viewer->current()));
    m_tabs->setVisible(!documents.isEmpty());
    m_syncingTabs = false;
    const bool any = !documents.isEmpty();
    m_saveAction->setEnabled(any);
    m_saveAsAction->setEnabled(any);
    m_closeAction->setEnabled(any);
}

void MainWindow::onCurrentChanged(Document *document)
{
    if (m_document)
        disconnect(m_document, &Document::imageReplaced, this, nullptr);
    m_document = document;
    if (document)
        connect(document, &Document::imageReplaced, this, [this] { updateViewControls(); updatePixelInfo(); });
    m_syncingTabs = true;
    m_tabs->setCurrentIndex(m_viewer->documents().indexOf(document));
    m_syncingTabs = false;
    m_hoverPixel = {-1, -1};
    updateTitle();
    updateViewControls();
    updatePixelInfo();
}

void MainWindow::updateTitle()
{
    Document *document = m_viewer->current();
    if (!document) {
        setWindowTitle(QStringLiteral("livepix"));
        setWindowModified(false);
        return;
    }
    setWindowTitle(QStringLiteral("%1[*] — livepix").arg(document->name()));
    setWindowModified(document->isModified());
}

void MainWindow::updateViewControls()
{
    const QSignalBlocker blockExposure(m_exposure);
    const QSignalBlocker blockGamma(m_gamma);
    m_exposure->setValue(m_viewer->exposure());
    m_gamma->setValue(m_viewer->gamma());
    Document *document = m_viewer->current();
    const Image image = document ? document->image() : Image();
    m_exposure->setEnabled(!image.isNull());
    m_gamma->setEnabled(!image.isNull());
    if (image.isNull()) {
        m_imageLabel->clear();
        m_zoomLabel->clear();
        return;
    }
    QString channels = QStringLiteral("%1 ch").arg(image.channels());
    if (image.channels() <= 4 && int(image.channelNames().size()) == image.channels()) {
        QStringList names;
        for (const auto &name : image.channelNames())
            names << QString::fromStdString(name);
        channels = names.join(channelSeparator(names));
    }
    m_imageLabel->setText(QStringLiteral("%1×%2  %3  %4")
                              .arg(image.width())
                              .arg(image.height())
                              .arg(channels, QString::fromLatin1(dtypeName(image.dtype()))));
    const double percent = m_canvas->scale() * 100.0;
    m_zoomLabel->setText((m_viewer->fitToWindow() ? tr("Fit ") : QString()) +
                         QStringLiteral("%1%").arg(percent, 0, 'f', percent < 10 ? 1 : 0));
}

void MainWindow::updatePixelInfo()
{
    Document *document = m_viewer->current();
    if (!document || m_hoverPixel.x() < 0) {
        m_pixelLabel->clear();
        return;
    }
    m_pixelLabel->setText(pixelInfo(document->image(), m_hoverPixel.x(), m_hoverPixel.y()));
}

void MainWindow::cycleDocument(int delta)
{
    const QList<Document *> documents = m_viewer->documents();
    if (documents.size() < 2)
        return;
    const int index = documents.indexOf(m_viewer->current());
    m_viewer->setCurrent(documents.at((index + delta + documents.size()) % documents.size()));
}

void MainWindow::showJobStarted(const QString &text)
{
    // Open stays enabled: opens queue up behind running ones (Viewer::openAsync).
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_loadLabel->setText(text);
    if (!m_progress->isVisible())
        m_progressDelay->start();
}

void MainWindow::showJobProgress(double progress)
{
    // Some readers and writers report nothing until the end: a busy bar then.
    if (progress <= 0.0) {
        m_progress->setRange(0, 0);
    } else {
        m_progress->setRange(0, 100);
        m_progress->setValue(int(progress * 100));
    }
}

void MainWindow::hideJobProgressIfIdle()
{
    if (m_viewer->hasRunningJobs())
        return;
    m_progressDelay->stop();
    m_loadLabel->hide();
    m_progress->hide();
    m_cancelLoad->hide();
}

void MainWindow::showError(const QString &title, const QString &text)
{
    // Window-modal but not blocking: no nested event loop in the job's slot.
    auto *box = new QMessageBox(QMessageBox::Critical, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

QList<LoadJob *> MainWindow::openFiles(const QStringList &paths)
{
    QList<LoadJob *> jobs;
    for (const QString &path : paths) {
        LoadJob *job = m_viewer->openAsync(path);
        connect(job, &LoadJob::finished, this, [this, path](Document *document, const QString &error) {
            if (document)
                addRecentFile(QFileInfo(path).absoluteFilePath());
            else
                showError(tr("Cannot open image"), error);
        });
        jobs.append(job);
    }
    return jobs;
}

void MainWindow::showOpenDialog()
{
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("lastDirectory")).toString();
    QStringList filters{filterFor(readablePatterns(), tr("Images")), tr("All files (*)")};
    filters.removeAll(QString());
    const QString filter = filters.join(QStringLiteral(";;"));
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open Images"), dir, filter);
    if (paths.isEmpty())
        return;
    settings.setValue(QStringLiteral("lastDirectory"), QFileInfo(paths.first()).absolutePath());
    openFiles(paths);
}

SaveJob *MainWindow::saveTo(Document *document, const QString &path, const QMap<QString, QString> &options)
{
    SaveOptions saveOptions;
    for (auto it = options.begin(); it != options.end(); ++it)
        saveOptions[it.key().toStdString()] = it.value().toStdString();
    SaveJob *job = m_viewer->saveAsync(document, path, saveOptions);
    if (!job)
        return nullptr;
    connect(job, &SaveJob::finished, this, [this, path](bool ok, const QString &error) {
        if (ok)
            addRecentFile(QFileInfo(path).absoluteFilePath());
        else
            showError(tr("Cannot save image"), error);
    });
    return job;
}

QString MainWindow::saveFilter() const
{
    QStringList filters;
    filters << tr("PNG (*.png)") << tr("TIFF (*.tif *.tiff)") << tr("OpenEXR (*.exr)") << tr("JPEG (*.jpg *.jpeg)");
    filters << filterFor(writablePatterns(), tr("All writable formats"));
    filters.removeAll(QString());
    return filters.join(QStringLiteral(";;"));
}

SaveJob *MainWindow::save(Document *document)
{
    if (!document)
        return nullptr;
    if (document->filePath().isEmpty())
        return saveAs(document);
    return saveTo(document, document->filePath());
}

SaveJob *MainWindow::saveAs(Document *document)
{
    if (!document)
        return nullptr;
    QString suggestion = document->filePath();
    if (suggestion.isEmpty()) {
        QSettings settings;
        QString base = QFileInfo(document->name()).completeBaseName();
        if (base.isEmpty())
            base = QStringLiteral("image");
        suggestion = settings.value(QStringLiteral("lastDirectory")).toString() + QLatin1Char('/') + base +
                     (isFloat(document->image().dtype()) ? QStringLiteral(".exr") : QStringLiteral(".png"));
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Image As"), suggestion, saveFilter());
    if (path.isEmpty())
        return nullptr;
    QMap<QString, QString> options;
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg")) {
        bool ok = false;
        const int quality = QInputDialog::getInt(this, tr("JPEG Quality"), tr("Quality (1-100):"), 90, 1, 100, 1, &ok);
        if (!ok)
            return nullptr;
        options.insert(QStringLiteral("quality"), QString::number(quality));
    }
    return saveTo(document, path, options);
}

bool MainWindow::closeDocument(Document *document)
{
    if (!document)
        return false;
    if (document->isModified()) {
        m_viewer->setCurrent(document);
        const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"), tr("Save changes to %1 before closing?").arg(document->name()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel)
            return false;
        if (answer == QMessageBox::Save) {
            SaveJob *job = save(document);
            if (!job)
                return false;
            // Close once the file is written; a failed save leaves it open
            // (its message box says why). Pixels written during the save
            // make it modified again: then it stays open too.
            QPointer<Document> guard(document);
            connect(job, &SaveJob::finished, this, [this, guard](bool ok) {
                if (ok && guard && !guard->isModified())
                    m_viewer->close(guard);
            });
            return true;
        }
    }
    return m_viewer->close(document);
}

QStringList MainWindow::recentFiles() const { return m_recentFiles.paths(); }

void MainWindow::addRecentFile(const QString &path) { m_recentFiles.add(path); }

void MainWindow::updateRecentMenu()
{
    m_recentFiles.fillMenu(m_recentMenu, this, [this](const QString &file) { openFiles({file}); });
}

void MainWindow::addFolderActions()
{
    // Page Down / Space and Page Up / Backspace, as in other viewers. Text
    // fields (the console) keep these keys: they take the keys they type.
    m_folderBrowser = new FolderBrowser(m_viewer, this);
    connect(m_folderBrowser, &FolderBrowser::message, this, [this](const QString &text) {
        statusBar()->showMessage(text, 4000);
    });
    QAction *next = m_viewMenu->addAction(tr("Next Image in &Folder"), this, [this] { m_folderBrowser->step(1); });
    next->setShortcuts({QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::Key_Space)});
    QAction *previous =
        m_viewMenu->addAction(tr("Previous Image in F&older"), this, [this] { m_folderBrowser->step(-1); });
    previous->setShortcuts({QKeySequence(Qt::Key_PageUp), QKeySequence(Qt::Key_Backspace)});
}

void MainWindow::showKeys()
{
    QMessageBox::information(
        this, tr("Keys"),
        tr("<table>"
           "<tr><td><b>Wheel</b></td><td>zoom around the cursor</td></tr>"
           "<tr><td><b>Drag</b>, arrows</td><td>pan</td></tr>"
           "<tr><td><b>+</b> / <b>-</b></td><td>zoom in / out</td></tr>"
           "<tr><td><b>1</b>, Ctrl+0</td><td>actual size (1:1)</td></tr>"
           "<tr><td><b>F</b>, <b>0</b></td><td>fit to window</td></tr>"
           "<tr><td>Double-click</td><td>toggle fit / 1:1</td></tr>"
           "<tr><td><b>[</b> / <b>]</b></td><td>exposure -/+ 0.5 stop</td></tr>"
           "<tr><td><b>{</b> / <b>}</b> (Shift+[ ])</td><td>gamma -/+ 0.1</td></tr>"
           "<tr><td><b>R</b></td><td>reset exposure and gamma</td></tr>"
           "<tr><td><b>C</b> / <b>Shift+C</b></td><td>next / previous channel</td></tr>"
           "<tr><td><b>L</b> / <b>Shift+L</b></td><td>auto levels: min/max / percentile 0.1-99.9</td></tr>"
           "<tr><td>Ctrl+Tab</td><td>next image</td></tr>"
           "<tr><td>Page Down, Space / Page Up, Backspace</td><td>next / previous image in the folder</td></tr>"
           "<tr><td>F12, Ctrl+`</td><td>Python console (Ctrl+C or Stop interrupts)</td></tr>"
           "<tr><td>Ctrl+E</td><td>script editor</td></tr>"
           "<tr><td colspan=2><i>In the script editor:</i></td></tr>"
           "<tr><td>F5 / Shift+F5</td><td>run the script / stop it</td></tr>"
           "<tr><td>Ctrl+Enter</td><td>run the selection or the current line</td></tr>"
           "<tr><td>Ctrl+Shift+Enter</td><td>run from the first line to the cursor</td></tr>"
           "<tr><td>Ctrl+/, Tab / Shift+Tab</td><td>comment, indent / outdent the lines</td></tr>"
           "<tr><td>Ctrl+F / Ctrl+H</td><td>find / replace</td></tr>"
           "</table><p>The single keys work when the image has keyboard focus (click it).</p>"));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_viewer->isLoading()) {
        m_viewer->cancelLoad();
        event->ignore();
        return;
    }
    // Quitting asks about every unsaved image first and tears nothing down
    // here: documents stay open and filters and scripts keep running until
    // the user has answered every question, so Cancel (or a failed save)
    // leaves everything as it was. Stopping background work comes after, in
    // Application::shutdown(). A save that runs finishes first (its file is
    // half written); the window closes when the saves are over (see the
    // jobsFinished connection), asking again only about what is still unsaved
    // and was not discarded.
    const bool resuming = std::exchange(m_resumingClose, false);
    if (!resuming) {
        m_discardedOnQuit.clear();
        for (const auto &guard : m_closeGuards)
            if (!guard()) {
                event->ignore();
                return;
            }
    }
    if (m_viewer->isSaving()) {
        m_closeAfterSaves = true;
        event->ignore();
        return;
    }
    const QList<Document *> documents = m_viewer->documents();
    for (Document *document : documents) {
        if (!document->isModified() || m_discardedOnQuit.contains(document))
            continue;
        m_viewer->setCurrent(document);
        const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"), tr("Save changes to %1 before quitting?").arg(document->name()),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel || (answer == QMessageBox::Save && !save(document))) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Discard)
            m_discardedOnQuit.append(document);
    }
    // Documents the user chose to save close when their saves succeed.
    if (m_viewer->isSaving()) {
        m_closeAfterSaves = true;
        event->ignore();
        return;
    }
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    QStringList paths;
    for (const QUrl &url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openFiles(paths); // returns at once: the loads run in the background
}

// --- Histogram and compare (View menu, status bar) ------------------------

void MainWindow::createDataViews()
{
    m_histogramDock = new HistogramDock(m_viewer, this);
    addDockWidget(Qt::RightDockWidgetArea, m_histogramDock);
    QAction *histogram = m_histogramDock->toggleViewAction();
    histogram->setText(tr("&Histogram"));
    histogram->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    m_histogramDock->setVisible(QSettings().value(QStringLiteral("histogram/visible"), false).toBool());
    // Remember the user's choice (menu, shortcut or the dock's close button).
    connect(histogram, &QAction::triggered, this,
            [](bool shown) { QSettings().setValue(QStringLiteral("histogram/visible"), shown); });
    m_viewMenu->addAction(histogram);
    m_history = new HistoryController(this, m_viewer);

    m_compareWithMenu = m_viewMenu->addMenu(tr("&Compare With"));
    connect(m_compareWithMenu, &QMenu::aboutToShow, this, &MainWindow::fillCompareWithMenu);
    m_compareModeMenu = m_viewMenu->addMenu(tr("Compare &Mode"));
    connect(m_compareModeMenu, &QMenu::aboutToShow, this, &MainWindow::fillCompareModeMenu);
    fillCompareWithMenu();
    fillCompareModeMenu();

    m_compareLabel = new QLabel(this);
    m_compareLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_compareLabel->hide();
    statusBar()->addPermanentWidget(m_compareLabel);
    CompareController *compare = CompareController::forViewer(m_viewer);
    auto showStatus = [this] {
        const QString text = compareStatus();
        m_compareLabel->setText(text);
        m_compareLabel->setVisible(!text.isEmpty());
    };
    connect(compare, &CompareController::metricsChanged, this, showStatus);
    connect(compare, &CompareController::comparisonChanged, this, showStatus);
    connect(m_viewer, &Viewer::currentChanged, this, showStatus);
}

QString MainWindow::compareStatus() const { return CompareController::forViewer(m_viewer)->metricsText(); }

void MainWindow::fillCompareWithMenu()
{
    m_compareWithMenu->clear();
    Document *current = m_viewer->current();
    CompareController *compare = CompareController::forViewer(m_viewer);
    Document *reference = compare->referenceOf(current);
    QAction *none = m_compareWithMenu->addAction(tr("&None"), this, [this, compare] {
        compare->end(m_viewer->current());
    });
    none->setCheckable(true);
    none->setChecked(!reference);
    m_compareWithMenu->addSeparator();
    for (Document *document : m_viewer->documents()) {
        if (document == current)
            continue;
        QAction *action = m_compareWithMenu->addAction(document->name(), this, [this, compare, document] {
            Document *a = m_viewer->current();
            const CompareMode mode = a ? a->displaySettings().compareMode : CompareMode::None;
            compare->start(a, document, mode == CompareMode::None ? CompareMode::Split : mode);
        });
        action->setCheckable(true);
        action->setChecked(document == reference);
    }
    if (m_viewer->documents().size() < 2)
        m_compareWithMenu->addAction(tr("(open another image to compare with)"))->setEnabled(false);
}

void MainWindow::fillCompareModeMenu()
{
    m_compareModeMenu->clear();
    Document *current = m_viewer->current();
    const CompareMode mode = current ? current->displaySettings().compareMode : CompareMode::None;
    for (CompareMode m : compareModes()) {
        QAction *action = m_compareModeMenu->addAction(compareModeTitle(m), this,
                                                       [this, m] { chooseCompareMode(int(m)); });
        action->setCheckable(true);
        action->setChecked(m == mode && CompareController::forViewer(m_viewer)->referenceOf(current));
        action->setEnabled(m_viewer->documents().size() >= 2);
    }
}

void MainWindow::chooseCompareMode(int mode)
{
    Document *current = m_viewer->current();
    CompareController *compare = CompareController::forViewer(m_viewer);
    Document *reference = compare->referenceOf(current);
    if (!reference) {
        // No reference yet: the next open image.
        const QList<Document *> documents = m_viewer->documents();
        const int index = documents.indexOf(current);
        if (index < 0 || documents.size() < 2)
            return;
        reference = documents.at((index + 1) % documents.size());
    }
    QString error;
    if (!compare->start(current, reference, CompareMode(mode), &error))
        statusBar()->showMessage(error, 5000);
}

} // namespace livepix::gui
