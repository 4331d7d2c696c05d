package io.approvalguard.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
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

    /** A browser's push service: a {@link PushServiceStandIn}, the only one allowed. */
    public static final int WEB_PUSH_PORT = 8095;

    public static final String WEB_PUSH_ORIGIN = "http://127.0.0.1:" + WEB_PUSH_PORT;
    public static final String VAPID_SUBJECT = "mailto:security@ag-test.example";

    /** Deadline of one attempt, for every provider: a hanging service shows after this. */
    public static final int TIMEOUT_MS = 1500;

    public static final int MAX_ATTEMPTS = 2;
    public static final int BACKOFF_INITIAL_MS = 200;

    private PushServices() {}

    /** Firebase Cloud Messaging and Google's token endpoint: a {@link FakeFcm}. */
    public static final int FCM_PORT = 8094;

    public static final String FCM_PROJECT = "ag-test";
    static final String FCM_ACCOUNT_FILE = "fcm-service-account.json";

    /**
     * The service-account key file the test server was started with: a {@link FakeFcm} on {@link
     * #FCM_PORT} trusts it with {@code trustAccount}.
     */
    public static Path fcmAccountFile() {
        return KeycloakServer.workDir().resolve(FCM_ACCOUNT_FILE);
    }

    public static List<String> serverOptions(Path workDir) {
        Path account = workDir.resolve(FCM_ACCOUNT_FILE);
        if (!Files.exists(account)) {
            new FakeFcm(FCM_PORT)
                    .writeServiceAccount(workDir, FCM_PROJECT)
                    .file()
                    .toFile()
                    .renameTo(account.toFile());
        }
        String fcmOrigin = "http://127.0.0.1:" + FCM_PORT;
        String notifier = "--spi-approval-guard-notifier--";
        return List.of(
                notifier + "fcm--service-account-file=" + account,
                notifier + "fcm--endpoint=" + fcmOrigin,
                notifier + "fcm--token-uri=" + fcmOrigin + "/token",
                notifier + "fcm--timeout-ms=" + TIMEOUT_MS,
                notifier + "fcm--connect-timeout-ms=" + TIMEOUT_MS,
                notifier + "fcm--max-attempts=" + MAX_ATTEMPTS,
                notifier + "fcm--backoff-initial-ms=" + BACKOFF_INITIAL_MS,
                notifier + "webpush--vapid-subject=" + VAPID_SUBJECT,
                notifier + "webpush--allowed-endpoints=" + WEB_PUSH_ORIGIN,
                notifier + "webpush--timeout-ms=" + TIMEOUT_MS,
                notifier + "webpush--connect-timeout-ms=" + TIMEOUT_MS,
                notifier + "webpush--max-attempts=" + MAX_ATTEMPTS,
                notifier + "webpush--backoff-initial-ms=" + BACKOFF_INITIAL_MS,
                notifier + "webhook--url=" + GATEWAY_URL,
                notifier + "webhook--secrets=" + String.join(",", GATEWAY_SECRETS),
                notifier + "webhook--timeout-ms=" + TIMEOUT_MS,
                notifier + "webhook--connect-timeout-ms=" + TIMEOUT_MS,
                notifier + "webhook--max-attempts=" + MAX_ATTEMPTS,
                notifier + "webhook--backoff-initial-ms=" + BACKOFF_INITIAL_MS);
    }
}
