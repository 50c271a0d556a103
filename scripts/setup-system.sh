#!/usr/bin/env bash
# Installs the Debian packages the integration, UI and ledger tests need.
# Idempotent: packages already installed are skipped, and `apt-get update` runs only when
# something has to be installed (it is the slow part and needs the network).
# Runs as root (developer machines and CI are root); no sudo.
set -euo pipefail

# chromium: the browser playwright-core drives (never a downloaded one).
# libkrb5-dev: headers for the `kerberos` native addon that code-server's VS Code builds.
# postgresql: the ledger tests create throwaway clusters with initdb / pg_ctl.
# git: fixtures and commit-trailer tests.
# bubblewrap, socat: the OS sandbox every supervised agent runs in (src/core/sandbox).
readonly PACKAGES=(chromium libkrb5-dev postgresql git bubblewrap socat)

is_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup-system: all present (${PACKAGES[*]})"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: need root to install: ${missing[*]}" >&2
  exit 1
fi

log="$(mktemp -t setup-system.XXXXXX.log)"
echo "setup-system: installing ${missing[*]} (log: $log)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -qq >>"$log" 2>&1; then
  echo "setup-system: apt-get update failed; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
  echo "setup-system: apt-get install ${missing[*]} failed; last lines of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi

for pkg in "${missing[@]}"; do
  if ! is_installed "$pkg"; then
    echo "setup-system: $pkg still not installed after apt-get; see $log" >&2
    exit 1
  fi
done
echo "setup-system: installed ${missing[*]}"
