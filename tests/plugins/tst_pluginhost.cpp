// PluginHost: Filters menu, runs on a worker with live repaint, failures and
// cancel leave the image as it was, undo/redo, the undo memory bound, the
// parameter dialog's preview, and the Plugins dialog.
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QInputDialog>
#include <QSettings>
#include <QTimer>
#include <QComboBox>
#include <QMenu>
#include <QProgressDialog>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTest>
#include <QThread>
#include <QTreeWidget>

#include <livepix/filterregistry.h>
#include <livepix/filterrun.h>
#include <livepix/plugincatalog.h>

#include <cmath>
#include <future>

#include "boxfilter.h"
#include "pointfilter.h"
#include "pluginhost/filterdialog.h"
#include "pluginhost/filterpreview.h"
#include "pluginhost/pluginhost.h"
#include "pluginhost/pluginsdialog.h"
#include "testimages.h"
#include "viewer/canvas.h"
#include "viewer/document.h"
#include "viewer/historycontroller.h"
#include "viewer/mainwindow.h"
#include "viewer/viewer.h"

using namespace livepix;
using namespace livepix::gui;

class TestPluginHost : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void filtersMenuListsTheRegistry();
    void runThenUndoRedo();
    void runRepaintsLiveAndOnceAtTheEnd();
    void exceptionLeavesTheImage();
    void cancelLeavesTheImage();
    void tooLargeToUndoRunsAndSaysSo();
    void dialogIsBuiltFromParams();
    void dialogPreviewAndCancel();
    void dialogOkKeepsThePreviewAsOneUndoStep();
    void dialogPreviewStartsWithThePartOnScreen();
    void dialogDraftsAPointwiseFilterAtFit();
    void dialogDraftsAFilterWithLengthsAtFit();
    void pluginsDialogShowsSkippedPlugins();
    void reloadPicksUpChangedPythonPlugins();
    void loadingRunsOffTheGuiThread();
    void undoMemoryLimitIsASetting();

private:
    Document *showPattern(int width = 40, int height = 30, int channels = 4);
    /// showPattern() in a 700x500 window on screen; its image (null if the
    /// window was never exposed).
    Image showPatternInWindow(int width, int height);
    bool waitForRun(QSignalSpy &spy);
    /// A 1600x1000 pattern at fit in a window; `filter`'s dialog opened with
    /// the whole-image pass held at `gate`, and `param` set to `value`. The
    /// first pass on screen is a draft; the whole pass, let go, leaves
    /// `reference` with `values` run on the original (waiting up to
    /// `wholeMs`), and OK keeps it as one undo step. `step` gets the
    /// draft's step (image pixels per device pixel at fit). Callers return
    /// when QTest::currentTestFailed().
    void draftAtFitThenWhole(testfilters::Gate &gate, const char *filter, const char *param,
                             const ParamValue &value, const Filter &reference, const ParamValues &values,
                             int wholeMs, int &step);
    /// OK on `dialog` leaves `want` in `image`, and one undo step puts
    /// `original` back.
    void okKeepsThePreviewAsOneUndoStep(FilterDialog *dialog, const Image &image, const Image &want,
                                        const Image &original);
    /// What opening the Filters menu does; waits for the load it may start.
    void openFiltersMenu();

    std::unique_ptr<FilterRegistry> m_registry;
    std::unique_ptr<PluginCatalog> m_catalog;
    std::unique_ptr<Viewer> m_viewer;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<PluginHost> m_host;
};

void TestPluginHost::init()
{
    m_registry = std::make_unique<FilterRegistry>();
    m_catalog = std::make_unique<PluginCatalog>(*m_registry);
    m_catalog->setSearchPaths({LIVEPIX_TEST_PLUGIN_DIR, LIVEPIX_EXAMPLE_PLUGIN_DIR});
    m_viewer = std::make_unique<Viewer>();
    m_window = std::make_unique<MainWindow>(m_viewer.get());
    m_host = std::make_unique<PluginHost>(m_window.get(), *m_catalog, *m_registry);
    m_host->setInteractive(false);
    // The first load is a job off the GUI thread.
    QTRY_VERIFY(!m_host->isLoadingPlugins());
}

