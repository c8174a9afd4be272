#include "recovery/recoverystore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QRandomGenerator>
#include <QSaveFile>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unistd.h>

#include <livepix/contenthash.h>
#include <livepix/imageerror.h>
#include <livepix/imageio.h>

namespace livepix::gui {

namespace {

constexpr int SidecarVersion = 1;

std::string nativePath(const QString &path) { return QFile::encodeName(path).toStdString(); }

QString sidecarName(const QString &id) { return id + QStringLiteral(".json"); }

/// The image files of checkpoint `id` in `dir` ("<id>-<n>.tif" / ".exr").
QStringList imageFilesOf(const QDir &dir, const QString &id)
{
    return dir.entryList({id + QStringLiteral("-*.tif"), id + QStringLiteral("-*.exr")}, QDir::Files);
}

QJsonObject toJson(const RecoveryEntry &entry)
{
    return QJsonObject{
        {QStringLiteral("version"), SidecarVersion},
        {QStringLiteral("image"), QFileInfo(entry.imagePath).fileName()},
        {QStringLiteral("originalPath"), entry.originalPath},
        {QStringLiteral("name"), entry.name},
        {QStringLiteral("dtype"), entry.dtype},
        {QStringLiteral("width"), entry.width},
        {QStringLiteral("height"), entry.height},
        {QStringLiteral("channels"), entry.channels},
        {QStringLiteral("channelNames"), QJsonArray::fromStringList(entry.channelNames)},
        {QStringLiteral("time"), entry.time.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("pid"), entry.pid},
        // Hex: a JSON number is a double and cannot hold 64 bits.
        {QStringLiteral("hash"), QString::number(entry.hash, 16)},
    };
}

/// Reads the sidecar at `path`; an entry with an empty imagePath when it is
/// unreadable, malformed, or its image file is missing.
RecoveryEntry readSidecar(const QString &path)
{
    RecoveryEntry entry;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entry;
    const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
    const QString image = o.value(QStringLiteral("image")).toString();
    const QFileInfo info(path);
    if (o.value(QStringLiteral("version")).toInt() != SidecarVersion || image.isEmpty() || image.contains(QLatin1Char('/')))
        return entry;
    entry.sidecarPath = info.absoluteFilePath();
    entry.instanceDir = info.absolutePath();
    entry.originalPath = o.value(QStringLiteral("originalPath")).toString();
    entry.name = o.value(QStringLiteral("name")).toString();
    entry.dtype = o.value(QStringLiteral("dtype")).toString();
    entry.width = o.value(QStringLiteral("width")).toInt();
    entry.height = o.value(QStringLiteral("height")).toInt();
    entry.channels = o.value(QStringLiteral("channels")).toInt();
    for (const QJsonValue &name : o.value(QStringLiteral("channelNames")).toArray())
        entry.channelNames << name.toString();
    entry.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    entry.pid = o.value(QStringLiteral("pid")).toInteger();
    entry.hash = o.value(QStringLiteral("hash")).toString().toULongLong(nullptr, 16);
    const QString imagePath = info.dir().filePath(image);
    if (QFileInfo::exists(imagePath))
        entry.imagePath = imagePath;
    return entry;
}

/// Writes `entry`'s sidecar atomically (QSaveFile: temporary file + rename).
/// Returns why it failed, or an empty string.
QString writeSidecar(const RecoveryEntry &entry)
{
    QSaveFile file(entry.sidecarPath);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(toJson(entry)).toJson()) < 0 || !file.commit())
        return file.errorString();
    return {};
}

QList<RecoveryEntry> readEntries(const QString &dirPath)
{
    QList<RecoveryEntry> entries;
    const QDir dir(dirPath);
    for (const QString &name : dir.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        RecoveryEntry entry = readSidecar(dir.filePath(name));
        if (!entry.imagePath.isEmpty())
            entries << entry;
    }
    return entries;
}

std::unique_ptr<QLockFile> lockFor(const QString &instanceDir)
{
    auto lock = std::make_unique<QLockFile>(QDir::cleanPath(instanceDir) + QStringLiteral(".lock"));
    // Never stale by age: a living instance keeps its checkpoints however
    // long it runs; only a dead pid (or a reboot) frees the lock.
    lock->setStaleLockTime(0);
    return lock;
}

