/**
 * The events every subject writes. Generated from a seed, so each subject receives byte-identical
 * payloads and a rerun writes the same bytes as the last one.
 */

export const EVENT_TYPE = 'BenchEventRecorded';
/** `{Type}-{id}`: the shape sagaflow requires; Emmett derives its stream type from the same prefix. */
export const STREAM_TYPE = 'Order';

export type BenchOrderLine = { sku: string; qty: number; priceCents: number };

/** An order-ish fact: what a saga step typically records. */
export type BenchOrderData = {
  orderId: string;
  customerId: string;
  lines: BenchOrderLine[];
  currency: string;
  totalCents: number;
  shippingAddress: string;
};

// Type aliases rather than interfaces: they stay assignable to the stores' `Record<string, unknown>`-like metadata types.
export type BenchMetadata = { correlationId: string; causationId: string; actor: string };

export type BenchEvent = {
  eventId: string;
  type: typeof EVENT_TYPE;
  data: BenchOrderData;
  metadata: BenchMetadata;
};

/** sfc32: tiny, fast, and good enough that payloads do not repeat in ways that compress or cache oddly. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    // FNV-1a over the seed spreads any label (a row name) into four independent words.
    let h = 0x811c9dc5;
    const words: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
      h = Math.imul(h ^ round, 0x01000193);
      words.push(h >>> 0);
    }
    [this.a, this.b, this.c, this.d] = words as [number, number, number, number];
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  int(min: number, maxInclusive: number): number {
    return min + (this.next() % (maxInclusive - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next() % items.length]!;
  }

  /** A version-4-shaped UUID, so uuid columns accept it. */
  uuid(): string {
    const hex = [this.next(), this.next(), this.next(), this.next()].map((word) => word.toString(16).padStart(8, '0')).join('');
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

const STREETS = ['Evergreen Terrace', 'Baker Street', 'Rue de Rivoli', 'Kastanienallee', 'Elm Street', 'Calle Mayor'];
const CITIES = ['Springfield, OR 97403, US', 'London NW1 6XE, GB', '75001 Paris, FR', '10435 Berlin, DE', 'Madrid 28013, ES'];
const CURRENCIES = ['EUR', 'USD', 'GBP'];
const ACTORS = ['checkout-api', 'saga-worker', 'backoffice'];

export function streamId(rng: Rng): string {
  return `${STREAM_TYPE}-${rng.uuid()}`;
}

export function benchEvent(rng: Rng): BenchEvent {
  const lines = Array.from({ length: rng.int(2, 3) }, () => ({
    sku: `SKU-${rng.int(10000, 99999)}`,
    qty: rng.int(1, 5),
    priceCents: rng.int(199, 19999),
  }));
  return {
    eventId: rng.uuid(),
    type: EVENT_TYPE,
    data: {
      orderId: rng.uuid(),
      customerId: rng.uuid(),
      lines,
      currency: rng.pick(CURRENCIES),
      totalCents: lines.reduce((sum, line) => sum + line.qty * line.priceCents, 0),
      shippingAddress: `${rng.int(1, 9999)} ${rng.pick(STREETS)}, ${rng.pick(CITIES)}`,
    },
    metadata: { correlationId: rng.uuid(), causationId: rng.uuid(), actor: rng.pick(ACTORS) },
  };
}

export function benchEvents(rng: Rng, count: number): BenchEvent[] {
  return Array.from({ length: count }, () => benchEvent(rng));
}

/** Average JSON sizes in bytes, as the stores serialise them. */
export function payloadSizes(events: readonly BenchEvent[]): { data: number; metadata: number } {
  let data = 0;
  let metadata = 0;
  for (const event of events) {
    data += Buffer.byteLength(JSON.stringify(event.data));
    metadata += Buffer.byteLength(JSON.stringify(event.metadata));
  }
  const n = Math.max(events.length, 1);
  return { data: Math.round(data / n), metadata: Math.round(metadata / n) };
}
