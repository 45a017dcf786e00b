#!/usr/bin/env bash
# Install the Debian packages SecureMail needs, only those missing. Usage: install-sysdeps.sh test|gui
set -u
case "${1:-test}" in
  test) pkgs=(poppler-utils golang-go golang-golang-x-mod-dev desktop-file-utils appstream) ;;
  gui)  pkgs=(xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0
              libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3) ;;
  *) echo "usage: $0 test|gui"; exit 2 ;;
esac
command -v dpkg-query >/dev/null 2>&1 || { echo "Not a Debian-like system: install ${pkgs[*]} yourself."; exit 0; }
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif sudo -n true 2>/dev/null; then sudo="sudo -n"; else
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}"; exit 0; fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq "${missing[@]}" >/dev/null \
  || { echo "apt-get install failed for: ${missing[*]}"; exit 1; }
