/**
 * `--ledger URL` → a sink:
 *   dir:/path, file:///path or a plain path      → directory sink
 *   postgres://… / postgresql://…                → PostgreSQL
 *   otlp+http(s)://host:port/v1/logs, http(s)://…/v1/logs → OTLP/HTTP logs
 * The sink id (cursor namespace) hashes the destination without credentials, so rotating a
 * password keeps the cursors, and nothing secret lands in the state directory's names.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirectorySink, type DirectoryFs } from './directorySink';
import { LedgerError } from './errors';
import { OtlpSink, type OtlpSinkOptions } from './otlpSink';
import { PostgresSink, type PostgresSinkOptions } from './postgresSink';
import type { LedgerSink, LedgerSinkKind } from './sink';

export interface OpenSinkOptions {
  /** Resolves relative directory paths (the CLI's cwd). */
  cwd?: string;
  directoryFs?: DirectoryFs;
  postgres?: PostgresSinkOptions;
  otlp?: OtlpSinkOptions;
}

export interface SinkAddress {
  kind: LedgerSinkKind;
  /** What the sink connects to (directory path, connection string, HTTP URL). */
  target: string;
  /** Safe to print: no password. */
  display: string;
  id: string;
}

function idOf(kind: LedgerSinkKind, identity: string): string {
  return `${kind}-${createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 16)}`;
}

/** Parses a ledger address without connecting. Throws LedgerError('bad-url'). */
export function parseLedgerUrl(url: string, cwd = process.cwd()): SinkAddress {
  const trimmed = url.trim();
  if (trimmed === '') throw new LedgerError('bad-url', 'the ledger address is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const u = parseUrl(trimmed);
    u.password = '';
    const display = u.toString();
    return { kind: 'postgres', target: trimmed, display, id: idOf('postgres', `${u.hostname}:${u.port || '5432'}${u.pathname}`) };
  }
  if (scheme === 'otlp+http' || scheme === 'otlp+https' || scheme === 'http' || scheme === 'https') {
    const http = scheme.startsWith('otlp+') ? trimmed.slice('otlp+'.length) : trimmed;
    const u = parseUrl(http);
    if (!scheme.startsWith('otlp+') && !u.pathname.endsWith('/v1/logs')) {
      throw new LedgerError('bad-url', `\`${redact(u)}\` is not an OTLP logs endpoint: use \`…/v1/logs\` or the \`otlp+http://\` scheme`);
    }
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/logs';
    const display = redact(u);
    return { kind: 'otlp', target: u.toString(), display, id: idOf('otlp', `${u.protocol}//${u.host}${u.pathname}`) };
  }
  let dir: string;
  if (scheme === 'dir') dir = trimmed.slice('dir:'.length);
  else if (scheme === 'file') dir = fileURLToPath(trimmed);
  else if (scheme === undefined || /^[a-z]:[\\/]/i.test(trimmed)) dir = trimmed; // plain path (or C:\…)
  else throw new LedgerError('bad-url', `unknown ledger scheme \`${scheme}:\`: use dir:/path, postgres://… or otlp+http://host:port/v1/logs`);
  if (dir === '') throw new LedgerError('bad-url', 'the ledger directory is empty');
  const abs = path.resolve(cwd, dir);
  return { kind: 'directory', target: abs, display: `dir:${abs}`, id: idOf('directory', abs) };
}

export function openSink(url: string, opts: OpenSinkOptions = {}): LedgerSink {
  const a = parseLedgerUrl(url, opts.cwd);
  switch (a.kind) {
    case 'postgres':
      return new PostgresSink(a.target, a.id, a.display, opts.postgres);
    case 'otlp':
      return new OtlpSink(a.target, a.id, a.display, opts.otlp);
    case 'directory':
      return new DirectorySink(a.target, a.id, opts.directoryFs);
  }
}

function parseUrl(s: string): URL {
  try {
    return new URL(s);
  } catch {
    throw new LedgerError('bad-url', `\`${s.replace(/\/\/[^@/]*@/, '//…@')}\` is not a valid URL`);
  }
}

function redact(u: URL): string {
  const c = new URL(u.toString());
  c.password = '';
  c.username = '';
  return c.toString();
}
