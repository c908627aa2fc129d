import { MQClient, isSystemTopic } from '../../core/producer';
import { CliCommand, EXIT_OK, parseArgs, UsageError } from '../command';

export const topicsCommand: CliCommand = {
  name: 'topics',
  summary: 'list the topics the NameServer knows (GET_ALL_TOPIC_LIST_FROM_NAMESERVER)',
  usage: 'topics --namesrv <host:port[;…]> [--all] [--json]   (--all includes system, retry and DLQ topics)',
  async run(args, io) {
    const { positional, options } = parseArgs(args, ['json', 'all']);
    const namesrv = options.get('namesrv');
    if (!namesrv || positional.length) throw new UsageError('give --namesrv only');
    const client = new MQClient({ namesrvAddr: namesrv });
    try {
      const list = await client.getTopicList();
      const all = [...list.topicList].sort();
      const shown = options.has('all') ? all : all.filter((t) => !isSystemTopic(t) && !t.startsWith('%RETRY%') && !t.startsWith('%DLQ%'));
      if (options.has('json')) io.out(JSON.stringify(shown));
      else for (const t of shown) io.out(t);
      return EXIT_OK;
    } finally {
      await client.close();
    }
  },
};
