#include "widgets/histogramdock.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include <livepix/autolevels.h>

#include "viewer/comparecontroller.h"
#include "viewer/comparedifference.h"
#include "viewer/comparemode.h"
#include "viewer/document.h"
#include "viewer/ratelimiter.h"
#include "viewer/viewer.h"
#include "widgets/histogramplot.h"

namespace livepix::gui {

namespace {

QColor channelColour(const QString &name, int shown)
{
    const QString n = name.toLower();
    if (n == QLatin1String("r") || n == QLatin1String("red"))
        return QColor(0xf0, 0x50, 0x50);
    if (n == QLatin1String("g") || n == QLatin1String("green"))
        return QColor(0x50, 0xd0, 0x50);
    if (n == QLatin1String("b") || n == QLatin1String("blue"))
        return QColor(0x60, 0x90, 0xff);
    if (n == QLatin1String("a") || n == QLatin1String("alpha"))
        return QColor(0xa0, 0xa0, 0xa0);
    // Other channels: grey alone, otherwise a hue per position.
    return shown <= 1 ? QColor(0xd8, 0xd8, 0xd8) : QColor::fromHsv((shown * 67) % 360, 120, 230);
}

QString number(double v) { return std::isnan(v) ? QStringLiteral("–") : QString::number(v, 'g', 5); }

} // namespace

HistogramDock::Data HistogramDock::compute(const Image &a, const Image &b, std::optional<DifferenceMode> mode,
                                          std::size_t pixelBudget, const std::atomic<bool> *cancel)
{
    HistogramOptions options;
    options.bins = Bins;
    options.pixelBudget = pixelBudget;
    options.cancel = cancel;
    Data data;
    if (!mode || b.isNull()) {
        data.histogram = computeHistogram(a, options);
        data.channelNames = a.channelNames();
        data.alphaChannel = a.alphaChannel();
        data.dtype = a.dtype();
        return data;
    }
    int step = 1;
    const Image diff = overlapDifference(a, b, *mode, pixelBudget, &step);
    options.pixelBudget = 0;
    data.histogram = computeHistogram(diff, options);
    data.histogram.sampled = data.histogram.sampled || step > 1;
    data.channelNames = a.channelNames();
    data.channelNames.resize(diff.channels());
    data.dtype = diff.dtype();
    data.difference = true;
    return data;
}

HistogramDock::HistogramDock(Viewer *viewer, QWidget *parent)
    : QDockWidget(tr("Histogram"), parent), m_viewer(viewer),
      m_limiter(new RateLimiter(IntervalMs, [this] { startJob(); }, this))
{
    setObjectName(QStringLiteral("HistogramDock"));
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(4);
    auto *top = new QHBoxLayout;
    m_title = new QLabel(content);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stackedButton = new QToolButton(content);
    m_stackedButton->setText(tr("Stacked"));
    m_stackedButton->setCheckable(true);
    m_stackedButton->setToolTip(tr("One band per channel instead of overlaid channels"));
    m_logButton = new QToolButton(content);
    m_logButton->setText(tr("Log"));
    m_logButton->setCheckable(true);
    m_logButton->setToolTip(tr("Logarithmic count axis"));
    top->addWidget(m_title, 1);
    top->addWidget(m_stackedButton);
    top->addWidget(m_logButton);
    layout->addLayout(top);
    m_plot = new HistogramPlot(content);
    layout->addWidget(m_plot, 1);
    m_note = new QLabel(content);
    m_note->setStyleSheet(QStringLiteral("color: #c8a040"));
    layout->addWidget(m_note);
    m_stats = new QLabel(content);
    m_stats->setTextFormat(Qt::RichText);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_stats);
    setWidget(content);

    connect(m_stackedButton, &QToolButton::toggled, this, &HistogramDock::setStacked);
    connect(m_logButton, &QToolButton::toggled, this, &HistogramDock::setLogScale);
    connect(m_plot, &HistogramPlot::levelsDragged, this, &HistogramDock::applyLevels);
    connect(viewer, &Viewer::currentChanged, this, &HistogramDock::onCurrentChanged);
    // Fires after every statement and on the repaint timer while code runs.
    connect(viewer, &Viewer::pixelsChanged, this, &HistogramDock::request);
    connect(viewer, &Viewer::documentsChanged, this, &HistogramDock::request);
    connect(CompareController::forViewer(viewer), &CompareController::comparisonChanged, this,
            &HistogramDock::request);
    onCurrentChanged(viewer->current());
}

HistogramDock::~HistogramDock()
{
    if (m_cancel)
        m_cancel->store(true);
}

void HistogramDock::setPixelBudget(std::size_t pixels)
{
    m_pixelBudget = pixels;
    request();
}

void HistogramDock::setStacked(bool stacked)
{
    const QSignalBlocker block(m_stackedButton);
    m_stackedButton->setChecked(stacked);
    m_plot->setStacked(stacked);
}

void HistogramDock::setLogScale(bool log)
{
    const QSignalBlocker block(m_logButton);
    m_logButton->setChecked(log);
    m_plot->setLogScale(log);
}

void HistogramDock::showEvent(QShowEvent *event)
{
    QDockWidget::showEvent(event);
    request();
}

