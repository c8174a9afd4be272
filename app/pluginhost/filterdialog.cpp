#include "pluginhost/filterdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

#include "pluginhost/filterpreview.h"
#include "viewer/viewer.h"

namespace livepix::gui {

namespace {
constexpr int SliderSteps = 1000;
} // namespace

FilterDialog::FilterDialog(std::shared_ptr<const Filter> filter, Image image, Image before, Viewer *viewer,
                           QWidget *parent)
    : QDialog(parent), m_filter(std::move(filter)), m_image(std::move(image)), m_before(std::move(before)),
      m_viewer(viewer)
{
    setWindowTitle(QString::fromStdString(m_filter->name()));
    setObjectName(QStringLiteral("FilterDialog"));
    auto *layout = new QVBoxLayout(this);
    if (!m_filter->description().empty()) {
        auto *description = new QLabel(QString::fromStdString(m_filter->description()));
        description->setWordWrap(true);
        layout->addWidget(description);
    }
    auto *form = new QFormLayout;
    layout->addLayout(form);

    for (const FilterParam &p : m_filter->params()) {
        const QString name = QString::fromStdString(p.name);
        QWidget *editor = nullptr;
        QString label = QString::fromStdString(p.displayLabel());
        switch (p.type) {
        case ParamType::Float: {
            auto *row = new QWidget;
            auto *h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            auto *spin = new QDoubleSpinBox;
            spin->setRange(p.minimum, p.maximum);
            const double span = p.maximum - p.minimum;
            spin->setDecimals(span <= 2 ? 3 : 2);
            spin->setSingleStep(span / 100.0);
            spin->setValue(std::get<double>(p.defaultValue));
            auto *slider = new QSlider(Qt::Horizontal);
            slider->setRange(0, SliderSteps);
            auto toSlider = [p](double v) { return int(std::lround((v - p.minimum) / (p.maximum - p.minimum) * SliderSteps)); };
            slider->setValue(toSlider(spin->value()));
            connect(slider, &QSlider::valueChanged, spin, [spin, p](int v) {
                const double value = p.minimum + (p.maximum - p.minimum) * v / SliderSteps;
                if (std::abs(value - spin->value()) > (p.maximum - p.minimum) / SliderSteps / 2)
                    spin->setValue(value);
            });
            connect(spin, &QDoubleSpinBox::valueChanged, slider, [slider, toSlider](double v) {
                const QSignalBlocker block(slider);
                slider->setValue(toSlider(v));
            });
            connect(spin, &QDoubleSpinBox::valueChanged, this, &FilterDialog::schedulePreview);
            h->addWidget(slider, 1);
            h->addWidget(spin);
            spin->setObjectName(name);
            form->addRow(label, row);
            editor = spin;
            break;
        }
        case ParamType::Int: {
            auto *spin = new QSpinBox;
            spin->setRange(int(p.minimum), int(p.maximum));
            spin->setValue(int(std::get<std::int64_t>(p.defaultValue)));
            connect(spin, &QSpinBox::valueChanged, this, &FilterDialog::schedulePreview);
            form->addRow(label, spin);
            editor = spin;
            break;
        }
        case ParamType::Bool: {
            auto *check = new QCheckBox;
            check->setChecked(std::get<bool>(p.defaultValue));
            connect(check, &QCheckBox::toggled, this, &FilterDialog::schedulePreview);
            form->addRow(label, check);
            editor = check;
            break;
        }
        case ParamType::Choice: {
            auto *combo = new QComboBox;
            for (const auto &c : p.choices)
                combo->addItem(QString::fromStdString(c));
            combo->setCurrentText(QString::fromStdString(std::get<std::string>(p.defaultValue)));
            connect(combo, &QComboBox::currentIndexChanged, this, &FilterDialog::schedulePreview);
            form->addRow(label, combo);
            editor = combo;
            break;
        }
        }
        editor->setObjectName(name);
        if (!p.description.empty())
            editor->setToolTip(QString::fromStdString(p.description));
        m_editors.insert(name, editor);
    }
    if (m_editors.isEmpty())
        form->addRow(new QLabel(tr("This filter has no parameters.")));

    m_preview = new QCheckBox(tr("&Preview"));
    m_preview->setObjectName(QStringLiteral("preview"));
    m_preview->setChecked(true);
    connect(m_preview, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            schedulePreview();
        else
            stopPreview();
    });
    layout->addWidget(m_preview);
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setWordWrap(true);
    // Room for two lines from the start: the status comes and goes with
    // each change, and a narrow dialog would otherwise squeeze the
    // parameters above it when it wraps.
    m_status->setMinimumHeight(2 * m_status->fontMetrics().lineSpacing());
    layout->addWidget(m_status);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &FilterDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &FilterDialog::reject);
    layout->addWidget(buttons);

    m_previewer = new FilterPreview(m_filter, m_image, m_before, m_viewer, this);
    connect(m_previewer, &FilterPreview::regionShown, this,
            [this] { m_status->setText(tr("Previewing the rest of the image…")); });
    connect(m_previewer, &FilterPreview::finished, this, &FilterDialog::onPreviewFinished);
    // No delay: a newer value cancels the older run (FilterPreview), so
    // only changes made in the same event-loop turn are merged.
    m_coalesce = new QTimer(this);
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(0);
    connect(m_coalesce, &QTimer::timeout, this, &FilterDialog::startPreview);
    schedulePreview(); // show the defaults' effect right away
}

