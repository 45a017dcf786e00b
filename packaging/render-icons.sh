#!/usr/bin/env bash
# Render the app icon's PNG sizes from the SVG (Debian: librsvg2-bin). The PNGs are committed; rerun after
# changing securemail/assets/icons/securemail.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
icons=securemail/assets/icons
command -v rsvg-convert >/dev/null || { echo "rsvg-convert missing: apt-get install librsvg2-bin"; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  out="$icons/hicolor/${size}x${size}/apps"
  mkdir -p "$out"
  rsvg-convert -w "$size" -h "$size" "$icons/securemail.svg" -o "$out/securemail.png"
done
mkdir -p "$icons/hicolor/scalable/apps"
cp "$icons/securemail.svg" "$icons/hicolor/scalable/apps/securemail.svg"
echo "rendered $(find "$icons/hicolor" -name 'securemail.png' | wc -l) PNG sizes into $icons/hicolor"
