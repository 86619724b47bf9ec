import { EventStoreError } from './errors';

/** `{Type}-{id}`, e.g. `Order-7f3c…`: the type names what the stream is about and is stored as stream_type. */
const STREAM_ID = /^([A-Z][A-Za-z0-9]{0,63})-([A-Za-z0-9][A-Za-z0-9._:@-]{0,199})$/;

export class InvalidStreamIdError extends EventStoreError {
  override name = 'InvalidStreamIdError';
}

export function streamTypeOf(streamId: string): string {
  const match = STREAM_ID.exec(streamId);
  if (!match) {
    throw new InvalidStreamIdError(
      `streamId ${JSON.stringify(streamId)} must look like {Type}-{id}: a capitalised type (letters and digits), a dash, ` +
        'then an id of letters, digits and . _ : @ - (at most 200 characters), e.g. Order-7f3c9a',
    );
  }
  return match[1]!;
}
