#include "display/ocioconfig.h"

#include <QMutex>

#include <OpenColorIO/OpenColorIO.h>

#include <exception>

namespace OCIO = OCIO_NAMESPACE;

namespace livepix::gui {

namespace {

OCIO::ConstConfigRcPtr configOf(const std::shared_ptr<const void> &p)
{
    return std::static_pointer_cast<const OCIO::Config>(p);
}

QString choices(const QStringList &names)
{
    return names.isEmpty() ? QStringLiteral("(none)") : names.join(QStringLiteral(", "));
}

} // namespace

void OcioProcessor::apply(float *rgb, long pixels) const
{
    if (pixels <= 0)
        return;
    auto cpu = std::static_pointer_cast<const OCIO::CPUProcessor>(m_cpu);
    OCIO::PackedImageDesc desc(rgb, pixels, 1, 3);
    cpu->apply(desc);
}

std::shared_ptr<const OcioConfig> OcioConfig::fromEnvironment(QString *error)
{
    static QMutex mutex;
    static QString loadedFor;
    static std::shared_ptr<const OcioConfig> loaded;
    static QString loadError;
    const QString path = qEnvironmentVariable("OCIO");
    QMutexLocker lock(&mutex);
    if (path != loadedFor || (!loaded && loadError.isEmpty() && !path.isEmpty())) {
        loadedFor = path;
        loadError.clear();
        loaded = path.isEmpty() ? nullptr : load(path, &loadError);
    }
    if (error)
        *error = loadError;
    return loaded;
}

std::shared_ptr<const OcioConfig> OcioConfig::load(const QString &path, QString *error)
{
    try {
        OCIO::ConstConfigRcPtr config = OCIO::Config::CreateFromFile(path.toLocal8Bit().constData());
        config->validate();
        auto result = std::make_shared<OcioConfig>();
        result->m_path = path;
        result->m_config = config;
        return result;
    } catch (const std::exception &e) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, QString::fromUtf8(e.what()));
        return nullptr;
    }
}

QStringList OcioConfig::displays() const
{
    const auto config = configOf(m_config);
    QStringList out;
    for (int i = 0; i < config->getNumDisplays(); ++i)
        out << QString::fromUtf8(config->getDisplay(i));
    return out;
}

QStringList OcioConfig::views(const QString &display) const
{
    const auto config = configOf(m_config);
    const QByteArray d = display.toUtf8();
    QStringList out;
    for (int i = 0; i < config->getNumViews(d.constData()); ++i)
        out << QString::fromUtf8(config->getView(d.constData(), i));
    return out;
}

QStringList OcioConfig::colorSpaces() const
{
    const auto config = configOf(m_config);
    QStringList out;
    for (int i = 0; i < config->getNumColorSpaces(); ++i)
        out << QString::fromUtf8(config->getColorSpaceNameByIndex(i));
    return out;
}

QString OcioConfig::defaultDisplay() const { return QString::fromUtf8(configOf(m_config)->getDefaultDisplay()); }

QString OcioConfig::defaultView(const QString &display) const
{
    return QString::fromUtf8(configOf(m_config)->getDefaultView(display.toUtf8().constData()));
}

QString OcioConfig::sceneLinearSpace() const
{
    const auto config = configOf(m_config);
    if (auto space = config->getColorSpace(OCIO::ROLE_SCENE_LINEAR))
        return QString::fromUtf8(space->getName());
    const QStringList spaces = colorSpaces();
    return spaces.isEmpty() ? QString() : spaces.first();
}

QString OcioConfig::findColorSpace(const QString &name) const
{
    if (name.isEmpty())
        return {};
    // getColorSpace() resolves names, aliases and roles, case-insensitively.
    if (auto space = configOf(m_config)->getColorSpace(name.toUtf8().constData()))
        return QString::fromUtf8(space->getName());
    return {};
}

std::shared_ptr<const OcioProcessor> OcioConfig::processor(const QString &input, const QString &display,
                                                            const QString &view, QString *error) const
{
    const auto config = configOf(m_config);
    const auto fail = [error](const QString &message) -> std::shared_ptr<const OcioProcessor> {
        if (error)
            *error = message;
        return nullptr;
    };
    if (findColorSpace(input).isEmpty())
        return fail(QStringLiteral("unknown colour space '%1' (valid: %2)").arg(input, choices(colorSpaces())));
    if (!displays().contains(display))
        return fail(QStringLiteral("unknown display '%1' (valid: %2)").arg(display, choices(displays())));
    if (!views(display).contains(view))
        return fail(QStringLiteral("unknown view '%1' for display '%2' (valid: %3)")
                        .arg(view, display, choices(views(display))));
    try {
        OCIO::ConstProcessorRcPtr processor = config->getProcessor(
            input.toUtf8().constData(), display.toUtf8().constData(), view.toUtf8().constData(),
            OCIO::TRANSFORM_DIR_FORWARD);
        auto result = std::make_shared<OcioProcessor>();
        result->m_cpu = processor->getDefaultCPUProcessor();
        result->m_cacheId = std::string(config->getCacheID()) + "|" + processor->getCacheID();
        return result;
    } catch (const std::exception &e) {
        return fail(QStringLiteral("OpenColorIO: %1").arg(QString::fromUtf8(e.what())));
    }
}

} // namespace livepix::gui
