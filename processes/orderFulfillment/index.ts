import { createSimulatedServices, FRAUD_SCREENING_OPERATIONS, INVENTORY_OPERATIONS, PAYMENT_OPERATIONS, SHIPPING_OPERATIONS } from '../../src/adapters';
import { registerOrdersCommands } from './cli';
import { ORDER_LEGACY_SAGA_EVENTS } from './legacy/sagaEvents';
import { orderContracts } from './domainEvents';
import { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';
import type { SagaProcess } from '../../api/worker';
import { inventoryLevels } from './readModels/inventoryLevels';
import { orderSummary } from './readModels/orderSummary';
import { orderStreamState } from './readModels/orderStreamState';
import { orderTimeline } from './readModels/orderTimeline';
import { createOrderActivities } from './legacy/activities';
import { createOrderSteps } from './steps';
import { ORDER_SAGA_TYPE } from './sagaType';
import { CustomerId, OrderId } from './searchAttributes';
import { orderScenarios } from './scenarios';

export { createOrderClient, type OrderClient } from './client';
export { orderWorkflowId } from './workflow';

/**
 * The order saga: reserve → screen → authorize → ship → capture, with its inventory read models;
 * everything sagaflow needs to run it. Runs started before the step engine replay through
 * legacy/ (their workflow, activities and saga-event types).
 */
export const orderFulfillment: SagaProcess = {
  sagaType: ORDER_SAGA_TYPE,
  workflowsPath: require.resolve('./workflow'),
  streamPrefix: 'Order-',
  contracts: orderContracts,
  upcasters: [orderPlacedV1ToV2],
  legacySagaEvents: ORDER_LEGACY_SAGA_EVENTS,
  searchAttributes: [OrderId, CustomerId],
  steps: ({ pool }) => createOrderSteps(createSimulatedServices(pool)),
  simulatedOperations: [...INVENTORY_OPERATIONS, ...FRAUD_SCREENING_OPERATIONS, ...PAYMENT_OPERATIONS, ...SHIPPING_OPERATIONS],
  activities: ({ pool, store }) => createOrderActivities({ store, ...createSimulatedServices(pool) }),
  readModels: [orderSummary, orderTimeline, inventoryLevels],
  // A finished order is looked up for returns and disputes for a quarter, then read from the archive.
  retention: { archiveClosedAfterDays: 90 },
  streamState: orderStreamState,
  cli: registerOrdersCommands,
  scenarios: orderScenarios,
};
