import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateNamesrvList, normaliseNamesrvList, validateProfileName, readProfiles, profileForSettings, secretStorageKey,
} from '../../../src/app/connections/profile';

describe('connection profiles', () => {
  test('NameServer list validation as the user types', () => {
    assert.equal(validateNamesrvList('127.0.0.1:9876'), undefined);
    assert.equal(validateNamesrvList('127.0.0.1:9876;127.0.0.1:9877;'), undefined);
    assert.equal(validateNamesrvList('ns-1.example.com:9876, [::1]:9876'), undefined);
    assert.match(validateNamesrvList('')!, /at least one/);
    assert.match(validateNamesrvList('127.0.0.1')!, /no port.*9876/);
    assert.match(validateNamesrvList('http://127.0.0.1:9876')!, /without a scheme/);
    assert.match(validateNamesrvList('127.0.0.1:99999')!, /out of range/);
    assert.match(validateNamesrvList('127.0.0.1:9876;;x:1')!, /Empty entry/);
    assert.match(validateNamesrvList('300.1.1.1:9876')!, /not a valid IPv4/);
    assert.match(validateNamesrvList('bad_host!:1')!, /not a valid host/);
    assert.equal(normaliseNamesrvList(' a:1 ; b:2;'), 'a:1;b:2');
  });
  test('profile names are unique', () => {
    assert.equal(validateProfileName('local', ['prod']), undefined);
    assert.match(validateProfileName('prod', ['prod'])!, /exists/);
    assert.equal(validateProfileName('prod', ['prod'], 'prod'), undefined);
    assert.match(validateProfileName('  ', [])!, /name/);
  });
  test('settings are read defensively and secrets found there are reported, never kept', () => {
    const { profiles, problems } = readProfiles([
      { name: 'a', namesrv: '127.0.0.1:9876', accessKey: 'AK', secretKey: 'leaked', production: true },
      { name: 'b' },
      'x',
    ]);
    assert.deepEqual(profiles, [{ name: 'a', namesrv: '127.0.0.1:9876', accessKey: 'AK', production: true }]);
    assert.equal(problems.length, 3);
    assert.match(problems[0], /secretKey.*SecretStorage/);
    assert.deepEqual(profileForSettings({ name: 'a', namesrv: 'n:1', production: false }), { name: 'a', namesrv: 'n:1' });
    assert.equal(secretStorageKey('my conn', 'secretKey'), 'rocketmq.connection/my%20conn/secretKey');
  });
});
