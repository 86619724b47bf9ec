import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { TransferActivities } from '../activities/transferActivities';
import { formatMoney } from '../src/contracts/money';
import { transferRequestedData } from '../src/contracts/openingEvents';
import type { TransferEventType } from '../src/contracts/transferEvents';
import type { TransferInput } from '../src/contracts/transferCommands';
import { BUSINESS_REJECTION, proxySagaActivities, recordCompensationEvents, Saga, WorkflowEventStream, type SagaResult } from '../src/saga';
import { TransferId } from './searchAttributes';

const { normal, fast } = proxySagaActivities<TransferActivities>();

export interface MoneyTransferResult extends SagaResult<{ withdrawalId: string; depositId: string }> {
  transferId: string;
}

/** The workflow id of a transfer's saga: one run per transfer, found again from the business key. */
export function transferWorkflowId(transferId: string): string {
  return `transfer-${transferId}`;
}

/**
 * A money transfer: withdraw from one account → deposit into the other → complete. If the deposit
 * fails (or the run is cancelled) the withdrawal is refunded. Every step records its event in the
 * transfer's stream.
 */
export async function moneyTransfer(input: TransferInput): Promise<MoneyTransferResult> {
  const { workflowId } = workflowInfo();
  const { transferId, fromAccount, toAccount, amountCents, currency, simulate: faults } = input;
  const { actions, compensations, records, compensationAttempts } = faults?.fastRetries ? fast : normal;
  upsertSearchAttributes([{ key: TransferId, value: transferId }]);

  const stream = new WorkflowEventStream(`Transfer-${transferId}`);
  const key = (step: string) => `${workflowId}:${step}`;
  const bankCall = (step: string) => ({ transferId, amountCents, currency, idempotencyKey: key(step), ...(faults ? { faults } : {}) });
  const recordEvent = (type: TransferEventType, data: unknown) =>
    stream.write(async (slot) => ({ appended: await records.recordTransferEvent.executeWithOptions({ summary: `Record ${type}` }, [slot, type, data]) }));
  const amount = formatMoney(amountCents, currency);
  const summary = {
    withdraw: `Withdraw ${amount} from ${fromAccount}`,
    deposit: `Deposit ${amount} into ${toAccount}`,
    refund: `Refund ${amount} to ${fromAccount}`,
  };

  const saga = new Saga({
    sagaType: 'MoneyTransfer',
    stream,
    ...recordCompensationEvents(recordEvent, {
      subject: { transferId },
      types: { compensationFailed: 'TransferCompensationFailed', compensationResolved: 'TransferCompensationResolved', failed: 'TransferFailed' },
      compensationAttempts,
    }),
  });

  const result = await saga.run(async () => {
    await saga.open('TransferRequested', () => recordEvent('TransferRequested', transferRequestedData(input)));

    const withdrawalId = await saga.step('withdrawFunds', {
      summary: summary.withdraw,
      run: async () => {
        const withdrawn = await stream.write((slot) =>
          actions.withdrawFunds.executeWithOptions({ summary: summary.withdraw }, [{ slot, ...bankCall('withdrawFunds'), accountId: fromAccount }]),
        );
        if (withdrawn.outcome === 'declined') throw ApplicationFailure.nonRetryable(`withdrawal declined: ${withdrawn.reason}`, BUSINESS_REJECTION);
        return withdrawn.withdrawalId;
      },
      compensate: (id) =>
        stream
          .write((slot) =>
            compensations.refundWithdrawal.executeWithOptions({ summary: summary.refund }, [
              { slot, ...bankCall('refundWithdrawal'), accountId: fromAccount, actionKey: key('withdrawFunds'), ...(id ? { withdrawalId: id } : {}) },
            ]),
          )
          .then(() => undefined),
    });

    // No compensation of its own: a deposit is the point of no return. One that failed moved nothing; the refund above undoes the rest.
    const depositId = await saga.step('depositFunds', {
      summary: summary.deposit,
      run: async () => {
        const deposited = await stream.write((slot) =>
          actions.depositFunds.executeWithOptions({ summary: summary.deposit }, [{ slot, ...bankCall('depositFunds'), withdrawalId, accountId: toAccount }]),
        );
        if (deposited.outcome === 'declined') throw ApplicationFailure.nonRetryable(`deposit declined: ${deposited.reason}`, BUSINESS_REJECTION);
        return deposited.depositId;
      },
    });

    await recordEvent('TransferCompleted', { transferId });
    return { withdrawalId, depositId };
  });
  return { transferId, ...result };
}
