/**
 * UTF-8 text out of a byte range, for the header decoders' hot paths: a header carries a dozen short
 * strings, and Buffer#toString's argument handling costs more than decoding them. Buffer#utf8Slice
 * is the method toString('utf8', s, e) ends in (same replacement of invalid sequences).
 */
type Slice = (this: Uint8Array, start: number, end: number) => string;
const utf8Slice = (Buffer.prototype as unknown as { utf8Slice?: Slice }).utf8Slice;

/** One-byte ASCII strings, shared: the SEND_MESSAGE_V2 keys ("a" … "n") are all of this kind. */
const ONE_CHAR: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

export function utf8Range(b: Uint8Array, start: number, end: number): string {
  if (end - start === 1 && b[start] < 0x80) return ONE_CHAR[b[start]];
  if (utf8Slice !== undefined) return utf8Slice.call(b, start, end);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', start, end);
}