void TestPluginHost::openFiltersMenu()
{
    Q_EMIT m_window->filtersMenu()->aboutToShow();
    QTRY_VERIFY(!m_host->isLoadingPlugins());
}

void TestPluginHost::cleanup()
{
    m_host.reset();
    m_window.reset();
    m_viewer.reset();
    m_catalog.reset();
    m_registry.reset();
}

void TestPluginHost::undoMemoryLimitIsASetting()
{
    const QVariant saved = QSettings().value(QStringLiteral("undo/memoryLimitMiB"));
    auto *action = m_window->findChild<QAction *>(QStringLiteral("undoMemoryLimit"));
    QVERIFY(action);
    // Answer the dialog the action opens: 64 MiB.
    QTimer::singleShot(0, this, [] {
        auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->setIntValue(64);
        dialog->accept();
    });
    action->trigger();
    QCOMPARE(Document::undoBudget()->limit(), std::size_t(64) << 20);
    QCOMPARE(QSettings().value(QStringLiteral("undo/memoryLimitMiB")).toInt(), 64);
    HistoryController::setLimitMiB(saved.isValid() ? saved.toInt() : 1024);
    if (!saved.isValid())
        QSettings().remove(QStringLiteral("undo/memoryLimitMiB"));
}

Document *TestPluginHost::showPattern(int width, int height, int channels)
{
    return m_viewer->show(testimages::pattern(width, height, channels, DType::UInt8), QStringLiteral("pattern"));
}

Image TestPluginHost::showPatternInWindow(int width, int height)
{
    Document *document = showPattern(width, height);
    m_window->resize(700, 500);
    m_window->show();
    if (!QTest::qWaitForWindowExposed(m_window.get()))
        return Image();
    return document->image();
}

void TestPluginHost::okKeepsThePreviewAsOneUndoStep(FilterDialog *dialog, const Image &image, const Image &want,
                                                    const Image &original)
{
    QSignalSpy ran(m_host.get(), &PluginHost::runFinished);
    dialog->accept();
    QVERIFY(waitForRun(ran));
    QVERIFY(testimages::samePixels(image, want));
    QVERIFY(m_host->undo());
    QVERIFY(testimages::samePixels(image, original));
}

bool TestPluginHost::waitForRun(QSignalSpy &spy)
{
    return spy.count() > 0 || spy.wait(10000);
}

void TestPluginHost::filtersMenuListsTheRegistry()
{
    QStringList texts;
    for (QAction *a : m_host->filterActions())
        texts << a->text();
    QVERIFY2(texts.contains("Invert"), qPrintable(texts.join(", ")));
    QVERIFY(texts.contains(QString::fromUtf8("Test Fill…"))); // has parameters: opens a dialog
    QVERIFY(texts.contains(QString::fromUtf8("Gaussian Blur (OIIO)…")));
    for (QAction *a : m_host->filterActions())
        QVERIFY2(!a->isEnabled(), "no image open: filters are disabled");
    // Test Fill only takes uint8: disabled on a float image.
    m_viewer->show(Image::create(4, 4, 3, DType::Float32), "float");
    for (QAction *a : m_host->filterActions())
        QCOMPARE(a->isEnabled(), a->text() != QString::fromUtf8("Test Fill…"));
    // A filter registered later (e.g. by a script) appears in the menu.
    class Late : public Filter {
        std::string name() const override { return "Late Filter"; }
        std::vector<DType> dtypes() const override { return {DType::Float32}; }
        void apply(const Image &, const ParamValues &, FilterContext &) const override {}
    };
    m_registry->add(std::make_shared<Late>());
    bool found = false;
    for (QAction *a : m_host->filterActions())
        found = found || a->text() == "Late Filter";
    QVERIFY(found);
}

