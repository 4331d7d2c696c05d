package io.approvalguard.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    static final Instant NOW = Instant.parse("2026-07-09T06:32:00Z");

    @Test
    void deltaSeconds() {
        assertEquals(120, RetryAfter.seconds("120", NOW));
        assertEquals(0, RetryAfter.seconds("0", NOW));
        assertEquals(5, RetryAfter.seconds(" 5 ", NOW));
    }

    @Test
    void httpDatesInAllThreeForms() {
        assertEquals(37, RetryAfter.seconds("Thu, 09 Jul 2026 06:32:37 GMT", NOW));
        assertEquals(37, RetryAfter.seconds("Thursday, 09-Jul-26 06:32:37 GMT", NOW));
        assertEquals(37, RetryAfter.seconds("Thu Jul  9 06:32:37 2026", NOW));
    }

    @Test
    void twoDigitYearsAreNeverMoreThanFiftyYearsAhead() {
        Instant in1994 = Instant.parse("1994-11-06T08:49:00Z");
        assertEquals(37, RetryAfter.seconds("Sunday, 06-Nov-94 08:49:37 GMT", in1994));
        assertEquals(
                0,
                RetryAfter.seconds(
                        "Sunday, 06-Nov-94 08:49:37 GMT", Instant.parse("2095-01-01T00:00:00Z")));
    }

    @Test
    void pastDatesMeanNow() {
        assertEquals(0, RetryAfter.seconds("Thu, 09 Jul 2026 06:00:00 GMT", NOW));
    }

    @Test
    void cappedAtOneDay() {
        assertEquals(86_400, RetryAfter.seconds("86401", NOW));
        assertEquals(86_400, RetryAfter.seconds("99999999999999999999999", NOW));
        assertEquals(86_400, RetryAfter.seconds("Mon, 06 Nov 2084 08:49:37 GMT", NOW));
    }

    @Test
    void unreadableValuesAreIgnored() {
        assertEquals(0, RetryAfter.seconds(null, NOW));
        assertEquals(0, RetryAfter.seconds("", NOW));
        assertEquals(0, RetryAfter.seconds("-5", NOW));
        assertEquals(0, RetryAfter.seconds("1.5", NOW));
        assertEquals(0, RetryAfter.seconds("soon", NOW));
        assertEquals(0, RetryAfter.seconds("Someday, 99 Nox 1994", NOW));
    }
}
