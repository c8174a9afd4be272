#pragma once
// HistoryDock: the undo steps of the current document, to jump to any.
#include <QDockWidget>

class QListWidget;
class QLabel;

namespace livepix::gui {

class Document;
class Viewer;

/// Lists "Original" and then every step of the current document's History,
/// oldest first, each with the memory it holds; the current state is
/// selected and steps that are undone are greyed. Clicking a row asks to
/// jump there (stepChosen); the footer shows the memory of all documents'
/// steps against the undo limit.
///
/// Threading: GUI thread only.
class HistoryDock : public QDockWidget {
    Q_OBJECT
public:
    HistoryDock(Viewer *viewer, QWidget *parent = nullptr);

    /// Rebuilds the list from the current document's history.
    void refresh();
    QListWidget *list() const { return m_list; }

Q_SIGNALS:
    /// The user picked the state after `position` steps of `document`.
    void stepChosen(livepix::gui::Document *document, std::size_t position);

private:
    Viewer *m_viewer;
    QListWidget *m_list;
    QLabel *m_footer;
    bool m_refreshing = false;
};

/// "12 KiB", "3.4 MiB": memory held by a step.
QString formatBytes(std::size_t bytes);

} // namespace livepix::gui
