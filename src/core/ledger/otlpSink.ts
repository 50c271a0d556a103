/**
 * OTLP/HTTP logs ledger (→ a collector → the SIEM): one log record per trace event, attributes
 * from otlpAttributes.ts, body = the raw line.
 *
 * Records go straight to the exporter's `export()` instead of through a LoggerProvider and
 * batch processor: the processor acknowledges on enqueue and drops on failure, while the sync
 * engine must know whether *this* batch reached the collector before it moves its cursor.
 * Write-only: there is no `head` (a collector cannot be asked what it holds); the engine's
 * cursor is the only position, and a crash between export and cursor write re-sends —
 * de-duplicate on (agentlane.session_id, agentlane.seq).
 */
import type { HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { errnoCode, isNetworkCode, LedgerError } from './errors';
import { otlpAttributesOf, otlpSeverityOf, SEVERITY_NUMBER } from './otlpAttributes';
import type { LedgerLine, LedgerSink } from './sink';

export interface OtlpSinkOptions {
  /** Extra HTTP headers, e.g. an API key of the collector. */
  headers?: Record<string, string>;
  /** Per export, including the exporter's own short retries (default 10 s). */
  timeoutMillis?: number;
  /** Resource attributes besides service.name. */
  resource?: Record<string, string>;
}

/** ExportResultCode.SUCCESS of @opentelemetry/core (not a direct dependency of ours). */
const EXPORT_SUCCESS = 0;
const SCOPE = { name: 'agentlane.ledger', version: '1' };

function hrTimeOf(ms: number): HrTime {
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

export class OtlpSink implements LedgerSink {
  readonly name = 'otlp' as const;
  private readonly exporter: OTLPLogExporter;
  private readonly resource: Resource;
  private closed = false;

  constructor(readonly url: string, readonly id: string, readonly display: string, opts: OtlpSinkOptions = {}) {
    this.exporter = new OTLPLogExporter({ url, headers: opts.headers, timeoutMillis: opts.timeoutMillis ?? 10_000 });
    this.resource = resourceFromAttributes({ 'service.name': 'agentlane', ...opts.resource });
  }

  async append(_sessionId: string, lines: readonly LedgerLine[]): Promise<void> {
    if (this.closed) throw new LedgerError('closed', `ledger \`${this.display}\` is closed`);
    if (lines.length === 0) return;
    const observed = hrTimeOf(Date.now());
    const records: ReadableLogRecord[] = lines.map((l) => {
      const severity = otlpSeverityOf(l.event);
      return {
        hrTime: hrTimeOf(Date.parse(l.event.ts)),
        hrTimeObserved: observed,
        severityText: severity,
        severityNumber: SEVERITY_NUMBER[severity] as SeverityNumber,
        body: l.raw,
        eventName: `agentlane.${l.event.event}`,
        resource: this.resource,
        instrumentationScope: SCOPE,
        attributes: otlpAttributesOf(l.event),
        droppedAttributesCount: 0,
      };
    });
    await new Promise<void>((resolve, reject) => {
      this.exporter.export(records, (result) => {
        if (result.code === EXPORT_SUCCESS) resolve();
        else reject(otlpError(result.error, this.display));
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exporter.shutdown();
  }
}

/** HTTP status → reason: 429 and 5xx gateways are "try later"; other statuses will not change. */
export function otlpError(e: unknown, display: string): LedgerError {
  const status = (e as { code?: unknown } | undefined)?.code;
  const msg = e instanceof Error ? e.message : String(e ?? 'export failed');
  const where = `cannot export to collector \`${display}\``;
  if (typeof status === 'number') {
    if (status === 429 || status === 502 || status === 503 || status === 504) return new LedgerError('unavailable', `${where}: HTTP ${status} ${msg}`, { cause: e });
    if (status === 401 || status === 403) return new LedgerError('permission', `${where}: HTTP ${status} ${msg}`, { cause: e });
    return new LedgerError('rejected', `${where}: HTTP ${status} ${msg}`, { cause: e });
  }
  // After its own retries on 429/5xx the exporter reports this, without the status.
  if (/retryable status/i.test(msg)) return new LedgerError('unavailable', `${where}: the collector keeps answering "try later" (${msg})`, { cause: e });
  const code = errnoCode(e);
  if (isNetworkCode(code)) return new LedgerError('unreachable', `${where}: ${msg} (${code})`, { cause: e });
  // Timeouts, "retryable status" after the exporter's own retries, concurrency limits: all
  // transient; the data stays in the trace file and the engine tries again.
  return new LedgerError('unreachable', `${where}: ${msg}`, { cause: e });
}
