import { CliCommand, EXIT_OK, withNameServer } from '../command';

export const clustersCommand: CliCommand = {
  name: 'clusters',
  summary: 'list clusters and their brokers (GET_BROKER_CLUSTER_INFO)',
  usage: 'clusters --namesrv <host:port[;…]> [--json]',
  options: { values: ['namesrv'], flags: ['json'] },
  async run(args, io) {
    return withNameServer(args, 0, 'give --namesrv only', async (client, _positional, options) => {
      const info = await client.getClusterInfo();
      const brokerOf = (n: string) => info.brokerAddrTable.get(n);
      const entries = <T>(m: Map<string, T>): Array<[string, T]> => [...m];
      const clusters = info.clusterAddrTable;
      if (options.has('json')) {
        io.out(JSON.stringify(Object.fromEntries(entries(clusters).map(([c, names]) => [c, names.map((n) => ({
          brokerName: n, brokerAddrs: Object.fromEntries(brokerOf(n)?.brokerAddrs ?? []),
        }))])), null, 2));
        return EXIT_OK;
      }
      for (const [c, names] of entries(clusters)) {
        io.out(`cluster ${c}`);
        for (const n of [...names].sort()) {
          const addrs = [...(brokerOf(n)?.brokerAddrs ?? new Map<number, string>())].sort(([a], [b]) => a - b).map(([id, a]) => `${id}=${a}`).join(', ');
          io.out(`  ${n}: ${addrs || 'NO ADDRESS'}`);
        }
      }
      return EXIT_OK;
    });
  },
};
