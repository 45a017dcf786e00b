#!/usr/bin/env bash
# Install SecureMail from this bundle folder: a start-menu entry, the icon in every size, the AppStream metadata,
# and `securemail` / `securemail-cli` on the PATH. Run from the unpacked bundle:
#   ./install.sh            for the current user (~/.local/share, ~/.local/bin); no root needed
#   sudo ./install.sh --system   for every user (/opt/securemail, /usr/local/share, /usr/local/bin)
#   ./install.sh --uninstall [--system]
# The bundle folder itself is copied (user: ~/.local/share/securemail/app; system: /opt/securemail), so the
# unpacked archive can be deleted afterwards.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
MODE=user
ACTION=install
for arg in "$@"; do
  case "$arg" in
    --system) MODE=system ;;
    --user) MODE=user ;;
    --uninstall) ACTION=uninstall ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)"; exit 2 ;;
  esac
done

if [ "$MODE" = system ]; then
  APP=/opt/securemail; SHARE=/usr/local/share; BIN=/usr/local/bin
  [ "$(id -u)" -eq 0 ] || { echo "--system needs root (sudo $0 --system)"; exit 1; }
else
  DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
  APP="$DATA/securemail/app"; SHARE="$DATA"; BIN="$HOME/.local/bin"
fi
SIZES="16 24 32 48 64 128 256 512"

uninstall() {
  rm -f "$SHARE/applications/securemail.desktop" "$SHARE/metainfo/vn.kt1.SecureMail.metainfo.xml"
  for s in $SIZES; do rm -f "$SHARE/icons/hicolor/${s}x${s}/apps/securemail.png"; done
  rm -f "$SHARE/icons/hicolor/scalable/apps/securemail.svg"
  for exe in securemail securemail-cli; do
    [ -L "$BIN/$exe" ] && rm -f "$BIN/$exe"
  done
  rm -rf "$APP"
  refresh
  echo "SecureMail removed ($MODE). Vaults were not touched."
}

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$SHARE/icons/hicolor" 2>/dev/null || true
}

install_all() {
  [ -x "$HERE/securemail" ] && [ -x "$HERE/securemail-cli" ] || { echo "run install.sh from the bundle folder"; exit 1; }
  if [ "$HERE" != "$APP" ]; then
    rm -rf "$APP.new"; mkdir -p "$(dirname "$APP")"
    cp -a "$HERE" "$APP.new"
    rm -rf "$APP"; mv "$APP.new" "$APP"
  fi
  mkdir -p "$BIN" "$SHARE/applications" "$SHARE/metainfo"
  ln -sfn "$APP/securemail" "$BIN/securemail"
  ln -sfn "$APP/securemail-cli" "$BIN/securemail-cli"
  local icons="$APP/_internal/securemail/assets/icons/hicolor"
  for s in $SIZES; do
    install -D -m 0644 "$icons/${s}x${s}/apps/securemail.png" "$SHARE/icons/hicolor/${s}x${s}/apps/securemail.png"
  done
  install -D -m 0644 "$icons/scalable/apps/securemail.svg" "$SHARE/icons/hicolor/scalable/apps/securemail.svg"
  # The menu entry starts the installed copy by its full path (~/.local/bin may not be on the menu's PATH).
  sed -e "s|^Exec=.*|Exec=\"$APP/securemail\"|" -e "s|^TryExec=.*|TryExec=$APP/securemail|" \
    "$HERE/share/securemail.desktop" > "$SHARE/applications/securemail.desktop"
  chmod 0644 "$SHARE/applications/securemail.desktop"
  install -m 0644 "$HERE/share/vn.kt1.SecureMail.metainfo.xml" "$SHARE/metainfo/vn.kt1.SecureMail.metainfo.xml"
  refresh
  echo "SecureMail installed ($MODE): $APP"
  echo "  menu entry: $SHARE/applications/securemail.desktop"
  echo "  commands:   $BIN/securemail, $BIN/securemail-cli"
  case ":$PATH:" in *":$BIN:"*) ;; *) echo "  note: $BIN is not on your PATH; add it or use the full paths." ;; esac
  echo "Check the installation with: $BIN/securemail-cli selftest"
}

if [ "$ACTION" = uninstall ]; then uninstall; else install_all; fi
