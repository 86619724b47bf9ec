import { ContractRegistry } from '../eventstore/contracts';
import { orderContracts } from './orderEvents';
import { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';

export * from './orderEvents';
export { dollarsToCents } from './money';
export * from './orderCommands';
export { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';

/** Every event contract of this deployment, with the upcasters between their versions. */
export const contracts = new ContractRegistry([...orderContracts], [orderPlacedV1ToV2]);
