import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { TransferActivities } from './activities';
import { TRANSFER_LEGACY_SAGA_EVENTS } from './sagaEvents';
import { formatMoney } from '../../../src/contracts/money';
import { transferRequestedData } from '../openingEvent';
import type { TransferEventType } from '../domainEvents';
import type { TransferInput } from '../commands';
import { BUSINESS_REJECTION, proxySagaActivities, recordCompensationEvents, Saga, WorkflowEventStream } from '../../../src/saga';
import type { MoneyTransferResult } from '../workflow';
import { TRANSFER_SAGA_TYPE } from '../sagaType';
import { TransferId } from '../searchAttributes';
import type { LegacyFaults } from '../../../src/saga/legacyFaults';

const { normal, fast } = proxySagaActivities<TransferActivities>();

/**
 * The transfer saga as it ran before the step engine (STEP_ENGINE_PATCH), kept unchanged so that
 * runs started then replay and finish with the commands they began with. Retire it with the patch
 * once none of them is open.
 */
export async function moneyTransferV1(input: TransferInput & { simulate?: LegacyFaults }): Promise<MoneyTransferResult> {
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
    sagaType: TRANSFER_SAGA_TYPE,
    stream,
    ...recordCompensationEvents(recordEvent, {
      subject: { transferId },
      types: TRANSFER_LEGACY_SAGA_EVENTS,
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
