#!/usr/bin/env bash
# Builds the release artefacts into dist/: the Linux amd64 binary, .deb and
# .rpm (nfpm), the Windows amd64 .exe and NSIS installer (cross-built), and
# SHA256SUMS. The version comes from wails.json (info.productVersion), the one
# place it is set; Wails stamps it into the Windows version resource and
# manifest, and -ldflags into shipdeck/app.Version (`shipdeck --version`).
# Needs: Go, Node/npm, gcc + GTK/WebKitGTK dev packages (scripts/deps.sh),
# and makensis (Debian package nsis) for the installer.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
[ -n "$version" ] || { echo "dist: no info.productVersion in wails.json" >&2; exit 1; }
command -v makensis >/dev/null || { echo "dist: makensis not found (apt-get install nsis)" >&2; exit 1; }
ldflags="-X shipdeck/app.Version=$version"
# Reproducible package timestamps: the last commit's time.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
rm -rf dist && mkdir -p dist

# Linux. `wails build` cleans build/bin, so each artefact is copied out at once.
# -skipbindings: release from the committed frontend/wailsjs bindings (`make
# bind` regenerates them). Wails still rewrites frontend/wailsjs/runtime (same
# content, mode 0644) whenever it builds the frontend.
# WebKitGTK 4.1: the only one Debian 13, Ubuntu 24.04+ and Fedora 40+ ship.
go tool wails build -clean -skipbindings -trimpath -tags webkit2_41 -ldflags "$ldflags" -o shipdeck
got=$(build/bin/shipdeck --version)
[ "$got" = "shipdeck $version" ] || { echo "dist: the binary says '$got', want 'shipdeck $version'" >&2; exit 1; }
cp build/bin/shipdeck "dist/shipdeck-$version-linux-amd64"
install -D -m 0755 build/bin/shipdeck "$stage/shipdeck"
STAGE="$stage" VERSION="$version" go tool nfpm pkg --config packaging/nfpm.yaml --packager deb \
  --target "dist/shipdeck_${version}_amd64.deb"
STAGE="$stage" VERSION="$version" go tool nfpm pkg --config packaging/nfpm.yaml --packager rpm \
  --target "dist/shipdeck-${version}-1.x86_64.rpm"

# Windows, cross-built (no cgo). The frontend was built above: -s skips it.
# The GUI executable has no console, so the command line ships beside it as
# shipdeck-cli.exe (console subsystem: plain go build); the installer puts it
# in the install folder and offers to add that folder to the PATH.
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o build/bin/shipdeck-cli.exe .
go tool wails build -s -skipbindings -trimpath -platform windows/amd64 -nsis -ldflags "$ldflags" -o shipdeck.exe
[ -f build/bin/shipdeck-cli.exe ] || { echo "dist: shipdeck-cli.exe was removed by the Windows build" >&2; exit 1; }
cp build/bin/shipdeck-cli.exe "dist/shipdeck-cli-$version-windows-amd64.exe"
cp build/bin/shipdeck.exe "dist/Shipdeck-$version-windows-amd64.exe"
cp build/bin/Shipdeck-amd64-installer.exe "dist/Shipdeck-$version-windows-amd64-installer.exe"

(cd dist && sha256sum -- * > SHA256SUMS)
ls -l dist
