#pragma once
// FilterDialog: a parameter dialog generated from a filter's declarations,
// with a live preview on the canvas.
#include <QDialog>
#include <QMap>

#include <livepix/filter.h>

#include <memory>

#include "viewer/liveedit.h"

class QCheckBox;
class QLabel;
class QTimer;

namespace livepix::gui {

class FilterJob;
class Viewer;

/// One widget per declared parameter (float: spin box + slider; int: spin
/// box; bool: check box; choice: combo box), labelled with the parameter's
/// label and range, initialised with its default.
///
/// Preview (on by default): shortly after a value changes, the filter runs
/// on a worker thread into the image itself, starting from `before` (the
/// pixels when the dialog opened), and the canvas repaints as it goes (the
/// run holds a LiveEdit token on the viewer).
/// Cancel (or unticking Preview) puts `before` back. After OK,
/// previewIsCurrent() says whether the image already holds the result for
/// values(), in which case the caller need not run the filter again.
///
/// Threading: GUI thread only (the preview runs in a FilterJob).
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

public Q_SLOTS:
    void accept() override;
    void reject() override;

Q_SIGNALS:
    /// A preview run ended (ok false: it failed; the message is shown in the dialog).
    void previewFinished(bool ok);

private:
    void schedulePreview();
    void startPreview();
    void stopPreview(bool restore);
    void onPreviewFinished(bool ok, bool cancelled, const QString &error);

    std::shared_ptr<const Filter> m_filter;
    Image m_image;
    Image m_before;
    Viewer *m_viewer;
    QMap<QString, QWidget *> m_editors;
    QCheckBox *m_preview = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_debounce = nullptr;
    std::unique_ptr<FilterJob> m_job;
    LiveEdit m_previewEdit; ///< held while a preview run writes into the image
    bool m_restartAfterJob = false;
    bool m_previewShown = false; ///< the image holds a finished preview...
    ParamValues m_previewValues; ///< ...for these values
};

} // namespace livepix::gui
