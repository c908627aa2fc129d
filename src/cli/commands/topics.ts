import { isSystemTopic } from '../../core/producer';
import { CliCommand, EXIT_OK, withNameServer } from '../command';

export const topicsCommand: CliCommand = {
  name: 'topics',
  summary: 'list the topics the NameServer knows (GET_ALL_TOPIC_LIST_FROM_NAMESERVER)',
  usage: 'topics --namesrv <host:port[;…]> [--all] [--json]   (--all includes system, retry and DLQ topics)',
  options: { values: ['namesrv'], flags: ['json', 'all'] },
  async run(args, io) {
    return withNameServer(args, 0, 'give --namesrv only', async (client, _positional, options) => {
      const list = await client.getTopicList();
      const all = [...list.topicList].sort();
      const shown = options.has('all') ? all : all.filter((t) => !isSystemTopic(t) && !t.startsWith('%RETRY%') && !t.startsWith('%DLQ%'));
      if (options.has('json')) io.out(JSON.stringify(shown));
      else for (const t of shown) io.out(t);
      return EXIT_OK;
    });
  },
};
