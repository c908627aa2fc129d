/**
 * A request block's bodyFile must stay inside its folder (src/core/requestfile/body-file.ts): `..`
 * escapes, absolute paths and symbolic links pointing outside are "outside"; real files on disk.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, rmSync, realpathSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BodyFileError, BodyFileScope, bodyFileScope, checkBodyFile, describeOutside, isInside, lexicalTarget,
} from '../../../src/core/requestfile';

describe('bodyFile containment: paths only', () => {
  test('isInside: the folder itself and below are inside; parents, siblings with a common prefix and other roots are not', () => {
    assert.equal(isInside('/ws', '/ws'), true);
    assert.equal(isInside('/ws', '/ws/a/b.json'), true);
    assert.equal(isInside('/ws/', '/ws/a'), true);
    assert.equal(isInside('/ws', '/ws/a/../b'), true);
    assert.equal(isInside('/ws', '/ws/..'), false);
    assert.equal(isInside('/ws', '/'), false);
    assert.equal(isInside('/ws', '/ws2/a'), false, 'a common name prefix is not containment');
    assert.equal(isInside('/ws', '/ws/../ws2/a'), false);
    assert.equal(isInside('/ws', '/etc/passwd'), false);
    assert.equal(isInside('/ws', '/ws/..a/b'), true, 'a name starting with two dots is a child, not a parent');
  });

  test('isInside with Windows paths: other drives and UNC paths are outside, case does not matter', () => {
    const w = path.win32;
    assert.equal(isInside('C:\\ws', 'C:\\ws\\a.json', w), true);
    assert.equal(isInside('C:\\ws', 'c:\\WS\\a.json', w), true);
    assert.equal(isInside('C:\\ws', 'D:\\ws\\a.json', w), false);
    assert.equal(isInside('C:\\ws', 'C:\\ws\\..\\secrets.txt', w), false);
    assert.equal(isInside('C:\\ws', '\\\\server\\share\\a', w), false);
  });

  test('scope: the holding workspace folder; a request file in none is scoped to its own folder; untitled files to the first folder', () => {
    assert.deepEqual(bodyFileScope('/ws/req/a.rocketmq', '/ws', '/ws'), { root: '/ws', kind: 'workspace-folder', base: '/ws/req' });
    assert.deepEqual(bodyFileScope('/ws/req/a.rocketmq', '/ws', '/other'), { root: '/ws', kind: 'workspace-folder', base: '/ws/req' });
    assert.deepEqual(bodyFileScope('/tmp/x/a.rocketmq', undefined, '/ws'), { root: '/tmp/x', kind: 'request-file-folder', base: '/tmp/x' });
    assert.deepEqual(bodyFileScope(undefined, undefined, '/ws'), { root: '/ws', kind: 'workspace-folder', base: '/ws' });
    assert.equal(bodyFileScope(undefined, undefined, undefined), undefined);
  });

  test('lexicalTarget: relative to the base, absolute as written', () => {
    const scope: BodyFileScope = { root: '/ws', kind: 'workspace-folder', base: '/ws/req' };
    assert.equal(lexicalTarget('./p.json', scope), '/ws/req/p.json');
    assert.equal(lexicalTarget('../data/p.json', scope), '/ws/data/p.json');
    assert.equal(lexicalTarget('../../etc/passwd', scope), '/etc/passwd');
    assert.equal(lexicalTarget('/etc/passwd', scope), '/etc/passwd');
    assert.equal(lexicalTarget('~/x', scope), '/ws/req/~/x', 'no home expansion: ~ is a folder name');
  });

  test('the file system is injectable: realpath decides, not the spelling', async () => {
    const links: Record<string, string> = { '/ws': '/ws', '/ws/link.json': '/home/me/.ssh/id_rsa', '/ws/p.json': '/ws/p.json' };
    const fs = { realpath: async (p: string) => { if (p in links) return links[p]; throw Object.assign(new Error('nope'), { code: 'ENOENT' }); }, isFile: async () => true };
    const scope: BodyFileScope = { root: '/ws', kind: 'workspace-folder', base: '/ws' };
    assert.equal((await checkBodyFile('p.json', scope, fs)).inside, true);
    const link = await checkBodyFile('link.json', scope, fs);
    assert.equal(link.inside, false);
    assert.equal(link.realTarget, '/home/me/.ssh/id_rsa');
    assert.equal(describeOutside(link), 'bodyFile "link.json" resolves to /home/me/.ssh/id_rsa (through the symbolic link /ws/link.json), outside the workspace folder /ws');
    await assert.rejects(checkBodyFile('missing.json', scope, fs), (e: unknown) => e instanceof BodyFileError && /Cannot read bodyFile "missing.json" \(\/ws\/missing.json\): no such file/.test(e.message));
    await assert.rejects(checkBodyFile('  ', scope, fs), /needs a path/);
  });
});

describe('bodyFile containment: real files and symbolic links', () => {
  let top: string;
  let ws: string;
  let scope: BodyFileScope;
  before(() => {
    top = realpathSync(mkdtempSync(path.join(tmpdir(), 'rmq-bodyfile-')));
    ws = path.join(top, 'ws');
    mkdirSync(path.join(ws, 'requests'), { recursive: true });
    mkdirSync(path.join(ws, 'data'));
    writeFileSync(path.join(ws, 'data', 'order.json'), '{"inside":true}');
    writeFileSync(path.join(top, 'secret.txt'), 'outside');
    mkdirSync(path.join(top, 'ws2'));
    writeFileSync(path.join(top, 'ws2', 'p.json'), 'sibling');
    symlinkSync(path.join(top, 'secret.txt'), path.join(ws, 'data', 'escape.json'));
    symlinkSync(path.join(ws, 'data', 'order.json'), path.join(ws, 'requests', 'local-link.json'));
    symlinkSync(top, path.join(ws, 'up')); // a linked folder pointing above the workspace
    symlinkSync('../data/order.json', path.join(ws, 'requests', 'relative-link.json'));
    scope = bodyFileScope(path.join(ws, 'requests', 'a.rocketmq'), ws, ws)!;
  });
  after(() => rmSync(top, { recursive: true, force: true }));

  test('inside: a relative path, a path that leaves and comes back, a link to a file inside', async () => {
    for (const p of ['../data/order.json', './../data/../data/order.json', 'local-link.json', 'relative-link.json', path.join(ws, 'data', 'order.json')]) {
      const c = await checkBodyFile(p, scope);
      assert.equal(c.inside, true, p);
      assert.equal(c.realTarget, path.join(ws, 'data', 'order.json'), p);
    }
  });

  test('outside: a .. escape, an absolute path, a sibling folder with a common prefix, links to a file or folder outside', async () => {
    const cases: [string, string][] = [
      ['../../secret.txt', path.join(top, 'secret.txt')],
      [path.join(top, 'secret.txt'), path.join(top, 'secret.txt')],
      ['../../ws2/p.json', path.join(top, 'ws2', 'p.json')],
      ['../data/escape.json', path.join(top, 'secret.txt')],
      ['../up/secret.txt', path.join(top, 'secret.txt')],
    ];
    for (const [p, real] of cases) {
      const c = await checkBodyFile(p, scope);
      assert.equal(c.inside, false, p);
      assert.equal(c.realTarget, real, p);
      assert.equal(c.realRoot, ws);
      const text = describeOutside(c);
      assert.ok(text.includes(real) && text.includes(ws) && text.includes(`"${p}"`), text);
    }
  });

  test('a linked workspace folder is compared by its real path', async () => {
    const alias = path.join(top, 'alias');
    symlinkSync(ws, alias);
    const s = bodyFileScope(path.join(alias, 'requests', 'a.rocketmq'), alias, alias)!;
    assert.equal((await checkBodyFile('../data/order.json', s)).inside, true);
    assert.equal((await checkBodyFile('../../secret.txt', s)).inside, false);
  });

  test('a request file outside any workspace folder reads next to itself, not above', async () => {
    const s = bodyFileScope(path.join(top, 'ws2', 'loose.rocketmq'), undefined, ws)!;
    assert.equal(s.kind, 'request-file-folder');
    assert.equal((await checkBodyFile('p.json', s)).inside, true);
    const up = await checkBodyFile('../secret.txt', s);
    assert.equal(up.inside, false);
    assert.match(describeOutside(up), /outside the request file's folder/);
  });

  test('missing files, folders and FIFOs are errors, not decisions', async () => {
    await assert.rejects(checkBodyFile('../data/nope.json', scope), /no such file/);
    await assert.rejects(checkBodyFile('../data', scope), /not a regular file/);
    const fifo = path.join(ws, 'data', 'pipe');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(checkBodyFile('../data/pipe', scope), /not a regular file/);
  });
});
