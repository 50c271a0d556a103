// Talking to a gateway the way the agent CLI does: POST /v1/messages over loopback TCP or a
// unix socket, streaming or not, and reading back what the agent would see.
import * as http from 'node:http';
import { loadPolicyFromText, type PolicyLayer } from '../../../src/core/policy/load';
import { compilePolicy, type CompiledPolicy } from '../../../src/core/policy/compile';
import type { LayerName } from '../../../src/core/policy/types';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface Target {
  url?: string;
  socketPath?: string;
}

export function messagesBody(opts: { model?: string; stream?: boolean; text?: string; side?: boolean } = {}): Record<string, unknown> {
  return {
    model: opts.model ?? 'claude-opus-5-5',
    max_tokens: 1000,
    stream: opts.stream ?? true,
    system: [{ type: 'text', text: 'You are a coding agent.' }],
    ...(opts.side ? {} : { tools: [{ name: 'Read', input_schema: { type: 'object' } }] }),
    messages: [{ role: 'user', content: [{ type: 'text', text: opts.text ?? 'fix the tests' }] }],
  };
}

export function send(target: Target, body: unknown, opts: { path?: string; method?: string; raw?: string } = {}): Promise<Reply> {
  const payload = opts.raw ?? JSON.stringify(body);
  const url = target.url ? new URL(opts.path ?? '/v1/messages', target.url) : undefined;
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: opts.method ?? 'POST',
      ...(url ? { host: url.hostname, port: url.port, path: url.pathname + url.search } : { socketPath: target.socketPath, path: opts.path ?? '/v1/messages' }),
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test-key', 'anthropic-version': '2023-06-01' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function layers(...texts: Array<string | [string, LayerName]>): { layers: PolicyLayer[]; policy: CompiledPolicy } {
  const out = texts.map((t) => {
    const [text, name] = Array.isArray(t) ? t : [t, 'workspace' as LayerName];
    const r = loadPolicyFromText(text, name === 'managed' ? '/etc/agentlane/policy.yaml' : '/ws/.agentlane/policy.yaml', name);
    if (!r.ok) throw new Error(`test policy invalid: ${JSON.stringify(r.errors)}`);
    return r.layer;
  });
  return { layers: out, policy: compilePolicy({ layers: out, home: '/home/dev' }) };
}
