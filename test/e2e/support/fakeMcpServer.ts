// A minimal MCP server over stdio (newline-delimited JSON-RPC 2.0), hand-rolled so the e2e tests
// need no SDK. One tool, `echo`, which returns its `text` argument. Run it with
// `node --import tsx test/e2e/support/fakeMcpServer.ts` (or via `fakeMcpConfig()`).
// If FAKE_MCP_LOG is set, every request line is appended to that file (to assert calls happened).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

export const FAKE_MCP_SERVER_NAME = 'fake';
export const FAKE_MCP_TOOL = 'echo';

interface RpcRequest {
  id?: number | string;
  method: string;
  params?: unknown;
}

function parseRequest(line: string): RpcRequest | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || !('method' in v)) return undefined;
  const o = v as { id?: unknown; method: unknown; params?: unknown };
  if (typeof o.method !== 'string') return undefined;
  const id = typeof o.id === 'number' || typeof o.id === 'string' ? o.id : undefined;
  return { id, method: o.method, params: o.params };
}

function argText(params: unknown): string {
  if (typeof params !== 'object' || params === null) return '';
  const args = (params as { arguments?: unknown }).arguments;
  if (typeof args !== 'object' || args === null) return '';
  const t = (args as { text?: unknown }).text;
  return typeof t === 'string' ? t : JSON.stringify(args);
}

function handle(req: RpcRequest): unknown {
  switch (req.method) {
    case 'initialize': {
      // Echo the client's protocol version so any recent client accepts us.
      const p = req.params as { protocolVersion?: unknown } | undefined;
      const protocolVersion = typeof p?.protocolVersion === 'string' ? p.protocolVersion : '2025-06-18';
      return { protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'agentlane-fake-mcp', version: '0.0.1' } };
    }
    case 'tools/list':
      return {
        tools: [
          {
            name: FAKE_MCP_TOOL,
            description: 'Echoes the given text back.',
            inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
          },
        ],
      };
    case 'tools/call':
      return { content: [{ type: 'text', text: `echo: ${argText(req.params)}` }], isError: false };
    case 'ping':
      return {};
    default:
      return undefined;
  }
}

function serve(): void {
  const log = process.env.FAKE_MCP_LOG;
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (log) fs.appendFileSync(log, line + '\n');
    const req = parseRequest(line);
    if (!req || req.id === undefined) return; // notifications need no answer
    const result = handle(req);
    const reply =
      result === undefined
        ? { jsonrpc: '2.0', id: req.id, error: { code: -32601, message: `method not found: ${req.method}` } }
        : { jsonrpc: '2.0', id: req.id, result };
    process.stdout.write(JSON.stringify(reply) + '\n');
  });
  // The client closing stdin is our only shutdown signal.
  rl.on('close', () => process.exit(0));
}

/**
 * An --mcp-config object that starts this server through the repo's tsx binary. (Not
 * `node --import tsx`: the CLI spawns MCP servers in the session's cwd, where `tsx` does not
 * resolve, and the server dies with CONNECTION_CLOSED.)
 */
export function fakeMcpConfig(logFile?: string): Record<string, unknown> {
  const repo = path.resolve(__dirname, '../../..');
  return {
    mcpServers: {
      [FAKE_MCP_SERVER_NAME]: {
        type: 'stdio',
        command: path.join(repo, 'node_modules/.bin/tsx'),
        args: [path.join(__dirname, 'fakeMcpServer.ts')],
        env: logFile ? { FAKE_MCP_LOG: logFile } : {},
      },
    },
  };
}

if (require.main === module) serve();
