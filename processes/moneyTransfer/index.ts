import { BANK_OPERATIONS, createSimulatedServices } from '../../src/adapters';
import { TRANSFER_LEGACY_SAGA_EVENTS } from '../../src/contracts/legacySagaEvents';
import { transferContracts } from '../../src/contracts/transferEvents';
import type { SagaProcess } from '../../src/process/sagaProcess';
import { createTransferActivities } from '../../activities/legacy/transferActivities';
import { createTransferSteps } from '../../activities/transferSteps';
import { TRANSFER_SAGA_TYPE } from '../../workflows/sagaTypes';
import { TransferId } from '../../workflows/searchAttributes';
import { transferScenarios } from './scenarios';

/**
 * The money transfer saga: withdraw → deposit, the withdrawal refunded on failure. Its code predates
 * the process folders and still lives in the shared ones; this declaration is what the workers, the
 * CLI and the tools read.
 */
export const moneyTransfer: SagaProcess = {
  sagaType: TRANSFER_SAGA_TYPE,
  workflowsPath: require.resolve('../../workflows/moneyTransfer'),
  streamPrefix: 'Transfer-',
  contracts: transferContracts,
  legacySagaEvents: TRANSFER_LEGACY_SAGA_EVENTS,
  searchAttributes: [TransferId],
  steps: ({ pool }) => createTransferSteps(createSimulatedServices(pool)),
  simulatedOperations: BANK_OPERATIONS,
  activities: ({ pool, store }) => createTransferActivities({ store, ...createSimulatedServices(pool) }),
  scenarios: transferScenarios,
};
