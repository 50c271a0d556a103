/**
 * Generates a corpus of Claude Code-shaped transcripts for the budget benchmark, and the
 * de-duplicated truth totals it contains.
 *
 * Shape (as in real files): `<dir>/projects/<project>/<session>.jsonl`, plus newer subagent
 * files `<session>/subagents/agent-<id>.jsonl`. One API response = one assistant line per
 * content block, all sharing `message.id` and repeating the usage (output may still grow on the
 * last line); tool results come back in bulky `user` lines that also duplicate the result in
 * `toolUseResult`. Most files use `requestRef` (current CLI), some the older `requestId`.
 *
 *   npx tsx bench/gen-transcripts.ts --mb 50 --out /tmp/corpus
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface TruthTokens {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface CorpusTruth {
  dir: string;
  files: string[];
  bytes: number;
  lines: number;
  responses: number;
  tokens: TruthTokens;
  sidechainTokens: TruthTokens;
  byModel: Record<string, TruthTokens & { responses: number }>;
}

/** mulberry32: a small deterministic PRNG so a corpus can be regenerated bit for bit. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS: Array<[string, number]> = [
  ['claude-sonnet-4-5-20250929', 0.55],
  ['claude-opus-4-5-20251101', 0.15],
  ['claude-opus-4-1-20250805', 0.08],
  ['claude-haiku-4-5-20251001', 0.17],
  ['claude-sonnet-4-20250514', 0.05],
];
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function zero(): TruthTokens {
  return { input: 0, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 };
}

function add(into: TruthTokens, t: TruthTokens): void {
  into.input += t.input;
  into.output += t.output;
  into.cacheWrite5m += t.cacheWrite5m;
  into.cacheWrite1h += t.cacheWrite1h;
  into.cacheRead += t.cacheRead;
}

class Generator {
  private readonly r: () => number;
  /** Reused bodies so generation stays fast; JSON escaping makes them realistic on disk. */
  private readonly code: string[] = [];
  private readonly prose: string[] = [];
  private clock = Date.UTC(2026, 4, 4, 8, 0, 0);
  readonly truth: CorpusTruth;

  constructor(seed: number, dir: string) {
    this.r = rng(seed);
    this.truth = { dir, files: [], bytes: 0, lines: 0, responses: 0, tokens: zero(), sidechainTokens: zero(), byModel: {} };
    const snippet = [
      'export function add(a: number, b: number): number {\n\treturn a + b; // "sum"\n}\n',
      'const cfg = {"type":"assistant","usage":{"input_tokens":1}}; // looks like a transcript line\n',
      'for (let i = 0; i < n; i++) {\n  if (items[i].id === "x\\\\y") continue;\n}\n',
      '  ✓ renders the budget badge (12 ms)\n  ✗ rejects an unknown model — expected "$0.00"\n',
      'diff --git a/src/a.ts b/src/a.ts\n@@ -1,3 +1,4 @@\n-import x from "y";\n+import { x } from "y";\n',
    ];
    for (let i = 0; i < 48; i++) {
      let body = '';
      const target = 512 + Math.floor(this.r() * 6000);
      while (body.length < target) body += snippet[Math.floor(this.r() * snippet.length)];
      this.code.push(body);
    }
    for (let i = 0; i < 24; i++) {
      let text = '';
      const target = 80 + Math.floor(this.r() * 1500);
      while (text.length < target) text += 'I will look at the failing test and then update the reader so it keeps the offset. ';
      this.prose.push(text);
    }
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.r() * list.length)];
  }
  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  private id(prefix: string, n: number): string {
    let s = prefix;
    for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(this.r() * ALPHABET.length)];
    return s;
  }
  private uuid(): string {
    const h = () => Math.floor(this.r() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
  }
  private model(): string {
    let x = this.r();
    for (const [m, w] of MODELS) if ((x -= w) < 0) return m;
    return MODELS[0][0];
  }
  private tick(): string {
    this.clock += this.int(200, 20_000);
    return new Date(this.clock).toISOString();
  }
  private bulk(minBytes: number, maxBytes: number): string {
    const target = this.int(minBytes, maxBytes);
    let out = '';
    while (out.length < target) out += this.pick(this.code);
    return out.slice(0, target);
  }

  /** Write one session (and maybe its subagent files); returns bytes written. */
  session(file: string, targetBytes: number, opts: { sidechain: 'none' | 'some' | 'all'; useRequestRef: boolean }): number {
    const sessionId = this.uuid();
    const fd = fs.openSync(file, 'w');
    const lines: string[] = [];
    let bytes = 0;
    const flush = () => {
      const chunk = lines.join('');
      fs.writeSync(fd, chunk);
      bytes += Buffer.byteLength(chunk);
      lines.length = 0;
    };
    const push = (obj: unknown) => {
      lines.push(JSON.stringify(obj) + '\n');
      this.truth.lines++;
      if (lines.length >= 256) flush();
    };
    const common = { userType: 'external', cwd: '/home/dev/work/payments', sessionId, version: '2.1.328', gitBranch: 'main' };
    push({ type: 'summary', summary: 'Fix budget meter offsets', leafUuid: this.uuid() });
    let parent: string | null = null;
    while (bytes < targetBytes) {
      const promptUuid = this.uuid();
      push({ parentUuid: parent, isSidechain: false, ...common, type: 'user', message: { role: 'user', content: this.pick(this.prose) }, uuid: promptUuid, timestamp: this.tick() });
      parent = promptUuid;
      const turns = this.int(1, 6);
      for (let t = 0; t < turns; t++) {
        const sidechain = opts.sidechain === 'all' || (opts.sidechain === 'some' && this.r() < 0.25);
        parent = this.response(push, common, parent, sidechain, opts.useRequestRef);
      }
      if (this.r() < 0.05) push({ type: 'system', subtype: 'compact_boundary', content: 'Conversation compacted', ...common, uuid: this.uuid(), timestamp: this.tick() });
      flush();
    }
    flush();
    fs.closeSync(fd);
    return bytes;
  }

  private response(
    push: (o: unknown) => void,
    common: Record<string, string>,
    parent: string | null,
    sidechain: boolean,
    useRequestRef: boolean,
  ): string | null {
    const model = this.model();
    const messageId = this.id('msg_01', 22);
    const request = useRequestRef ? { requestRef: this.id('req_ref_', 20) } : { requestId: this.id('req_011', 21) };
    const long = model.startsWith('claude-sonnet') && this.r() < 0.03;
    const usage = {
      input_tokens: this.int(1, 40),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: long ? this.int(200_001, 400_000) : this.int(8_000, 120_000),
      cache_creation: { ephemeral_5m_input_tokens: this.int(0, 4000), ephemeral_1h_input_tokens: this.r() < 0.2 ? this.int(0, 3000) : 0 },
      output_tokens: this.int(20, 4000),
      service_tier: 'standard',
    };
    usage.cache_creation_input_tokens = usage.cache_creation.ephemeral_5m_input_tokens + usage.cache_creation.ephemeral_1h_input_tokens;
    const final: TruthTokens = {
      input: usage.input_tokens,
      output: usage.output_tokens,
      cacheWrite5m: usage.cache_creation.ephemeral_5m_input_tokens,
      cacheWrite1h: usage.cache_creation.ephemeral_1h_input_tokens,
      cacheRead: usage.cache_read_input_tokens,
    };
    this.count(model, final, sidechain);

    const blocks: Array<Record<string, unknown>> = [];
    if (this.r() < 0.5) blocks.push({ type: 'thinking', thinking: this.pick(this.prose) + this.pick(this.prose), signature: this.id('Eu', 200) });
    if (this.r() < 0.7) blocks.push({ type: 'text', text: this.pick(this.prose) });
    const tools = this.r() < 0.75 ? this.int(1, 3) : 0;
    const toolIds: string[] = [];
    for (let i = 0; i < tools; i++) {
      const toolId = this.id('toolu_01', 22);
      toolIds.push(toolId);
      const input = this.r() < 0.2 ? { file_path: '/home/dev/work/payments/src/meter.ts', content: this.bulk(1_000, 16_000) } : { command: 'npm test -- --grep "budget"', description: 'Run budget tests' };
      blocks.push({ type: 'tool_use', id: toolId, name: 'content' in input ? 'Write' : 'Bash', input });
    }
    if (blocks.length === 0) blocks.push({ type: 'text', text: 'Done.' });
    // Streaming: in a third of the responses the earlier lines carry a smaller output count.
    const grows = this.r() < 0.33;
    let uuid: string | null = parent;
    blocks.forEach((block, i) => {
      const last = i === blocks.length - 1;
      const lineUsage = grows && !last ? { ...usage, output_tokens: Math.max(1, Math.floor(usage.output_tokens / (blocks.length - i + 1))) } : usage;
      const lineUuid = this.uuid();
      push({
        parentUuid: uuid,
        isSidechain: sidechain,
        ...common,
        ...(sidechain ? { agentId: 'a1b2c3d4' } : {}),
        message: { id: messageId, type: 'message', role: 'assistant', model, content: [block], stop_reason: last && tools > 0 ? 'tool_use' : null, stop_sequence: null, usage: lineUsage },
        ...request,
        type: 'assistant',
        uuid: lineUuid,
        timestamp: this.tick(),
      });
      uuid = lineUuid;
    });
    for (const toolId of toolIds) {
      // Tool results dominate the bytes; sizes skew small with a long tail.
      const roll = this.r();
      const size = roll < 0.03 ? [20_000, 80_000] : roll < 0.33 ? [2_000, 10_000] : [200, 2_000];
      const content = this.bulk(size[0], size[1]);
      const lineUuid = this.uuid();
      push({
        parentUuid: uuid,
        isSidechain: sidechain,
        ...common,
        type: 'user',
        message: { role: 'user', content: [{ tool_use_id: toolId, type: 'tool_result', content, is_error: false }] },
        uuid: lineUuid,
        timestamp: this.tick(),
        toolUseResult: { stdout: content, stderr: '', interrupted: false, isImage: false },
      });
      uuid = lineUuid;
    }
    return uuid;
  }

  private count(model: string, t: TruthTokens, sidechain: boolean): void {
    this.truth.responses++;
    add(this.truth.tokens, t);
    if (sidechain) add(this.truth.sidechainTokens, t);
    const m = (this.truth.byModel[model] ??= { ...zero(), responses: 0 });
    add(m, t);
    m.responses++;
  }
}

