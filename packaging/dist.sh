#!/usr/bin/env bash
# Builds the release artefacts into dist/: the Linux binary and .deb, the
# Windows .exe and NSIS installer (cross-built), and SHA256SUMS. The version
# comes from wails.json (info.productVersion), the one place it is set.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
ldflags="-X shipdeck/app.Version=$version"
rm -rf dist && mkdir -p dist/linux

go tool wails build -clean -trimpath -ldflags "$ldflags" -o shipdeck
cp build/bin/shipdeck dist/linux/shipdeck
cp build/bin/shipdeck "dist/shipdeck-$version-linux-amd64"
VERSION="$version" go tool nfpm pkg --config packaging/nfpm.yaml --packager deb --target "dist/shipdeck_${version}_amd64.deb"

if command -v makensis >/dev/null; then nsis=-nsis; else nsis=""; echo "makensis not found: no Windows installer" >&2; fi
go tool wails build -skipbindings -s -trimpath -platform windows/amd64 $nsis -ldflags "$ldflags" -o shipdeck.exe
cp build/bin/shipdeck.exe "dist/Shipdeck-$version-windows-amd64.exe"
if [ -n "$nsis" ]; then cp build/bin/Shipdeck-amd64-installer.exe "dist/Shipdeck-$version-windows-amd64-installer.exe"; fi

rm -rf dist/linux
(cd dist && sha256sum -- * > SHA256SUMS)
ls -la dist
