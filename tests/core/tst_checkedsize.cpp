// checkedMul/checkedAdd/checkedSigned: exact results in range, an error
// naming both values (never a wrapped result) out of range.
#include <livepix/checkedsize.h>

#include <QtTest>

#include <cstdint>
#include <limits>

using livepix::checkedAdd;
using livepix::checkedMul;
using livepix::checkedSigned;

namespace {
constexpr std::size_t SizeMax = std::numeric_limits<std::size_t>::max();
constexpr std::ptrdiff_t DiffMax = std::numeric_limits<std::ptrdiff_t>::max();
constexpr std::ptrdiff_t DiffMin = std::numeric_limits<std::ptrdiff_t>::min();

// The message of the std::invalid_argument `call` throws, or "NO THROW".
template <typename F> QString thrown(F call)
{
    try {
        call();
    } catch (const std::invalid_argument &e) {
        return QString::fromUtf8(e.what());
    }
    return QStringLiteral("NO THROW");
}
} // namespace

class TestCheckedSize : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unsignedInRange()
    {
        QCOMPARE(checkedMul(std::size_t(1) << 31, std::size_t(1) << 32, "x"), std::size_t(1) << 63);
        QCOMPARE(checkedMul(SizeMax, std::size_t(1), "x"), SizeMax);
        QCOMPARE(checkedMul(SizeMax, std::size_t(0), "x"), std::size_t(0));
        QCOMPARE(checkedAdd(SizeMax - 5, std::size_t(5), "x"), SizeMax);
    }

    void signedInRange()
    {
        QCOMPARE(checkedMul(std::ptrdiff_t(-3), std::ptrdiff_t(7), "x"), std::ptrdiff_t(-21));
        QCOMPARE(checkedMul(DiffMin, std::ptrdiff_t(1), "x"), DiffMin);
        QCOMPARE(checkedAdd(DiffMax, DiffMin, "x"), std::ptrdiff_t(-1));
        QCOMPARE(checkedAdd(DiffMin + 1, std::ptrdiff_t(-1), "x"), DiffMin);
        QCOMPARE(checkedSigned(std::size_t(DiffMax), "x"), DiffMax);
    }

    void overflowNamesTheValues()
    {
        // The example: 2^29 x 2^29 pixels of 16 float32 channels.
        const std::size_t row = (std::size_t(1) << 29) * 16 * 4;
        QCOMPARE(thrown([&] { checkedMul(row, std::size_t(1) << 29, "byte count"); }),
                 QStringLiteral("byte count: 34359738368 * 536870912 overflows (64-bit sizes)"));
        QCOMPARE(thrown([] { checkedAdd(SizeMax, std::size_t(1), "padded row"); }),
                 QStringLiteral("padded row: 18446744073709551615 + 1 overflows (64-bit sizes)"));
        QCOMPARE(thrown([] { checkedMul(DiffMin, std::ptrdiff_t(-1), "stride"); }),
                 QStringLiteral("stride: -9223372036854775808 * -1 overflows (64-bit sizes)"));
        QCOMPARE(thrown([] { checkedAdd(DiffMin, std::ptrdiff_t(-1), "lowest byte"); }),
                 QStringLiteral("lowest byte: -9223372036854775808 + -1 overflows (64-bit sizes)"));
        QCOMPARE(thrown([] { checkedSigned(std::size_t(DiffMax) + 1, "offset"); }),
                 QStringLiteral("offset: 9223372036854775808 is larger than the largest offset "
                                "(9223372036854775807)"));
    }
};

QTEST_APPLESS_MAIN(TestCheckedSize)
#include "tst_checkedsize.moc"
