#!/usr/bin/env bash
# Installs the third-party test servers' dependencies from the package registries:
#   DEST/venv  python3 -m venv + pip install of requirements.txt (hash-checked)
#   DEST/node  npm ci from package-lock.json
# Each is rebuilt only when missing or when its requirement files (or the interpreter) changed:
# a stamp holding their hash is written last, so an interrupted install is redone. Concurrent
# calls wait for each other on a lock. Usage: setup.sh [DEST]  (default: target/peers)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-${CARGO_TARGET_DIR:-$here/../../target}/peers}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

exec 9>"$dest/.lock"
flock -w 900 9 || { echo "setup.sh: $dest/.lock still held after 900 s" >&2; exit 1; }

# Prints one hash of FILE... and of TEXT (what else the result depends on): fingerprint TEXT FILE...
fingerprint() {
    local text=$1
    shift
    { sha256sum "$@" | cut -d' ' -f1; printf '%s\n' "$text"; } | sha256sum | cut -d' ' -f1
}

# Runs "$@" with its output kept quiet unless it fails.
quietly() {
    local log
    log=$(mktemp)
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "setup.sh: failed: $*" >&2
        return 1
    fi
    rm -f "$log"
}

# The venv's python is a link to the interpreter that made it: it must still run.
want=$(fingerprint "" "$here/requirements.txt")
if [ "$(cat "$dest/venv.stamp" 2>/dev/null)" != "$want" ] || ! "$dest/venv/bin/python" -c '' 2>/dev/null; then
    echo "setup.sh: creating $dest/venv"
    rm -rf "$dest/venv" "$dest/venv.stamp"
    quietly python3 -m venv "$dest/venv"
    quietly "$dest/venv/bin/python" -m pip install --disable-pip-version-check --no-input \
        --require-hashes -r "$here/requirements.txt"
    echo "$want" >"$dest/venv.stamp"
fi

want=$(fingerprint "$(node --version)" "$here/package.json" "$here/package-lock.json")
if [ "$(cat "$dest/node.stamp" 2>/dev/null)" != "$want" ] || [ ! -d "$dest/node/node_modules/ws" ]; then
    echo "setup.sh: creating $dest/node"
    rm -rf "$dest/node" "$dest/node.stamp"
    mkdir -p "$dest/node"
    cp "$here/package.json" "$here/package-lock.json" "$dest/node/"
    quietly npm ci --prefix "$dest/node" --omit=dev --no-audit --no-fund --ignore-scripts
    echo "$want" >"$dest/node.stamp"
fi
