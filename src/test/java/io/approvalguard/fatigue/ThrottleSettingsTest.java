package io.approvalguard.fatigue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThrottleSettingsTest {

    @Test
    void backoffDoublesFromTheInitialValueUpToTheCap() {
        ThrottleSettings settings = ThrottleSettings.DEFAULTS;
        assertEquals(0, settings.backoffSeconds(0));
        assertEquals(30, settings.backoffSeconds(1));
        assertEquals(60, settings.backoffSeconds(2));
        assertEquals(120, settings.backoffSeconds(3));
        assertEquals(1920, settings.backoffSeconds(7));
        assertEquals(3600, settings.backoffSeconds(8));
        assertEquals(3600, settings.backoffSeconds(1000));
    }

    @Test
    void zeroInitialBackoffTurnsItOff() {
        ThrottleSettings settings =
                ThrottleSettings.from(Map.of(ThrottleSettings.BACKOFF_INITIAL, "0"));
        assertEquals(0, settings.backoffSeconds(5));
    }

    @Test
    void invalidValuesFallBackToSafeDefaults() {
        ThrottleSettings settings =
                ThrottleSettings.from(
                        Map.of(
                                ThrottleSettings.PROMPT_QUOTA, "1000",
                                ThrottleSettings.MIN_SPACING, "-5",
                                ThrottleSettings.BACKOFF_MAX, "lots",
                                ThrottleSettings.IP_LIMIT, " 7 ",
                                ThrottleSettings.QUIET_MODE, "maybe"));
        assertEquals(ThrottleSettings.DEFAULTS.promptQuota(), settings.promptQuota());
        assertEquals(ThrottleSettings.DEFAULTS.minSpacingSeconds(), settings.minSpacingSeconds());
        assertEquals(ThrottleSettings.DEFAULTS.backoffMaxSeconds(), settings.backoffMaxSeconds());
        assertEquals(7, settings.ipLimit());
        assertEquals(true, settings.quietMode());
        assertEquals(ThrottleSettings.DEFAULTS, ThrottleSettings.from(Map.of()));
    }
}
