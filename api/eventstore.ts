/**
 * `sagaflow/eventstore`: the PostgreSQL event store (append, read, aggregate, verify) and the zod
 * event contracts a process declares its events with.
 *
 * @module sagaflow/eventstore
 */
export * from '../src/eventstore';
export type { EventOf } from '../src/eventstore/contracts';
export {
  amountCents,
  businessKey,
  cents,
  compensationFailedFields,
  compensationResolvedFields,
  currency,
  eventRef,
  lineQuantity,
  MAX_AMOUNT_CENTS,
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  positiveAmountCents,
  quantity,
  reason,
} from '../src/contracts/fields';
export { sagaEventContracts, type SagaEvent } from '../src/contracts/sagaEvents';
export { SagaflowError } from '../src/errors';
