import { inspectGroup, summarizeGroup } from '../../core/consumer/group-inspection';
import { buildGroupList, plural } from '../../app/groups/model';
import { diagnose } from '../../app/groups/diagnoses';
import { failureText, groupKnown, groupReport, GroupReport } from '../../app/groups/report';
import { loadGroupUniverse, summarizeGroups } from '../../app/groups/queries';
import { CliCommand, CliIo, EXIT_FAILED, EXIT_OK, withNameServer } from '../command';

export const groupsCommand: CliCommand = {
  name: 'groups',
  summary: 'list consumer groups with online clients, total lag, retry / dead-letter counts and diagnoses',
  usage: 'groups --namesrv <host:port[;…]> [--all] [--filter TEXT] [--json]   (--all includes system groups)',
  options: { values: ['namesrv', 'filter'], flags: ['json', 'all'] },
  async run(args, io) {
    return withNameServer(args, 0, 'give --namesrv only (and --all, --filter, --json)', async (client, _p, options) => {
      const u = await loadGroupUniverse(client);
      const list = buildGroupList(u.listing.groups.keys(), { showSystem: options.has('all'), filter: options.get('filter') });
      const summaries = await summarizeGroups(client, list.visible, u.masters, { knownTopics: u.knownTopics });
      const rows = summaries.map((s) => {
        const d = diagnose(s);
        return {
          group: s.group, clients: s.clients.length, totalLag: s.totalLag, retry: s.retry.messages, dlq: s.dlq.messages,
          diagnoses: d.map((x) => ({ kind: x.kind, severity: x.severity, title: x.title })),
        };
      });
      for (const f of u.failures) io.err(`warning: ${f.what} failed: ${failureText(f)}`);
      for (const s of summaries) for (const f of s.failures) io.err(`warning: group ${s.group}: ${f.what} failed: ${failureText(f)}`);
      if (options.has('json')) { io.out(JSON.stringify(rows, null, 2)); return EXIT_OK; }
      const w = Math.max(5, ...rows.map((r) => r.group.length));
      io.out(`${'GROUP'.padEnd(w)}  CLIENTS  ${'LAG'.padStart(8)}  ${'RETRY'.padStart(6)}  ${'DLQ'.padStart(6)}  DIAGNOSES`);
      for (const r of rows) {
        io.out(`${r.group.padEnd(w)}  ${String(r.clients).padStart(7)}  ${String(r.totalLag).padStart(8)}  ${String(r.retry).padStart(6)}  ${String(r.dlq).padStart(6)}  ${r.diagnoses.map((d) => d.title).join('; ')}`);
      }
      const hidden = [list.hiddenSystem ? `${plural(list.hiddenSystem, 'system group')} hidden (--all)` : '', list.hiddenByFilter ? `${list.hiddenByFilter} not matching the filter` : ''].filter(Boolean);
      if (hidden.length) io.out(`(${hidden.join(', ')})`);
      return EXIT_OK;
    });
  },
};

export const groupCommand: CliCommand = {
  name: 'group',
  summary: 'one consumer group: clients, subscriptions, per-queue progress and lag with the holding client, retry / DLQ, diagnoses',
  usage: 'group --namesrv <host:port[;…]> <group> [--json]',
  options: { values: ['namesrv'], flags: ['json'] },
  async run(args, io) {
    return withNameServer(args, 1, 'give --namesrv and one group', async (client, positional, options) => {
      const group = positional[0];
      const u = await loadGroupUniverse(client);
      const summaryOnly = await summarizeGroup(client, group, u.masters, { knownTopics: u.knownTopics });
      if (!groupKnown(summaryOnly, u.listing.groups.has(group)) && u.failures.length === 0) {
        io.err(`error: group ${group} not found: no broker has a subscription group config, offsets or an online client for it`);
        return EXIT_FAILED;
      }
      const insp = await inspectGroup(client, group, u.masters, { knownTopics: u.knownTopics });
      const report = groupReport(insp, diagnose(insp));
      if (options.has('json')) { io.out(JSON.stringify(report, null, 2)); return EXIT_OK; }
      printReport(report, io);
      return EXIT_OK;
    });
  },
};

function printReport(r: GroupReport, io: CliIo): void {
  io.out(`group ${r.group}: lag ${r.totalLag}, ${plural(r.clients.length, 'online client')}${r.messageModel ? `, ${r.consumeType} ${r.messageModel} ${r.consumeFromWhere}` : ''}`);
  io.out('clients:');
  if (!r.clients.length) io.out('  (none online)');
  for (const c of r.clients) io.out(`  ${c.clientId}  ${c.clientAddr}  ${c.language} ${c.version}  (brokers ${c.brokers.join(', ')})`);
  io.out('subscriptions (as the brokers keep them):');
  for (const s of r.subscriptions) io.out(`  ${s.topic}  ${s.expression}  ${s.type}`);
  for (const [id, subs] of Object.entries(r.clientSubscriptions ?? {})) io.out(`  client ${id}: ${subs.map((s) => `${s.topic} ${s.expression}`).join(', ')}`);
  for (const t of r.topics) {
    io.out(`topic ${t.topic}: lag ${t.lag}`);
    for (const q of t.queues) {
      io.out(`  ${`${q.brokerName}:${q.queueId}`.padEnd(16)} broker ${String(q.brokerOffset).padStart(8)}  consumer ${String(q.consumerOffset).padStart(8)}  lag ${String(q.lag).padStart(6)}  last ${q.lastTimestamp ? new Date(q.lastTimestamp).toISOString() : 'never'}  ${q.clients ? q.clients.join(', ') || 'no client' : ''}`);
    }
  }
  io.out(`retry ${r.retry.topic}: ${r.retry.exists ? `${plural(r.retry.messages, 'message')}, ${r.retry.waiting} waiting` : 'none'}`);
  io.out(`dead letters ${r.dlq.topic}: ${r.dlq.exists ? plural(r.dlq.messages, 'message') : 'none'}`);
  io.out(r.diagnoses.length ? 'diagnoses:' : 'diagnoses: none');
  for (const d of r.diagnoses) io.out(`  ${d.severity === 'warning' ? '!' : 'i'} ${d.title}\n      ${d.detail.replace(/\n/g, '\n      ')}`);
  for (const f of r.failures) io.out(`  could not ask: ${f.what}${f.broker ? ` (${f.broker})` : ''}: ${f.error}`);
}
