/* Words for what the page shows besides client text: browsers, durations, times, countries. Pure. */

/** A short "Chrome on Linux" style summary of a User-Agent string (only for display). */
export function describeUserAgent(ua) {
  ua = String(ua || '');
  const browsers = [
    [/Edg(e|A|iOS)?\//, 'Edge'], [/OPR\/|Opera/, 'Opera'], [/SamsungBrowser\//, 'Samsung Internet'],
    [/Firefox\/|FxiOS\//, 'Firefox'], [/Chrome\/|CriOS\/|Chromium\//, 'Chrome'],
    [/Version\/[\d.]+.*Safari\//, 'Safari'],
  ];
  const systems = [
    [/Windows/, 'Windows'], [/Android/, 'Android'], [/iPhone|iPad|iPod/, 'iOS'],
    [/CrOS/, 'ChromeOS'], [/Mac OS X|Macintosh/, 'macOS'], [/Linux/, 'Linux'],
  ];
  const browser = (browsers.find(([re]) => re.test(ua)) || [null, null])[1];
  const system = (systems.find(([re]) => re.test(ua)) || [null, null])[1];
  if (browser && system) return browser + ' on ' + system;
  return browser || (system ? 'A browser on ' + system : 'Unknown browser');
}

/** Seconds as "m:ss"; a negative count shows as 0:00. */
export function formatDuration(seconds) {
  const s = Math.max(0, seconds);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}

/**
 * A length of time in words, largest units first, down to the second: "1 hour", "1 hour 30 minutes",
 * "15 minutes", "1 day 2 hours". Whole non-negative seconds only; anything else is null (the
 * caller shows the value as sent).
 */
export function formatSpan(seconds) {
  if (!Number.isSafeInteger(seconds) || seconds < 0) return null;
  if (seconds === 0) return '0 seconds';
  const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
  const words = [];
  let left = seconds;
  for (const [name, size] of units) {
    const count = Math.floor(left / size);
    left -= count * size;
    if (count > 0) words.push(count + ' ' + name + (count === 1 ? '' : 's'));
  }
  return words.join(' ');
}

export function formatTime(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleString();
}

/** A country code as a name ("United Kingdom (GB)"), when the browser knows it; else null. */
export function countryName(code) {
  try {
    if (typeof code === 'string' && /^[A-Z]{2}$/.test(code) && typeof Intl.DisplayNames === 'function') {
      const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
      if (name && name !== code) return name + ' (' + code + ')';
    }
  } catch (e) { /* shown as the code */ }
  return null;
}
