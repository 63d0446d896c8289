#!/usr/bin/env bash
# Installs the third-party test servers' dependencies from the package registries, in parts:
#   venv  DEST/venv  python3 -m venv + pip install of requirements.txt (hash-checked)
#   node  DEST/node  npm ci from package-lock.json
#   eth   DEST/eth   npm ci from eth/package-lock.json (Ganache: large, so only when asked)
# Each is rebuilt only when missing or when its requirement files (or the interpreter) changed:
# a stamp holding their hash is written last, so an interrupted install is redone. Concurrent
# calls wait for each other on a lock.
# Usage: setup.sh [DEST [PART...]]  (default: target/peers, parts venv and node)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dest=${1:-${CARGO_TARGET_DIR:-$here/../../target}/peers}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
shift || true
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(venv node)
for part in "${parts[@]}"; do
    case $part in
        venv | node | eth) ;;
        *) echo "setup.sh: unknown part $part (venv, node or eth)" >&2; exit 2 ;;
    esac
done

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

# Installs DEST/DIR from SRC/package.json and its lock, unless its stamp says it is there:
# npm_part DIR SRC PACKAGE (PACKAGE: a dependency whose folder proves an install happened)
npm_part() {
    local dir=$1 src=$2 probe=$3 want
    want=$(fingerprint "$(node --version)" "$src/package.json" "$src/package-lock.json")
    if [ "$(cat "$dest/$dir.stamp" 2>/dev/null)" != "$want" ] || [ ! -d "$dest/$dir/node_modules/$probe" ]; then
        echo "setup.sh: creating $dest/$dir"
        rm -rf "${dest:?}/$dir" "$dest/$dir.stamp"
        mkdir -p "$dest/$dir"
        cp "$src/package.json" "$src/package-lock.json" "$dest/$dir/"
        quietly npm ci --prefix "$dest/$dir" --omit=dev --no-audit --no-fund --ignore-scripts
        echo "$want" >"$dest/$dir.stamp"
    fi
}

# The venv's python is a link to the interpreter that made it: it must still run.
venv_part() {
    local want
    want=$(fingerprint "" "$here/requirements.txt")
    if [ "$(cat "$dest/venv.stamp" 2>/dev/null)" != "$want" ] || ! "$dest/venv/bin/python" -c '' 2>/dev/null; then
        echo "setup.sh: creating $dest/venv"
        rm -rf "$dest/venv" "$dest/venv.stamp"
        quietly python3 -m venv "$dest/venv"
        quietly "$dest/venv/bin/python" -m pip install --disable-pip-version-check --no-input \
            --require-hashes -r "$here/requirements.txt"
        echo "$want" >"$dest/venv.stamp"
    fi
}

for part in "${parts[@]}"; do
    case $part in
        venv) venv_part ;;
        node) npm_part node "$here" ws ;;
        eth) npm_part eth "$here/eth" ganache ;;
    esac
done
