export { createEventStore, DEFAULT_MAX_METADATA_BYTES, DEFAULT_MAX_PAYLOAD_BYTES, type EventStore, type EventStoreOptions } from './eventStore';
export { appendEvents, type AppendOptions, type AppendSettings } from './appendEvents';
export { AppendNotifier } from './appendNotifier';
export { readAll, type ReadAllOptions, type ReadAllPage } from './readAll';
export { readStream, type ReadStreamOptions } from './readStream';
export { aggregateStream, type Aggregate, type AggregateOptions } from './aggregateStream';
export type { SnapshotPolicy } from './snapshots';
export { verifyChain, chainBreaks, type BrokenLink, type ChainBreak, type ChainBreaks, type ChainReport } from './verifyChain';
export {
  computeLogDigest,
  DEFAULT_DIGEST_WINDOW_SIZE,
  formatLogDigest,
  LOG_DIGEST_FORMAT,
  LogDigestFormatError,
  MAX_DIGEST_WINDOW_SIZE,
  parseLogDigest,
  type DigestProgress,
  type DigestWindow,
  type LogDigest,
  type LogDigestOptions,
} from './logDigest';
export { verifyLogAgainst, type LogVerification, type LoggedEvent, type MissingEvent, type PlacedChainBreak, type VerifyLogOptions, type WindowDifference } from './verifyLogAgainst';
export { archiveStreams, countClosedStreams, findClosedStreams, type ArchivedStream, type ClosedStream, type ClosedStreams } from './archiveStreams';
export { readArchived, type ArchivedEventLine } from './exportArchived';
export { subscribeToAppends, type AppendSubscription } from './subscribeToAppends';
export type { ImportEvent, ImportOptions } from './importEvents';
export { ContractRegistry, defineEvent, defineUpcaster, type EventContract, type Upcaster } from './contracts';
export * from './errors';
export { InvalidStreamIdError, streamTypeOf } from './streamIds';
export * from './types';
export * from './personalData';
