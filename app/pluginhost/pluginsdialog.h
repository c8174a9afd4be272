#pragma once
// PluginsDialog: every discovered plugin, loaded or skipped, and why.
#include <QDialog>

#include <string>
#include <vector>

#include <livepix/plugincatalog.h>

class QLabel;
class QTreeWidget;

namespace livepix::gui {

/// Lists plugin records (name, kind, version, state, filters or the reason a
/// plugin was skipped) and the folders searched. Reload asks the PluginHost
/// to re-scan (Python plugins are re-imported), which then calls refresh().
/// It shows a snapshot it is given and never touches the catalog itself:
/// the catalog's lock may be held by a Python import on another thread.
/// Threading: GUI thread only.
class PluginsDialog : public QDialog {
    Q_OBJECT
public:
    explicit PluginsDialog(QWidget *parent = nullptr);

    QTreeWidget *table() const { return m_table; }

    /// Shows `records` and `searchPaths`; `loading` adds a "loading Python
    /// plugins…" note (a load or reload is still running).
    void refresh(const std::vector<PluginRecord> &records, const std::vector<std::string> &searchPaths,
                 bool loading = false);

Q_SIGNALS:
    void reloadRequested();

private:
    QTreeWidget *m_table;
    QLabel *m_paths;
};

} // namespace livepix::gui
