import { createSimulatedServices, FRAUD_SCREENING_OPERATIONS, INVENTORY_OPERATIONS, PAYMENT_OPERATIONS, SHIPPING_OPERATIONS } from '../../src/adapters';
import { registerOrdersCommands } from '../../src/cli/commands/orders';
import { ORDER_LEGACY_SAGA_EVENTS } from '../../src/contracts/legacySagaEvents';
import { orderContracts } from '../../src/contracts/orderEvents';
import { orderPlacedV1ToV2 } from '../../src/contracts/upcasters/orderPlacedV1ToV2';
import type { SagaProcess } from '../../src/process/sagaProcess';
import { inventoryLevels, orderSummary, orderTimeline } from '../../src/read-models';
import { createOrderActivities } from '../../activities/legacy/orderActivities';
import { createOrderSteps } from '../../activities/orderSteps';
import { ORDER_SAGA_TYPE } from '../../workflows/sagaTypes';
import { CustomerId, OrderId } from '../../workflows/searchAttributes';
import { orderScenarios } from './scenarios';

/**
 * The order saga: reserve → screen → authorize → ship → capture. Its code predates the process
 * folders and still lives in the shared ones (workflows/, activities/, src/contracts, src/read-models,
 * src/cli/commands/orders.ts); this declaration is what the workers, the CLI and the tools read.
 */
export const orderFulfillment: SagaProcess = {
  sagaType: ORDER_SAGA_TYPE,
  workflowsPath: require.resolve('../../workflows/orderFulfillment'),
  streamPrefix: 'Order-',
  contracts: orderContracts,
  upcasters: [orderPlacedV1ToV2],
  legacySagaEvents: ORDER_LEGACY_SAGA_EVENTS,
  searchAttributes: [OrderId, CustomerId],
  steps: ({ pool }) => createOrderSteps(createSimulatedServices(pool)),
  simulatedOperations: [...INVENTORY_OPERATIONS, ...FRAUD_SCREENING_OPERATIONS, ...PAYMENT_OPERATIONS, ...SHIPPING_OPERATIONS],
  activities: ({ pool, store }) => createOrderActivities({ store, ...createSimulatedServices(pool) }),
  readModels: [orderSummary, orderTimeline, inventoryLevels],
  cli: registerOrdersCommands,
  scenarios: orderScenarios,
};
