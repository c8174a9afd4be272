#pragma once
// OcioConfig: an OpenColorIO config (from $OCIO or a file) and the display processors it makes.
#include <QString>
#include <QStringList>

#include <memory>
#include <string>

namespace livepix::gui {

/// One display transform from an OCIO config (input colour space -> display/view),
/// ready to apply to float RGB pixels. Immutable once made.
///
/// Threading: apply() may be called from any number of threads at once (OCIO
/// CPU processors are immutable).
class OcioProcessor {
public:
    /// Transforms `pixels` packed RGB float triplets in place.
    void apply(float *rgb, long pixels) const;
    /// Changes whenever the transform does (config, spaces, display, view).
    const std::string &cacheId() const { return m_cacheId; }

private:
    friend class OcioConfig;
    std::shared_ptr<const void> m_cpu; // OCIO::ConstCPUProcessorRcPtr, kept opaque
    std::string m_cacheId;
};

/// An OpenColorIO config: its displays, views and colour spaces, and the
/// processors from an input space to a display/view. livepix never needs
/// OCIO's headers outside ocioconfig.cpp.
///
/// Threading: immutable after load; any thread.
class OcioConfig {
public:
    /// The config named by $OCIO (loaded once per distinct value), or null
    /// when $OCIO is unset or cannot be loaded (*error says why).
    static std::shared_ptr<const OcioConfig> fromEnvironment(QString *error = nullptr);
    /// Loads a config file; null with *error ("<path>: <reason>") on failure.
    static std::shared_ptr<const OcioConfig> load(const QString &path, QString *error = nullptr);

    QString path() const { return m_path; }
    QStringList displays() const;
    QStringList views(const QString &display) const;
    QStringList colorSpaces() const;
    QString defaultDisplay() const;
    QString defaultView(const QString &display) const;
    /// The config's scene-linear space (role scene_linear), or its first space.
    QString sceneLinearSpace() const;
    /// The config's space matching a file's oiio:ColorSpace (by name or
    /// role, case-insensitive), or empty.
    QString findColorSpace(const QString &name) const;

    /// Processor input space -> display/view; null with *error naming the
    /// unknown space, display or view and the valid choices.
    std::shared_ptr<const OcioProcessor> processor(const QString &input, const QString &display, const QString &view,
                                                   QString *error = nullptr) const;

private:
    QString m_path;
    std::shared_ptr<const void> m_config; // OCIO::ConstConfigRcPtr
};

} // namespace livepix::gui
