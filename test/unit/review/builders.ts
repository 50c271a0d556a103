/** Fixture builders for the review panel's pure modules. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DecisionRecord, PendingApproval } from '../../../src/core/session/types';

/** Real `git diff --cached` output (CANONICAL_DIFF_ARGS) of a repo with an added secret, a protected file, a denied file, a binary, a deletion and a two-hunk edit. */
export const STAGED_DIFF = readFileSync(path.join(__dirname, 'fixtures', 'staged.diff'), 'utf8');
/** `git show :src/a.ts` of the same index. */
export const A_TS_STAGED = readFileSync(path.join(__dirname, 'fixtures', 'a.ts.staged.txt'), 'utf8');
export const TREE = '69d9b196ecaca2cd4f32b3ed2fc91db696561cd8';

export function commitApproval(over: Partial<PendingApproval> = {}): PendingApproval {
  return {
    id: 'ap-0123456789ab',
    kind: 'commit',
    commit: {
      tree: TREE,
      diffHash: 'a'.repeat(64),
      files: [
        { path: '.env', status: 'A' }, { path: '.github/workflows/ci.yml', status: 'A' }, { path: 'bin.dat', status: 'A' },
        { path: 'gone.txt', status: 'D' }, { path: 'src/a.ts', status: 'M' }, { path: 'src/new.ts', status: 'A' },
      ],
      message: 'Fix the thing\n\nLonger body',
    },
    toolUseId: '', tool: 'git commit', summary: 'git commit: Fix the thing', actions: [], reasons: [],
    requestedAt: '2026-11-21T10:00:00.000Z', answerers: [],
    ...over,
  };
}

export function decision(seq: number, ts: string, over: Partial<DecisionRecord> = {}): DecisionRecord {
  return {
    seq, ts, toolUseId: `tu-${seq}`, tool: 'Write', summary: `write src/f${seq}.ts`, paths: [`src/f${seq}.ts`], decision: 'allow',
    reasons: [{ decision: 'allow', rule: 'default', layer: 'builtin', message: 'no rule restricts this action' }], ...over,
  };
}
