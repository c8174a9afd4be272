#pragma once
// writeTestOcioConfig(): a small OpenColorIO 2.1 config for tests (2.1 has no built-in configs).
#include <QDir>
#include <QFile>
#include <QString>

/// Writes `dir`/config.ocio and returns its path. Colour spaces: "linear"
/// (the scene_linear role) and "sRGB" (linear -> sRGB encoding with an
/// ExponentWithLinearTransform: gamma 2.4, offset 0.055, as IEC 61966-2-1);
/// display "sRGB" with views "Standard" (to sRGB) and "Raw" (no change).
/// So linear 0.18 shows as byte 118 under Standard and 46 under Raw.
inline QString writeTestOcioConfig(const QString &dir)
{
    const QString path = QDir(dir).filePath(QStringLiteral("config.ocio"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(R"(ocio_profile_version: 2

roles:
  default: linear
  scene_linear: linear

file_rules:
  - !<Rule> {name: Default, colorspace: default}

displays:
  sRGB:
    - !<View> {name: Standard, colorspace: sRGB}
    - !<View> {name: Raw, colorspace: linear}

active_displays: [sRGB]
active_views: [Standard, Raw]

colorspaces:
  - !<ColorSpace>
    name: linear
    family: ""
    isdata: false

  - !<ColorSpace>
    name: sRGB
    family: ""
    isdata: false
    from_scene_reference: !<ExponentWithLinearTransform> {gamma: [2.4, 2.4, 2.4, 1], offset: [0.055, 0.055, 0.055, 0], direction: inverse}
)");
    return path;
}
