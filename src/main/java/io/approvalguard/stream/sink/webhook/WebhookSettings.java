package io.approvalguard.stream.sink.webhook;

import java.net.URI;

import io.approvalguard.support.config.SpiOptions;

/**
 * The webhook sink's server options ({@code --spi-approval-guard-sink--webhook--<option>}).
 *
 * @param url              where records are POSTed; null: the sink is not active
 * @param signer           signs with every configured secret (null when none is configured)
 * @param connectTimeoutMs longest wait for a connection (also for a free one in the client's pool)
 * @param timeoutMs        hard deadline of one request, from sending to the end of the answer
 * @param batchSize        most records per delivery pass
 */
public record WebhookSettings(URI url, WebhookSigner signer, int connectTimeoutMs, int timeoutMs, int batchSize) {

    public static final String URL = "url";
    public static final String SECRETS = "secrets";
    public static final String CONNECT_TIMEOUT_MS = "connect-timeout-ms";
    public static final String TIMEOUT_MS = "timeout-ms";
    public static final String BATCH_SIZE = "batch-size";

    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
    public static final int DEFAULT_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_BATCH_SIZE = 20;

    /** Reads and checks every option; a value that cannot be right throws, naming the option. */
    public static WebhookSettings read(SpiOptions options) {
        int connectTimeoutMs = options.intValue(CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS, 1, 60_000);
        int timeoutMs = options.intValue(TIMEOUT_MS, DEFAULT_TIMEOUT_MS, 1, 300_000);
        int batchSize = options.intValue(BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, 1_000);
        if (connectTimeoutMs > timeoutMs) {
            if (options.string(CONNECT_TIMEOUT_MS, null) != null) {
                throw options.invalid(CONNECT_TIMEOUT_MS, Integer.toString(connectTimeoutMs),
                        "at most " + TIMEOUT_MS + " (" + timeoutMs + ")");
            }
            connectTimeoutMs = timeoutMs; // the default, with a shorter total deadline
        }
        URI url = options.httpUrl(URL);
        if (url != null && url.getRawUserInfo() != null) {
            // credentials in the URL would end up in logs; use a secret path or query instead
            throw options.invalid(URL, origin(url) + " (with user info, not shown)", "a URL without user info");
        }
        WebhookSigner signer = null;
        var secrets = options.list(SECRETS);
        if (url != null || !secrets.isEmpty()) {
            try {
                signer = WebhookSigner.of(secrets);
            } catch (WebhookSigner.InvalidSecretException e) {
                String shown = e.position() == 0 ? "(empty)"
                        : "(secret " + e.position() + " of " + secrets.size() + ", not shown)";
                throw options.invalid(SECRETS, shown, e.expected()
                        + " (comma-separated Standard Webhooks secrets, required when " + URL + " is set)");
            }
        }
        return new WebhookSettings(url, signer, connectTimeoutMs, timeoutMs, batchSize);
    }

    public boolean active() {
        return url != null;
    }

    /** {@code scheme://host[:port]}: safe to log, unlike a path or query that may carry a token. */
    public static String origin(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }
}
