"""Writes sample images with Pillow and NumPy (decoders independent of
OpenImageIO) plus, for each, the pixels Pillow/NumPy hold for it, so
tst_formats can compare livepix's load with them.

usage: pil_samples.py OUTDIR [SKIMAGE_DATA]

For every sample NAME.EXT it writes NAME.EXT.raw: one header line
"width height channels dtype tolerance\\n" followed by the pixels, row-major,
interleaved, little-endian.
"""
import os
import shutil
import subprocess
import sys

import numpy as np
from PIL import Image


def expect(path, array, tolerance=0):
    array = np.asarray(array)
    if array.ndim == 2:
        array = array[:, :, None]
    h, w, c = array.shape
    dtype = {np.dtype('uint8'): 'uint8', np.dtype('uint16'): 'uint16', np.dtype('float32'): 'float32'}[
        array.dtype.newbyteorder('<') if array.dtype.byteorder == '>' else array.dtype]
    with open(path + '.raw', 'wb') as f:
        f.write(f'{w} {h} {c} {dtype} {tolerance}\n'.encode())
        f.write(np.ascontiguousarray(array.astype(array.dtype.newbyteorder('<'))).tobytes())


def pil_pixels(image):
    """What Pillow decodes, in the channel layout OpenImageIO gives."""
    if image.mode == 'P':
        image = image.convert('RGBA' if 'transparency' in image.info else 'RGB')
    elif image.mode == '1':
        image = image.convert('L')
    elif image.mode == 'I;16B':
        return np.asarray(image).astype('<u2')
    return np.asarray(image)


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(42)
    y, x = np.mgrid[0:37, 0:53]
    rgb = np.stack([x * 4, y * 6, (x * y) % 256], axis=-1).astype(np.uint8)
    rgba = np.concatenate([rgb, rng.integers(0, 256, (37, 53, 1), dtype=np.uint8)], axis=-1)
    gray16 = rng.integers(0, 65536, (37, 53), dtype=np.uint16)

    def save(name, image, array, tolerance=0, **options):
        path = os.path.join(out, name)
        image.save(path, **options)
        expect(path, array, tolerance)

    save('pil_rgb.png', Image.fromarray(rgb), rgb)
    save('pil_gray_alpha.png', Image.fromarray(rgba[:, :, [0, 3]], 'LA'), rgba[:, :, [0, 3]])
    save('pil_gray16.png', Image.fromarray(gray16), gray16)
    pal = Image.fromarray(rgb).quantize(16)
    save('pil_palette.png', pal, pil_pixels(pal))
    pal_t = pal.copy()
    pal_t.info['transparency'] = 3
    path = os.path.join(out, 'pil_palette_transparent.png')
    pal_t.save(path, transparency=3)
    expect(path, pil_pixels(Image.open(path)))
    save('pil_rgb.bmp', Image.fromarray(rgb), rgb)
    save('pil_gray.bmp', Image.fromarray(rgb[:, :, 1]), rgb[:, :, 1])
    save('pil_rgb.ppm', Image.fromarray(rgb), rgb)
    save('pil_gray.pgm', Image.fromarray(rgb[:, :, 2]), rgb[:, :, 2])
    save('pil_rgba.tif', Image.fromarray(rgba), rgba)
    f32 = (rng.random((37, 53)) * 10 - 5).astype(np.float32)
    save('pil_float32.tif', Image.fromarray(f32, 'F'), f32)
    save('pil_rgba_lossless.webp', Image.fromarray(rgba), rgba, lossless=True)
    gif = Image.fromarray(rgb).quantize(32)
    path = os.path.join(out, 'pil_two_frames.gif')
    gif.save(path, save_all=True, append_images=[Image.fromarray(255 - rgb).quantize(32)])
    first = Image.open(path).convert('RGBA')
    expect(path, np.asarray(first))
    path = os.path.join(out, 'pil_three_pages.tif')
    pages = [Image.fromarray(np.full((20, 30), v, np.uint8)) for v in (10, 20, 30)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    expect(path, np.asarray(pages[0]))
    # 16-bit PGM written by hand (big-endian, maxval 65535): OpenImageIO 2.4
    # reads it through float, up to 1 level off.
    path = os.path.join(out, 'numpy_gray16.pgm')
    with open(path, 'wb') as f:
        f.write(b'P5\n53 37\n65535\n' + gray16.astype('>u2').tobytes())
    expect(path, gray16, 1)
    # JPEG: two libjpeg decoders may differ by a level or two.
    path = os.path.join(out, 'pil_rgb.jpg')
    Image.fromarray(rgb).save(path, quality=90)
    expect(path, np.asarray(Image.open(path)), 2)

    # Progressive JPEG: the decoder needs every scan before the first row.
    path = os.path.join(out, 'pil_progressive.jpg')
    Image.fromarray(rgb).save(path, quality=90, progressive=True)
    expect(path, np.asarray(Image.open(path)), 2)
    # Interlaced (Adam7) PNG, written by ImageMagick when it is installed.
    convert = shutil.which('convert')
    if convert:
        source = os.path.join(out, 'pil_rgb.png')
        path = os.path.join(out, 'magick_interlaced.png')
        if subprocess.run([convert, source, '-interlace', 'PNG', path]).returncode == 0:
            expect(path, np.asarray(Image.open(path)))

    # Real images made by others, decoded by Pillow.
    if len(sys.argv) > 2 and os.path.isdir(sys.argv[2]):
        for name in ['astronaut.png', 'camera.png', 'horse.png', 'palette_color.png', 'palette_gray.png',
                     'foo3x5x4indexed.png', 'green_palette.png', 'chessboard_GRAY_U16.tif',
                     'chessboard_GRAY_U16B.tif', 'multipage.tif', 'rocket.jpg', 'retina.jpg', 'coffee.png']:
            source = os.path.join(sys.argv[2], name)
            if os.path.exists(source):
                tolerance = 2 if name.endswith('.jpg') else 0
                os.symlink(source, os.path.join(out, 'skimage_' + name))
                expect(os.path.join(out, 'skimage_' + name), pil_pixels(Image.open(source)), tolerance)


if __name__ == '__main__':
    main()
