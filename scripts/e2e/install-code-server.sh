#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 with a Node extension host) into a cache
# folder outside the clone, so the end-to-end tests can run a real VS Code
# offline. A desktop VS Code cannot be downloaded here; see ../../test/e2e/README.md.
#
# Usage: scripts/e2e/install-code-server.sh        prints the install folder on stdout
# Env:   MARGIN_E2E_CACHE   cache root (default ~/.cache/margin-lens-e2e)
#
# The folder is keyed by code-server version, Node major version and machine
# architecture, because code-server ships native modules built for that Node.
# A marker file written last makes a half-finished install count as absent.
set -euo pipefail

readonly CODE_SERVER_VERSION=4.100.3 # newest release that runs on Node 20
# @vscode/ripgrep 1.15.11 (a dependency of VS Code 1.100) looks for this archive
# in $TMPDIR before it tries GitHub; we fill it with Debian's rg.
readonly RIPGREP_CACHE_DIR=vscode-ripgrep-cache-1.15.11
readonly RIPGREP_ARCHIVE=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

log() { echo "install-code-server: $*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]')
arch=$(uname -m)
cache_root=${MARGIN_E2E_CACHE:-$HOME/.cache/margin-lens-e2e}
dest="$cache_root/code-server-$CODE_SERVER_VERSION-node$node_major-$arch"
marker="$dest/.margin-install-complete"
binary="$dest/node_modules/.bin/code-server"

if [[ -f "$marker" && -x "$binary" ]]; then
  log "reusing $dest"
  echo "$dest"
  exit 0
fi

# Debian packages the install and the tests need. Name every missing one at once.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
[[ -e /usr/include/krb5.h || -e /usr/include/krb5/krb5.h ]] || missing+=(libkrb5-dev)
if ((${#missing[@]})); then
  log "missing Debian packages: ${missing[*]}"
  log "install them with: apt-get install -y chromium ripgrep libkrb5-dev"
  exit 1
fi

if [[ "$node_major" != 20 ]]; then
  log "code-server $CODE_SERVER_VERSION needs Node 20; this is Node $(node -v)"
  exit 1
fi
if [[ "$arch" != x86_64 ]]; then
  # The pre-seeded ripgrep archive name is the x86_64 one; other machines would
  # need their own name (see @vscode/ripgrep's lib/download.js).
  log "only x86_64 is supported by this script; this machine is $arch"
  exit 1
fi

mkdir -p "$cache_root"
# Build in a staging folder and rename at the end: an interrupted install
# never leaves a folder that looks complete.
stage=$(mktemp -d "$cache_root/.staging-XXXXXX")
trap 'rm -rf "$stage"' EXIT
private_tmp="$stage/tmp"
mkdir -p "$private_tmp/$RIPGREP_CACHE_DIR" "$stage/install"
tar -czf "$private_tmp/$RIPGREP_CACHE_DIR/$RIPGREP_ARCHIVE" -C "$(dirname "$(command -v rg)")" rg

log "installing code-server@$CODE_SERVER_VERSION (about 80 s the first time)"
started=$SECONDS
(
  # cd: the project's own .npmrc must not apply to this install.
  cd "$stage/install"
  echo '{"name":"margin-lens-e2e-code-server","private":true}' >package.json
  export TMPDIR="$private_tmp"
  # node-pty's postinstall runs `npx node-gyp`; the machine's npmrc says yes=false.
  export npm_config_yes=true
  # As root, npm drops privileges for lifecycle scripts unless told not to.
  [[ $(id -u) == 0 ]] && export npm_config_unsafe_perm=true
  npm install --no-audit --no-fund --no-save --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
)
[[ -x "$stage/install/node_modules/.bin/code-server" ]] || {
  log "npm finished but code-server's binary is missing"
  exit 1
}
"$stage/install/node_modules/.bin/code-server" --version >/dev/null

rm -rf "$dest"
mv "$stage/install" "$dest"
date -u +%FT%TZ >"$marker"
log "installed into $dest in $((SECONDS - started)) s"
echo "$dest"
