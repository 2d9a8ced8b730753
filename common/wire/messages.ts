// The generated protobuf classes, re-exported under short names, plus safe decoding: a malformed
// message becomes a ProtocolError with reason 'malformed', never an exception from protobufjs.
import { syncgrad } from '../../proto/gen/syncgrad.js';
import { ProtocolError, type RejectReason } from '../errors.js';

export { syncgrad as pb };
export type Codec = syncgrad.Codec;
export const Codec = syncgrad.Codec;
export const Split = syncgrad.Split;
export type Split = syncgrad.Split;
export const DataMode = syncgrad.DataMode;
export type DataMode = syncgrad.DataMode;

interface Decodable<T> {
  decode(reader: Uint8Array): T;
  name?: string;
}

export function decode<T>(type: Decodable<T>, bytes: Uint8Array, what: string): T {
  try {
    return type.decode(bytes);
  } catch (e) {
    throw new ProtocolError('malformed', `malformed ${what} message (${bytes.length} bytes): ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/**
 * Decodes, or reports the message as malformed and returns undefined: the caller answers with an
 * error of its own kind. Every handler of untrusted bytes goes through here.
 */
export function decodeOrReject<T>(
  type: Decodable<T>,
  bytes: Uint8Array,
  what: string,
  onReject: (reason: RejectReason, detail: string) => void,
): T | undefined {
  try {
    return decode(type, bytes, what);
  } catch (e) {
    onReject('malformed', (e as Error).message);
    return undefined;
  }
}

interface Encodable<P> {
  encode(message: P): { finish(): Uint8Array };
}

export function encode<P>(type: Encodable<P>, message: P): Uint8Array {
  return type.encode(message).finish();
}

export const SPLIT_NAMES = ['train', 'val', 'test'] as const;
export function splitName(s: Split): (typeof SPLIT_NAMES)[number] {
  const name = SPLIT_NAMES[s];
  if (!name) throw new ProtocolError('malformed', `unknown split ${String(s)}`);
  return name;
}
export function splitOf(name: (typeof SPLIT_NAMES)[number]): Split {
  return SPLIT_NAMES.indexOf(name);
}
