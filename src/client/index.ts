export { createOrderClient, type OrderClient, type OrderClientOptions, type OrderRun, type StartedOrder } from './orderClient';
export { createTransferClient, type StartedTransfer, type TransferClient, type TransferClientOptions, type TransferRun } from './transferClient';
export { InvalidInputError } from './errors';
