#!/usr/bin/env bash
# Checks what `make dist` put in dist/ (run `make test-dist` for both):
#   - the Windows .exe is a PE32+ GUI x86-64 executable carrying the version
#     resource, the application manifest and the Shipdeck icon; the NSIS
#     installer is there; SHA256SUMS matches;
#   - the Linux binary needs at most glibc 2.35 (Ubuntu 22.04); the .rpm
#     requires gtk3 and webkit2gtk4.1 (Fedora 40+);
#   - the .deb declares GTK and WebKitGTK 4.1, installs with dpkg -i
#     (no apt-get install -f), puts the binary, a valid desktop entry and the
#     hicolor icons in place, and its /usr/bin/shipdeck links WebKitGTK 4.1
#     (not 4.0), starts under Xvfb with
#     a temporary HOME, creates ~/.local/share/shipdeck/shipdeck.db there and
#     exits cleanly within 5 s of SIGTERM. The package is removed afterwards.
# Needs root (dpkg), Xvfb, file, binutils (strings), python3; uses
# desktop-file-validate when desktop-file-utils is installed.
set -euo pipefail
# Under pipefail, `producer | grep -q` fails by chance: grep quits at its first
# match and the producer dies of SIGPIPE (rpm -qpl did 7 times in 30). Checks
# here read captured output (<<<"$(...)") instead of a pipe.
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*"productVersion": *"\([^"]*\)".*/\1/p' wails.json)
pass=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; pass=$((pass + 1)); }
[ "$(id -u)" = 0 ] || fail "run as root (dpkg -i): sudo $0"
for tool in file strings python3 Xvfb dpkg-deb objdump; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/deps.sh --test)"
done

# --- Windows -----------------------------------------------------------------
exe="dist/Shipdeck-$version-windows-amd64.exe"
installer="dist/Shipdeck-$version-windows-amd64-installer.exe"
[ -f "$exe" ] || fail "$exe is missing (make dist)"
desc=$(file -b "$exe")
[[ $desc == "PE32+ executable (GUI) x86-64"* ]] || fail "$exe: $desc"
ok "$exe is a PE32+ executable (GUI) x86-64"

# The version resource: VS_VERSIONINFO string table entries are UTF-16LE.
vstrings=$(strings -el "$exe")
for kv in "ProductVersion=$version" "FileVersion=$version" "ProductName=Shipdeck" "CompanyName=Shipdeck" "OriginalFilename=shipdeck.exe"; do
  grep -qxF -A1 "${kv%%=*}" <<<"$vstrings" || fail "no ${kv%%=*} in the version resource of $exe"
  grep -qxF "${kv#*=}" <<<"$(grep -xF -A1 "${kv%%=*}" <<<"$vstrings")" || fail "${kv%%=*} is not '${kv#*=}' in $exe"
done
grep -qxF VS_VERSION_INFO <<<"$vstrings" || fail "no VS_VERSION_INFO in $exe"
ok "the .exe carries the version resource (ProductVersion $version, Shipdeck)"
grep -qaF '<assemblyIdentity type="win32" name="io.shipdeck.desktop" version="'"$version"'.0"' "$exe" ||
  fail "no Shipdeck application manifest in $exe"
ok "the .exe carries the application manifest (io.shipdeck.desktop $version.0)"
python3 - "$exe" build/windows/icon.ico <<'EOF' || fail "the .exe does not carry build/windows/icon.ico"
import struct, sys
exe = open(sys.argv[1], "rb").read()
ico = open(sys.argv[2], "rb").read()
for i in range(struct.unpack("<HHH", ico[:6])[2]):
    size, off = struct.unpack("<II", ico[14 + 16 * i:22 + 16 * i])
    if exe.find(ico[off:off + size]) < 0:
        sys.exit(1)
