// The trace module's public surface: schema, canonical encoding, redaction, writer, verifier.
export * from './canonical';
export * from './schema';
export { AGENT_REPORTED_KINDS, HOST_BUDGET_SOURCES, trustLabel, vouchedBy, withTrustLabel, type Voucher } from './trust';
export * from './redact';
export { SECRET_RULES, shannonEntropy, type SecretRule } from './redactRules';
export { TraceWriter, TraceWriteError, type TraceWriteReason, type TraceWriterOptions, type TraceFileIo, type Durability } from './writer';
export { verifyTraceBytes, verifyTraceFile } from './verify';
export type { TraceDamage, VerifyFailure, VerifyOk, VerifyOptions, VerifyResult } from './verifyTypes';