// m_previewer (a child) stops its workers without a repaint request: the
// window and the viewer's views may be half destroyed already.
FilterDialog::~FilterDialog() = default;

ParamValues FilterDialog::values() const
{
    ParamValues values;
    for (const FilterParam &p : m_filter->params()) {
        QWidget *editor = m_editors.value(QString::fromStdString(p.name));
        switch (p.type) {
        case ParamType::Float: values.set(p.name, static_cast<QDoubleSpinBox *>(editor)->value()); break;
        case ParamType::Int: values.set(p.name, std::int64_t(static_cast<QSpinBox *>(editor)->value())); break;
        case ParamType::Bool: values.set(p.name, static_cast<QCheckBox *>(editor)->isChecked()); break;
        case ParamType::Choice:
            values.set(p.name, static_cast<QComboBox *>(editor)->currentText().toStdString());
            break;
        }
    }
    return values;
}

bool FilterDialog::setValue(const QString &name, const ParamValue &value)
{
    QWidget *editor = m_editors.value(name);
    if (!editor)
        return false;
    for (const FilterParam &p : m_filter->params()) {
        if (QString::fromStdString(p.name) != name)
            continue;
        const ParamValue v = p.coerce(value);
        switch (p.type) {
        case ParamType::Float: static_cast<QDoubleSpinBox *>(editor)->setValue(std::get<double>(v)); break;
        case ParamType::Int: static_cast<QSpinBox *>(editor)->setValue(int(std::get<std::int64_t>(v))); break;
        case ParamType::Bool: static_cast<QCheckBox *>(editor)->setChecked(std::get<bool>(v)); break;
        case ParamType::Choice:
            static_cast<QComboBox *>(editor)->setCurrentText(QString::fromStdString(std::get<std::string>(v)));
            break;
        }
    }
    return true;
}

bool FilterDialog::previewEnabled() const
{
    return m_preview->isChecked();
}

void FilterDialog::setPreviewEnabled(bool on)
{
    m_preview->setChecked(on);
}

bool FilterDialog::previewIsCurrent() const
{
    return previewEnabled() && m_previewer->isCurrent(values());
}

bool FilterDialog::previewRunning() const
{
    return m_previewer->isRunning();
}

void FilterDialog::schedulePreview()
{
    if (previewEnabled())
        m_coalesce->start();
}

void FilterDialog::startPreview()
{
    if (!previewEnabled())
        return;
    m_status->setText(tr("Previewing…"));
    m_previewer->show(values());
}

void FilterDialog::onPreviewFinished(bool ok, const QString &error)
{
    if (ok)
        m_status->clear();
    else
        m_status->setText(QStringLiteral("<span style='color:#c33'>%1</span>").arg(error.toHtmlEscaped()));
    Q_EMIT previewFinished(ok);
}

void FilterDialog::stopPreview()
{
    m_coalesce->stop();
    m_previewer->stop(/*restore=*/true);
    m_status->clear();
}

void FilterDialog::accept()
{
    if (!previewIsCurrent())
        stopPreview(); // the caller runs the filter for real, from the original pixels
    QDialog::accept();
}

void FilterDialog::reject()
{
    stopPreview();
    QDialog::reject();
}

} // namespace livepix::gui
