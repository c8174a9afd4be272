#pragma once
// FilterDialog: a parameter dialog generated from a filter's declarations,
// with a live preview on the canvas.
#include <QDialog>
#include <QMap>

#include <livepix/filter.h>

#include <memory>

class QCheckBox;
class QLabel;
class QTimer;

namespace livepix::gui {

class FilterPreview;
class Viewer;

/// One widget per declared parameter (float: spin box + slider; int: spin
/// box; bool: check box; choice: combo box), labelled with the parameter's
/// label and range, initialised with its default.
///
/// Preview (on by default): as soon as a value changes, the filter runs on
/// worker threads into the image itself, starting from `before` (the pixels
/// when the dialog opened), the part on screen first (FilterPreview), and
/// the canvas repaints as it goes.
/// Cancel (or unticking Preview) puts `before` back. After OK,
/// previewIsCurrent() says whether the image already holds the result for
/// values(), in which case the caller need not run the filter again.
///
/// Threading: GUI thread only (the preview runs in FilterJobs).
class FilterDialog : public QDialog {
    Q_OBJECT
public:
    FilterDialog(std::shared_ptr<const Filter> filter, Image image, Image before, Viewer *viewer,
                 QWidget *parent = nullptr);
    ~FilterDialog() override;

    ParamValues values() const;
    /// Sets one parameter's widget (tests, scripted use). Returns false for an unknown name.
    bool setValue(const QString &name, const ParamValue &value);
    QWidget *editor(const QString &name) const { return m_editors.value(name); }

    bool previewEnabled() const;
    void setPreviewEnabled(bool on);
    /// True when the image holds the finished preview for values().
    bool previewIsCurrent() const;
    /// True while a preview run is in progress.
    bool previewRunning() const;
    /// The preview's runs (where they start, what they have done).
    FilterPreview *preview() const { return m_previewer; }

public Q_SLOTS:
    void accept() override;
    void reject() override;

Q_SIGNALS:
    /// A preview run ended (ok false: it failed; the message is shown in the dialog).
    void previewFinished(bool ok);

private:
    void schedulePreview();
    void startPreview();
    void stopPreview();
    void onPreviewFinished(bool ok, const QString &error);

    std::shared_ptr<const Filter> m_filter;
    Image m_image;
    Image m_before;
    Viewer *m_viewer;
    QMap<QString, QWidget *> m_editors;
    QCheckBox *m_preview = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_coalesce = nullptr; ///< one preview per event-loop turn of changes
    FilterPreview *m_previewer = nullptr;
};

} // namespace livepix::gui