/** Write about `mb` megabytes of transcripts under `dir/projects` and `dir/truth.json`. */
export function generateCorpus(options: { dir: string; mb: number; seed?: number }): CorpusTruth {
  const gen = new Generator(options.seed ?? 42, options.dir);
  const target = options.mb * 1024 * 1024;
  const projects = path.join(options.dir, 'projects');
  let total = 0;
  let n = 0;
  while (total < target) {
    const project = path.join(projects, `-home-dev-work-project-${n % 7}`);
    fs.mkdirSync(project, { recursive: true });
    const session = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const file = path.join(project, `${session}.jsonl`);
    const size = Math.min(target - total, (1 + Math.floor((n * 7919) % 16)) * 1024 * 1024);
    total += gen.session(file, size, { sidechain: n % 5 === 0 ? 'some' : 'none', useRequestRef: n % 3 !== 0 });
    gen.truth.files.push(file);
    if (n % 6 === 1 && total < target) {
      // Newer CLIs write subagents to their own file; every line there is a sidechain.
      const sub = path.join(project, session, 'subagents');
      fs.mkdirSync(sub, { recursive: true });
      const subFile = path.join(sub, `agent-${n.toString(16)}.jsonl`);
      total += gen.session(subFile, Math.min(target - total, 512 * 1024), { sidechain: 'all', useRequestRef: true });
      gen.truth.files.push(subFile);
    }
    n++;
  }
  gen.truth.bytes = total;
  fs.writeFileSync(path.join(options.dir, 'truth.json'), JSON.stringify(gen.truth, null, 1));
  return gen.truth;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const dir = arg('out', path.join(process.cwd(), '.bench-tmp', 'corpus'));
  fs.rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  const truth = generateCorpus({ dir, mb: Number(arg('mb', '50')), seed: Number(arg('seed', '42')) });
  console.log(`${truth.files.length} files, ${(truth.bytes / 1048576).toFixed(1)} MB, ${truth.responses} responses in ${Date.now() - started} ms → ${dir}`);
}
