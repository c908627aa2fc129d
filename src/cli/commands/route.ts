import { permToString, MASTER_ID } from '../../core/remoting';
import { CliCommand, EXIT_OK, withNameServer } from '../command';

export const routeCommand: CliCommand = {
  name: 'route',
  summary: 'show a topic route: brokers with addresses per broker id, queues with read/write counts and perm',
  usage: 'route --namesrv <host:port[;…]> <topic> [--json]',
  options: { values: ['namesrv'], flags: ['json'] },
  async run(args, io) {
    return withNameServer(args, 1, 'give --namesrv and one topic', async (client, positional, options) => {
      const route = await client.getTopicRoute(positional[0]);
      if (options.has('json')) {
        io.out(JSON.stringify({
          ...route,
          brokerDatas: route.brokerDatas.map((b) => ({ ...b, brokerAddrs: Object.fromEntries(b.brokerAddrs) })),
        }, null, 2));
        return EXIT_OK;
      }
      io.out(`topic ${positional[0]}`);
      io.out('brokers:');
      for (const b of [...route.brokerDatas].sort((x, y) => (x.brokerName < y.brokerName ? -1 : 1))) {
        const addrs = [...b.brokerAddrs].sort(([a], [c]) => a - c).map(([id, a]) => `${id === MASTER_ID ? 'master' : `slave ${id}`} ${a}`).join(', ');
        io.out(`  ${b.brokerName} (cluster ${b.cluster}): ${addrs || 'NO ADDRESS'}`);
      }
      io.out('queues:');
      for (const q of [...route.queueDatas].sort((x, y) => (x.brokerName < y.brokerName ? -1 : 1))) {
        const flags: string[] = [];
        if (!(q.perm & 2)) flags.push('NOT WRITABLE');
        if (!(q.perm & 4)) flags.push('NOT READABLE');
        if (q.readQueueNums !== q.writeQueueNums) flags.push('read/write counts differ');
        if (!route.brokerDatas.find((b) => b.brokerName === q.brokerName)?.brokerAddrs.has(MASTER_ID)) flags.push('NO MASTER');
        io.out(`  ${q.brokerName}: read ${q.readQueueNums}, write ${q.writeQueueNums}, perm ${permToString(q.perm)} (${q.perm})${flags.length ? `  ! ${flags.join('; ')}` : ''}`);
      }
      if (route.orderTopicConf) io.out(`orderTopicConf: ${route.orderTopicConf}`);
      return EXIT_OK;
    });
  },
};
