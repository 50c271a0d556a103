// The trace module's public surface: schema, canonical encoding, redaction, writer, verifier.
export * from './canonical';
export * from './schema';
export * from './redact';
export { SECRET_RULES, shannonEntropy, type SecretRule } from './redactRules';
export { TraceWriter, TraceWriteError, type TraceWriteReason, type TraceWriterOptions, type TraceFileIo, type Durability } from './writer';
export { verifyTraceBytes, verifyTraceFile } from './verify';
export type { TraceDamage, VerifyFailure, VerifyOk, VerifyOptions, VerifyResult } from './verifyTypes';
