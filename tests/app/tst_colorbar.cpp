// ColorBar: the colormap legend beside the canvas.
#include <QtTest>

#include <livepix/colormap.h>

#include "widgets/colorbar.h"

using namespace livepix;
using namespace livepix::gui;

class TestColorBar : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void valuesFollowLevelsAndGamma();
    void drawsTheGradientAndLabels();
};

void TestColorBar::valuesFollowLevelsAndGamma()
{
    ColorBar bar;
    bar.setRange(-10.0, 30.0);
    QCOMPARE(bar.valueAt(0.0), -10.0);
    QCOMPARE(bar.valueAt(1.0), 30.0);
    QCOMPARE(bar.valueAt(0.5), 10.0);
    bar.setGamma(2.0); // byte 128 shows values a quarter of the way up
    QCOMPARE(bar.valueAt(0.5), 0.0);
    QCOMPARE(ColorBar::label(1234.5678), QStringLiteral("1235"));
}

void TestColorBar::drawsTheGradientAndLabels()
{
    ColorBar bar;
    bar.setColormap(QStringLiteral("viridis"));
    bar.setRange(0.0, 100.0);
    bar.resize(bar.sizeHint().width(), 300);
    const QImage shot = bar.grab().toImage();
    const Colormap *map = findColormap("viridis");
    const auto near = [](QRgb a, const std::array<std::uint8_t, 3> &b) {
        return std::abs(qRed(a) - b[0]) <= 3 && std::abs(qGreen(a) - b[1]) <= 3 && std::abs(qBlue(a) - b[2]) <= 3;
    };
    // High values at the top, low at the bottom (inside the bar's frame).
    bool top = false, bottom = false;
    for (int y = 0; y < shot.height(); ++y) {
        top = top || (y < shot.height() / 4 && near(shot.pixel(12, y), map->rgb[255]));
        bottom = bottom || (y > 3 * shot.height() / 4 && near(shot.pixel(12, y), map->rgb[0]));
    }
    QVERIFY(top);
    QVERIFY(bottom);
    QVERIFY(bar.minimumSizeHint().width() > 16 + QFontMetrics(bar.font()).horizontalAdvance(QStringLiteral("100")));
}

QTEST_MAIN(TestColorBar)
#include "tst_colorbar.moc"
