import { ORDER_SAGA_FACTS, UNDO_STEP } from './orderEvents';
import { sqlText } from '../../../api/projections';

/** A CASE over a text expression mapping each key of `map` to its value, else `otherwise`. */
function caseOf(expression: string, map: Readonly<Record<string, string>>, otherwise: string): string {
  return `case ${expression} ${Object.entries(map)
    .map(([key, value]) => `when ${sqlText(key)} then ${sqlText(value)}`)
    .join(' ')} else ${otherwise} end`;
}

/**
 * order_timeline's fold as one set-based statement over the events in `log` (see `foldInSql`): one
 * row per event, as `insertTimelineRows` writes them, with `stepOf`'s step, compensation and result
 * and `detailOf`'s text, reading the order saga's engine events as the order's own types
 * (ORDER_SAGA_FACTS), as `asOrderEvent` does. A change to either must be made here too: the equivalence test and every
 * rebuild's verification compare the two. Numbers in payloads are integers, which JSON and
 * JavaScript print alike.
 */
export function orderTimelineFoldSql(table: string): string {
  const undoStep = caseOf(`l.data->>'step'`, UNDO_STEP, `l.data->>'step'`);
  return `insert into ${table} (order_id, stream_version, global_position, event_id, event_type, step, compensation, compensates, result, detail, occurred_at)
  select order_id, version, global_position, event_id, event_type, step, compensates is not null, compensates,
         case when failed then 'failed' when type = 'CompensationResolved' then 'resolved' else 'done' end, detail, occurred_at
    from (select l.data->>'orderId' as order_id, l.version, l.global_position, l.event_id, l.event_type, l.type,
                 date_trunc('milliseconds', l.created_at) as occurred_at,
                 case l.type
                   when 'OrderPlaced' then 'placeOrder' when 'InventoryReserved' then 'reserveInventory'
                   when 'InventoryReleased' then 'releaseInventory' when 'FraudScreened' then 'screenOrder'
                   when 'PaymentAuthorized' then 'authorizePayment' when 'PaymentDeclined' then 'authorizePayment'
                   when 'PaymentVoided' then 'voidPayment' when 'ShipmentCreated' then 'createShipment'
                   when 'ShipmentCancelled' then 'cancelShipment' when 'PaymentCaptured' then 'capturePayment'
                   when 'PaymentRefunded' then 'refundPayment' when 'OrderCompleted' then 'completeOrder'
                   when 'OrderCancelled' then 'cancelOrder'
                   when 'CompensationFailed' then ${undoStep} when 'CompensationResolved' then ${undoStep}
                 end as step,
                 case l.type
                   when 'InventoryReleased' then 'reserveInventory' when 'PaymentVoided' then 'authorizePayment'
                   when 'ShipmentCancelled' then 'createShipment' when 'PaymentRefunded' then 'capturePayment'
                   when 'CompensationFailed' then l.data->>'step' when 'CompensationResolved' then l.data->>'step'
                 end as compensates,
                 l.type in ('PaymentDeclined', 'CompensationFailed') or (l.type = 'FraudScreened' and l.data->>'decision' = 'rejected') as failed,
                 case l.type
                   when 'OrderPlaced' then
                     (select string_agg((i.item->>'quantity') || ' × ' || (i.item->>'sku'), ', ' order by i.n)
                        from jsonb_array_elements(l.data->'items') with ordinality as i(item, n))
                     || '; total ' || (l.data->>'totalCents') || ' cents ' || (l.data->>'currency')
                   when 'InventoryReserved' then 'reservation ' || (l.data->>'reservationId')
                   when 'PaymentAuthorized' then (l.data->>'amountCents') || ' cents, payment ' || (l.data->>'paymentId')
                   when 'PaymentCaptured' then (l.data->>'amountCents') || ' cents, payment ' || (l.data->>'paymentId')
                   when 'ShipmentCreated' then 'shipment ' || (l.data->>'shipmentId') || ' with ' || (l.data->>'carrier')
                   when 'FraudScreened' then (l.data->>'decision') || ', score ' || (l.data->>'score') ||
                     coalesce(': ' || nullif(array_to_string(array(select jsonb_array_elements_text(l.data->'reasons')), '; '), ''), '')
                   when 'CompensationFailed' then (l.data->>'error') || ' (after ' || (l.data->>'attempts') || ' attempts)'
                   when 'CompensationResolved' then (l.data->>'note') || ' (by ' || (l.data->>'resolvedBy') || ')'
                   when 'OrderCompleted' then null
                   else l.data->>'reason'
                 end as detail
            from ${ORDER_SAGA_FACTS.sqlLog()} l) e`;
}
