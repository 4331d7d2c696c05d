package io.approvalguard.support.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import org.apache.http.client.utils.DateUtils;

/**
 * Reads an HTTP {@code Retry-After} value (RFC 9110, 10.2.3): delta-seconds or an HTTP-date (the
 * IMF-fixdate, and the obsolete RFC 850 and asctime forms). Anything else is ignored, a date in the
 * past means "now", and no wait is longer than {@link #MAX_SECONDS}.
 */
public final class RetryAfter {

    /** The longest wait a receiver can ask for: 24 hours. */
    public static final long MAX_SECONDS = 86_400;

    private RetryAfter() {}

    /** Seconds to wait from {@code now}, 0 when the value is absent or cannot be read. */
    public static long seconds(String value, Instant now) {
        if (value == null) {
            return 0;
        }
        String text = value.trim();
        if (text.isEmpty()) {
            return 0;
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            // more than 12 digits is far beyond the cap; no overflow when parsing
            return text.length() > 12 ? MAX_SECONDS : Math.min(Long.parseLong(text), MAX_SECONDS);
        }
        // RFC 9110: a two-digit year more than 50 years ahead is the most recent past one
        Date twoDigitYearStart = Date.from(now.atZone(ZoneOffset.UTC).minusYears(50).toInstant());
        Date date = DateUtils.parseDate(text, null, twoDigitYearStart);
        if (date == null) {
            return 0;
        }
        long millis = date.getTime() - now.toEpochMilli();
        if (millis <= 0) {
            return 0;
        }
        return Math.min((millis + 999) / 1000, MAX_SECONDS);
    }
}
