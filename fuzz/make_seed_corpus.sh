#!/usr/bin/env bash
# Seed corpora for the fuzz targets (./setup.sh fuzz runs this):
#   fuzz/make_seed_corpus.sh OUT_DIR
# writes OUT_DIR/fuzz_loadimage, OUT_DIR/fuzz_pluginmanifest and
# OUT_DIR/fuzz_tevpacket (one stream per tev packet type, make_tev_seeds.py). Kept small
# (a few KB per file) so libFuzzer mutates quickly: the regression files in
# tests/data, the small real images the tests read (python3-skimage), one
# tiny image per format OpenImageIO writes, and the manifests in the tree.
# fuzz_loadimage inputs are "<extension>\n<file bytes>" (see the target).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUT_DIR}
images=$out/fuzz_loadimage
manifests=$out/fuzz_pluginmanifest
rm -rf "$images" "$manifests"
mkdir -p "$images" "$manifests"

add_image() { # add_image FILE [EXTENSION]
  local file=$1 ext=${2:-${1##*.}}
  [ -s "$file" ] || return 0
  { printf '%s\n' "$ext"; cat "$file"; } >"$images/$ext-$(basename "$file")"
}

for f in tests/data/*; do add_image "$f"; done

skimage=/usr/lib/python3/dist-packages/skimage/data
for name in foo3x5x4indexed.png block.png palette_color.png green_palette.png chessboard_GRAY.png \
            phantom.png multipage.tif multipage_rgb.tif no_time_for_that_tiny.gif truncated.jpg; do
  [ -f "$skimage/$name" ] && add_image "$skimage/$name"
done

# One tiny image per writable format and a few layouts (16-bit, float,
# tiled, alpha, data windows), made with oiiotool.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sample() { # sample NAME oiiotool-args...
  local name=$1; shift
  oiiotool "$@" -o "$tmp/$name" >/dev/null 2>&1 && add_image "$tmp/$name" || true
}
rgba="--pattern checker:width=2:height=2 8x8 4"
rgb="--pattern fill:topleft=0,0,0:topright=1,0,0:bottomleft=0,1,0:bottomright=0,0,1 8x8 3"
for ext in png jpg bmp tga gif ppm pgm hdr sgi rla iff ico webp dpx fits; do
  sample "rgb.$ext" $rgb
done
sample rgba.png $rgba
sample rgba16.png $rgba -d uint16
sample rgba.tga $rgba
sample rgba.sgi $rgba
sample gray.pgm --pattern checker 8x8 1
sample float.pfm $rgb -d float
sample u16.tif $rgb -d uint16
sample f32.tif $rgba -d float
sample tiled.tif $rgba --tile 16 16
sample half.exr $rgba -d half
sample float-zip.exr $rgba -d float --compression zip
sample tiled-piz.exr $rgb -d half --tile 16 16 --compression piz
sample window.exr $rgb --origin +3+5 --fullsize 16x16+0+0
sample channels5.exr --pattern constant:color=0.1,0.2,0.3,0.4,0.5 8x8 5
sample multipart.exr $rgb $rgba --siappend

# Plugin manifests: the ones in the tree and one parameter of every type.
for f in plugins/*/plugin.json tests/plugins/pyplugins/*/plugin.json; do
  [ -f "$f" ] && cp "$f" "$manifests/$(basename "$(dirname "$f")").json"
done
cat >"$manifests/every-param-type.json" <<'JSON'
{"name": "demo", "version": "1.0.0", "api_version": 1, "kind": "cpp", "entry": "demo.so",
 "description": "all parameter types",
 "filters": [{"name": "Demo", "description": "d", "dtypes": ["uint8", "uint16", "float16", "float32"],
   "params": [{"name": "f", "type": "float", "label": "F", "min": -1.5, "max": 2.5, "default": 0.5},
              {"name": "i", "type": "int", "min": 0, "max": 10, "default": 3},
              {"name": "b", "type": "bool", "default": true},
              {"name": "c", "type": "choice", "choices": ["a", "b"], "default": "b"}]}]}
JSON
python3 fuzz/make_tev_seeds.py "$out/fuzz_tevpacket"

echo "seed corpus: $(ls "$images" | wc -l) images, $(ls "$manifests" | wc -l) manifests," \
     "$(ls "$out/fuzz_tevpacket" | wc -l) tev packets in $out"