EOF
ok "the .exe carries every image of build/windows/icon.ico"
cli="dist/shipdeck-cli-$version-windows-amd64.exe"
[[ $(file -b "$cli") == "PE32+ executable (console) x86-64"* ]] || fail "$cli: $(file -b "$cli")"
ok "$cli is a PE32+ console executable (the command line on Windows)"
[ -f "$installer" ] || fail "$installer is missing"
desc=$(file -b "$installer")
[[ $desc == *"Nullsoft Installer"* ]] || fail "$installer: $desc"
strings -el "$installer" | grep -xF "$version" >/dev/null || fail "the installer does not carry version $version"
# The installer's payload is compressed: makensis' own listing of the same
# script says what it packs (into a throwaway file, from the built binaries).
packs=$(cd build/windows/installer && makensis -V4 -DARG_WAILS_AMD64_BINARY=../../bin/shipdeck.exe "-XOutFile $(mktemp -u)" project.nsi 2>&1 | grep '^File: ') ||
  fail "makensis could not list the installer's files"
grep -q '"shipdeck-cli.exe"->"shipdeck-cli.exe"' <<<"$packs" || fail "the installer does not pack shipdeck-cli.exe: $packs"
ok "the installer packs shipdeck-cli.exe beside Shipdeck.exe (makensis listing of its script)"
ok "$installer is an NSIS installer of $version"