void TestPluginHost::runThenUndoRedo()
{
    Document *document = showPattern();
    const Image image = document->image();
    const Image original = image.copy();
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    QVERIFY(!m_host->undoAction()->isEnabled());
    QVERIFY(m_host->runFilter("Invert"));
    QVERIFY(waitForRun(spy));
    QCOMPARE(spy.at(0).at(1).toBool(), true);
    QCOMPARE(int(image.at<std::uint8_t>(3, 2, 0)), 255 - original.at<std::uint8_t>(3, 2, 0));
    const Image inverted = image.copy();
    QVERIFY(document->isModified());
    QVERIFY(m_host->undoAction()->isEnabled());
    QCOMPARE(m_host->undoAction()->text(), QString("&Undo Invert"));

    m_host->undoAction()->trigger();
    QVERIFY(testimages::samePixels(image, original));
    QVERIFY(!m_host->undoAction()->isEnabled());
    QCOMPARE(m_host->redoAction()->text(), QString("&Redo Invert"));
    m_host->redoAction()->trigger();
    QVERIFY(testimages::samePixels(image, inverted));

    // Two steps, undone in order.
    spy.clear();
    ParamValues values;
    values.set("value", std::int64_t(42));
    QVERIFY(m_host->runFilter("Test Fill", values));
    QVERIFY(waitForRun(spy));
    QCOMPARE(int(image.at<std::uint8_t>(0, 0, 2)), 42);
    QVERIFY(m_host->undo());
    QVERIFY(testimages::samePixels(image, inverted));
    QVERIFY(m_host->undo());
    QVERIFY(testimages::samePixels(image, original));
    QVERIFY(!m_host->undo());
}

void TestPluginHost::runRepaintsLiveAndOnceAtTheEnd()
{
    showPattern(16, 40, 3);
    QSignalSpy repaints(m_viewer.get(), &Viewer::pixelsChanged);
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    ParamValues values;
    values.set("row_ms", std::int64_t(10)); // ~0.4 s
    QVERIFY(m_host->runFilter("Test Slow", values));
    QVERIFY(m_host->isRunning());
    QVERIFY(waitForRun(spy));
    QVERIFY(!m_host->isRunning());
    // About 30 repaints a second while it ran, and a last one at the end.
    QVERIFY2(repaints.count() >= 5, qPrintable(QString::number(repaints.count())));
}

void TestPluginHost::exceptionLeavesTheImage()
{
    Document *document = showPattern();
    const Image original = document->image().copy();
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    QVERIFY(m_host->runFilter("Test Throw"));
    QVERIFY(waitForRun(spy));
    QCOMPARE(spy.at(0).at(1).toBool(), false);
    QCOMPARE(spy.at(0).at(3).toString(), QString("deliberate failure in row 15"));
    QVERIFY(testimages::samePixels(document->image(), original));
    QVERIFY(!m_host->undoAction()->isEnabled());
    QVERIFY(!document->isModified());
}

void TestPluginHost::cancelLeavesTheImage()
{
    Document *document = showPattern(20, 200, 4);
    const Image original = document->image().copy();
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    ParamValues values;
    values.set("row_ms", std::int64_t(20)); // 4 s unless cancelled
    QVERIFY(m_host->runFilter("Test Slow", values));
    QTRY_VERIFY(m_host->progress() > 0.05f);
    // The progress dialog's Cancel button (the dialog shows after 0.4 s).
    auto *progress = m_window->findChild<QProgressDialog *>("filterProgress");
    QVERIFY(progress);
    QTRY_VERIFY(progress->isVisible());
    QVERIFY(progress->value() > 0);
    auto *cancel = progress->findChild<QPushButton *>();
    QVERIFY(cancel);
    cancel->click();
    QVERIFY(waitForRun(spy));
    QCOMPARE(spy.at(0).at(1).toBool(), false);
    QCOMPARE(spy.at(0).at(2).toBool(), true); // cancelled
    QVERIFY(testimages::samePixels(document->image(), original));
    QVERIFY(!m_host->undoAction()->isEnabled());
}

void TestPluginHost::tooLargeToUndoRunsAndSaysSo()
{
    Document *document = showPattern(40, 30, 4); // 4800 bytes: two pages
    const Image original = document->image().copy();
    const std::size_t limit = Document::undoBudget()->limit();
    Document::undoBudget()->setLimit(4000);
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    QVERIFY(m_host->runFilter("Invert"));
    QVERIFY(waitForRun(spy));
    Document::undoBudget()->setLimit(limit);
    QVERIFY(!testimages::samePixels(document->image(), original));
    QVERIFY(document->isModified());
    QVERIFY(!m_host->undoAction()->isEnabled());
    const QString message = m_window->statusBar()->currentMessage();
    QVERIFY2(message.contains("\"Invert\" cannot be undone") && message.contains("undo limit"), qPrintable(message));
}

