import { patched } from '@temporalio/workflow';
import type { TransferSteps } from './steps';
import { formatMoney, STEP_ENGINE_PATCH, StepSaga, type SagaResult } from '../../api/workflow';
import { transferRequestedData } from './openingEvent';
import type { TransferInput } from './commands';
import { moneyTransferV1 } from './legacy/moneyTransferV1';
import { TRANSFER_SAGA_TYPE } from './sagaType';
import { TransferId } from './searchAttributes';

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
  if (!patched(STEP_ENGINE_PATCH)) return moneyTransferV1(input);
  const { transferId, fromAccount, toAccount, amountCents, currency } = input;
  const amount = formatMoney(amountCents, currency);
  const money = { transferId, amountCents, currency };

  const saga = new StepSaga<TransferSteps>({
    sagaType: TRANSFER_SAGA_TYPE,
    streamId: `Transfer-${transferId}`,
    subject: { transferId },
    searchAttributes: [{ key: TransferId, value: transferId }],
  });

  return saga.run(async () => {
    await saga.open('TransferRequested', transferRequestedData(input));
    const { withdrawalId } = await saga.step('withdrawFunds', { ...money, accountId: fromAccount }, {
      summary: `Withdraw ${amount} from ${fromAccount}`,
      undo: { step: 'refundWithdrawal', summary: `Refund ${amount} to ${fromAccount}`, input: (withdrawn) => ({ ...money, accountId: fromAccount, ...withdrawn }) },
    });
    // No compensation of its own: a deposit is the point of no return. One that failed moved nothing; the refund above undoes the rest.
    const { depositId } = await saga.step('depositFunds', { ...money, withdrawalId, accountId: toAccount }, { summary: `Deposit ${amount} into ${toAccount}` });
    return { withdrawalId, depositId };
  }, { transferId });
}
