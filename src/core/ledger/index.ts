// The ledger module's public surface: sinks, the factory, the sync engine and its status.
export type { LedgerCheckpoint, LedgerHead, LedgerLine, LedgerSink, LedgerSinkKind } from './sink';
export { BrokenTraceError, LedgerConflictError, LedgerError, type LedgerErrorInfo, type LedgerErrorReason } from './errors';
export { openSink, parseLedgerUrl, type OpenSinkOptions, type SinkAddress } from './openSink';
export { DirectorySink, nodeDirectoryFs, sessionFileName, type DirectoryFs } from './directorySink';
export { PostgresSink, type PostgresSinkOptions } from './postgresSink';
export { OtlpSink, type OtlpSinkOptions } from './otlpSink';
export { OTLP_ATTRIBUTES, otlpAttributesOf, otlpSeverityOf, type OtlpAttributeName } from './otlpAttributes';
export { LedgerSync, type LedgerSyncOptions, type LedgerSyncStatus, type SessionSyncStatus, type SyncResult, type SyncState } from './sync';
export { CursorStore, type Cursor } from './cursor';
export { systemClock, type SyncClock, type BackoffPolicy } from './backoff';
export { openLedgerReader, type LedgerReader } from './ledgerReader';
export { LEDGER_ENV, ledgerPassword, readLedgerFile, resolveLedgerAddress, scrubLaneSecrets, type LedgerAddress } from './secrets';
