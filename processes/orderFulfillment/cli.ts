import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { createOrderClient, type OrderClient } from './client';
import { parseInput, loadConfig } from '../../api/client';
import { MAX_ORDER_LINES } from '../../api/eventstore';
import { PlaceOrderInputSchema, type PlaceOrderInput } from './commands';
import { SAGA_STATUSES, type SagaStatus } from '../../api/workflow';
import { orderWorkflowId } from './workflow';
import { UsageError, printJson, processIo, type CliIo, businessKeyArg, positiveInteger, readJsonFile, formatSagaRuns, formatSagaState, notFound, requireRunning, withTemporal, type CliTemporal } from '../../api/cli';
import { orderLine } from './itemOption';

interface StartOptions {
  file?: string;
  orderId?: string;
  customer?: string;
  /** Absent when no --item was given. No default list: the parser adds to the list it gets, and a default one would carry lines from one parse into the next. */
  item?: PlaceOrderInput['items'];
  currency?: string;
  json?: boolean;
}

export function registerOrdersCommands(program: Command, io: CliIo = processIo): void {
  const orders = program.command('orders').description('Start, inspect, list and cancel order sagas');
  const withOrders = <T>(work: (client: OrderClient, temporal: CliTemporal) => Promise<T>) => {
    const config = loadConfig();
    return withTemporal(config, (temporal) => work(createOrderClient({ client: temporal.client, taskQueue: config.taskQueue }), temporal));
  };

  orders
    .command('start')
    .description('Start the saga for an order, from a JSON file or from flags; an order id started before returns its run')
    .option('-f, --file <order.json>', 'the order as JSON: { orderId, customerId, items: [{ sku, quantity, unitPriceCents }], currency }')
    .option('--order-id <id>', 'the order id (default: a new uuid)')
    .option('--customer <id>', 'the customer id')
    .option('--item <sku:qty:unitPriceCents>', `an order line; repeat for more lines (at most ${MAX_ORDER_LINES})`, orderLine)
    .option('--currency <code>', 'ISO 4217 currency', 'USD')
    .option('--json', 'print the started run as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ sagaflow orders start --customer c-7 --item mug:2:1200 --item lamp:1:4500 --currency EUR
  $ sagaflow orders start --file order.json --json`,
    )
    .action(async (options: StartOptions, command: Command) => {
      const order = parseInput(PlaceOrderInputSchema, 'order', orderInput(options, command));
      const started = await withOrders((client) => client.startOrder(order));
      if (options.json) return printJson(io, started);
      io.stdout(
        started.started
          ? `started order ${started.orderId}: workflow ${started.workflowId}, run ${started.runId}\n`
          : `order ${started.orderId} was started before: workflow ${started.workflowId}, run ${started.runId}; nothing new started\n`,
      );
    });

  orders
    .command('status')
    .description("An order saga's status and step table, from its sagaState query")
    .argument('<orderId>', 'the order id', businessKeyArg('orderId'))
    .option('--json', 'print the saga state as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow orders status 42')
    .action(async (orderId: string, options: { json?: boolean }) => {
      const workflowId = orderWorkflowId(orderId);
      const state = await withOrders(async (client, temporal) => {
        try {
          return await client.getOrderState(orderId);
        } catch (error) {
          throw notFound(error, workflowId, `order ${orderId}`, temporal.namespace);
        }
      });
      if (options.json) return printJson(io, { orderId, workflowId, ...state });
      io.stdout(formatSagaState(`order ${orderId} (workflow ${workflowId})`, state));
    });

  orders
    .command('cancel')
    .description('Ask a running order saga to stop: it compensates what it did and ends as cancelled')
    .argument('<orderId>', 'the order id', businessKeyArg('orderId'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow orders cancel 42')
    .action(async (orderId: string, options: { json?: boolean }) => {
      const workflowId = orderWorkflowId(orderId);
      await withOrders(async (client, temporal) => {
        await requireRunning(temporal.client, workflowId, `order ${orderId}`);
        await client.cancelOrder(orderId);
      });
      if (options.json) return printJson(io, { orderId, workflowId, cancelRequested: true });
      io.stdout(`cancellation requested for order ${orderId} (workflow ${workflowId}): it compensates what it did, then ends as cancelled\n`);
    });

  orders
    .command('list')
    .description('Order sagas, newest first, from Temporal visibility')
    .addOption(new Option('--status <status>', 'only runs with this saga status').choices(SAGA_STATUSES))
    .option('--customer <id>', "only this customer's orders", businessKeyArg('--customer'))
    .addOption(new Option('-n, --limit <count>', 'at most this many').default(20).argParser(positiveInteger('--limit')))
    .option('--json', 'print the runs as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow orders list --status COMPENSATION_FAILED --limit 10')
    .action(async (options: { status?: SagaStatus; customer?: string; limit: number; json?: boolean }) => {
      const runs = await withOrders((client) =>
        client.listOrders({ limit: options.limit, ...(options.status ? { status: options.status } : {}), ...(options.customer ? { customerId: options.customer } : {}) }),
      );
      if (options.json) return printJson(io, runs);
      if (runs.length === 0) return io.stdout('no orders found\n');
      io.stdout(
        formatSagaRuns('ORDER', runs.map(({ orderId, ...run }) => ({ key: orderId, ...run }))),
      );
    });
}

const ORDER_FLAGS = ['orderId', 'customer'] as const;

/** The order from --file, or from the flags; both at once is ambiguous. */
function orderInput(options: StartOptions, command: Command): unknown {
  const flagsGiven = [...ORDER_FLAGS.filter((flag) => options[flag] !== undefined), ...(options.item ? ['item'] : []), ...(command.getOptionValueSource('currency') === 'cli' ? ['currency'] : [])];
  if (options.file) {
    if (flagsGiven.length) throw new UsageError(`give --file or the order flags, not both (also got --${flagsGiven.map(kebab).join(', --')})`);
    return readJsonFile(options.file);
  }
  if (!options.customer) throw new UsageError('--customer is required (or give the whole order with --file)');
  if (!options.item) throw new UsageError('--item is required at least once, as sku:qty:unitPriceCents (or give the whole order with --file)');
  return {
    orderId: options.orderId ?? randomUUID(),
    customerId: options.customer,
    items: options.item,
    currency: options.currency,
  };
}


function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
