#!/usr/bin/env bash
# Checks what `make dist` produced: a Windows GUI executable with its version
# resource, and a .deb that installs, puts its desktop entry where desktop
# environments look, and whose binary starts under Xvfb, creates its
# database and quits within 5 s of SIGTERM. Needs root (dpkg -i).
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
fail() { echo "FAIL: $*" >&2; exit 1; }
pass=0
ok() { echo "ok: $*"; pass=$((pass + 1)); }

exe="dist/Shipdeck-$version-windows-amd64.exe"
[ -f "$exe" ] || fail "$exe is missing"
file "$exe" | grep -q "PE32+ executable (GUI) x86-64" || fail "$exe is not a PE32+ GUI executable: $(file "$exe")"
ok "$exe is a PE32+ GUI executable"
strings -el "$exe" | grep -qx "ProductVersion" || fail "no version resource in $exe"
strings -el "$exe" | grep -qx "$version" || fail "version $version not in the version resource"
strings -el "$exe" | grep -qx "Shipdeck" || fail "product name not in the version resource"
grep -qa "io.shipdeck.desktop" "$exe" || fail "no application manifest in $exe"
ok "the Windows binary carries version $version and its manifest"
[ -f "dist/Shipdeck-$version-windows-amd64-installer.exe" ] && ok "the NSIS installer exists"
(cd dist && sha256sum -c SHA256SUMS >/dev/null) || fail "SHA256SUMS does not match"
ok "SHA256SUMS matches"

deb="dist/shipdeck_${version}_amd64.deb"
dpkg-deb -f "$deb" Depends | grep -q libwebkit2gtk-4.0-37 || fail "the .deb does not depend on WebKitGTK"
dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb failed"
trap 'dpkg -r shipdeck >/dev/null 2>&1 || true' EXIT
[ -x /usr/bin/shipdeck ] || fail "/usr/bin/shipdeck missing"
[ -f /usr/share/applications/shipdeck.desktop ] || fail "desktop entry missing"
[ -f /usr/share/icons/hicolor/256x256/apps/shipdeck.png ] || fail "icon missing"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate /usr/share/applications/shipdeck.desktop || fail "invalid desktop entry"; fi
ok "the .deb installs the binary, the desktop entry and the icons"
[ "$(/usr/bin/shipdeck --version)" = "shipdeck $version" ] || fail "--version says '$(/usr/bin/shipdeck --version)'"
ok "shipdeck --version prints $version"

home=$(mktemp -d)
display=""
for n in $(seq 141 180); do [ -e "/tmp/.X11-unix/X$n" ] || { display=":$n"; break; }; done
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; dpkg -r shipdeck >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
sleep 1
HOME="$home" XDG_DATA_HOME="" DISPLAY="$display" /usr/bin/shipdeck >"$home/log" 2>&1 &
app=$!
db="$home/.local/share/shipdeck/shipdeck.db"
for _ in $(seq 100); do [ -f "$db" ] && break; sleep 0.1; done
[ -f "$db" ] || { cat "$home/log"; fail "no database at $db"; }
sleep 1
kill -TERM "$app"
for _ in $(seq 50); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app" 2>/dev/null && fail "still running 5 s after SIGTERM"
[ "$(stat -c %a "$(dirname "$db")")" = 700 ] || fail "data directory is not 0700"
ok "the installed app starts, creates $db and quits on SIGTERM"
echo "$pass passed, 0 failed"
