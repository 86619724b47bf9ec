import { createSimulatedServices } from '../../src/adapters';
import { transferContracts } from '../../src/contracts/transferEvents';
import type { SagaProcess } from '../../src/process/sagaProcess';
import { createTransferActivities } from '../../activities/legacy/transferActivities';
import { createTransferSteps } from '../../activities/transferSteps';
import { TransferId } from '../../workflows/searchAttributes';
import { transferScenarios } from './scenarios';

/**
 * The money transfer saga: withdraw → deposit, the withdrawal refunded on failure. Its code predates
 * the process folders and still lives in the shared ones; this declaration is what the workers, the
 * CLI and the tools read.
 */
export const moneyTransfer: SagaProcess = {
  sagaType: 'MoneyTransfer',
  workflowsPath: require.resolve('../../workflows/moneyTransfer'),
  streamPrefix: 'Transfer-',
  contracts: transferContracts,
  searchAttributes: [TransferId],
  steps: ({ pool }) => createTransferSteps(createSimulatedServices(pool)),
  activities: ({ pool, store }) => createTransferActivities({ store, ...createSimulatedServices(pool) }),
  scenarios: transferScenarios,
};
