#include "attach/tevdocuments.h"

#include <QFileInfo>

#include <unistd.h>

#include <livepix/history.h>
#include <livepix/image.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <type_traits>

#include "attach/tevtile.h"
#include "viewer/document.h"
#include "viewer/loadjob.h"
#include "viewer/viewer.h"
#include "viewer/workunits.h"

namespace livepix::gui {

namespace {

QString fromStd(const std::string &text) { return QString::fromStdString(text); }

void warn(const QString &peer, const QString &what)
{
    qWarning("livepix --tev: %s: %s", qPrintable(peer), qPrintable(what));
}

} // namespace

TevDocuments::TevDocuments(Viewer *viewer, QObject *parent) : QObject(parent), m_viewer(viewer)
{
    m_quiet.setSingleShot(true);
    m_quiet.setInterval(QuietMs);
    connect(&m_quiet, &QTimer::timeout, this, [this] { m_live.release(); });
    connect(viewer->workUnits(), &WorkUnits::recorded, this, &TevDocuments::onRecorded);
}

TevDocuments::~TevDocuments() { m_live.drop(); }

QString TevDocuments::apply(const tev::Packet &packet, const QString &peer)
{
    return std::visit(
        [&](const auto &body) -> QString {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, tev::CreateImage>) {
                return create(body);
            } else if constexpr (std::is_same_v<T, tev::UpdateImage>) {
                update(body, peer);
            } else if constexpr (std::is_same_v<T, tev::OpenImage>) {
                if (!body.channelSelector.empty())
                    warn(peer, QStringLiteral("OpenImage: channel selector '%1' ignored").arg(fromStd(body.channelSelector)));
                openFile(fromStd(body.path), body.grabFocus);
            } else if constexpr (std::is_same_v<T, tev::ReloadImage>) {
                reload(body, peer);
            } else if constexpr (std::is_same_v<T, tev::CloseImage>) {
                if (Document *document = find(fromStd(body.name)))
                    requestClose(document);
                else
                    warn(peer, QStringLiteral("CloseImage: no image named '%1'").arg(fromStd(body.name)));
            }
            // VectorGraphics: accepted and ignored (docs/TEV.md).
            return {};
        },
        packet.body);
}

Document *TevDocuments::find(const QString &name) const
{
    const QList<Document *> documents = m_viewer->documents();
    const QString absolute = name.isEmpty() ? QString() : QFileInfo(name).absoluteFilePath();
    for (auto it = documents.crbegin(); it != documents.crend(); ++it) {
        Document *document = *it;
        if (document->name() == name || (!absolute.isEmpty() && document->filePath() == absolute))
            return document;
    }
    return nullptr;
}

QString TevDocuments::create(const tev::CreateImage &packet)
{
    const QString name = fromStd(packet.name);
    Image image;
    try {
        // As for files (imageio.cpp): never more than this computer's memory,
        // which the kernel might promise (overcommit) and not deliver.
        const double bytes = double(imageByteCount(packet.width, packet.height, int(packet.channelNames.size()),
                                                   DType::Float32));
        const double physical = double(::sysconf(_SC_PHYS_PAGES)) * double(::sysconf(_SC_PAGESIZE));
        if (physical > 0 && bytes > physical)
            throw std::length_error(QStringLiteral("needs %1 GiB, more than this computer's memory (%2 GiB)")
                                        .arg(bytes / double(1 << 30), 0, 'f', 1)
                                        .arg(physical / double(1 << 30), 0, 'f', 1)
                                        .toStdString());
        image = Image::create(packet.width, packet.height, int(packet.channelNames.size()), DType::Float32);
        image.setChannelNames(packet.channelNames);
        // tev's images are scene-linear (renderers' output) and tev shows
        // them as such: levels 0..1 and the sRGB view, not levels fitted to
        // a still all-zero image. This tag gives the document that default
        // (isSceneLinear) and goes into an EXR saved from it.
        image.setMetadataValue("oiio:ColorSpace", "lin_srgb");
    } catch (const std::exception &e) {
        return QStringLiteral("CreateImage '%1' (%2x%3, %4 channels): %5")
            .arg(name)
            .arg(packet.width)
            .arg(packet.height)
            .arg(packet.channelNames.size())
            .arg(QString::fromUtf8(e.what()));
    }
    Document *previous = m_viewer->current();
    Document *older = find(name);
    m_viewer->show(image, name);
    if (!packet.grabFocus && previous)
        m_viewer->setCurrent(previous);
    if (older)
        requestClose(older); // tev replaces an image of the same name
    return {};
}

