/**
 * Latency fault tolerance (docs/protocol.md §7, Java `MQFaultStrategy` / `LatencyFaultToleranceImpl`).
 * Off by default like Java; when on, a broker whose last send was slow or failed is avoided for a while.
 */
export interface LatencyTable {
  latencyMax: readonly number[];
  notAvailableDuration: readonly number[];
  /** Latency counted for an isolating failure. */
  isolationLatency: number;
}

export const LATENCY_TABLE_5X: LatencyTable = {
  latencyMax: [50, 100, 550, 1800, 3000, 5000, 15000],
  notAvailableDuration: [0, 0, 2000, 5000, 6000, 10000, 30000],
  isolationLatency: 10000,
};
export const LATENCY_TABLE_4X: LatencyTable = {
  latencyMax: [50, 100, 550, 1000, 2000, 3000, 15000],
  notAvailableDuration: [0, 0, 30000, 60000, 120000, 180000, 600000],
  isolationLatency: 30000,
};

interface FaultItem { name: string; currentLatency: number; startTimestamp: number }

export class LatencyFaultTolerance {
  private readonly items = new Map<string, FaultItem>();
  private whichItemWorst = 0;
  constructor(readonly table: LatencyTable = LATENCY_TABLE_5X, private readonly now: () => number = Date.now) {}

  computeNotAvailableDuration(latency: number): number {
    const { latencyMax, notAvailableDuration } = this.table;
    for (let i = latencyMax.length - 1; i >= 0; i--) if (latency >= latencyMax[i]) return notAvailableDuration[i];
    return 0;
  }

  /** Record the outcome of a send to `brokerName`. */
  update(brokerName: string, latency: number, isolation: boolean): void {
    const effective = isolation ? this.table.isolationLatency : latency;
    const duration = this.computeNotAvailableDuration(effective);
    this.items.set(brokerName, { name: brokerName, currentLatency: effective, startTimestamp: this.now() + duration });
  }

  isAvailable(brokerName: string): boolean {
    const it = this.items.get(brokerName);
    return !it || this.now() >= it.startTimestamp;
  }

  remove(brokerName: string): void { this.items.delete(brokerName); }

  /** Brokers currently avoided, with the time (epoch ms) they become available again. */
  avoided(): Array<{ brokerName: string; until: number; latency: number }> {
    const now = this.now();
    return [...this.items.values()].filter((i) => i.startTimestamp > now).map((i) => ({ brokerName: i.name, until: i.startTimestamp, latency: i.currentLatency }));
  }

  /** Java `pickOneAtLeast`: among the better half (by availability, then latency), round-robin. */
  pickOneAtLeast(): string | undefined {
    const list = [...this.items.values()];
    if (list.length === 0) return undefined;
    const now = this.now();
    list.sort((a, b) => {
      const aa = now >= a.startTimestamp, ba = now >= b.startTimestamp;
      if (aa !== ba) return aa ? -1 : 1;
      return a.currentLatency - b.currentLatency || a.startTimestamp - b.startTimestamp;
    });
    const half = Math.max(1, Math.floor(list.length / 2));
    const i = Math.abs(this.whichItemWorst++) % half;
    return list[i].name;
  }
}
