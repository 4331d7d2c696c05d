package io.approvalguard.testkit;

import java.util.List;

/**
 * Where the test server's push providers deliver: loopback stand-ins that a test starts and stops
 * (on ports nothing else here uses), with short deadlines and back-off so that outcomes show within
 * seconds. {@link KeycloakServer} passes {@link #serverOptions()} at start.
 */
public final class PushServices {

    /** The operator's push gateway ({@code webhook} notifier): a {@link WebhookReceiver}. */
    public static final int GATEWAY_PORT = 8093;

    public static final String GATEWAY_URL = "http://127.0.0.1:" + GATEWAY_PORT + "/push";
    public static final List<String> GATEWAY_SECRETS =
            List.of("whsec_cHVzaC1nYXRld2F5LXNlY3JldC1vZi10aGUtdGVzdHM=");

    /** Deadline of one attempt, for every provider: a hanging service shows after this. */
    public static final int TIMEOUT_MS = 1500;

    public static final int MAX_ATTEMPTS = 2;
    public static final int BACKOFF_INITIAL_MS = 200;

    private PushServices() {}

    public static List<String> serverOptions() {
        String notifier = "--spi-approval-guard-notifier--";
        return List.of(
                notifier + "webhook--url=" + GATEWAY_URL,
                notifier + "webhook--secrets=" + String.join(",", GATEWAY_SECRETS),
                notifier + "webhook--timeout-ms=" + TIMEOUT_MS,
                notifier + "webhook--connect-timeout-ms=" + TIMEOUT_MS,
                notifier + "webhook--max-attempts=" + MAX_ATTEMPTS,
                notifier + "webhook--backoff-initial-ms=" + BACKOFF_INITIAL_MS);
    }
}
