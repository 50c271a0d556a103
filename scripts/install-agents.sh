#!/usr/bin/env bash
# Installs the real Gemini CLI and Codex CLI into private prefixes (.vscode-test/gemini,
# .vscode-test/codex) for the e2e tests and the bench, without touching the repo's package.json
# or lockfile. Idempotent: does nothing for a CLI whose pinned version is already there and runs.
# Prints TWO lines on stdout, `gemini=<abs path>` and `codex=<abs path>`; logging goes to stderr.
# Versions are pinned because the hook dialects and their failure modes were measured on exactly
# these (../shared/reference/agent-clis.md); a new version is re-measured before it is allowed.
set -euo pipefail

GEMINI_VERSION="${GEMINI_CLI_VERSION:-0.61.0}"
CODEX_VERSION="${CODEX_CLI_VERSION:-0.171.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${AGENTS_PREFIX:-$ROOT/.vscode-test}"

log() { echo "install-agents: $*" >&2; }

# $1 prefix dir, $2 package, $3 version, $4 bin name, $5 label → prints the bin path.
install_one() {
  local prefix="$1" pkg="$2" version="$3" bin="$4" label="$5"
  local link="$prefix/node_modules/.bin/$bin"
  if [ -x "$link" ] && "$link" --version 2>/dev/null | grep -qF "$version"; then
    log "$label $version already installed"
    echo "$label=$link"
    return 0
  fi
  mkdir -p "$prefix"
  cat >"$prefix/package.json" <<JSON
{
  "private": true,
  "description": "Private prefix for the Agent Lane e2e tests (scripts/install-agents.sh). Not part of the repo.",
  "allowScripts": { "$pkg@$version": true },
  "dependencies": { "$pkg": "$version" }
}
JSON
  rm -f "$prefix/package-lock.json"
  log "installing $pkg@$version into $prefix"
  npm install --prefix "$prefix" --save-exact --no-audit --no-fund --loglevel=error "$pkg@$version" >&2
  if ! "$link" --version 2>/dev/null | grep -qF "$version"; then
    log "$label does not report version $version after install"
    return 1
  fi
  echo "$label=$link"
}

install_one "$BASE/gemini" "@google/gemini-cli" "$GEMINI_VERSION" gemini gemini
install_one "$BASE/codex" "@openai/codex" "$CODEX_VERSION" codex codex
