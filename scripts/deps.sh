#!/usr/bin/env bash
# Installs the system packages Shipdeck needs to build (and, with --test, to
# run its tests) on Debian/Ubuntu. Elsewhere it says what to install.
set -euo pipefail
build_pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
# postgresql: the team database's tests start a private server of their own
# (internal/pgtest), so the package's default cluster is not made.
test_pkgs=(xvfb xauth chromium dbus dbus-x11 imagemagick sqlite3 file nsis binutils desktop-file-utils x11-utils xdotool xclip rpm poppler-utils python3 postgresql)
want=("${build_pkgs[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_pkgs[@]}")

case "$(uname -s)" in
  Darwin)
    xcode-select -p >/dev/null 2>&1 || { echo "Install the Xcode command line tools: xcode-select --install" >&2; exit 1; }
    exit 0 ;;
  MINGW*|MSYS*|CYGWIN*)
    echo "On Windows, Go, Node.js and the WebView2 runtime are all Shipdeck needs to build." >&2
    exit 0 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system: install the equivalents of ${want[*]}" >&2
  exit 0
fi
missing=()
for p in "${want[@]}"; do
  grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q
if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  $SUDO mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/shipdeck.conf >/dev/null
fi
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
