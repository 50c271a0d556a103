/**
 * A minimal Messages API for bench/gateway.ts, in its own process: one SSE answer with usage
 * per request, the first event at once and the rest after `argv[2]` ms. Reports its port over IPC.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

const gapMs = Number(process.argv[2] ?? 0);
let seq = 0;

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(sse('message_start', { message: { id: `msg_${++seq}`, type: 'message', role: 'assistant', model: 'claude-opus-5-5', content: [], usage: { input_tokens: 30_000, output_tokens: 1, cache_read_input_tokens: 20_000 } } }));
    const rest = (): void => {
      res.write(sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
      for (let i = 0; i < 20; i++) res.write(sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lorem ipsum dolor sit amet ' } }));
      res.write(sse('content_block_stop', { index: 0 }));
      res.write(sse('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 400 } }));
      res.end(sse('message_stop', {}));
    };
    if (gapMs > 0) setTimeout(rest, gapMs);
    else rest();
  });
});
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => process.exit(0));
