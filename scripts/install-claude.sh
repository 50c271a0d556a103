#!/usr/bin/env bash
# Installs the real Claude Code CLI into a private prefix (.vscode-test/claude) for the e2e tests,
# without touching the repo's package.json / lockfile. Idempotent: does nothing when the pinned
# version is already there and runs. Prints ONE line on stdout: the absolute path of the runnable
# `claude` binary (all logging goes to stderr so callers can do `CLAUDE=$(scripts/install-claude.sh)`).
#
# Why the allowScripts dance (facts measured with npm 11.19.1, see docs/claude-code-facts.md):
# - @anthropic-ai/claude-code ships bin/claude.exe as a 500-byte *shell stub* that just prints
#   "claude native binary not installed" and exits 1. Its postinstall (`node install.cjs`) hard-links
#   (or copies) the native binary from the platform package
#   (@anthropic-ai/claude-code-linux-x64/claude, ~380 MB) over that stub.
# - npm 11 warns "install-scripts ... not yet covered by allowScripts". `--allow-scripts=` on the
#   command line is rejected for project-scoped installs (EALLOWSCRIPTS), so we approve the exact
#   pinned version through the prefix's own package.json `allowScripts` field instead.
# - Belt and braces: if the stub is still there afterwards (scripts disabled by some user config,
#   e.g. ignore-scripts=true), we run install.cjs ourselves, and as a last resort print the
#   platform package's binary directly — it is the same executable.
set -euo pipefail

VERSION="${CLAUDE_CODE_VERSION:-2.1.330}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="${CLAUDE_PREFIX:-$ROOT/.vscode-test/claude}"
PKG_DIR="$PREFIX/node_modules/@anthropic-ai/claude-code"
BIN_LINK="$PREFIX/node_modules/.bin/claude"

log() { echo "install-claude: $*" >&2; }

# Prints the version the binary reports ("2.1.330 (Claude Code)" -> "2.1.330"), or nothing.
runs_version() {
  local out
  out="$("$1" --version 2>/dev/null)" || return 1
  echo "${out%% *}"
}

platform_bin() {
  local arch musl=""
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  if [ "$(uname -s)" = Linux ] && ! ldd --version 2>&1 | grep -qi glibc; then musl="-musl"; fi
  local os
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin; musl="" ;;
    *) return 1 ;;
  esac
  echo "$PREFIX/node_modules/@anthropic-ai/claude-code-$os-$arch$musl/claude"
}

if [ -x "$BIN_LINK" ] && [ "$(runs_version "$BIN_LINK" || true)" = "$VERSION" ]; then
  log "claude $VERSION already installed"
  echo "$BIN_LINK"
  exit 0
fi

mkdir -p "$PREFIX"
# A private manifest for the prefix: approves exactly the pinned version's postinstall.
cat >"$PREFIX/package.json" <<EOF
{
  "private": true,
  "description": "Private prefix for the Agent Lane e2e tests (scripts/install-claude.sh). Not part of the repo.",
  "allowScripts": { "@anthropic-ai/claude-code@$VERSION": true },
  "dependencies": { "@anthropic-ai/claude-code": "$VERSION" }
}
EOF
rm -f "$PREFIX/package-lock.json"

log "installing @anthropic-ai/claude-code@$VERSION into $PREFIX"
# EBADENGINE (wants node >= 22) is harmless: node only runs install.cjs; the CLI is a native binary.
npm install --prefix "$PREFIX" --save-exact --no-audit --no-fund --loglevel=error \
  "@anthropic-ai/claude-code@$VERSION" >&2

if [ "$(runs_version "$BIN_LINK" || true)" != "$VERSION" ]; then
  log "bin/claude.exe is still the stub: running the postinstall by hand"
  (cd "$PKG_DIR" && node install.cjs >&2) || true
fi

if [ "$(runs_version "$BIN_LINK" || true)" = "$VERSION" ]; then
  echo "$BIN_LINK"
  exit 0
fi

NATIVE="$(platform_bin || true)"
if [ -n "$NATIVE" ] && [ "$(runs_version "$NATIVE" || true)" = "$VERSION" ]; then
  log "using the platform package binary directly"
  echo "$NATIVE"
  exit 0
fi

log "could not get a runnable claude $VERSION (platform package missing? --omit=optional?)"
exit 1
