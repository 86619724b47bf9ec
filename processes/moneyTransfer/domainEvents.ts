import { z } from 'zod';
import { defineEvent, type EventOf, cents, compensationFailedFields, compensationResolvedFields, currency, eventRef as id, reason } from '../../api/eventstore';

const transferRef = { transferId: id };
const amount = { amountCents: cents, currency };

/** The account holder is the subject of an account's events: forgetting them erases its id. */
const accountHolder = { subject: 'accountId', fields: ['accountId'] };

export const TransferRequested = defineEvent('TransferRequested', 1, z.object({ ...transferRef, fromAccount: id, toAccount: id, ...amount }), {
  personal: [
    { subject: 'fromAccount', fields: ['fromAccount'] },
    { subject: 'toAccount', fields: ['toAccount'] },
  ],
  description: "A transfer was asked for: from one account to another, the amount in integer cents with its currency. Opens the transfer's stream.",
});
export const FundsWithdrawn = defineEvent('FundsWithdrawn', 1, z.object({ ...transferRef, withdrawalId: id, accountId: id, ...amount }), {
  personal: accountHolder,
  description: 'The amount was taken from the source account; the withdrawal id names the money in flight.',
});
export const WithdrawalDeclined = defineEvent('WithdrawalDeclined', 1, z.object({ ...transferRef, accountId: id, reason }), {
  personal: accountHolder,
  description: 'The bank refused the withdrawal (insufficient funds, an unavailable account): nothing moved.',
});
export const FundsDeposited = defineEvent('FundsDeposited', 1, z.object({ ...transferRef, depositId: id, withdrawalId: id, accountId: id, ...amount }), {
  personal: accountHolder,
  description: "The withdrawn amount was put on the destination account; the transfer's money has arrived.",
});
export const DepositDeclined = defineEvent('DepositDeclined', 1, z.object({ ...transferRef, accountId: id, reason }), {
  personal: accountHolder,
  description: 'The bank refused the deposit (an unavailable account): the withdrawn money is still in flight and is refunded.',
});
export const WithdrawalRefunded = defineEvent('WithdrawalRefunded', 1, z.object({ ...transferRef, withdrawalId: id, accountId: id, ...amount, reason }), {
  personal: accountHolder,
  description: 'The withdrawn amount was put back on the source account: the compensation of FundsWithdrawn.',
});
export const TransferCompleted = defineEvent('TransferCompleted', 1, z.object({ ...transferRef }), {
  description: 'The transfer saga finished every step. Recorded by runs started before SagaCompleted; still read.',
});
export const TransferFailed = defineEvent('TransferFailed', 1, z.object({ ...transferRef, reason, failedStep: id.optional() }), {
  description: 'The transfer saga failed or was cancelled, and its compensations ran. Recorded by runs started before SagaFailed; still read.',
});
/**
 * A compensation still failing after its retry budget: the saga waits for an operator. Its own type
 * rather than the order's CompensationFailed, whose contract (and every reader of it) expects an orderId.
 */
export const TransferCompensationFailed = defineEvent('TransferCompensationFailed', 1, z.object({ ...transferRef, ...compensationFailedFields }), {
  description: 'A compensation of the transfer saga still failed after its retries: the run waits for an operator. Recorded by runs started before SagaCompensationFailed.',
});
export const TransferCompensationResolved = defineEvent('TransferCompensationResolved', 1, z.object({ ...transferRef, ...compensationResolvedFields }), {
  description: 'An operator resolved a failed compensation of the transfer saga by hand. Recorded by runs started before SagaCompensationResolved.',
});

export const transferContracts = [
  TransferRequested,
  FundsWithdrawn,
  WithdrawalDeclined,
  FundsDeposited,
  DepositDeclined,
  WithdrawalRefunded,
  TransferCompleted,
  TransferFailed,
  TransferCompensationFailed,
  TransferCompensationResolved,
];

type Latest = (typeof transferContracts)[number];

/** The transfer domain's events, as a discriminated union on `type`. */
export type TransferEvent = EventOf<Latest>;
export type TransferEventType = TransferEvent['type'];