void HistogramDock::onCurrentChanged(Document *document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_data.reset();
    m_key.reset();
    if (document) {
        connect(document, &Document::displaySettingsChanged, this, [this] {
            refresh(); // levels and channels show at once; the data may follow
            request();
        });
        connect(document, &Document::imageReplaced, this, &HistogramDock::request);
        connect(document, &QObject::destroyed, this, [this, document] {
            if (m_document == document)
                m_document = nullptr;
        });
    }
    refresh();
    request();
}

void HistogramDock::request()
{
    if (isVisible() && m_document)
        m_limiter->request();
}

void HistogramDock::startJob()
{
    if (!m_document || !isVisible()) {
        m_limiter->finished();
        return;
    }
    const Image a = m_document->image();
    Document *reference = CompareController::forViewer(m_viewer)->referenceOf(m_document);
    const std::optional<DifferenceMode> mode =
        reference ? differenceModeOf(m_document->displaySettings().compareMode) : std::nullopt;
    const Image b = mode ? reference->image() : Image();
    const Key key{ImageKey(a), ImageKey(b), mode, m_pixelBudget};
    if (m_key && *m_key == key) {
        m_limiter->finished();
        return;
    }
    if (m_cancel)
        m_cancel->store(true);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_cancel = cancel;
    auto *watcher = new QFutureWatcher<Data>(this);
    QPointer<Document> document(m_document);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, document, key, cancel] {
        watcher->deleteLater();
        if (document && document == m_document && !cancel->load()) {
            m_data = watcher->result();
            m_key = key;
            ++m_computations;
            refresh();
            Q_EMIT histogramUpdated();
        }
        m_limiter->finished();
    });
    const std::size_t budget = m_pixelBudget;
    watcher->setFuture(
        QtConcurrent::run([a, b, mode, budget, cancel] { return compute(a, b, mode, budget, cancel.get()); }));
}

std::vector<int> HistogramDock::shownChannels() const
{
    std::vector<int> shown;
    if (!m_data || !m_document)
        return shown;
    const int n = int(m_data->histogram.counts.size());
    const DisplaySettings &s = m_document->displaySettings();
    if (s.channel >= 0 && s.channel < n)
        return {s.channel};
    if (!m_data->difference && !s.channelGroup.empty()) {
        for (int c : s.channelGroup)
            if (c >= 0 && c < n)
                shown.push_back(c);
        return shown;
    }
    for (int c = 0; c < n && shown.size() < 4; ++c)
        if (c != m_data->alphaChannel || n == 1)
            shown.push_back(c);
    return shown;
}

void HistogramDock::refresh()
{
    if (!m_document || !m_data) {
        m_plot->clear();
        m_title->setText(m_document ? tr("%1: computing…").arg(m_document->name()) : tr("No image"));
        m_note->clear();
        m_stats->clear();
        return;
    }
    const DisplaySettings &s = m_document->displaySettings();
    const Histogram &h = m_data->histogram;
    const LevelRange full = fullRange(m_data->dtype);
    const std::vector<int> shown = shownChannels();
    std::vector<HistogramPlot::Channel> channels;
    QString rows;
    for (int c : shown) {
        HistogramPlot::Channel channel;
        channel.index = c;
        channel.name = c < int(m_data->channelNames.size()) ? QString::fromStdString(m_data->channelNames[c])
                                                              : QString::number(c);
        channel.colour = channelColour(channel.name, int(shown.size()));
        channel.counts = h.counts[c];
        channel.levels = c < int(s.levels.size()) ? s.levels[c] : full;
        const ChannelStats &st = h.stats[c];
        rows += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
                    .arg(channel.name.toHtmlEscaped(), number(st.min), number(st.mean), number(st.max))
                    .arg(st.nan)
                    .arg(st.posInf + st.negInf);
        channels.push_back(std::move(channel));
    }
    m_plot->setData(h.edges.empty() ? std::vector<double>{} : h.edges.front(), std::move(channels));
    m_stats->setText(QStringLiteral("<table cellspacing=4><tr><th></th><th>min</th><th>mean</th><th>max</th>"
                                    "<th>NaN</th><th>Inf</th></tr>%1</table>")
                         .arg(rows));
    QString title = m_document->name();
    if (m_data->difference)
        title = compareModeTitle(s.compareMode);
    m_title->setText(title);
    m_note->setText(h.sampled ? tr("sampled: %L1 of the pixels").arg(qulonglong(h.pixelsLooked)) : QString());
    m_note->setVisible(h.sampled);
}

QString HistogramDock::noteText() const { return m_note->text(); }

QString HistogramDock::statsText() const { return m_stats->text(); }

void HistogramDock::applyLevels(int channel, LevelRange levels)
{
    if (!m_document)
        return;
    DisplaySettings s = m_document->displaySettings();
    const Image &image = m_document->image();
    const int n = std::max(image.channels(), channel + 1);
    const LevelRange full = fullRange(m_data ? m_data->dtype : image.dtype());
    if (int(s.levels.size()) < n)
        s.levels.resize(n, full);
    if (s.levelsLinked) {
        const int alpha = image.alphaChannel();
        for (int c = 0; c < n; ++c)
            if (c != alpha || n == 1)
                s.levels[c] = levels;
    } else {
        s.levels[channel] = levels;
    }
    m_document->setDisplaySettings(std::move(s));
}

} // namespace livepix::gui
