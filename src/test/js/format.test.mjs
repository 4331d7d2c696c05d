import assert from 'node:assert/strict';
import { test } from 'node:test';

import { countryName, describeUserAgent, formatDuration, formatSpan } from '../../main/resources/web-approver/format.js';

test('user agents are summarised as browser and system', () => {
  const ua = {
    'Chrome on Linux': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    'Edge on Windows': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    'Safari on iOS': 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
    'Firefox on Android': 'Mozilla/5.0 (Android 15; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0',
    'A browser on macOS': 'SomeBrowser (Macintosh; Intel Mac OS X 14_0)',
    'Unknown browser': '',
  };
  for (const [summary, agent] of Object.entries(ua)) assert.equal(describeUserAgent(agent), summary);
  assert.equal(describeUserAgent(undefined), 'Unknown browser');
});

test('durations are m:ss and never negative', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(65), '1:05');
  assert.equal(formatDuration(600), '10:00');
  assert.equal(formatDuration(-3), '0:00');
});

test('a country code is named when the runtime knows it, else left to the caller', () => {
  const name = countryName('GB');
  assert.ok(name === null || name === 'United Kingdom (GB)', name);
  assert.equal(countryName('gb'), null);
  assert.equal(countryName(42), null);
});

test('a length of time is said in words, largest units first; anything but whole seconds is left to the caller', () => {
  assert.equal(formatSpan(0), '0 seconds');
  assert.equal(formatSpan(1), '1 second');
  assert.equal(formatSpan(45), '45 seconds');
  assert.equal(formatSpan(900), '15 minutes');
  assert.equal(formatSpan(3600), '1 hour');
  assert.equal(formatSpan(5400), '1 hour 30 minutes');
  assert.equal(formatSpan(86400 + 7200 + 61), '1 day 2 hours 1 minute 1 second');
  assert.equal(formatSpan(604800), '7 days');
  for (const odd of [-1, 1.5, '3600', null, undefined, 2 ** 53]) assert.equal(formatSpan(odd), null, String(odd));
});
