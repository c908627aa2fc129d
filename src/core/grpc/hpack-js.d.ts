// Types for the parts of hpack.js 2.1.6 (no bundled types) that src/core/grpc/hpack.ts uses: its
// primitive decoder (integers, Huffman and raw strings) and its header table (static + dynamic, eviction).
declare module 'hpack.js' {
  export interface HpackEntry { name: string; value: string; nameSize: number; totalSize: number }
  export interface HpackDecoder {
    push(chunk: Uint8Array): void;
    isEmpty(): boolean;
    decodeBit(): number;
    decodeInt(): number;
    /** Octets of the string (Huffman decoded when flagged). */
    decodeStr(): number[];
  }
  export interface HpackTable {
    length: number;
    size: number;
    maxSize: number;
    protocolMaxSize: number;
    dynamic: HpackEntry[];
    lookup(index: number): HpackEntry;
    add(name: string, value: string, nameSize: number, valueSize: number): void;
    updateSize(size: number): void;
    evict(): void;
  }
  export const decoder: { create(): HpackDecoder };
  export const table: { create(options: { maxSize: number }): HpackTable };
  export const utils: { stringify(octets: ArrayLike<number>): string };
}
