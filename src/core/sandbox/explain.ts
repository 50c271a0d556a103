/**
 * What the box allows, in words a security engineer can check against the policy: readable,
 * writable, hidden, reachable, limits, and where the box is looser or stricter than the policy.
 * The same model feeds `agentlane sandbox explain` and the sidebar's sandbox section.
 */
import type { SandboxDecision } from './mode';
import type { Availability } from './availability';
import type { SandboxProfile } from './types';
import { relToRoot } from './profile';

export interface SandboxExplanation {
  state: 'on' | 'off' | 'refused' | 'unavailable';
  /** One line: `sandboxed (bubblewrap)`, `NOT sandboxed: …`, `no session can start: …`. */
  headline: string;
  readable: string[];
  writable: string[];
  readOnly: string[];
  masked: string[];
  hidden: string[];
  reachable: string[];
  limits: string[];
  notes: string[];
}

export function explainSandbox(
  decision: SandboxDecision, availability: Availability | undefined, profile: SandboxProfile | undefined,
): SandboxExplanation {
  const empty = { readable: [], writable: [], readOnly: [], masked: [], hidden: [], reachable: [], limits: [], notes: [] };
  if (decision.mode === 'refused') return { ...empty, state: 'refused', headline: `no session can start: ${decision.reason}` };
  if (decision.mode === 'off') {
    return { ...empty, state: 'off', headline: `NOT sandboxed: ${decision.reason}`, notes: ['the policy engine is the only wall: scripts the agent writes and runs are not contained'] };
  }
  if (!availability?.ok) {
    return { ...empty, state: 'unavailable', headline: `no session can start: ${availability?.reason ?? 'the sandbox is unavailable'}` };
  }
  if (!profile) return { ...empty, state: 'on', headline: `sandboxed (${availability.backend})` };
  const root = profile.workspaceRoot;
  const show = (p: { path: string; why: string }): string => `${relToRoot(p.path, root)} — ${p.why}`;
  const n = profile.network;
  return {
    state: 'on',
    headline: `sandboxed (${availability.backend})`,
    readable: ['the whole file system, read-only, except what is masked or hidden below'],
    writable: profile.writable.map(show),
    readOnly: [...profile.readOnly.map(show), ...profile.placeholders.map((p) => `${relToRoot(p.path, root)} — ${p.why}`)],
    masked: profile.masked.map(show),
    hidden: profile.hidden.map(show),
    reachable: [
      'the session\'s broker and model endpoint (relayed; nothing else on this machine)',
      ...(n.allow.length ? n.allow.map((h) => `${h} — network.allow, through the lane's proxy`) : []),
      n.otherwise === 'allow' ? 'any other host not in network.deny — network.otherwise: allow' : `every other host is refused (network.otherwise: ${n.otherwise})`,
      'no raw sockets, no DNS: the box has only loopback',
    ],
    limits: [
      `processes ≤ ${profile.limits.processes} (${profile.limits.processesWhy})`,
      `memory ≤ ${profile.limits.memoryMb} MB (${profile.limits.memoryWhy})`,
      'every process ends with the session (PID namespace)',
    ],
    notes: profile.notes,
  };
}

export function formatExplanation(e: SandboxExplanation): string {
  const section = (title: string, lines: string[]): string => (lines.length ? `${title}\n${lines.map((l) => `  ${l}`).join('\n')}\n` : '');
  return [
    `${e.headline}\n`,
    section('readable', e.readable),
    section('writable', e.writable),
    section('read-only (the agent cannot govern itself)', e.readOnly),
    section('masked (reads as empty, cannot be written)', e.masked),
    section('hidden (the lane\'s own state)', e.hidden),
    section('reachable', e.reachable),
    section('limits', e.limits),
    section('notes', e.notes),
  ].join('').trimEnd();
}
