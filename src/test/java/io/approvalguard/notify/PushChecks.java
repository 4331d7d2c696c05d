package io.approvalguard.notify;

import static io.approvalguard.testkit.PushScenario.REALM;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.approvalguard.testkit.AdminClient;
import io.approvalguard.testkit.DeviceClient;
import io.approvalguard.testkit.Json;
import io.approvalguard.testkit.PushScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What the push ITs wait for and look at, written once. */
final class PushChecks {

    /** Generous: a notification arrives within milliseconds on an idle machine. */
    static final Duration ARRIVES_WITHIN = Duration.ofSeconds(30);

    private PushChecks() {}

    /** Waits until the user has at least {@code count} events of this kind; newest first. */
    static List<Map<String, Object>> awaitEvents(
            AdminClient admin,
            PushScenario user,
            String type,
            String approvalGuardEvent,
            int count) {
        Instant deadline = Instant.now().plus(ARRIVES_WITHIN);
        List<Map<String, Object>> events = List.of();
        while (Instant.now().isBefore(deadline)) {
            events = admin.approvalGuardEvents(REALM, user.userId, type, approvalGuardEvent);
            if (events.size() >= count) {
                return events;
            }
            sleep(200);
        }
        throw new AssertionError(
                approvalGuardEvent
                        + ": "
                        + events.size()
                        + " of "
                        + count
                        + " within "
                        + ARRIVES_WITHIN);
    }

    /** Waits until {@code found} answers non-null. */
    static <T> T await(String what, Supplier<T> found) {
        Instant deadline = Instant.now().plus(ARRIVES_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            T value = found.get();
            if (value != null) {
                return value;
            }
            sleep(100);
        }
        throw new AssertionError(what + " not within " + ARRIVES_WITHIN);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> details(Map<String, Object> event) {
        return (Map<String, Object>) event.get("details");
    }

    /** The providers {@code GET device/push-config} offers, with what each needs. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> providers(DeviceClient device) {
        DeviceClient.Response config = device.pushConfig();
        assertEquals(200, config.status(), config.toString());
        return (Map<String, Object>) Json.readMap(config.body()).get("providers");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