void TestPluginHost::dialogIsBuiltFromParams()
{
    showPattern();
    QVERIFY(m_host->triggerFilter("Test Fill"));
    FilterDialog *dialog = m_host->activeDialog();
    QVERIFY(dialog);
    auto *value = qobject_cast<QSpinBox *>(dialog->editor("value"));
    QVERIFY(value);
    QCOMPARE(value->minimum(), 0);
    QCOMPARE(value->maximum(), 255);
    QCOMPARE(value->value(), 7);
    auto *enabled = qobject_cast<QCheckBox *>(dialog->editor("enabled"));
    QVERIFY(enabled && enabled->isChecked());
    auto *mode = qobject_cast<QComboBox *>(dialog->editor("mode"));
    QVERIFY(mode);
    QCOMPARE(mode->count(), 2);
    QCOMPARE(mode->currentText(), QString("all"));
    auto *unused = qobject_cast<QDoubleSpinBox *>(dialog->editor("unused"));
    QVERIFY(unused);
    QCOMPARE(unused->minimum(), -1.0);
    QCOMPARE(unused->value(), 0.25);
    // While the dialog is open, other filters wait.
    for (QAction *a : m_host->filterActions())
        QVERIFY(!a->isEnabled());
    dialog->reject();
}

void TestPluginHost::dialogPreviewAndCancel()
{
    Document *document = showPattern();
    const Image image = document->image();
    const Image original = image.copy();
    QVERIFY(m_host->triggerFilter("Test Fill"));
    FilterDialog *dialog = m_host->activeDialog();
    // The preview shows the defaults on the image itself...
    QTRY_COMPARE(int(image.at<std::uint8_t>(5, 5, 1)), 7);
    // ...and follows the values.
    dialog->setValue("value", std::int64_t(99));
    QTRY_COMPARE(int(image.at<std::uint8_t>(5, 5, 1)), 99);
    dialog->setValue("mode", std::string("first"));
    QTRY_VERIFY(dialog->previewIsCurrent());
    QCOMPARE(int(image.at<std::uint8_t>(5, 5, 0)), 99);
    QCOMPARE(image.at<std::uint8_t>(5, 5, 1), original.at<std::uint8_t>(5, 5, 1));
    // Cancel puts the original back; nothing to undo.
    dialog->reject();
    QVERIFY(testimages::samePixels(image, original));
    QVERIFY(!m_host->activeDialog());
    QVERIFY(!m_host->undoAction()->isEnabled());
}

void TestPluginHost::dialogOkKeepsThePreviewAsOneUndoStep()
{
    Document *document = showPattern();
    const Image image = document->image();
    const Image original = image.copy();
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    QVERIFY(m_host->triggerFilter("Test Fill"));
    FilterDialog *dialog = m_host->activeDialog();
    dialog->setValue("value", std::int64_t(11));
    QTRY_VERIFY(dialog->previewIsCurrent());
    dialog->accept();
    QVERIFY(waitForRun(spy));
    QCOMPARE(int(image.at<std::uint8_t>(1, 1, 3)), 11);
    // Labelled with the filter and the values it ran with.
    QVERIFY2(m_host->undoAction()->text().startsWith("&Undo Test Fill (") &&
                 m_host->undoAction()->text().contains("value=11"),
             qPrintable(m_host->undoAction()->text()));
    QVERIFY(m_host->undo());
    QVERIFY(testimages::samePixels(image, original));

    // Preview off: OK runs the filter for real (with progress), same result.
    spy.clear();
    QVERIFY(m_host->triggerFilter("Test Fill"));
    dialog = m_host->activeDialog();
    dialog->setPreviewEnabled(false);
    dialog->setValue("value", std::int64_t(12));
    QVERIFY(testimages::samePixels(image, original));
    dialog->accept();
    QVERIFY(waitForRun(spy));
    QCOMPARE(int(image.at<std::uint8_t>(1, 1, 3)), 12);
    QVERIFY(m_host->undo());
    QVERIFY(testimages::samePixels(image, original));
}

