import { createSimulatedServices } from '../../src/adapters';
import { registerOrdersCommands } from '../../src/cli/commands/orders';
import { orderContracts } from '../../src/contracts/orderEvents';
import { orderPlacedV1ToV2 } from '../../src/contracts/upcasters/orderPlacedV1ToV2';
import type { SagaProcess } from '../../src/process/sagaProcess';
import { inventoryLevels, orderSummary, orderTimeline, sagaOutcomes } from '../../src/read-models';
import { createOrderActivities } from '../../activities/legacy/orderActivities';
import { createOrderSteps } from '../../activities/orderSteps';
import { CustomerId, OrderId } from '../../workflows/searchAttributes';
import { orderScenarios } from './scenarios';

/**
 * The order saga: reserve → screen → authorize → ship → capture. Its code predates the process
 * folders and still lives in the shared ones (workflows/, activities/, src/contracts, src/read-models,
 * src/cli/commands/orders.ts); this declaration is what the workers, the CLI and the tools read.
 */
export const orderFulfillment: SagaProcess = {
  sagaType: 'OrderFulfillment',
  workflowsPath: require.resolve('../../workflows/orderFulfillment'),
  streamPrefix: 'Order-',
  contracts: orderContracts,
  upcasters: [orderPlacedV1ToV2],
  searchAttributes: [OrderId, CustomerId],
  steps: ({ pool }) => createOrderSteps(createSimulatedServices(pool)),
  activities: ({ pool, store }) => createOrderActivities({ store, ...createSimulatedServices(pool) }),
  readModels: [orderSummary, orderTimeline, sagaOutcomes, inventoryLevels],
  cli: registerOrdersCommands,
  scenarios: orderScenarios,
};
