import type { Client } from '@temporalio/client';
import { formatMoney, webUiMarkdown, type SagaState, type SagaStatus } from '../../api/workflow';
import { TransferInputSchema, type TransferInput } from './commands';
import { moneyTransfer, transferWorkflowId, type MoneyTransferResult } from './workflow';
import { TransferId } from './searchAttributes';
import { parseInput, sagaRuns, type SagaRun, type StartedRun } from '../../api/client';

export interface TransferClientOptions {
  client: Client;
  taskQueue: string;
}

export interface StartedTransfer extends StartedRun {
  transferId: string;
}

export type TransferRun = Omit<SagaRun, 'key'> & { transferId: string };

/**
 * How app code runs money transfers: validated at the boundary and keyed by the transfer id, so a
 * transfer submitted twice moves money once.
 */
export function createTransferClient({ client, taskQueue }: TransferClientOptions) {
  const runs = sagaRuns({ client, taskQueue, workflow: moneyTransfer, workflowId: transferWorkflowId, keyField: 'transferId', keyAttribute: TransferId });

  return {
    /**
     * Starts the saga for a transfer. Invalid input throws InvalidInputError listing every issue and
     * starts nothing. A transfer id started before returns that run (`started: false`).
     */
    async startTransfer(input: unknown): Promise<StartedTransfer> {
      const transfer: TransferInput = parseInput(TransferInputSchema, 'transfer', input);
      const amount = formatMoney(transfer.amountCents, transfer.currency);
      const started = await runs.start(transfer.transferId, transfer, {
        searchAttributes: [],
        staticSummary: `Transfer ${transfer.transferId}: ${amount} from ${transfer.fromAccount} to ${transfer.toAccount}`,
        staticDetails: webUiMarkdown(['| from | to | amount |', '| --- | --- | --- |', `| ${transfer.fromAccount} | ${transfer.toAccount} | ${amount} |`]),
      });
      return { transferId: transfer.transferId, ...started };
    },

    /** The saga's live state (status, steps, failure, and the position of its last event so far), from the running or finished run. */
    getTransferState(transferId: string): Promise<SagaState> {
      return runs.state(transferId);
    },

    /** Waits for the saga to finish; the result's `position` is that of the run's last event. A cancelled transfer rejects with the cancellation. */
    awaitTransferResult(transferId: string): Promise<MoneyTransferResult> {
      return runs.result(transferId);
    },

    /** Asks the saga to stop; money already withdrawn is refunded and the run ends as cancelled. */
    cancelTransfer(transferId: string): Promise<void> {
      return runs.cancel(transferId);
    },

    /** Operator, for a parked transfer: run the failed compensation again, or record that it was handled by hand (a note and who). */
    retryCompensation: runs.retryCompensation,
    resolveCompensation: runs.resolveCompensation,

    /** Transfer runs by saga status, newest first, through Temporal's visibility store. */
    async listTransfers(filter: { status?: SagaStatus; limit?: number } = {}): Promise<TransferRun[]> {
      return (await runs.list(filter)).map(({ key, ...run }) => ({ transferId: key, ...run }));
    },
  };
}

export type TransferClient = ReturnType<typeof createTransferClient>;
