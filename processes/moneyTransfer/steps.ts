import { ApplicationFailure } from '@temporalio/activity';
import { BusinessRejection, type BankService } from '../../src/adapters/types';
import type { TransferEvent } from './domainEvents';
import { done, nothingToUndo, rejected, type StepCall, type StepEvent, type UndoCall, cancellable } from '../../api/worker';

export interface TransferStepDeps {
  bank: BankService;
}

interface Money {
  transferId: string;
  accountId: string;
  amountCents: number;
  currency: string;
}

function event<T extends TransferEvent['type']>(type: T, data: Extract<TransferEvent, { type: T }>['data']): StepEvent {
  return { type, data };
}

/**
 * The money transfer saga's steps: one bank call each, with the key the engine gives it, returning
 * what happened and the event that records it (see processes/orderFulfillment/steps.ts).
 */
export function createTransferSteps({ bank }: TransferStepDeps) {
  /** A business "no" from the bank: nothing moved, and the event says why. */
  async function orDeclined<R>(what: string, type: 'WithdrawalDeclined' | 'DepositDeclined', subject: { transferId: string; accountId: string }, effect: () => Promise<R>) {
    try {
      return await effect();
    } catch (error) {
      if (!(error instanceof BusinessRejection)) throw error;
      return rejected(`${what} declined: ${error.message}`, event(type, { ...subject, reason: error.message }));
    }
  }

  return {
    async withdrawFunds({ transferId, accountId, amountCents, currency }: Money, { key }: StepCall) {
      return orDeclined('withdrawal', 'WithdrawalDeclined', { transferId, accountId }, async () => {
        const { withdrawalId } = await bank.withdraw({ idempotencyKey: key, transferId, accountId, amountCents, currency }, cancellable());
        return done({ withdrawalId }, event('FundsWithdrawn', { transferId, withdrawalId, accountId, amountCents, currency }));
      });
    },

    async depositFunds({ transferId, withdrawalId, accountId, amountCents, currency }: Money & { withdrawalId: string }, { key }: StepCall) {
      return orDeclined('deposit', 'DepositDeclined', { transferId, accountId }, async () => {
        const { depositId } = await bank.deposit({ idempotencyKey: key, transferId, withdrawalId, accountId, amountCents, currency }, cancellable());
        return done({ depositId }, event('FundsDeposited', { transferId, depositId, withdrawalId, accountId, amountCents, currency }));
      });
    },

    /** Gives the withdrawn money back; without the withdrawal's id (its reply was lost) it looks the withdrawal up by the action's key. */
    async refundWithdrawal({ transferId, accountId, amountCents, currency, withdrawalId }: Money & { withdrawalId?: string }, { key, actionKey }: UndoCall) {
      const id = withdrawalId ?? (await bank.findWithdrawal(actionKey));
      if (!id) return nothingToUndo();
      try {
        await bank.refund({ idempotencyKey: key, transferId, withdrawalId: id }, cancellable());
      } catch (error) {
        // The money reached the destination after all (a deposit whose reply was lost): retrying cannot undo that.
        if (error instanceof BusinessRejection) throw ApplicationFailure.nonRetryable(error.message, 'RefundRefused');
        throw error;
      }
      return done(undefined, event('WithdrawalRefunded', { transferId, withdrawalId: id, accountId, amountCents, currency, reason: 'transfer compensated' }));
    },
  };
}

export type TransferSteps = ReturnType<typeof createTransferSteps>;
