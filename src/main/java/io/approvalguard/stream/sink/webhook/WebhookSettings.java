package io.approvalguard.stream.sink.webhook;

import io.approvalguard.support.config.Option;
import io.approvalguard.support.config.SpiOptions;
import java.net.URI;
import java.util.List;

/**
 * The webhook sink's server options ({@code --spi-approval-guard-sink--webhook--<option>}).
 *
 * @param url where records are POSTed; null: the sink is not active
 * @param signer signs with every configured secret (null when none is configured)
 * @param connectTimeoutMs longest wait for a connection (also for a free one in the client's pool)
 * @param timeoutMs hard deadline of one request, from sending to the end of the answer
 * @param batchSize most records per delivery pass
 */
public record WebhookSettings(
        URI url, WebhookSigner signer, int connectTimeoutMs, int timeoutMs, int batchSize) {

    public static final Option<URI> URL =
            Option.httpUrl(
                    "url",
                    "Absolute http(s) URL the events are POSTed to; redirects are not followed. Unset: the webhook sink is off.");
    public static final Option<List<String>> SECRETS =
            Option.list(
                            "secrets",
                            "Comma-separated Standard Webhooks secrets (whsec_ + base64 of at least 24 random bytes); "
                                    + "every delivery is signed with each. Required with "
                                    + URL.name()
                                    + ".")
                    .secret();
    public static final Option<Integer> TIMEOUT_MS =
            Option.wholeNumber(
                    "timeout-ms",
                    5_000,
                    1,
                    300_000,
                    "Hard deadline of one delivery request, answer included, in milliseconds: it is aborted then.");
    public static final Option<Integer> CONNECT_TIMEOUT_MS =
            Option.wholeNumber(
                    "connect-timeout-ms",
                    2_000,
                    1,
                    60_000,
                    "Longest wait for a connection, in milliseconds; at most "
                            + TIMEOUT_MS.name()
                            + ".");
    public static final Option<Integer> BATCH_SIZE =
            Option.wholeNumber("batch-size", 20, 1, 1_000, "Most events delivered in one pass.");

    public static final List<Option<?>> OPTIONS =
            List.of(URL, SECRETS, CONNECT_TIMEOUT_MS, TIMEOUT_MS, BATCH_SIZE);

    /** Reads and checks every option; a value that cannot be right throws, naming the option. */
    public static WebhookSettings read(SpiOptions options) {
        int connectTimeoutMs = options.atMost(CONNECT_TIMEOUT_MS, TIMEOUT_MS);
        int timeoutMs = options.get(TIMEOUT_MS);
        int batchSize = options.get(BATCH_SIZE);
        URI url = options.get(URL);
        if (url != null && url.getRawUserInfo() != null) {
            // credentials in the URL would end up in logs; use a secret path or query instead
            throw options.invalid(
                    URL, origin(url) + " (with user info, not shown)", "a URL without user info");
        }
        WebhookSigner signer = null;
        List<String> secrets = options.get(SECRETS);
        if (url != null || !secrets.isEmpty()) {
            try {
                signer = WebhookSigner.of(secrets);
            } catch (WebhookSigner.InvalidSecretException e) {
                String shown =
                        e.position() == 0
                                ? "(empty)"
                                : "(secret "
                                        + e.position()
                                        + " of "
                                        + secrets.size()
                                        + ", not shown)";
                throw options.invalid(
                        SECRETS,
                        shown,
                        e.expected()
                                + " (comma-separated Standard Webhooks secrets, required when "
                                + URL.name()
                                + " is set)");
            }
        }
        return new WebhookSettings(url, signer, connectTimeoutMs, timeoutMs, batchSize);
    }

    public boolean active() {
        return url != null;
    }

    /** {@code scheme://host[:port]}: safe to log, unlike a path or query that may carry a token. */
    public static String origin(URI url) {
        return url.getScheme()
                + "://"
                + url.getHost()
                + (url.getPort() == -1 ? "" : ":" + url.getPort());
    }
}
