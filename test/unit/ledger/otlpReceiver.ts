/**
 * A tiny OTLP/HTTP logs receiver on 127.0.0.1 for tests: accepts the exporter's JSON encoding
 * on POST /v1/logs, decodes every log record to plain attributes, and can be told to answer
 * with an error status.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const AnyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.number(), z.string()]).optional(),
  boolValue: z.boolean().optional(),
  doubleValue: z.number().optional(),
});
const KeyValue = z.object({ key: z.string(), value: AnyValue });
const LogRecord = z.object({
  timeUnixNano: z.union([z.string(), z.number()]).optional(),
  severityNumber: z.number().optional(),
  severityText: z.string().optional(),
  body: AnyValue.optional(),
  eventName: z.string().optional(),
  attributes: z.array(KeyValue).default([]),
});
const ExportRequest = z.object({
  resourceLogs: z.array(z.object({
    resource: z.object({ attributes: z.array(KeyValue).default([]) }).optional(),
    scopeLogs: z.array(z.object({ scope: z.object({ name: z.string() }).optional(), logRecords: z.array(LogRecord) })),
  })),
});

export type ReceivedValue = string | number | boolean;

export interface ReceivedRecord {
  severityText: string | undefined;
  severityNumber: number | undefined;
  body: string | undefined;
  eventName: string | undefined;
  timeUnixNano: string | undefined;
  attributes: Record<string, ReceivedValue>;
  resource: Record<string, ReceivedValue>;
}

function plain(v: z.infer<typeof AnyValue>): ReceivedValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  return v.doubleValue ?? '';
}

function attrs(kvs: Array<z.infer<typeof KeyValue>>): Record<string, ReceivedValue> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, plain(kv.value)]));
}

export interface OtlpReceiver {
  url: string;
  records: ReceivedRecord[];
  requests: number;
  contentTypes: string[];
  /** Answer every request with this status (200 = accept). */
  status: number;
  close(): Promise<void>;
}

export async function startOtlpReceiver(port = 0): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = { url: '', records: [], requests: 0, contentTypes: [], status: 200, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      receiver.contentTypes.push(String(req.headers['content-type']));
      if (req.method !== 'POST' || req.url !== '/v1/logs') {
        res.writeHead(404).end();
        return;
      }
      if (receiver.status !== 200) {
        res.writeHead(receiver.status, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const body = ExportRequest.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      for (const rl of body.resourceLogs) {
        const resource = attrs(rl.resource?.attributes ?? []);
        for (const sl of rl.scopeLogs) {
          for (const r of sl.logRecords) {
            receiver.records.push({
              severityText: r.severityText, severityNumber: r.severityNumber, body: r.body?.stringValue, eventName: r.eventName,
              timeUnixNano: r.timeUnixNano === undefined ? undefined : String(r.timeUnixNano), attributes: attrs(r.attributes), resource,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
  receiver.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return receiver;
}