void TestPluginHost::dialogPreviewStartsWithThePartOnScreen()
{
    // The box filter is plain loops: under the sanitizers a pass over the
    // whole image takes seconds.
    constexpr int WholePassMs = 60000;
    auto gate = std::make_shared<testfilters::Gate>();
    m_registry->add(std::make_shared<testfilters::BoxFilter>(gate));
    const Image image = showPatternInWindow(1600, 1000);
    QVERIFY(!image.isNull());
    const Image original = image.copy();
    Canvas *canvas = m_window->canvas();

    // At 1:1 the canvas shows a canvas-sized part of the image.
    canvas->zoomActualSize();
    const QRect visible = canvas->visibleImageRect();
    QCOMPARE(visible.size(), canvas->size());
    QCOMPARE(QPointF(visible.topLeft()), canvas->widgetToImage(QPointF(0, 0)));
    QVERIFY(QRect(0, 0, 1600, 1000).contains(visible));

    gate->close(1600, /*heedCancel=*/true); // hold the whole image back
    QVERIFY(m_host->triggerFilter("Test Box"));
    FilterDialog *dialog = m_host->activeDialog();
    QSignalSpy shown(dialog->preview(), &FilterPreview::regionShown);
    dialog->setValue("radius", std::int64_t(2));
    QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, WholePassMs);
    ParamValues two;
    two.set("radius", std::int64_t(2));
    const Image want = image.copy();
    want.copyPixelsFrom(original);
    FilterContext context;
    livepix::runFilter(testfilters::BoxFilter(), want, two, context);
    // What is on screen is done; the rest is still the original.
    const Image expectedNow = original.copy();
    expectedNow.view(visible.x(), visible.y(), visible.width(), visible.height())
        .copyPixelsFrom(want.view(visible.x(), visible.y(), visible.width(), visible.height()));
    QVERIFY(testimages::samePixels(image, expectedNow));
    QVERIFY(!dialog->previewIsCurrent());
    gate->open();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->previewIsCurrent(), WholePassMs);
    QVERIFY(testimages::samePixels(image, want));
    QCOMPARE(dialog->preview()->regionPasses(), 1);

    // At fit the whole image is on screen: one pass over all of it.
    canvas->zoomToFit();
    QCOMPARE(canvas->visibleImageRect(), QRect(0, 0, 1600, 1000));
    dialog->setValue("radius", std::int64_t(1));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->previewIsCurrent(), WholePassMs);
    QCOMPARE(dialog->preview()->regionPasses(), 1);
    QCOMPARE(dialog->preview()->wholePasses(), 2);

    // Back at 1:1, OK keeps a preview made in two passes (their writes
    // from scratch copies are tracked like any other), and one undo step
    // takes it back.
    canvas->zoomActualSize();
    dialog->setValue("radius", std::int64_t(3));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->previewIsCurrent(), WholePassMs);
    QCOMPARE(dialog->preview()->regionPasses(), 2);
    QCOMPARE(dialog->preview()->wholePasses(), 3);
    ParamValues three;
    three.set("radius", std::int64_t(3));
    want.copyPixelsFrom(original);
    livepix::runFilter(testfilters::BoxFilter(), want, three, context);
    okKeepsThePreviewAsOneUndoStep(dialog, image, want, original);
}

void TestPluginHost::draftAtFitThenWhole(testfilters::Gate &gate, const char *filter, const char *param,
                                         const ParamValue &value, const Filter &reference,
                                         const ParamValues &values, int wholeMs, int &step)
{
    const Image image = showPatternInWindow(1600, 1000);
    QVERIFY(!image.isNull());
    const Image original = image.copy();
    Canvas *canvas = m_window->canvas();
    canvas->zoomToFit();
    // The draft's step: image pixels per device pixel at this zoom.
    const double perDevicePixel = 1.0 / (canvas->scale() * canvas->devicePixelRatioF());
    QCOMPARE(canvas->imagePixelsPerDevicePixel(), perDevicePixel);
    step = int(std::floor(perDevicePixel + 1e-6));
    QVERIFY2(step >= 2, qPrintable(QString::number(canvas->scale())));

    gate.close(1600, /*heedCancel=*/true); // hold the whole image back
    QVERIFY(m_host->triggerFilter(filter));
    FilterDialog *dialog = m_host->activeDialog();
    QSignalSpy shown(dialog->preview(), &FilterPreview::regionShown);
    dialog->setValue(param, value);
    QTRY_VERIFY(shown.count() >= 1);
    QVERIFY(dialog->preview()->draftPasses() >= 1);
    QVERIFY(!testimages::samePixels(image, original));
    QVERIFY(!dialog->previewIsCurrent());
    gate.open();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->previewIsCurrent(), wholeMs);
    const Image want = original.copy();
    FilterContext context;
    livepix::runFilter(reference, want, values, context);
    QVERIFY(testimages::samePixels(image, want));
    // OK keeps the whole result, not the draft.
    okKeepsThePreviewAsOneUndoStep(dialog, image, want, original);
}

