#pragma once
// PluginsDialog: every discovered plugin, loaded or skipped, and why.
#include <QDialog>

class QLabel;
class QTreeWidget;

namespace livepix {
class PluginCatalog;
}

namespace livepix::gui {

/// Lists the catalog's records (name, kind, version, state, filters or the
/// reason a plugin was skipped) and the folders searched. Reload re-scans
/// (Python plugins are re-imported) and refreshes the list.
/// Threading: GUI thread only.
class PluginsDialog : public QDialog {
    Q_OBJECT
public:
    explicit PluginsDialog(PluginCatalog &catalog, QWidget *parent = nullptr);

    QTreeWidget *table() const { return m_table; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void reloadRequested();

private:
    PluginCatalog &m_catalog;
    QTreeWidget *m_table;
    QLabel *m_paths;
};

} // namespace livepix::gui
