package io.approvalguard.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.support.config.SpiOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RelaySettings settings =
            new RelaySettings(1000, 86_400_000L, 1000, 300_000, 604_800_000L);
    private final RetryPolicy policy = new RetryPolicy(settings);

    @Test
    void backOffDoublesWithJitterUpToTheCap() {
        assertEquals(500, policy.backoffMillis(1, 0.0));
        assertEquals(1000, policy.backoffMillis(1, 1.0));
        assertEquals(4000, policy.backoffMillis(3, 1.0));
        assertEquals(2000, policy.backoffMillis(3, 0.0));
        assertEquals(300_000, policy.backoffMillis(30, 1.0));
        assertEquals(150_000, policy.backoffMillis(1000, 0.0));
    }

    @Test
    void aRetryAfterIsHonouredButCapped() {
        long now = 1_000_000;
        assertTrue(policy.nextAttemptAt(now, 1, 120) >= now + 120_000);
        assertTrue(policy.nextAttemptAt(now, 1, 10L * 86_400) <= now + 86_400_000L);
    }

    @Test
    void aRecordIsRetriedForTheWholeWindowThenDead() {
        assertFalse(policy.isExhausted(0, 86_399_999L));
        assertTrue(policy.isExhausted(0, 86_400_000L));
    }

    @Test
    void badRelayOptionsStopTheStartWithTheOptionName() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                RelaySettings.from(
                                        new SpiOptions(
                                                scope(Map.of("retry-window-seconds", "5")),
                                                "spi-events-listener--approval-guard")));
        assertTrue(e.getMessage().contains("retry-window-seconds"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        RelaySettings.from(
                                new SpiOptions(
                                        scope(
                                                Map.of(
                                                        "backoff-initial-ms",
                                                        "5000",
                                                        "backoff-max-ms",
                                                        "1000")),
                                        "x")));
        assertEquals(
                86_400_000L,
                RelaySettings.from(new SpiOptions(scope(Map.of()), "x")).retryWindowMillis());
    }

    static org.keycloak.Config.Scope scope(Map<String, String> values) {
        return (org.keycloak.Config.Scope)
                java.lang.reflect.Proxy.newProxyInstance(
                        RetryPolicyTest.class.getClassLoader(),
                        new Class<?>[] {org.keycloak.Config.Scope.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "get" ->
                                            args.length == 1
                                                    ? values.get((String) args[0])
                                                    : values.getOrDefault(
                                                            (String) args[0], (String) args[1]);
                                    default -> null;
                                });
    }
}