/// Removes the folder of a dead instance once no checkpoint is left in it.
void removeIfDeadAndEmpty(const QString &instanceDir)
{
    auto lock = lockFor(instanceDir);
    if (lock->tryLock(0) && readEntries(instanceDir).isEmpty())
        QDir(instanceDir).removeRecursively();
}

} // namespace

RecoveryStore::RecoveryStore(QString root) : m_root(QDir::cleanPath(root)) {}

RecoveryStore::~RecoveryStore() = default;

QString RecoveryStore::defaultRoot()
{
    QString state = qEnvironmentVariable("XDG_STATE_HOME");
    if (state.isEmpty() || QDir::isRelativePath(state))
        state = QDir::homePath() + QStringLiteral("/.local/state");
    return QDir::cleanPath(state + QStringLiteral("/livepix/recovery"));
}

bool RecoveryStore::ensureInstance(QString *error)
{
    if (!m_instanceDir.isEmpty())
        return true;
    if (!QDir().mkpath(m_root)) {
        *error = QStringLiteral("%1: cannot make the recovery folder").arg(m_root);
        return false;
    }
    // Checkpoints are the user's unsaved work: private to the user.
    QFile::setPermissions(m_root, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    for (int attempt = 0; attempt < 8; ++attempt) {
        const QString dir = QStringLiteral("%1/%2-%3")
                                .arg(m_root)
                                .arg(QCoreApplication::applicationPid())
                                .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
        if (QFileInfo::exists(dir))
            continue;
        // Lock first, folder second: a folder without a held lock is a dead
        // instance's to everyone else.
        auto lock = lockFor(dir);
        if (!lock->tryLock(0))
            continue;
        if (!QDir().mkdir(dir)) {
            *error = QStringLiteral("%1: cannot make the folder").arg(dir);
            return false;
        }
        m_lock = std::move(lock);
        m_instanceDir = dir;
        return true;
    }
    *error = QStringLiteral("%1: cannot lock a folder of its own in the recovery folder").arg(m_root);
    return false;
}

RecoveryEntry RecoveryStore::writeCheckpoint(const QString &id, const Image &snapshot, std::uint64_t hash,
                                             const QString &originalPath, const QString &name,
                                             const WriteSnapshot *pinned)
{
    const QDir dir(m_instanceDir);
    RecoveryEntry entry;
    entry.imagePath = dir.filePath(QStringLiteral("%1-%2.%3")
                                       .arg(id)
                                       .arg(++m_sequence)
                                       .arg(isFloat(snapshot.dtype()) ? QStringLiteral("exr") : QStringLiteral("tif")));
    entry.sidecarPath = dir.filePath(sidecarName(id));
    entry.instanceDir = m_instanceDir;
    entry.originalPath = originalPath;
    entry.name = name;
    entry.dtype = QString::fromLatin1(dtypeName(snapshot.dtype()));
    entry.width = snapshot.width();
    entry.height = snapshot.height();
    entry.channels = snapshot.channels();
    for (const std::string &channel : snapshot.channelNames())
        entry.channelNames << QString::fromStdString(channel);
    entry.time = QDateTime::currentDateTimeUtc();
    entry.pid = QCoreApplication::applicationPid();
    entry.hash = hash;

    // Another image over the same pixels (a view has descriptive state of its
    // own), with names that keep the channel order through EXR (see the class
    // comment).
    Image file = snapshot.view(0, 0, snapshot.width(), snapshot.height());
    std::vector<std::string> names;
    for (int c = 0; c < snapshot.channels(); ++c)
        names.push_back(QStringLiteral("c%1").arg(c, 4, 10, QLatin1Char('0')).toStdString());
    file.setChannelNames(std::move(names));
    const auto write = [&] {
        const std::string path = nativePath(entry.imagePath);
        if (pinned)
            saveSnapshot(file, *pinned, path, {{"compression", "zip"}});
        else
            saveImage(file, path, {{"compression", "zip"}});
    };
    try {
        write();
    } catch (const ImageError &) {
        // Metadata the format cannot hold must not cost the pixels.
        file.setMetadata(Metadata());
        write();
    }
    if (const QString reason = writeSidecar(entry); !reason.isEmpty()) {
        QFile::remove(entry.imagePath);
        throw ImageError(nativePath(entry.sidecarPath), reason.toStdString());
    }
    // The sidecar now names the new file: the older ones can go.
    const QString current = QFileInfo(entry.imagePath).fileName();
    for (const QString &old : imageFilesOf(dir, id))
        if (old != current)
            QFile::remove(dir.filePath(old));
    return entry;
}

void RecoveryStore::removeCheckpoint(const QString &id)
{
    if (m_instanceDir.isEmpty())
        return;
    const QDir dir(m_instanceDir);
    // Sidecar first: a sidecar never names a file that is gone for good.
    QFile::remove(dir.filePath(sidecarName(id)));
    for (const QString &file : imageFilesOf(dir, id))
        QFile::remove(dir.filePath(file));
}

void RecoveryStore::removeInstance()
{
    if (m_instanceDir.isEmpty())
        return;
    QDir(m_instanceDir).removeRecursively();
    m_lock.reset(); // unlocks and deletes the lock file
    m_instanceDir.clear();
}

RecoveryEntry RecoveryStore::adopt(const RecoveryEntry &entry, const QString &id, QString *error)
{
    if (!ensureInstance(error))
        return {};
    const QDir dir(m_instanceDir);
    RecoveryEntry adopted = entry;
    adopted.imagePath =
        dir.filePath(QStringLiteral("%1-%2.%3").arg(id).arg(++m_sequence).arg(QFileInfo(entry.imagePath).suffix()));
    adopted.sidecarPath = dir.filePath(sidecarName(id));
    adopted.instanceDir = m_instanceDir;
    adopted.pid = QCoreApplication::applicationPid();
    // A second name for the file (same file system), then the new sidecar,
    // then the old names go: a crash at any point leaves one whole checkpoint.
    if (::link(QFile::encodeName(entry.imagePath).constData(), QFile::encodeName(adopted.imagePath).constData()) != 0 &&
        !QFile::copy(entry.imagePath, adopted.imagePath)) {
        *error = QStringLiteral("%1: cannot move it into %2: %3")
                     .arg(entry.imagePath, m_instanceDir, QString::fromLocal8Bit(std::strerror(errno)));
        return {};
    }
    if (const QString reason = writeSidecar(adopted); !reason.isEmpty()) {
        *error = QStringLiteral("%1: %2").arg(adopted.sidecarPath, reason);
        QFile::remove(adopted.imagePath);
        return {};
    }
    discard(entry);
    return adopted;
}

QList<RecoveryEntry> RecoveryStore::listRecoverable(const QString &root, const QString &exceptDir)
{
    QList<RecoveryEntry> entries;
    const QDir rootDir(root);
    const QString except = exceptDir.isEmpty() ? QString() : QDir::cleanPath(exceptDir);
    for (const QString &name : rootDir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString dir = QDir::cleanPath(rootDir.filePath(name));
        if (dir == except)
            continue;
        auto lock = lockFor(dir);
        if (!lock->tryLock(0))
            continue; // its instance is alive (or the lock is not ours to read)
        const QList<RecoveryEntry> found = readEntries(dir);
        if (found.isEmpty())
            QDir(dir).removeRecursively(); // a dead instance that left nothing
        entries << found;
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const RecoveryEntry &a, const RecoveryEntry &b) { return a.time < b.time; });
    return entries;
}

Image RecoveryStore::load(const RecoveryEntry &entry)
{
    Image image = loadImage(nativePath(entry.imagePath));
    const auto fail = [&](const std::string &reason) { throw ImageError(nativePath(entry.imagePath), reason); };
    if (image.width() != entry.width || image.height() != entry.height || image.channels() != entry.channels ||
        QString::fromLatin1(dtypeName(image.dtype())) != entry.dtype)
        fail("the checkpoint does not match its sidecar (size, channels or dtype differ)");
    if (entry.hash != 0 && contentHash(image) != entry.hash)
        fail("the checkpoint is damaged: its pixels differ from the ones written");
    if (entry.channelNames.size() == entry.channels) {
        std::vector<std::string> names;
        for (const QString &channel : entry.channelNames)
            names.push_back(channel.toStdString());
        image.setChannelNames(std::move(names));
    } else {
        image.setChannelNames(Image::defaultChannelNames(entry.channels));
    }
    image.setPath(nativePath(entry.originalPath));
    return image;
}

void RecoveryStore::discard(const RecoveryEntry &entry)
{
    QFile::remove(entry.sidecarPath);
    QFile::remove(entry.imagePath);
    removeIfDeadAndEmpty(entry.instanceDir);
}

} // namespace livepix::gui
