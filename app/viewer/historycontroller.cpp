#include "viewer/historycontroller.h"

#include "viewer/document.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"
#include "widgets/historydock.h"

#include <QAction>
#include <QInputDialog>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>

#include <cstdio>

namespace livepix::gui {

HistoryController::HistoryController(MainWindow *window, Viewer *viewer)
    : QObject(window), m_window(window), m_viewer(viewer)
{
    QMenu *edit = window->editMenu();
    m_undo = new QAction(tr("&Undo"), this);
    m_undo->setObjectName(QStringLiteral("undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    connect(m_undo, &QAction::triggered, this, &HistoryController::undo);
    m_redo = new QAction(tr("&Redo"), this);
    m_redo->setObjectName(QStringLiteral("redo"));
    m_redo->setShortcuts({QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y)});
    connect(m_redo, &QAction::triggered, this, &HistoryController::redo);
    QAction *first = edit->actions().isEmpty() ? nullptr : edit->actions().first();
    edit->insertAction(first, m_undo);
    edit->insertAction(first, m_redo);
    if (first)
        edit->insertSeparator(first);
    QAction *limit = edit->addAction(tr("Undo &Memory Limit…"), this, [this] {
        bool ok = false;
        const int mib = QInputDialog::getInt(m_window, tr("Undo Memory Limit"),
                                             tr("Memory kept for undo, all images together (MiB):"),
                                             int(Document::undoBudget()->limit() >> 20), 16, 1 << 20, 64, &ok);
        if (ok)
            setLimitMiB(mib);
        updateActions();
    });
    limit->setObjectName(QStringLiteral("undoMemoryLimit"));

    m_dock = new HistoryDock(viewer, window);
    connect(m_dock, &HistoryDock::stepChosen, this, &HistoryController::jumpTo);
    window->addDockWidget(Qt::RightDockWidgetArea, m_dock);
    QAction *toggle = m_dock->toggleViewAction();
    toggle->setText(tr("Hi&story"));
    toggle->setObjectName(QStringLiteral("showHistory"));
    m_dock->setVisible(QSettings().value(QStringLiteral("history/visible"), false).toBool());
    connect(toggle, &QAction::triggered, this,
            [](bool shown) { QSettings().setValue(QStringLiteral("history/visible"), shown); });
    window->viewMenu()->addAction(toggle);

    WorkUnits *units = viewer->workUnits();
    connect(units, &WorkUnits::recorded, this, &HistoryController::onRecorded);
    connect(units, &WorkUnits::openChanged, this, &HistoryController::updateActions, Qt::QueuedConnection);
    connect(viewer, &Viewer::currentChanged, this, [this](Document *document) {
        if (document)
            connect(document, &Document::historyUpdated, this, &HistoryController::updateActions,
                    Qt::UniqueConnection);
        updateActions();
    });
    if (Document *document = viewer->current())
        connect(document, &Document::historyUpdated, this, &HistoryController::updateActions, Qt::UniqueConnection);
    updateActions();
}

void HistoryController::setLimitMiB(int mib)
{
    QSettings().setValue(QStringLiteral("undo/memoryLimitMiB"), mib);
    Document::undoBudget()->setLimit(std::size_t(mib) << 20);
}

bool HistoryController::undo()
{
    return report(int(m_viewer->undo()));
}

bool HistoryController::redo()
{
    return report(int(m_viewer->redo()));
}

bool HistoryController::jumpTo(Document *document, std::size_t position)
{
    return report(int(m_viewer->jumpTo(document, position)));
}

bool HistoryController::report(int step)
{
    updateActions();
    if (Viewer::HistoryStep(step) == Viewer::HistoryStep::Busy) {
        m_window->statusBar()->showMessage(
            tr("Undo is not available while code or a filter is running (stop it first, or call "
               "viewer.undo() from the code)."),
            6000);
        return false;
    }
    return Viewer::HistoryStep(step) == Viewer::HistoryStep::Done;
}

void HistoryController::onRecorded(Document *document, const QString &problem)
{
    if (!problem.isEmpty()) {
        std::fprintf(stderr, "livepix: %s: %s\n", qPrintable(document->name()), qPrintable(problem));
        m_window->statusBar()->showMessage(problem, 8000);
    }
    updateActions();
}

void HistoryController::updateActions()
{
    Document *document = m_viewer->current();
    History *history = document ? document->history() : nullptr;
    const bool canUndo = history && history->canUndo();
    const bool canRedo = history && history->canRedo();
    const auto entries = history ? history->entries() : std::vector<History::Entry>();
    const auto labelOf = [&](std::size_t i) { return QString::fromStdString(entries.at(i).label); };
    // Enabled while code runs too: the shortcut then says why it refuses.
    m_undo->setEnabled(canUndo);
    m_redo->setEnabled(canRedo);
    m_undo->setText(canUndo ? tr("&Undo %1").arg(labelOf(history->position() - 1)) : tr("&Undo"));
    m_redo->setText(canRedo ? tr("&Redo %1").arg(labelOf(history->position())) : tr("&Redo"));
    m_dock->refresh();
}

} // namespace livepix::gui
