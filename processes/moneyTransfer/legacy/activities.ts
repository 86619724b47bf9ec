import { ApplicationFailure } from '@temporalio/activity';
import { BusinessRejection, type BankService } from '../../../src/adapters/types';
import type { TransferEventType } from '../domainEvents';
import type { EventStore } from '../../../src/eventstore';
import type { EventSlot } from '../../../src/saga/eventStream';
import { cancellable } from '../../../activities/cancellable';
import { recordEvent, type Appended } from '../../../activities/recordEvent';

export interface TransferActivityDeps {
  store: EventStore;
  bank: BankService;
}

/** The call as runs started before the step engine make it; their `faults` the bank no longer reads. */
interface CallContext {
  idempotencyKey: string;
  faults?: unknown;
}

interface Money {
  transferId: string;
  amountCents: number;
  currency: string;
}

/** The bank said no: nothing moved, and the event says why. */
type Declined = { outcome: 'declined'; reason: string; appended: Appended };

/**
 * The transfer saga's activities as runs started before the step engine call them (see
 * legacy/moneyTransferV1.ts); new runs call steps.ts. Retire with the
 * legacy workflow.
 *
 * The money transfer saga's activities: one bank call and the event recording it, both idempotent
 * (the call by its key, the append by the event id the workflow made), as the order activities are.
 */
export function createTransferActivities({ store, bank }: TransferActivityDeps) {
  const record = (slot: EventSlot, type: TransferEventType, data: unknown): Promise<Appended> => recordEvent(store, slot, type, data);

  /** A business "no" becomes a value with its event, for the workflow to decide on; anything else is retried. */
  async function orDeclined<T>(slot: EventSlot, type: 'WithdrawalDeclined' | 'DepositDeclined', subject: { transferId: string; accountId: string }, call: () => Promise<T>) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof BusinessRejection)) throw error;
      const declined: Declined = { outcome: 'declined', reason: error.message, appended: await record(slot, type, { ...subject, reason: error.message }) };
      return declined;
    }
  }

  return {
    async recordTransferEvent(slot: EventSlot, type: TransferEventType, data: unknown): Promise<Appended> {
      return record(slot, type, data);
    },

    async withdrawFunds(input: CallContext & Money & { slot: EventSlot; accountId: string }): Promise<{ outcome: 'withdrawn'; withdrawalId: string; appended: Appended } | Declined> {
      const { slot, transferId, accountId, amountCents, currency } = input;
      return orDeclined(slot, 'WithdrawalDeclined', { transferId, accountId }, async () => {
        const { withdrawalId } = await bank.withdraw(input, cancellable());
        return { outcome: 'withdrawn' as const, withdrawalId, appended: await record(slot, 'FundsWithdrawn', { transferId, withdrawalId, accountId, amountCents, currency }) };
      });
    },

    async depositFunds(
      input: CallContext & Money & { slot: EventSlot; withdrawalId: string; accountId: string },
    ): Promise<{ outcome: 'deposited'; depositId: string; appended: Appended } | Declined> {
      const { slot, transferId, withdrawalId, accountId, amountCents, currency } = input;
      return orDeclined(slot, 'DepositDeclined', { transferId, accountId }, async () => {
        const { depositId } = await bank.deposit(input, cancellable());
        return {
          outcome: 'deposited' as const,
          depositId,
          appended: await record(slot, 'FundsDeposited', { transferId, depositId, withdrawalId, accountId, amountCents, currency }),
        };
      });
    },

    /**
     * Gives the withdrawn money back. Without the withdrawal's id (its reply was lost) it looks the
     * withdrawal up by the action's key; none means nothing was withdrawn and nothing is recorded.
     */
    async refundWithdrawal(
      input: CallContext & Money & { slot: EventSlot; accountId: string; actionKey: string; withdrawalId?: string },
    ): Promise<{ appended?: Appended }> {
      const { slot, transferId, accountId, amountCents, currency } = input;
      const withdrawalId = input.withdrawalId ?? (await bank.findWithdrawal(input.actionKey));
      if (!withdrawalId) return {};
      try {
        await bank.refund({ ...input, withdrawalId }, cancellable());
      } catch (error) {
        // The money reached the destination after all (a deposit whose reply was lost): retrying cannot undo that.
        if (error instanceof BusinessRejection) throw ApplicationFailure.nonRetryable(error.message, 'RefundRefused');
        throw error;
      }
      return { appended: await record(slot, 'WithdrawalRefunded', { transferId, withdrawalId, accountId, amountCents, currency, reason: 'transfer compensated' }) };
    },
  };
}

export type TransferActivities = ReturnType<typeof createTransferActivities>;
