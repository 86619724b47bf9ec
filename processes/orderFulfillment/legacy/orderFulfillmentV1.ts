import { ApplicationFailure, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { OrderActivities } from './activities';
import type { PlaceOrderInput } from '../commands';
import { ORDER_LEGACY_SAGA_EVENTS } from './sagaEvents';
import { formatMoney } from '../../../src/contracts/money';
import { orderLines, orderPlacedData, orderTotalCents } from '../openingEvent';
import { BUSINESS_REJECTION, proxySagaActivities, recordCompensationEvents, Saga, WorkflowEventStream } from '../../../src/saga';
import type { OrderFulfillmentResult } from '../workflow';
import { ORDER_SAGA_TYPE } from '../sagaType';
import { CustomerId, OrderId } from '../searchAttributes';
import type { LegacyFaults } from '../../../src/saga/legacyFaults';

const { normal, fast } = proxySagaActivities<OrderActivities>();

/**
 * The fraud screening step came after orders were already running. Runs started before it replay
 * without it; runs started after take it. Retire with deprecatePatch once none of the former is open.
 */
export const FRAUD_SCREENING_PATCH = 'order-fraud-screening';

/**
 * The order saga as it ran before the step engine (STEP_ENGINE_PATCH), kept unchanged so that runs
 * started then replay and finish with the commands they began with. Retire it with the patch once
 * none of them is open.
 */
export async function orderFulfillmentV1(input: PlaceOrderInput & { simulate?: LegacyFaults }): Promise<OrderFulfillmentResult> {
  const { workflowId } = workflowInfo();
  const { orderId, customerId, items, currency, simulate: faults } = input;
  const { actions, compensations, records, compensationAttempts } = faults?.fastRetries ? fast : normal;
  const lines = orderLines(items);
  const totalCents = orderTotalCents(input);
  const itemCount = lines.reduce((sum, line) => sum + line.quantity, 0);
  upsertSearchAttributes([
    { key: OrderId, value: orderId },
    { key: CustomerId, value: customerId },
  ]);

  const stream = new WorkflowEventStream(`Order-${orderId}`);
  const key = (step: string) => `${workflowId}:${step}`;
  const withSlot: WorkflowEventStream['write'] = (call) => stream.write(call);
  const recordEvent = (type: Parameters<OrderActivities['recordOrderEvent']>[1], data: unknown) =>
    withSlot(async (slot) => ({ appended: await records.recordOrderEvent.executeWithOptions({ summary: `Record ${type}` }, [slot, type, data]) }));
  const itemsText = `${itemCount} item${itemCount === 1 ? '' : 's'}`;
  const total = formatMoney(totalCents, currency);
  // One line per activity in the Web UI's event history; the step table repeats the action's.
  const summary = {
    reserve: `Reserve ${itemsText}`,
    release: `Release ${itemsText}`,
    screen: `Screen ${total} for fraud`,
    authorize: `Authorize ${total}`,
    void: `Void the ${total} authorization`,
    ship: `Ship ${itemsText}`,
    cancelShipment: `Cancel the shipment of ${itemsText}`,
    capture: `Capture ${total}`,
    refund: `Refund ${total}`,
  };
  const undo = (step: string, actionStep: string) => ({ orderId, idempotencyKey: key(step), actionKey: key(actionStep), ...(faults ? { faults } : {}) });

  const saga = new Saga({
    sagaType: ORDER_SAGA_TYPE,
    stream,
    ...recordCompensationEvents(recordEvent, {
      subject: { orderId },
      types: ORDER_LEGACY_SAGA_EVENTS,
      compensationAttempts,
    }),
  });

  const result = await saga.run(async () => {
    await saga.open('OrderPlaced', () => recordEvent('OrderPlaced', orderPlacedData(input)));

    await saga.step('reserveInventory', {
      summary: summary.reserve,
      run: async () => {
        const reserved = await withSlot((slot) =>
          actions.reserveInventory.executeWithOptions({ summary: summary.reserve }, [
            { slot, orderId, items: lines, idempotencyKey: key('reserveInventory'), ...(faults ? { faults } : {}) },
          ]),
        );
        if (reserved.outcome === 'out_of_stock') throw ApplicationFailure.nonRetryable(reserved.reason, BUSINESS_REJECTION);
        return reserved.reservationId;
      },
      compensate: (reservationId) =>
        withSlot((slot) =>
          compensations.releaseInventory.executeWithOptions({ summary: summary.release }, [
            { slot, ...undo('releaseInventory', 'reserveInventory'), ...(reservationId ? { reservationId } : {}) },
          ]),
        ).then(() => undefined),
    });

    if (patched(FRAUD_SCREENING_PATCH)) {
      await saga.step('screenOrder', {
        summary: summary.screen,
        run: async () => {
          const screened = await withSlot((slot) =>
            actions.screenOrder.executeWithOptions({ summary: summary.screen }, [
              { slot, orderId, customerId, amountCents: totalCents, idempotencyKey: key('screenOrder'), ...(faults ? { faults } : {}) },
            ]),
          );
          if (screened.decision === 'rejected') throw ApplicationFailure.nonRetryable(`fraud screening refused the order (score ${screened.score})`, BUSINESS_REJECTION);
        },
      });
    }

    const paymentId = await saga.step('authorizePayment', {
      summary: summary.authorize,
      run: async () => {
        const authorized = await withSlot((slot) =>
          actions.authorizePayment.executeWithOptions({ summary: summary.authorize }, [
            { slot, orderId, customerId, amountCents: totalCents, currency, idempotencyKey: key('authorizePayment'), ...(faults ? { faults } : {}) },
          ]),
        );
        if (authorized.outcome === 'declined') throw ApplicationFailure.nonRetryable(`payment declined: ${authorized.reason}`, BUSINESS_REJECTION);
        return authorized.paymentId;
      },
      compensate: (id) =>
        withSlot((slot) =>
          compensations.voidPayment.executeWithOptions({ summary: summary.void }, [{ slot, ...undo('voidPayment', 'authorizePayment'), ...(id ? { paymentId: id } : {}) }]),
        ).then(() => undefined),
    });

    const shipmentId = await saga.step('createShipment', {
      summary: summary.ship,
      run: async () =>
        (
          await withSlot((slot) =>
            actions.createShipment.executeWithOptions({ summary: summary.ship }, [
              { slot, orderId, items: lines, idempotencyKey: key('createShipment'), ...(faults ? { faults } : {}) },
            ]),
          )
        ).shipmentId,
      compensate: (id) =>
        withSlot((slot) =>
          compensations.cancelShipment.executeWithOptions({ summary: summary.cancelShipment }, [
            { slot, ...undo('cancelShipment', 'createShipment'), ...(id ? { shipmentId: id } : {}) },
          ]),
        ).then(() => undefined),
    });

    let captured = false;
    await saga.step('capturePayment', {
      summary: summary.capture,
      run: async () => {
        await withSlot((slot) =>
          actions.capturePayment.executeWithOptions({ summary: summary.capture }, [
            { slot, orderId, paymentId, amountCents: totalCents, idempotencyKey: key('capturePayment'), ...(faults ? { faults } : {}) },
          ]),
        );
        captured = true;
      },
      compensate: () =>
        withSlot((slot) =>
          compensations.refundPayment.executeWithOptions({ summary: summary.refund }, [
            { slot, ...undo('refundPayment', 'capturePayment'), paymentId, amountCents: totalCents, captured },
          ]),
        ).then(() => undefined),
    });

    await recordEvent('OrderCompleted', { orderId });
    return { paymentId, shipmentId };
  });
  return { orderId, ...result };
}
