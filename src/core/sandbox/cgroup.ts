/**
 * Process and memory limits for one box: a cgroup per session (pids + memory), v2 where this
 * process may create a child group, v1 where the pids/memory hierarchies are writable (root on
 * a hybrid host). The box's launcher joins the group before it becomes bubblewrap, so every
 * process the agent starts is counted; at the end the group is emptied with SIGKILL and removed.
 * A fork bomb meets `pids.max`; nothing survives `kill()`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface ProcessGroup {
  /** `cgroup.procs` files the launcher writes its pid into. */
  procsFiles: string[];
  /** What is enforced, in words (`pids.max 512`, `memory 8192 MB`). */
  enforced: string[];
  /** How many processes are in the group now. */
  count(): number;
  /** Kills every process in the group (repeats until it is empty). */
  kill(): Promise<void>;
  remove(): Promise<void>;
}

export type GroupResult = { ok: true; group: ProcessGroup } | { ok: false; reason: string };

export function createProcessGroup(name: string, limits: { processes: number; memoryMb: number }): GroupResult {
  if (process.platform !== 'linux') return { ok: false, reason: 'cgroups exist only on Linux' };
  const v2 = existsSync(path.join(ROOT, 'cgroup.controllers'));
  try {
    return { ok: true, group: v2 ? createV2(name, limits) : createV1(name, limits) };
  } catch (err) {
    return { ok: false, reason: `cannot create a cgroup for the session (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): run as root, or on a systemd host with a delegated user slice` };
  }
}

function ownPath(controller: string): string {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  for (const l of lines) {
    const [, ctrls, p] = l.split(':');
    if (controller === '' ? ctrls === '' : ctrls?.split(',').includes(controller)) return p ?? '/';
  }
  return '/';
}

function createV2(name: string, limits: { processes: number; memoryMb: number }): ProcessGroup {
  // A leaf next to ours: v2 forbids processes in inner groups that distribute controllers.
  const own = path.join(ROOT, ownPath(''));
  const parent = path.dirname(own);
  sweepStale(parent);
  const dir = path.join(parent, name);
  mkdirSync(dir);
  const enforced: string[] = [];
  try {
    writeFileSync(path.join(dir, 'pids.max'), String(limits.processes));
    enforced.push(`processes ≤ ${limits.processes}`);
  } catch { /* controller not delegated */ }
  try {
    writeFileSync(path.join(dir, 'memory.max'), String(limits.memoryMb * 1024 * 1024));
    enforced.push(`memory ≤ ${limits.memoryMb} MB`);
  } catch { /* controller not delegated */ }
  const procs = path.join(dir, 'cgroup.procs');
  return group([procs], enforced, async () => {
    try { writeFileSync(path.join(dir, 'cgroup.kill'), '1'); } catch { /* older kernel */ }
    await killAll([procs]);
  }, [dir]);
}

/**
 * Groups of lanes that died without closing (a SIGKILLed `agentlane run`) stay behind empty:
 * remove those. A group that still holds a process refuses rmdir and stays.
 */
function sweepStale(parent: string): void {
  let names: string[];
  try { names = readdirSync(parent); } catch { return; }
  for (const n of names) {
    if (!n.startsWith('agentlane-')) continue;
    const dir = path.join(parent, n);
    try {
      // A group made moments ago may belong to a lane still starting its agent.
      if (Date.now() - statSync(dir).mtimeMs < 10 * 60_000) continue;
      rmdirSync(dir);
    } catch { /* in use */ }
  }
}

function createV1(name: string, limits: { processes: number; memoryMb: number }): ProcessGroup {
  sweepStale(path.join(ROOT, 'pids', ownPath('pids')));
  sweepStale(path.join(ROOT, 'memory', ownPath('memory')));
  const pidsDir = path.join(ROOT, 'pids', ownPath('pids'), name);
  mkdirSync(pidsDir);
  writeFileSync(path.join(pidsDir, 'pids.max'), String(limits.processes));
  const enforced = [`processes ≤ ${limits.processes}`];
  const dirs = [pidsDir];
  const procs = [path.join(pidsDir, 'cgroup.procs')];
  try {
    const memDir = path.join(ROOT, 'memory', ownPath('memory'), name);
    mkdirSync(memDir);
    dirs.push(memDir);
    writeFileSync(path.join(memDir, 'memory.limit_in_bytes'), String(limits.memoryMb * 1024 * 1024));
    procs.push(path.join(memDir, 'cgroup.procs'));
    enforced.push(`memory ≤ ${limits.memoryMb} MB`);
  } catch { /* memory hierarchy not writable: said in `enforced` */ }
  return group(procs, enforced, () => killAll(procs), dirs);
}

function group(procsFiles: string[], enforced: string[], kill: () => Promise<void>, dirs: string[]): ProcessGroup {
  return {
    procsFiles,
    enforced,
    count: () => pidsIn(procsFiles[0]).length,
    kill,
    remove: async () => {
      await kill();
      for (const d of dirs) {
        for (let i = 0; i < 50; i++) {
          try { rmdirSync(d); break; } catch { await sleep(20); }
        }
      }
    },
  };
}

async function killAll(procsFiles: string[]): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const pids = pidsIn(procsFiles[0]);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    await sleep(20);
  }
}

function pidsIn(file: string): number[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
