/**
 * Can this machine run the box? Checked once per process (the answer does not change while it
 * runs) by starting the smallest real sandbox: a missing binary, disabled user namespaces or an
 * AppArmor restriction all show up here, with what to install or change.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';

export type Availability =
  | { ok: true; backend: 'bubblewrap'; bwrap: string; socat: string }
  | { ok: false; reason: string };

let cached: Map<string, Availability> | undefined;

export function sandboxAvailability(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): Availability {
  const key = `${platform}\0${env.AGENTLANE_BWRAP ?? ''}\0${env.AGENTLANE_SOCAT ?? ''}\0${env.PATH ?? ''}`;
  cached ??= new Map();
  const hit = cached.get(key);
  if (hit) return hit;
  const result = probe(env, platform);
  cached.set(key, result);
  return result;
}

function probe(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Availability {
  if (platform === 'win32') {
    return { ok: false, reason: 'Agent Lane has no sandbox for Windows yet: run the agent in WSL 2 (Linux sandbox), or set `sandbox: off` in the policy (recorded and shown)' };
  }
  if (platform === 'darwin') {
    return { ok: false, reason: 'the macOS sandbox (seatbelt) is designed but not shipped yet: set `sandbox: off` in the policy (recorded and shown) until it lands' };
  }
  if (platform !== 'linux') return { ok: false, reason: `no sandbox for platform ${platform}` };
  const install = 'install them (Debian/Ubuntu: `sudo apt-get install bubblewrap socat`; Fedora: `sudo dnf install bubblewrap socat`; Arch: `sudo pacman -S bubblewrap socat`)';
  const bwrap = env.AGENTLANE_BWRAP ?? which('bwrap', env);
  const socat = env.AGENTLANE_SOCAT ?? which('socat', env);
  const missing = [!bwrap || !executable(bwrap) ? 'bubblewrap (bwrap)' : '', !socat || !executable(socat) ? 'socat' : ''].filter(Boolean);
  if (missing.length > 0) {
    return { ok: false, reason: `the sandbox needs ${missing.join(' and ')}, not found${env.AGENTLANE_BWRAP ? ` (AGENTLANE_BWRAP=${env.AGENTLANE_BWRAP})` : ''}: ${install}` };
  }
  const r = spawnSync(bwrap!, ['--unshare-user', '--unshare-pid', '--unshare-net', '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '/bin/true'], {
    encoding: 'utf8', timeout: 10_000,
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n')[0];
    return {
      ok: false,
      reason: `bubblewrap cannot create a sandbox here (${why}): allow unprivileged user namespaces (\`sysctl kernel.unprivileged_userns_clone=1\`; on Ubuntu 24.04+ \`sysctl kernel.apparmor_restrict_unprivileged_userns=0\` or an AppArmor profile for bwrap), or run where they are allowed`,
    };
  }
  return { ok: true, backend: 'bubblewrap', bwrap: bwrap!, socat: socat! };
}

function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    if (executable(full)) return full;
  }
  return undefined;
}

function executable(p: string): boolean {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}

/** Tests only: forget the cached answer. */
export function resetSandboxAvailability(): void {
  cached = undefined;
}
