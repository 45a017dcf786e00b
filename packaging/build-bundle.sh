#!/usr/bin/env bash
# Build the one-folder bundle (PyInstaller) and its tar.gz, then check it in a clean environment.
# Usage: packaging/build-bundle.sh [PYTHON]   (make bundle). Output: dist/bundle/securemail/ and
# dist/securemail-<version>-linux-<arch>.tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-.venv/bin/python}"
VERSION="$("$PY" -c 'import securemail; print(securemail.__version__)')"
ARCH="$(uname -m)"
TARBALL="dist/securemail-$VERSION-linux-$ARCH.tar.gz"

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist/bundle --workpath build/pyinstaller \
  packaging/securemail.spec
B=dist/bundle/securemail
mkdir -p "$B/share"
cp packaging/linux/securemail.desktop packaging/linux/vn.kt1.SecureMail.metainfo.xml "$B/share/"
cp packaging/linux/install.sh "$B/install.sh"
cp packaging/linux/README.txt "$B/README.txt"
chmod +x "$B/install.sh"
tar -C dist/bundle -czf "$TARBALL" securemail
echo "built $B and $TARBALL in $(( $(date +%s) - start )) s"
packaging/test-bundle.sh "$TARBALL"
