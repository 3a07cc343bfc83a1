#!/usr/bin/env bash
# Renders every Shipdeck icon from the SVG sources beside this script. The
# outputs are committed, so builds and CI never run this; run it after
# changing an SVG. Needs rsvg-convert (librsvg2-bin) and ImageMagick.
#   shipdeck.svg        48 px and up, and the scalable hicolor icon
#   shipdeck-small.svg  24 and 32 px (fewer, bolder shapes)
#   shipdeck-16.svg     16 px
# Outputs: build/appicon.png (1024, Wails makes the macOS .icns and the Linux
# window icon from it), build/windows/icon.ico (16-256), and
# build/icon/shipdeck-N.png for the hicolor theme (packaging/nfpm.yaml).
set -euo pipefail
cd "$(dirname "$0")"
source_for() {
  case $1 in
    16) echo shipdeck-16.svg ;;
    24|32) echo shipdeck-small.svg ;;
    *) echo shipdeck.svg ;;
  esac
}
render() { rsvg-convert -w "$1" -h "$1" "$(source_for "$1")" -o "$2"; }

render 1024 ../appicon.png
for s in 16 24 32 48 64 128 256 512; do render "$s" "shipdeck-$s.png"; done
convert shipdeck-{16,24,32,48,64,128,256}.png -strip ../windows/icon.ico
# No timestamps in the PNGs: re-running gives the same bytes.
for f in ../appicon.png shipdeck-*.png; do convert "$f" -strip -define png:exclude-chunks=date,time "$f"; done
identify ../appicon.png ../windows/icon.ico shipdeck-*.png
