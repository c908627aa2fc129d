/** Hex as people paste it (the Decode Frame panel, `decode-frame` on the command line). */
import { InputError } from '../errors';

export class HexInputError extends InputError {
  override readonly name = 'HexInputError';
  readonly kind = 'hex-input' as const;
}

/**
 * Whitespace, `:`/`-`/`,` separators and `0x` prefixes (also per line, as in hexdumps without offsets)
 * are allowed; anything else is an error that names the first offending character.
 */
export function parseHex(text: string): Uint8Array {
  const cleaned = text.trim().replace(/\b0x/gi, '').replace(/[\s:,-]+/g, '');
  if (cleaned.length === 0) throw new HexInputError('no hex digits given');
  const bad = /[^0-9a-f]/i.exec(cleaned);
  if (bad) throw new HexInputError(`"${bad[0]}" is not a hex digit (at hex digit ${bad.index})`);
  if (cleaned.length % 2 !== 0) throw new HexInputError(`odd number of hex digits (${cleaned.length})`);
  return Uint8Array.from(Buffer.from(cleaned, 'hex'));
}

/** An InputBox validator: undefined when the text is acceptable hex. */
export function validateHex(text: string): string | undefined {
  try {
    parseHex(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