void TestPluginHost::dialogDraftsAPointwiseFilterAtFit()
{
    auto gate = std::make_shared<testfilters::Gate>();
    auto add = std::make_shared<testfilters::AddFilter>(gate);
    m_registry->add(add, {}, traitsOf<testfilters::AddFilter>());
    QVERIFY(m_registry->findEntry("Test Add").traits.pointwise);
    ParamValues forty;
    forty.set("amount", std::int64_t(40));
    int step = 0;
    draftAtFitThenWhole(*gate, "Test Add", "amount", std::int64_t(40), testfilters::AddFilter(), forty, 5000, step);
    if (QTest::currentTestFailed())
        return;
    // The dialog's first pass (for the default amount, as it opened) was a
    // draft on one pixel per screen pixel.
    QCOMPARE(add->sizes().front(), std::make_pair((1600 + step - 1) / step, (1000 + step - 1) / step));
}

namespace {
/// Test Box declaring its radius a length, as a plugin's filter class does.
class LengthBox : public testfilters::BoxFilter {
public:
    static constexpr const char *lengths[] = {"radius"};
    using BoxFilter::BoxFilter;
};
} // namespace

void TestPluginHost::dialogDraftsAFilterWithLengthsAtFit()
{
    auto gate = std::make_shared<testfilters::Gate>();
    m_registry->add(std::make_shared<LengthBox>(gate), {}, traitsOf<LengthBox>());
    QCOMPARE(m_registry->findEntry("Test Box").traits.lengths, std::vector<std::string>{"radius"});
    // Nothing measured yet when the dialog opens: its first values get a
    // draft from the image reduced `step` times, then the whole image.
    ParamValues eight;
    eight.set("radius", std::int64_t(8));
    eight.set("fail", false);
    // Test Box's plain loops over 1600x1000 take seconds under a sanitizer.
    int step = 0;
    draftAtFitThenWhole(*gate, "Test Box", "radius", std::int64_t(8), testfilters::BoxFilter(), eight, 60000, step);
}

void TestPluginHost::pluginsDialogShowsSkippedPlugins()
{
    m_host->showPluginsDialog();
    PluginsDialog *dialog = m_host->pluginsDialog();
    QVERIFY(dialog);
    QTreeWidget *table = dialog->table();
    QMap<QString, QString> states, details;
    for (int i = 0; i < table->topLevelItemCount(); ++i) {
        states[table->topLevelItem(i)->text(0)] = table->topLevelItem(i)->text(3);
        details[table->topLevelItem(i)->text(0)] = table->topLevelItem(i)->text(4);
    }
    QCOMPARE(states["invert"], QString("loaded"));
    QCOMPARE(states["lp_nosymbol"], QString("skipped"));
    QVERIFY(details["lp_wrongversion"].contains("built for plugin API 999"));
    QCOMPARE(states["threshold"], QString("not loaded")); // no Python in this test
    // Reload keeps the C++ plugins and refreshes the list.
    QSignalSpy loaded(m_host.get(), &PluginHost::pluginsLoaded);
    m_host->reloadAction()->trigger();
    QVERIFY(loaded.wait(10000));
    QVERIFY(m_registry->find("Invert"));
    QCOMPARE(table->topLevelItemCount(), int(m_catalog->records().size()));
    dialog->close();
}

