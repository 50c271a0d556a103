/** The per-session model gateway: forwarding, metering, caps, allowlist and redaction. */
export * from './server';
export * from './config';
export * from './spend';
export * from './refusal';
export { ResponseMeter, type MeteredResponse } from './responseUsage';
export { parseMessagesRequest, redactRequest, type Redaction } from './requestBody';
export * from './fromPolicy';
