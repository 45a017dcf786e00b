#!/usr/bin/env bash
# Print the path of a Python suitable for SecureMail (3.12 or 3.13 preferred, 3.11 accepted), or nothing.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1; }
candidates=(python3.12 python3.13)
if command -v pyenv >/dev/null 2>&1; then root=$(pyenv root); else root="${PYENV_ROOT:-$HOME/.pyenv}"; fi
for v in "$root"/versions/3.12.* "$root"/versions/3.13.*; do [ -x "$v/bin/python3" ] && candidates+=("$v/bin/python3"); done
candidates+=(/usr/bin/python3.12 /usr/bin/python3.13 python3.11 python3)
for c in "${candidates[@]}"; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if ok "$p"; then echo "$p"; exit 0; fi
done
exit 0
