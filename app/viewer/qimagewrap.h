#pragma once
// wrapImage: a QImage over an Image's own memory (no copy).
#include <QImage>

#include <livepix/image.h>

namespace livepix::gui {

/// The QImage format that describes `image`'s memory exactly, or
/// QImage::Format_Invalid when Qt has none (2 channels, RGB uint16/float,
/// 1-channel float, more than 4 channels, non-interleaved or negative-stride
/// views, rows or pixel (0,0) not 4-byte aligned as Qt requires).
QImage::Format wrappableFormat(const Image &image);

/// A QImage that reads and writes `image`'s pixels in place (constBits() ==
/// image.data()). The QImage holds its own reference to the PixelBuffer, so
/// the memory stays alive as long as the QImage (or a shallow copy of it)
/// does, even after every Image handle is gone. Returns a null QImage when
/// wrappableFormat() is Invalid.
///
/// Caveat (Qt semantics): calling a non-const accessor such as bits() on a
/// QImage that is shared with another QImage detaches it into a deep copy.
///
/// Threading: the result may be used on any thread, like the Image.
QImage wrapImage(const Image &image);

} // namespace livepix::gui
