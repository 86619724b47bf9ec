import { createSimulatedServices, type FaultPlan } from '../../src/adapters';
import { createTransferClient, type TransferClient } from './client';
import type { TransferInput } from './commands';
import type { Scenario, ScenarioContext } from '../../api/worker';
import { waitUntil } from '../../api/worker';
import { moneyTransfer, transferWorkflowId } from './workflow';

type ScenarioClients = ScenarioContext & { transfers: TransferClient };
const waitFor = (check: () => Promise<boolean>) => waitUntil(check, 'the scenario reached its point');

/** Opens the two accounts of a scenario (named after it) and gives back the transfer's input. */
async function transferBetweenNewAccounts(
  { pool, faults }: ScenarioContext,
  key: string,
  { balanceCents = 10_000, openDestination = true, plan = {} }: { balanceCents?: number; openDestination?: boolean; plan?: FaultPlan } = {},
): Promise<TransferInput> {
  const { bank } = createSimulatedServices(pool);
  const [fromAccount, toAccount] = [`${key}-from`, `${key}-to`];
  await bank.openAccount(fromAccount, { currency: 'USD', balanceCents });
  if (openDestination) await bank.openAccount(toAccount, { currency: 'USD', balanceCents: 0 });
  if (Object.keys(plan).length > 0) await faults.plan(`${transferWorkflowId(key)}:`, plan);
  return { transferId: key, fromAccount, toAccount, amountCents: 2500, currency: 'USD' };
}

async function finish(context: ScenarioContext, input: TransferInput): Promise<string> {
  const transfers = createTransferClient(context);
  const { workflowId } = await transfers.startTransfer(input);
  await transfers.awaitTransferResult(input.transferId);
  return workflowId;
}

/** Every outcome of the money transfer saga, and a TransferRequested the store refuses. */
export const transferScenarios: Scenario[] = [
  { name: 'completed', run: async (clients, key) => finish(clients, await transferBetweenNewAccounts(clients, key)) },
  { name: 'insufficient-funds', run: async (clients, key) => finish(clients, await transferBetweenNewAccounts(clients, key, { balanceCents: 100 })) },
  { name: 'deposit-declined', run: async (clients, key) => finish(clients, await transferBetweenNewAccounts(clients, key, { openDestination: false })) },
  {
    name: 'compensated-at-depositFunds',
    run: async (clients, key) => finish(clients, await transferBetweenNewAccounts(clients, key, { plan: { fail: { depositFunds: 'always' } } })),
  },
  {
    name: 'opening-refused',
    async run(clients, key) {
      // Started past the client, which refuses this amount: past 2^53, no event may carry it, so the store refuses TransferRequested.
      const input = { ...(await transferBetweenNewAccounts(clients, key)), amountCents: 1e16 };
      const handle = await clients.client.workflow.start(moneyTransfer, { taskQueue: clients.taskQueue, workflowId: transferWorkflowId(key), args: [input] });
      await handle.result().catch(() => undefined); // the run fails: that is the outcome recorded
      return handle.workflowId;
    },
  },
  {
    name: 'cancelled',
    async run(context, key) {
      const clients: ScenarioClients = { ...context, transfers: createTransferClient(context) };
      const { transfers } = clients;
      const { workflowId } = await transfers.startTransfer(await transferBetweenNewAccounts(clients, key, { plan: { hang: ['depositFunds'] } }));
      await waitFor(async () => (await transfers.getTransferState(key)).steps.some((s) => s.name === 'depositFunds'));
      await transfers.cancelTransfer(key);
      await transfers.awaitTransferResult(key).catch(() => undefined); // ends cancelled: the rejection is the expected outcome
      return workflowId;
    },
  },
  {
    name: 'compensation-failed-then-resolved',
    async run(context, key) {
      const clients: ScenarioClients = { ...context, transfers: createTransferClient(context) };
      const { transfers } = clients;
      const input = await transferBetweenNewAccounts(clients, key, { plan: { fail: { depositFunds: 'always', refundWithdrawal: 'always' } } });
      const { workflowId } = await transfers.startTransfer(input);
      await waitFor(async () => (await transfers.getTransferState(key)).status === 'COMPENSATION_FAILED');
      await transfers.resolveCompensation(key, { note: 'refunded by hand from the suspense account', resolvedBy: 'ops@example.com' });
      await transfers.awaitTransferResult(key);
      return workflowId;
    },
  },
];
