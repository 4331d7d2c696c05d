package io.approvalguard.waiting;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.util.List;

/**
 * The limits that protect a node from waiting browsers and devices; options of the {@code
 * approval-guard} realm resource ({@code --spi-realm-restapi-extension--approval-guard--<option>}).
 *
 * @param maxWaiters requests held open on this node at once; beyond it, "retry later"
 * @param maxWaitersPerSession requests held open for one browser (auth session) or one device
 * @param maxWaitSeconds the longest a request is held before it answers "still pending"
 */
public record WaitSettings(int maxWaiters, int maxWaitersPerSession, int maxWaitSeconds) {

    static final Option<Integer> MAX_WAITERS =
            Option.wholeNumber(
                    "max-waiters",
                    10_000,
                    0,
                    1_000_000,
                    "Sign-in pages and devices waiting for a decision that one node holds at once; more are told to retry later. 0 turns waiting off (every status request answers at once).");
    static final Option<Integer> MAX_WAITERS_PER_SESSION =
            Option.wholeNumber(
                    "max-waiters-per-session",
                    4,
                    1,
                    100,
                    "Waiting requests one browser (auth session, all tabs) or one device may hold at once on a node.");
    static final Option<Integer> MAX_WAIT_SECONDS =
            Option.wholeNumber(
                    "max-wait-seconds",
                    25,
                    1,
                    300,
                    "The longest a waiting request is held before it answers 'still pending' and is asked again; keep it below the idle timeout of proxies in front of Keycloak.");

    public static final List<Option<?>> OPTIONS =
            List.of(MAX_WAITERS, MAX_WAITERS_PER_SESSION, MAX_WAIT_SECONDS);

    public static WaitSettings from(SpiOptions options) {
        return new WaitSettings(
                options.get(MAX_WAITERS),
                options.get(MAX_WAITERS_PER_SESSION),
                options.get(MAX_WAIT_SECONDS));
    }

    /**
     * How long to hold a request that asked to wait {@code requestedSeconds}: within the node's
     * bound, 0 when waiting is off.
     */
    public int holdSeconds(int requestedSeconds) {
        return maxWaiters == 0 ? 0 : Math.max(0, Math.min(requestedSeconds, maxWaitSeconds));
    }
}
