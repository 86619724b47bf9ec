// Workflow code imports this module: it must stay free of zod and of Node APIs (types only below).
import type { TransferInput } from './commands';
import type { TransferEvent } from './domainEvents';

type TransferRequestedData = Extract<TransferEvent, { type: 'TransferRequested' }>['data'];

/** The payload of TransferRequested, the event that opens a transfer's stream. */
export function transferRequestedData({ transferId, fromAccount, toAccount, amountCents, currency }: TransferInput): TransferRequestedData {
  return { transferId, fromAccount, toAccount, amountCents, currency };
}
