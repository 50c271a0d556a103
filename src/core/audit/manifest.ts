/**
 * MANIFEST.json of an auditor bundle: every file with its SHA-256, so a bundle handed over
 * (mail, ticket, archive) can be checked with nothing but `sha256sum`. The manifest's own
 * hash is printed at export time for the auditor to record out of band.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { describeError } from '../common/errors';

export const MANIFEST_FILE = 'MANIFEST.json';
export const BUNDLE_SCHEMA = 'agentlane.bundle/1';

const ManifestSchema = z.object({
  schema: z.literal(BUNDLE_SCHEMA),
  created: z.string(),
  files: z.array(z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative() })),
});

export type Manifest = z.infer<typeof ManifestSchema>;
export type ManifestEntry = Manifest['files'][number];

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

export function manifestEntry(relPath: string, content: Buffer): ManifestEntry {
  return { path: relPath, sha256: sha256(content), bytes: content.length };
}

/** Serialised manifest (stable: entries sorted by path) and its hash. */
export function encodeManifest(created: string, entries: readonly ManifestEntry[]): { text: string; hash: string } {
  const files = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const text = `${JSON.stringify({ schema: BUNDLE_SCHEMA, created, files }, null, 2)}\n`;
  return { text, hash: sha256(text) };
}

export interface ManifestProblem {
  path: string;
  problem: 'missing' | 'changed' | 'unlisted';
}

/** Re-hashes every listed file; also names files in the bundle the manifest does not list. */
export async function checkManifest(bundleDir: string): Promise<{ hash: string; problems: ManifestProblem[] } | { error: string }> {
  let text: string;
  try {
    text = await fsp.readFile(path.join(bundleDir, MANIFEST_FILE), 'utf8');
  } catch (err) {
    return { error: `cannot read ${MANIFEST_FILE} (${(err as NodeJS.ErrnoException).code ?? describeError(err)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: `${MANIFEST_FILE} is not JSON` };
  }
  const parsed = ManifestSchema.safeParse(value);
  if (!parsed.success) return { error: `${MANIFEST_FILE} is not a bundle manifest (${BUNDLE_SCHEMA})` };
  const problems: ManifestProblem[] = [];
  const listed = new Set<string>();
  for (const f of parsed.data.files) {
    listed.add(f.path);
    const content = await fsp.readFile(path.join(bundleDir, ...f.path.split('/'))).catch(() => undefined);
    if (!content) problems.push({ path: f.path, problem: 'missing' });
    else if (sha256(content) !== f.sha256 || content.length !== f.bytes) problems.push({ path: f.path, problem: 'changed' });
  }
  for (const rel of await listFiles(bundleDir)) {
    if (rel !== MANIFEST_FILE && !listed.has(rel)) problems.push({ path: rel, problem: 'unlisted' });
  }
  return { hash: sha256(text), problems };
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}