void TevDocuments::update(const tev::UpdateImage &packet, const QString &peer)
{
    const QString name = fromStd(packet.name);
    Document *document = find(name);
    if (!document) {
        warn(peer, QStringLiteral("UpdateImage: no image named '%1'").arg(name));
        return;
    }
    const Image &image = document->image();
    if (!tev::tileFits(image, packet)) {
        warn(peer, QStringLiteral("UpdateImage '%1': tile %2,%3 %4x%5 does not fit into %6x%7; ignored")
                       .arg(name)
                       .arg(packet.x)
                       .arg(packet.y)
                       .arg(packet.width)
                       .arg(packet.height)
                       .arg(image.width())
                       .arg(image.height()));
        return;
    }
    noteWrite(document);
    const std::vector<std::string> names = image.channelNames();
    for (std::size_t c = 0; c < packet.channelNames.size(); ++c) {
        const auto found = std::find(names.begin(), names.end(), packet.channelNames[c]);
        if (found == names.end()) {
            warn(peer, QStringLiteral("UpdateImage '%1': no channel '%2'; skipped")
                           .arg(name, fromStd(packet.channelNames[c])));
            continue;
        }
        tev::writeTileChannel(image, int(found - names.begin()), packet, c);
    }
    if (!m_written.contains(document))
        m_written.append(document);
    if (packet.grabFocus && m_viewer->current() != document)
        m_viewer->setCurrent(document);
}

void TevDocuments::endOfBatch()
{
    if (m_written.isEmpty())
        return;
    for (const QPointer<Document> &document : std::as_const(m_written))
        if (document)
            document->image().markChanged();
    m_written.clear();
    if (!m_live.isActive())
        m_live = LiveEdit(m_viewer);
    m_quiet.start();
}

LoadJob *TevDocuments::openFile(const QString &path, bool grabFocus)
{
    QPointer<Document> previous = m_viewer->current();
    LoadJob *job = m_viewer->openAsync(path);
    connect(job, &LoadJob::finished, this, [this, previous, grabFocus](Document *document, const QString &error) {
        if (!document)
            warn(QStringLiteral("open"), error);
        else if (!grabFocus && previous)
            m_viewer->setCurrent(previous);
    });
    return job;
}

void TevDocuments::reload(const tev::ReloadImage &packet, const QString &peer)
{
    const QString name = fromStd(packet.name);
    Document *document = find(name);
    const QString path = document ? document->filePath() : QString();
    if (path.isEmpty()) {
        warn(peer, document ? QStringLiteral("ReloadImage: '%1' has no file to reload from").arg(name)
                            : QStringLiteral("ReloadImage: no image named '%1'").arg(name));
        return;
    }
    if (document->isModified()) { // the user decides first; reload once it is gone
        requestClose(document, [this, path, grab = packet.grabFocus] { openFile(path, grab); });
        return;
    }
    QPointer<Document> old = document;
    LoadJob *job = openFile(path, packet.grabFocus);
    connect(job, &LoadJob::finished, this, [this, old](Document *fresh) {
        if (fresh && old)
            requestClose(old); // asks if it was modified meanwhile
    });
}

void TevDocuments::requestClose(Document *document, std::function<void()> afterClosed)
{
    QPointer<Document> guard = document;
    QTimer::singleShot(0, this, [this, guard, afterClosed = std::move(afterClosed)] {
        if (guard && !m_asking.contains(guard.data()))
            closeOrAsk(guard, afterClosed);
    });
}

void TevDocuments::closeOrAsk(Document *document, const std::function<void()> &afterClosed)
{
    // Runs afterClosed when the document object goes (Viewer::close deletes
    // it later; a "Save" answer closes it once the save succeeded).
    auto gone = std::make_shared<QMetaObject::Connection>();
    if (afterClosed)
        *gone = connect(document, &QObject::destroyed, this, [afterClosed] { afterClosed(); });
    bool closing = false;
    if (!document->isModified()) {
        closing = m_viewer->close(document);
    } else if (!m_ask) {
        qWarning("livepix --tev: kept '%s' open: it has changes made in livepix, and nobody is there to "
                 "answer whether to discard them",
                 qPrintable(document->name()));
    } else {
        m_asking.append(document);
        closing = m_ask(document); // a modal question: the event loop runs
        m_asking.removeAll(document);
    }
    if (!closing)
        disconnect(*gone);
}

void TevDocuments::noteWrite(Document *document)
{
    for (const auto &entry : m_cleanBefore)
        if (entry.first == document)
            return;
    m_cleanBefore.emplace_back(document, !document->isModified());
}

void TevDocuments::onRecorded(Document *document, const QString &problem)
{
    auto it = std::find_if(m_cleanBefore.begin(), m_cleanBefore.end(),
                           [document](const auto &entry) { return entry.first == document; });
    if (it == m_cleanBefore.end())
        return;
    const bool wasClean = it->second;
    m_cleanBefore.erase(it);
    m_cleanBefore.erase(std::remove_if(m_cleanBefore.begin(), m_cleanBefore.end(),
                                       [](const auto &entry) { return entry.first.isNull(); }),
                        m_cleanBefore.end());
    const History *history = document->history();
    if (!wasClean || !problem.isEmpty() || !history || history->position() == 0)
        return;
    // Only a step of unannounced writes is tev's; a console cell or filter
    // that ran meanwhile made its own, labelled step: that one stays modified.
    if (history->entries()[history->position() - 1].label == WorkUnits::BackgroundLabel.toStdString())
        document->markClean();
}

} // namespace livepix::gui