void TestPluginHost::reloadPicksUpChangedPythonPlugins()
{
    // Stands in for the Python module's loader: each load "imports" the
    // current version of the plugin, which names its filter after it.
    int version = 1;
    class Versioned : public Filter {
    public:
        explicit Versioned(int v) : m_v(v) {}
        std::string name() const override { return "Python v" + std::to_string(m_v); }
        std::vector<DType> dtypes() const override { return {DType::UInt8}; }
        void apply(const Image &image, const ParamValues &, FilterContext &) const override
        {
            image.at<std::uint8_t>(0, 0, 0) = std::uint8_t(m_v);
        }

    private:
        int m_v;
    };
    m_catalog->setLoader(PluginKind::Python, [&](const PluginManifest &, PluginRegistrar &r) {
        r.addFilter(std::make_shared<Versioned>(version));
    });
    auto menuTexts = [&] {
        QStringList texts;
        for (QAction *a : m_host->filterActions())
            texts << a->text();
        return texts;
    };
    openFiltersMenu();
    QVERIFY(menuTexts().contains("Python v1")); // loaded once the loader exists
    version = 2;                                // the author edits the file...
    QSignalSpy loaded(m_host.get(), &PluginHost::pluginsLoaded);
    m_host->reloadAction()->trigger();          // ...and picks Plugins > Reload
    QVERIFY(loaded.wait(10000));
    QVERIFY(menuTexts().contains("Python v2"));
    QVERIFY(!menuTexts().contains("Python v1"));
    Document *document = showPattern();
    QSignalSpy spy(m_host.get(), &PluginHost::runFinished);
    QVERIFY(m_host->runFilter("Python v2"));
    QVERIFY(waitForRun(spy));
    QCOMPARE(int(document->image().at<std::uint8_t>(0, 0, 0)), 2);
}

void TestPluginHost::loadingRunsOffTheGuiThread()
{
    // A loader that blocks until the test lets it go stands in for a Python
    // import waiting for the GIL: the GUI thread must keep going meanwhile.
    std::promise<void> go;
    std::shared_future<void> released = go.get_future().share();
    std::atomic<bool> onGuiThread{false};
    QThread *gui = QThread::currentThread();
    m_catalog->setLoader(PluginKind::Python, [&, released](const PluginManifest &, PluginRegistrar &r) {
        onGuiThread = QThread::currentThread() == gui;
        released.wait();
        class Slowly : public Filter {
            std::string name() const override { return "Loaded Slowly"; }
            std::vector<DType> dtypes() const override { return {DType::UInt8}; }
            void apply(const Image &, const ParamValues &, FilterContext &) const override {}
        };
        r.addFilter(std::make_shared<Slowly>());
    });
    QSignalSpy loaded(m_host.get(), &PluginHost::pluginsLoaded);
    Q_EMIT m_window->filtersMenu()->aboutToShow(); // the loader now exists: a load starts
    QVERIFY(m_host->isLoadingPlugins());
    bool served = false;
    QTimer::singleShot(0, this, [&] { served = true; });
    QTRY_VERIFY(served); // the event loop runs while the loader is stuck
    // The menu shows what is known now, and says more is coming.
    auto *loading = m_window->filtersMenu()->findChild<QAction *>(QStringLiteral("loadingPlugins"));
    QVERIFY(loading && m_window->filtersMenu()->actions().contains(loading));
    QVERIFY(!loading->isEnabled());
    QStringList texts;
    for (QAction *a : m_host->filterActions())
        texts << a->text();
    QVERIFY(texts.contains("Invert"));
    QVERIFY(!texts.contains("Loaded Slowly"));
    // Plugins > Reload meanwhile waits for the running load, then runs.
    m_host->reloadAction()->trigger();
    QCOMPARE(loaded.count(), 0);
    go.set_value();
    QTRY_COMPARE(loaded.count(), 2);
    QVERIFY(!onGuiThread);
    texts.clear();
    for (QAction *a : m_host->filterActions())
        texts << a->text();
    QVERIFY(texts.contains("Loaded Slowly"));
    QVERIFY(!m_window->filtersMenu()->actions().contains(
        m_window->filtersMenu()->findChild<QAction *>(QStringLiteral("loadingPlugins"))));
}

QTEST_MAIN(TestPluginHost)
#include "tst_pluginhost.moc"
