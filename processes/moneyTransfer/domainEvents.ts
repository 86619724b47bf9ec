import { z } from 'zod';
import { defineEvent, type EventOf } from '../../src/eventstore/contracts';
import { cents, compensationFailedFields, compensationResolvedFields, currency, eventRef as id, reason } from '../../src/contracts/fields';

const transferRef = { transferId: id };
const amount = { amountCents: cents, currency };

export const TransferRequested = defineEvent('TransferRequested', 1, z.object({ ...transferRef, fromAccount: id, toAccount: id, ...amount }));
export const FundsWithdrawn = defineEvent('FundsWithdrawn', 1, z.object({ ...transferRef, withdrawalId: id, accountId: id, ...amount }));
/** The bank refused the withdrawal (insufficient funds, an unavailable account): nothing moved. */
export const WithdrawalDeclined = defineEvent('WithdrawalDeclined', 1, z.object({ ...transferRef, accountId: id, reason }));
export const FundsDeposited = defineEvent('FundsDeposited', 1, z.object({ ...transferRef, depositId: id, withdrawalId: id, accountId: id, ...amount }));
/** The bank refused the deposit (an unavailable account): the withdrawn money is still in flight and is refunded. */
export const DepositDeclined = defineEvent('DepositDeclined', 1, z.object({ ...transferRef, accountId: id, reason }));
export const WithdrawalRefunded = defineEvent('WithdrawalRefunded', 1, z.object({ ...transferRef, withdrawalId: id, accountId: id, ...amount, reason }));
export const TransferCompleted = defineEvent('TransferCompleted', 1, z.object({ ...transferRef }));
export const TransferFailed = defineEvent('TransferFailed', 1, z.object({ ...transferRef, reason, failedStep: id.optional() }));
/**
 * A compensation still failing after its retry budget: the saga waits for an operator. Its own type
 * rather than the order's CompensationFailed, whose contract (and every reader of it) expects an orderId.
 */
export const TransferCompensationFailed = defineEvent('TransferCompensationFailed', 1, z.object({ ...transferRef, ...compensationFailedFields }));
export const TransferCompensationResolved = defineEvent('TransferCompensationResolved', 1, z.object({ ...transferRef, ...compensationResolvedFields }));

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