(cd dist && sha256sum --quiet -c SHA256SUMS) || fail "SHA256SUMS does not match"
for f in dist/*; do
  [ "$f" = dist/SHA256SUMS ] || grep -q " ${f#dist/}\$" dist/SHA256SUMS || fail "$f is not in SHA256SUMS"
done
ok "SHA256SUMS covers and matches every artefact"

# --- Linux binary and .deb -----------------------------------------------------
bin="dist/shipdeck-$version-linux-amd64"
[[ $(file -b "$bin") == "ELF 64-bit LSB"*"x86-64"* ]] || fail "$bin: $(file -b "$bin")"
deb="dist/shipdeck_${version}_amd64.deb"
[ -f "$deb" ] || fail "$deb is missing"
[ "$(dpkg-deb -f "$deb" Package Version Architecture | tr '\n' ' ')" = "Package: shipdeck Version: $version Architecture: amd64 " ] ||
  fail "$deb control: $(dpkg-deb -f "$deb" Package Version Architecture)"
depends=$(dpkg-deb -f "$deb" Depends)
for dep in libgtk-3-0 libwebkit2gtk-4.1-0; do
  grep -qw -- "$dep" <<<"$depends" || fail "$deb does not depend on $dep (Depends: $depends)"
done
! grep -q "webkit2gtk-4.0" <<<"$depends" || fail "$deb still depends on WebKitGTK 4.0 (Depends: $depends)"
ok "$deb is shipdeck $version amd64 and depends on $depends"

# The binary runs on glibc 2.35 (Ubuntu 22.04): no symbol it needs is newer.
glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
[ -n "$glibc" ] || fail "no GLIBC_ symbol versions found in $bin"
[ "$(printf '%s\n2.35\n' "$glibc" | sort -V | tail -1)" = 2.35 ] || fail "$bin needs glibc $glibc, newer than Ubuntu 22.04's 2.35"
ok "$bin needs at most glibc $glibc (Ubuntu 22.04 has 2.35)"

# The .rpm for Fedora 40+: its name, version and requirements.
rpmfile="dist/shipdeck-${version}-1.x86_64.rpm"
[ -f "$rpmfile" ] || fail "$rpmfile is missing"
command -v rpm >/dev/null || fail "rpm is not installed (scripts/deps.sh --test)"
[ "$(rpm -qp --queryformat '%{NAME} %{VERSION} %{ARCH}' "$rpmfile" 2>/dev/null)" = "shipdeck $version x86_64" ] ||
  fail "$rpmfile is $(rpm -qp --queryformat '%{NAME} %{VERSION} %{ARCH}' "$rpmfile" 2>&1)"
requires=$(rpm -qpR "$rpmfile" 2>/dev/null)
for dep in gtk3 webkit2gtk4.1; do
  grep -qx -- "$dep" <<<"$requires" || fail "$rpmfile does not require $dep (Requires: $(tr '\n' ' ' <<<"$requires"))"
done
! grep -q "webkit2gtk4.0\|webkit2gtk3" <<<"$requires" || fail "$rpmfile requires an old WebKitGTK"
grep -qx /usr/bin/shipdeck <<<"$(rpm -qpl "$rpmfile" 2>/dev/null)" || fail "$rpmfile does not install /usr/bin/shipdeck"
ok "$rpmfile is shipdeck $version x86_64 and requires $(grep -v '^rpmlib' <<<"$requires" | tr '\n' ' ')"

home=$(mktemp -d)
xvfb=""
app=""
cleanup() {
  [ -n "$app" ] && kill -KILL "$app" 2>/dev/null
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
  dpkg -r shipdeck >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT
# dpkg -i fails (and leaves the package unconfigured) if a dependency is
# missing: no apt-get install -f is allowed to paper over it.
dpkg -i "$deb" >"$home/dpkg.log" 2>&1 || { cat "$home/dpkg.log"; fail "dpkg -i $deb failed"; }
[ "$(dpkg-query -W -f='${Status} ${Version}' shipdeck)" = "install ok installed $version" ] ||
  fail "shipdeck is not installed: $(dpkg-query -W -f='${Status} ${Version}' shipdeck)"
ok "dpkg -i installs shipdeck $version with its dependencies already met"

[ -x /usr/bin/shipdeck ] || fail "/usr/bin/shipdeck is missing"
# The same binary is the command line on the PATH.
cliout=$(HOME="$home" shipdeck version) || fail "shipdeck version failed"
[[ $cliout == "shipdeck $version (database schema "* ]] || fail "shipdeck version says '$cliout'"
ok "the command line is on the PATH: $cliout"
cmp -s /usr/bin/shipdeck "$bin" || fail "/usr/bin/shipdeck is not $bin"
if grep -q "not found" <<<"$(ldd /usr/bin/shipdeck)"; then ldd /usr/bin/shipdeck | grep "not found"; fail "unresolved libraries"; fi
# (ldd's output goes to a variable first: grep -q in a pipe under pipefail
# would fail on ldd's SIGPIPE.)
libs=$(ldd /usr/bin/shipdeck)
grep -q 'libwebkit2gtk-4\.1\.so' <<<"$libs" || fail "the installed binary does not link WebKitGTK 4.1: $(grep webkit <<<"$libs")"
! grep -q 'libwebkit2gtk-4\.0\.so' <<<"$libs" || fail "the installed binary links WebKitGTK 4.0"
ok "the installed binary links $(grep -o 'libwebkit2gtk-4\.1\.so[.0-9]*' <<<"$libs" | sort -u) and not WebKitGTK 4.0"
entry=/usr/share/applications/shipdeck.desktop
[ -f "$entry" ] || fail "$entry is missing"
grep -qx "Exec=shipdeck" "$entry" && grep -qx "Icon=shipdeck" "$entry" && grep -qx "Type=Application" "$entry" ||
  fail "$entry does not start shipdeck with its icon"
if command -v desktop-file-validate >/dev/null; then
  out=$(desktop-file-validate "$entry" 2>&1) || fail "desktop-file-validate: $out"
  [ -z "$out" ] || fail "desktop-file-validate: $out"
  ok "$entry is installed and valid (desktop-file-validate)"
else
  ok "$entry is installed (desktop-file-validate not installed: not validated)"
fi
for s in 16 24 32 48 64 128 256 512; do
  png=/usr/share/icons/hicolor/${s}x${s}/apps/shipdeck.png
  [ -f "$png" ] || fail "$png is missing"
  [[ $(file -b "$png") == "PNG image data, $s x $s,"* ]] || fail "$png: $(file -b "$png")"
done
[ -f /usr/share/icons/hicolor/scalable/apps/shipdeck.svg ] || fail "the scalable icon is missing"
ok "the hicolor icons (16-512 px and scalable) are installed"
[ "$(/usr/bin/shipdeck --version)" = "shipdeck $version" ] || fail "--version says '$(/usr/bin/shipdeck --version)'"
ok "shipdeck --version prints shipdeck $version"

# --- first launch of the installed app ------------------------------------------
display=""
for n in $(seq 141 199); do
  [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { display=":$n"; break; }
done
[ -n "$display" ] || fail "no free X display"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$home/xvfb.log" 2>&1 &
xvfb=$!
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
[ -e "/tmp/.X11-unix/X${display#:}" ] || { cat "$home/xvfb.log"; fail "Xvfb did not start on $display"; }

# A clean user: temporary HOME, no XDG_DATA_HOME, no override, and no session
# bus (so a Shipdeck the caller may have open cannot claim the single-instance
# lock). `env` execs, so $! is the app's own PID.
mkdir -p "$home/user"
env -u SHIPDECK_DATA_DIR -u XDG_DATA_HOME -u DBUS_SESSION_BUS_ADDRESS \
  HOME="$home/user" DISPLAY="$display" /usr/bin/shipdeck >"$home/app.log" 2>&1 &
app=$!
db="$home/user/.local/share/shipdeck/shipdeck.db"
for _ in $(seq 150); do
  grep -q "database open" "$home/app.log" && break
  kill -0 "$app" 2>/dev/null || { cat "$home/app.log"; fail "shipdeck exited at start-up"; }
  sleep 0.1
done
grep -q "database open" "$home/app.log" || { cat "$home/app.log"; fail "no database open within 15 s"; }
[ -f "$db" ] || { cat "$home/app.log"; fail "no database at $db"; }
[ "$(stat -c %a "$(dirname "$db")")" = 700 ] || fail "the data directory is not mode 0700"
python3 - "$db" <<'EOF' || fail "$db is not a migrated Shipdeck database"
import sqlite3, sys
con = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
missing = {"clusters", "customers", "releases", "step_templates", "customer_steps"} - tables
assert not missing, f"missing tables {missing}"
EOF
ok "the installed app starts under Xvfb and creates $db (migrated, integrity ok)"

sleep 1 # let the window settle: SIGTERM must work on a running app, not one starting
# Desktops match a window to its .desktop entry (and so its icon) by WM_CLASS.
if command -v xwininfo >/dev/null && command -v xprop >/dev/null; then
  win=$(awk '/ "Shipdeck": \(/ {print $1; exit}' <<<"$(DISPLAY=$display xwininfo -root -tree)")
  [ -n "$win" ] || { DISPLAY=$display xwininfo -root -tree; fail "no window titled Shipdeck"; }
  class=$(DISPLAY=$display xprop -id "$win" WM_CLASS)
  [[ $class == *'"shipdeck"'* ]] || fail "window class $class does not match StartupWMClass=shipdeck"
  ok "the window is titled Shipdeck, class shipdeck (the desktop entry's StartupWMClass)"
fi
# The window draws: its sidebar is not a flat colour.
command -v import >/dev/null || fail "ImageMagick is not installed (scripts/deps.sh --test)"
drawn=""
for _ in $(seq 30); do
  DISPLAY=$display import -window root "$home/window.png" 2>/dev/null
  sd=$(convert "$home/window.png" -crop 400x300+30+60 +repage -format '%[fx:standard_deviation]' info:)
  awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }' && { drawn=$sd; break; }
  sleep 0.5
done
[ -n "$drawn" ] || fail "the installed app's window stayed blank (stddev $sd)"
ok "the installed app's window draws its page (sidebar stddev $drawn)"
kill -TERM "$app"
start=$(date +%s%N)
for _ in $(seq 50); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app" 2>/dev/null && { cat "$home/app.log"; fail "shipdeck still runs 5 s after SIGTERM"; }
set +e; wait "$app"; rc=$?; set -e
app=""
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 0 ] || { cat "$home/app.log"; fail "shipdeck exited with status $rc after SIGTERM"; }
grep -q "shut down cleanly" "$home/app.log" || { cat "$home/app.log"; fail "no clean shutdown in the log"; }
[ ! -e "$db-wal" ] || [ ! -s "$db-wal" ] || fail "the WAL was not checkpointed on close"
ok "SIGTERM closes the app cleanly (status 0) in ${ms} ms"

dpkg -r shipdeck >/dev/null || fail "dpkg -r shipdeck failed"
[ ! -e /usr/bin/shipdeck ] && [ ! -e "$entry" ] || fail "dpkg -r left files behind"
ok "dpkg -r shipdeck removes it"
echo "$pass passed, 0 failed"
