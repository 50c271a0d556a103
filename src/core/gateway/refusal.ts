/**
 * Refusals in the Messages API's own error shape, so the agent CLI shows the person our reason
 * ("API Error: 400 … Agent Lane: budget reached …") instead of a bare connection failure.
 *
 * Status codes are chosen for how Claude Code reacts: it retries 429, 5xx and 529 with backoff,
 * so a cap or an allowlist refusal is a 400 (`invalid_request_error`), which it shows at once
 * and does not retry; a gateway that is shutting down answers 503 (`api_error`).
 */
import type * as http from 'node:http';

export type RefusalKind = 'budget' | 'model' | 'closed' | 'unreadable' | 'too-large' | 'unmetered' | 'upstream';

const STATUS: Record<RefusalKind, { status: number; type: string }> = {
  budget: { status: 400, type: 'invalid_request_error' },
  model: { status: 400, type: 'invalid_request_error' },
  unreadable: { status: 400, type: 'invalid_request_error' },
  'too-large': { status: 413, type: 'request_too_large' },
  unmetered: { status: 400, type: 'invalid_request_error' },
  closed: { status: 503, type: 'api_error' },
  upstream: { status: 502, type: 'api_error' },
};

export function refusalBody(kind: RefusalKind, message: string): { status: number; body: string } {
  const { status, type } = STATUS[kind];
  return { status, body: JSON.stringify({ type: 'error', error: { type, message } }) };
}

export function writeRefusal(res: http.ServerResponse, kind: RefusalKind, message: string): void {
  const { status, body } = refusalBody(kind, message);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-agentlane-refusal': kind });
  res.end(body);
}
