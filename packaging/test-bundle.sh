#!/usr/bin/env bash
# Check a bundle tar.gz where no Python project is installed: unpack into a fresh folder, run the programs with
# `env -i` and an empty PATH (no venv, no system Python reachable), then the user install script with a fresh HOME.
# Prints size and start times. Usage: packaging/test-bundle.sh dist/securemail-<version>-linux-<arch>.tar.gz
set -euo pipefail
TARBALL="$(realpath "$1")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
HOME_DIR="$WORK/user-home"      # the fresh HOME the bundle runs with
SCRATCH="$WORK/scratch"         # its TMPDIR
NO_PATH="$WORK/empty-path"      # a PATH with nothing on it
SYSTEM_PATH="$(getconf PATH)"   # the system's standard commands only, for install.sh
mkdir -p "$HOME_DIR" "$NO_PATH" "$SCRATCH"
tar -C "$WORK" -xzf "$TARBALL"
B="$WORK/securemail"
clean() {  # run a bundled program in a clean environment (nothing from this shell, no PATH to any Python)
  env -i HOME="$HOME_DIR" TMPDIR="$SCRATCH" PATH="$NO_PATH" LANG=C.UTF-8 SECUREMAIL_LANG=en \
    QT_QPA_PLATFORM=offscreen "$@"
}
ms() { date +%s%N | cut -c1-13; }

t0=$(ms); out="$(cd "$WORK" && clean "$B/securemail-cli" --version)"; t_version=$(( $(ms) - t0 ))
[[ "$out" =~ ^securemail\ [0-9]+\.[0-9]+ ]] || { echo "FAIL securemail-cli --version printed: $out"; exit 1; }
echo "ok  securemail-cli --version: $out (${t_version} ms)"

t0=$(ms)
if ! (cd "$WORK" && clean "$B/securemail-cli" selftest) > "$WORK/selftest.txt" 2>&1; then
  cat "$WORK/selftest.txt"; echo "FAIL securemail-cli selftest"; exit 1
fi
t_selftest=$(( $(ms) - t0 ))
sed 's/^/    /' "$WORK/selftest.txt"
echo "ok  securemail-cli selftest (${t_selftest} ms)"

t0=$(ms)
if ! (cd "$WORK" && clean "$B/securemail" --vault "$WORK/no-vault" --exit-after-start) > "$WORK/gui.txt" 2>&1; then
  cat "$WORK/gui.txt"; echo "FAIL securemail (desktop app) did not start"; exit 1
fi
t_gui=$(( $(ms) - t0 ))
if grep -q Traceback "$WORK/gui.txt"; then cat "$WORK/gui.txt"; exit 1; fi
echo "ok  securemail --exit-after-start, offscreen: window shown and closed (${t_gui} ms)"

# Under a real X server too (Xvfb), when there is one: the xcb platform plugin and its libraries load.
t_x11=""
if command -v xvfb-run >/dev/null; then
  t0=$(ms)
  if ! xvfb-run -a -s "-screen 0 1280x800x24" bash -c 'exec env -i DISPLAY="$DISPLAY" XAUTHORITY="$XAUTHORITY" \
      HOME="$1" TMPDIR="$1" PATH="$2" SECUREMAIL_LANG=en "$3/securemail" --vault "$1/no-vault" --exit-after-start' \
      _ "$HOME_DIR" "$NO_PATH" "$B" > "$WORK/x11.txt" 2>&1; then
    cat "$WORK/x11.txt"; echo "FAIL securemail did not start under Xvfb"; exit 1
  fi
  t_x11=", under Xvfb $(( $(ms) - t0 )) ms"
  echo "ok  securemail --exit-after-start under Xvfb (xcb)"
fi

# The user install: menu entry, icons, metainfo, commands in ~/.local/bin.
env -i HOME="$HOME_DIR" PATH="$SYSTEM_PATH" "$B/install.sh" > "$WORK/install.txt"
H="$HOME_DIR/.local/share"
for f in applications/securemail.desktop metainfo/vn.kt1.SecureMail.metainfo.xml \
         icons/hicolor/48x48/apps/securemail.png icons/hicolor/scalable/apps/securemail.svg securemail/app/securemail; do
  [ -e "$H/$f" ] || { cat "$WORK/install.txt"; echo "FAIL install.sh: missing $H/$f"; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$H/applications/securemail.desktop"; fi
installed="$(clean "$HOME_DIR/.local/bin/securemail-cli" --version)"
env -i HOME="$HOME_DIR" PATH="$SYSTEM_PATH" "$B/install.sh" --uninstall > /dev/null
[ ! -e "$H/applications/securemail.desktop" ] && [ ! -e "$HOME_DIR/.local/bin/securemail-cli" ] \
  || { echo "FAIL install.sh --uninstall left files"; exit 1; }
echo "ok  install.sh (user): menu entry, icons, metainfo, commands ($installed); --uninstall removes them"

size_dir=$(du -sm "$B" | cut -f1)
size_tar=$(( $(stat -c %s "$TARBALL") / 1024 / 1024 ))
echo "bundle: ${size_dir} MB unpacked, ${size_tar} MB tar.gz; start: --version ${t_version} ms, \
selftest ${t_selftest} ms, app to first window ${t_gui} ms (offscreen)${t_x11}"
