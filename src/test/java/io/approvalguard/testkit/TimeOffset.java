package io.approvalguard.testkit;

import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Shifts the test server's clock for one test and always puts it back, even when the test fails.
 *
 * <pre>{@code
 * @ExtendWith(KeycloakServer.class)
 * class ChallengeExpiryIT {
 *     @RegisterExtension
 *     final TimeOffset time = new TimeOffset();
 *
 *     @Test
 *     void expiredChallengeIsRejected() {
 *         // ... start a login that creates a challenge ...
 *         time.shift(Duration.ofMinutes(5));   // the server's clock is now 5 min ahead
 *         // ... the device's answer is refused as expired ...
 *     }
 * }
 * }</pre>
 *
 * <p>Shifts add up ({@code shift(1 min)} twice is 2 min ahead) and may be negative. After each test
 * (after its {@code @AfterEach} methods) and after the class, the server's offset goes back to 0; a
 * static field works too. Only Keycloak's {@code org.keycloak.common.util.Time} moves: server code
 * that reads {@code System.currentTimeMillis()} or {@code Instant.now()} directly, Infinispan's
 * lifespans (a single-use object stored for 60 s still vanishes after 60 real seconds) and this
 * test JVM's clock do not. {@link DeviceClient} proofs follow the shift ({@link
 * KeycloakServer#serverNow()}), and {@link AdminClient} logs in again when the shift has expired
 * its token.
 */
public final class TimeOffset implements AfterEachCallback, AfterAllCallback {

    private int seconds;

    /** Moves the server's clock {@code by} further (whole seconds; negative goes back). */
    public TimeOffset shift(Duration by) {
        if (by.getNano() != 0) {
            throw new IllegalArgumentException(
                    "the server clock moves in whole seconds, not " + by);
        }
        return set(Math.toIntExact(Math.addExact(seconds, by.getSeconds())));
    }

    /** Sets the server's offset from real time to exactly {@code offset}. */
    public TimeOffset set(Duration offset) {
        if (offset.getNano() != 0) {
            throw new IllegalArgumentException(
                    "the server clock moves in whole seconds, not " + offset);
        }
        return set(Math.toIntExact(offset.getSeconds()));
    }

    /** The offset this extension has set, as a duration (zero when nothing is shifted). */
    public Duration offset() {
        return Duration.ofSeconds(seconds);
    }

    /** Puts the server's clock back to real time now (it happens after each test anyway). */
    public void reset() {
        seconds = 0;
        KeycloakServer.resetTimeOffset();
    }

    private TimeOffset set(int newSeconds) {
        KeycloakServer.ensureStarted();
        KeycloakServer.setTimeOffset(newSeconds);
        seconds = newSeconds;
        return this;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        resetIfRunning();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        resetIfRunning();
    }

    /**
     * Resets unconditionally (not only after {@link #shift}), so a direct {@link
     * KeycloakServer#setTimeOffset} in the test is undone too; skipped when the server is not up,
     * so a failed start is not hidden behind a second error.
     */
    private void resetIfRunning() {
        seconds = 0;
        if (KeycloakServer.isRunning()) {
            KeycloakServer.resetTimeOffset();
        }
    }
}
