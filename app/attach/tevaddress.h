#pragma once
// TevAddress: where `livepix --tev [ADDRESS]` listens.
#include <QString>

#include <optional>

namespace livepix::gui {

/// A TCP host and port, or tev's Unix socket name. Parsed from the text
/// after --tev: "HOST:PORT", ":PORT", "PORT", "[IPV6]:PORT" or "unix:NAME";
/// an empty text is tev's default, 127.0.0.1:14158 (loopback: only another
/// host given explicitly listens beyond this machine).
///
/// Threading: a plain value; any thread.
struct TevAddress {
    static constexpr quint16 DefaultPort = 14158;
    static QString defaultHost() { return QStringLiteral("127.0.0.1"); }

    bool isUnix = false;
    QString host = defaultHost(); ///< TCP only
    quint16 port = DefaultPort;   ///< TCP only; 0 picks a free port
    QString unixName;             ///< Unix only

    /// Parses `text`; nullopt with *error set when it is not an address.
    static std::optional<TevAddress> parse(const QString &text, QString *error = nullptr);
    /// True when `text` has the shape of an address (so that `--tev
    /// photo.png` leaves photo.png to be opened as a file).
    static bool looksLikeAddress(const QString &text);
    /// Unix: `$XDG_RUNTIME_DIR/.tev.NAME.sock` (tev's path). Empty with
    /// *error set when XDG_RUNTIME_DIR is unset: there is no shared-folder
    /// fallback, which other users could reach.
    QString socketPath(QString *error) const;
    /// "127.0.0.1:14158", "[::1]:14158" or "unix:NAME".
    QString toString() const;
};

} // namespace livepix::gui
