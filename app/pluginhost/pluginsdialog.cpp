#include "pluginhost/pluginsdialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <livepix/plugincatalog.h>

namespace livepix::gui {

PluginsDialog::PluginsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Plugins"));
    setObjectName(QStringLiteral("PluginsDialog"));
    resize(820, 360);
    auto *layout = new QVBoxLayout(this);
    m_table = new QTreeWidget;
    m_table->setRootIsDecorated(false);
    m_table->setHeaderLabels({tr("Name"), tr("Kind"), tr("Version"), tr("State"), tr("Filters / reason")});
    m_table->header()->setStretchLastSection(true);
    layout->addWidget(m_table);
    m_paths = new QLabel;
    m_paths->setWordWrap(true);
    m_paths->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_paths);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    QPushButton *reload = buttons->addButton(tr("&Reload"), QDialogButtonBox::ActionRole);
    connect(reload, &QPushButton::clicked, this, &PluginsDialog::reloadRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void PluginsDialog::refresh(const std::vector<PluginRecord> &records, const std::vector<std::string> &searchPaths,
                            bool loading)
{
    m_table->clear();
    for (const PluginRecord &r : records) {
        QStringList detail;
        for (const auto &f : r.filters)
            detail << QString::fromStdString(f);
        QString text = detail.join(QStringLiteral(", "));
        if (!r.reason.empty())
            text += (text.isEmpty() ? QString() : QStringLiteral("; ")) + QString::fromStdString(r.reason);
        const bool known = !r.manifest.name.empty();
        auto *item = new QTreeWidgetItem(
            {known ? QString::fromStdString(r.manifest.name) : QString::fromStdString(r.manifestPath),
             known ? QString::fromLatin1(pluginKindName(r.manifest.kind)) : QStringLiteral("?"),
             QString::fromStdString(r.manifest.version), QString::fromLatin1(pluginStateName(r.state)), text});
        item->setToolTip(0, QString::fromStdString(r.manifestPath));
        item->setToolTip(4, text);
        if (r.state == PluginRecord::State::Skipped)
            item->setForeground(3, QColor(0xcc, 0x33, 0x33));
        m_table->addTopLevelItem(item);
    }
    for (int c = 0; c < 4; ++c)
        m_table->resizeColumnToContents(c);
    QStringList paths;
    for (const auto &p : searchPaths)
        paths << QString::fromStdString(p).toHtmlEscaped();
    m_paths->setText((loading ? tr("Loading Python plugins…") + QStringLiteral("<br>") : QString()) +
                     tr("Searched, in order: %1").arg(paths.join(QStringLiteral(" · "))));
}

} // namespace livepix::gui
