/** MessageSysFlag bits (docs/protocol.md §3.4). */
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x2,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x4,
  TRANSACTION_COMMIT_TYPE: 0x8,
  TRANSACTION_ROLLBACK_TYPE: 0xc,
  BORNHOST_V6_FLAG: 0x10,
  STOREHOSTADDRESS_V6_FLAG: 0x20,
  NEED_UNWRAP_FLAG: 0x40,
  INNER_BATCH_FLAG: 0x80,
  COMPRESSION_TYPE_MASK: 0x700,
} as const;

export type CompressionType = 'ZLIB' | 'LZ4' | 'ZSTD';
export type TransactionType = 'NOT_TYPE' | 'PREPARED' | 'COMMIT' | 'ROLLBACK';

export function transactionType(sysFlag: number): TransactionType {
  switch (sysFlag & 0xc) {
    case 0x4: return 'PREPARED';
    case 0x8: return 'COMMIT';
    case 0xc: return 'ROLLBACK';
    default: return 'NOT_TYPE';
  }
}

/** Compression type bits; 0 means ZLIB for backward compatibility (pre-4.9.4 producers). */
export function compressionType(sysFlag: number): CompressionType | 'UNKNOWN' {
  switch ((sysFlag & 0x700) >> 8) {
    case 0: case 3: return 'ZLIB';
    case 1: return 'LZ4';
    case 2: return 'ZSTD';
    default: return 'UNKNOWN';
  }
}

export function compressionTypeBits(t: CompressionType): number {
  return (t === 'LZ4' ? 1 : t === 'ZSTD' ? 2 : 3) << 8;
}

/** Human-readable names of the set bits, e.g. ["COMPRESSED(ZLIB)", "TRANSACTION_PREPARED"]. */
export function describeSysFlag(sysFlag: number): string[] {
  const out: string[] = [];
  if (sysFlag & 0x1) out.push(`COMPRESSED(${compressionType(sysFlag)})`);
  if (sysFlag & 0x2) out.push('MULTI_TAGS');
  const t = transactionType(sysFlag);
  if (t !== 'NOT_TYPE') out.push(`TRANSACTION_${t}`);
  if (sysFlag & 0x10) out.push('BORNHOST_V6');
  if (sysFlag & 0x20) out.push('STOREHOST_V6');
  if (sysFlag & 0x40) out.push('NEED_UNWRAP');
  if (sysFlag & 0x80) out.push('INNER_BATCH');
  if (!(sysFlag & 0x1) && sysFlag & 0x700) out.push(`COMPRESSION_TYPE_BITS(${(sysFlag & 0x700) >> 8})`);
  const unknown = sysFlag & ~0x7ff;
  if (unknown) out.push(`UNKNOWN(0x${unknown.toString(16)})`);
  return out;
}
