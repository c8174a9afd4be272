#pragma once
// specialFiles(): one of each kind of file that is not a regular file, for
// the tests that every way of opening an image refuses them before reading.
#include <QDir>
#include <QFile>
#include <QString>

#include <cstring>
#include <vector>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct SpecialFile {
    QString label; ///< a test row name
    QString path;
    QString kind;  ///< the end of the expected reason, "not a regular file: <kind>"
};

/// Makes (once) in `folder` a FIFO with no writer (opening it for reading
/// blocks forever), a Unix socket, and a symbolic link to /dev/zero; adds
/// /dev/zero, /dev/null and the first block device in /dev, if any.
inline std::vector<SpecialFile> specialFiles(const QString &folder)
{
    std::vector<SpecialFile> files;
    const QString fifo = QDir(folder).filePath(QStringLiteral("pipe.png"));
    if (QFile::exists(fifo) || ::mkfifo(QFile::encodeName(fifo).constData(), 0644) == 0)
        files.push_back({QStringLiteral("FIFO"), fifo, QStringLiteral("FIFO (named pipe)")});

    const QString socketPath = QDir(folder).filePath(QStringLiteral("socket.png"));
    const QByteArray native = QFile::encodeName(socketPath);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (QFile::exists(socketPath)) {
        files.push_back({QStringLiteral("socket"), socketPath, QStringLiteral("socket")});
    } else if (native.size() < int(sizeof(address.sun_path))) {
        std::memcpy(address.sun_path, native.constData(), native.size() + 1);
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        // The socket file stays after the descriptor is closed.
        if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0)
            files.push_back({QStringLiteral("socket"), socketPath, QStringLiteral("socket")});
        if (fd >= 0)
            ::close(fd);
    }

    files.push_back({QStringLiteral("/dev/zero"), QStringLiteral("/dev/zero"), QStringLiteral("character device")});
    files.push_back({QStringLiteral("/dev/null"), QStringLiteral("/dev/null"), QStringLiteral("character device")});
    const QString link = QDir(folder).filePath(QStringLiteral("zero.png"));
    if (QFile::exists(link) || QFile::link(QStringLiteral("/dev/zero"), link))
        files.push_back({QStringLiteral("symlink to /dev/zero"), link, QStringLiteral("character device")});

    for (const QString &name : QDir(QStringLiteral("/dev")).entryList(QDir::System | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString path = QStringLiteral("/dev/") + name;
        struct stat st {};
        if (::stat(QFile::encodeName(path).constData(), &st) == 0 && S_ISBLK(st.st_mode)) {
            files.push_back({QStringLiteral("block device"), path, QStringLiteral("block device")});
            break;
        }
    }
    return files;
}
