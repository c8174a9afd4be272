#include "widgets/historydock.h"

#include "viewer/document.h"
#include "viewer/viewer.h"

#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace livepix::gui {

QString formatBytes(std::size_t bytes)
{
    if (bytes < 1024)
        return QObject::tr("%1 bytes").arg(bytes);
    if (bytes < (std::size_t(1) << 20))
        return QObject::tr("%1 KiB").arg((bytes + 1023) / 1024);
    if (bytes < (std::size_t(1) << 30))
        return QObject::tr("%1 MiB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
    return QObject::tr("%1 GiB").arg(double(bytes) / double(1 << 30), 0, 'f', 1);
}

HistoryDock::HistoryDock(Viewer *viewer, QWidget *parent)
    : QDockWidget(tr("History"), parent), m_viewer(viewer)
{
    setObjectName(QStringLiteral("historyDock"));
    auto *body = new QWidget(this);
    auto *layout = new QVBoxLayout(body);
    layout->setContentsMargins(4, 4, 4, 4);
    m_list = new QListWidget(body);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    // Long cells are elided in the middle so the memory at the end stays
    // visible; the tooltip has the whole label.
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setWordWrap(false);
    m_footer = new QLabel(body);
    m_footer->setObjectName(QStringLiteral("historyFooter"));
    layout->addWidget(m_list);
    layout->addWidget(m_footer);
    setWidget(body);
    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_refreshing || row < 0)
            return;
        if (Document *document = m_viewer->current())
            Q_EMIT stepChosen(document, std::size_t(row));
    });
    connect(viewer, &Viewer::currentChanged, this, &HistoryDock::refresh);
    refresh();
}

void HistoryDock::refresh()
{
    m_refreshing = true;
    m_list->clear();
    Document *document = m_viewer->current();
    History *history = document ? document->history() : nullptr;
    if (history) {
        m_list->addItem(tr("Original"));
        const auto entries = history->entries();
        for (std::size_t i = 0; i < entries.size(); ++i) {
            auto *item = new QListWidgetItem(
                tr("%1  (%2)").arg(QString::fromStdString(entries[i].label), formatBytes(entries[i].bytes)), m_list);
            item->setToolTip(QString::fromStdString(entries[i].label));
            if (i >= history->position())
                item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
        }
        m_list->setCurrentRow(int(history->position()));
    }
    const auto budget = Document::undoBudget();
    m_footer->setText(tr("Undo memory: %1 of %2").arg(formatBytes(budget->used()), formatBytes(budget->limit())));
    m_refreshing = false;
}

} // namespace livepix::gui
