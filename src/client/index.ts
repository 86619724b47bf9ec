export { createOrderClient, type OrderClient, type OrderClientOptions, type OrderRun, type StartedOrder } from './orderClient';
export { InvalidInputError } from './errors';
