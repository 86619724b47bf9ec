import { BANK_OPERATIONS, createSimulatedServices } from '../../src/adapters';
import { TRANSFER_LEGACY_SAGA_EVENTS } from './legacy/sagaEvents';
import { transferContracts } from './domainEvents';
import type { SagaProcess } from '../../api/worker';
import { createTransferActivities } from './legacy/activities';
import { createTransferSteps } from './steps';
import { TRANSFER_SAGA_TYPE } from './sagaType';
import { TransferId } from './searchAttributes';
import { transferScenarios } from './scenarios';

export { createTransferClient, type TransferClient } from './client';
export { transferWorkflowId } from './workflow';

/**
 * The money transfer saga: withdraw → deposit, the withdrawal refunded on failure; everything
 * sagaflow needs to run it. Runs started before the step engine replay through legacy/.
 */
export const moneyTransfer: SagaProcess = {
  sagaType: TRANSFER_SAGA_TYPE,
  workflowsPath: require.resolve('./workflow'),
  streamPrefix: 'Transfer-',
  contracts: transferContracts,
  legacySagaEvents: TRANSFER_LEGACY_SAGA_EVENTS,
  searchAttributes: [TransferId],
  steps: ({ pool }) => createTransferSteps(createSimulatedServices(pool)),
  simulatedOperations: BANK_OPERATIONS,
  activities: ({ pool, store }) => createTransferActivities({ store, ...createSimulatedServices(pool) }),
  scenarios: transferScenarios,
  // Money movements are the ledger's evidence: kept in the hot table for good.
  retention: { keep: 'forever' },
};
