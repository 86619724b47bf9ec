import { tripContracts } from '../../processes/tripBooking/contracts';
import { ContractRegistry } from '../eventstore/contracts';
import { orderContracts } from './orderEvents';
import { transferContracts } from './transferEvents';
import { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';

export * from './orderEvents';
export { dollarsToCents } from './money';
export * from './orderCommands';
export { orderLines, orderPlacedData, orderTotalCents, transferRequestedData } from './openingEvents';
export { MAX_AMOUNT_CENTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './fields';
export * from './transferEvents';
export * from './transferCommands';
export { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';

/** Every event contract of this deployment, with the upcasters between their versions. */
export const contracts = new ContractRegistry([...orderContracts, ...transferContracts, ...tripContracts], [orderPlacedV1ToV2]);
