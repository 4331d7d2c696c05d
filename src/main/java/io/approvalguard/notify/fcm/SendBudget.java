package io.approvalguard.notify.fcm;

import io.approvalguard.support.http.BoundedHttp;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.http.impl.client.CloseableHttpClient;

/**
 * The time one send attempt may take, shared by all its requests (a token exchange, the message, a
 * retry after a 401): the queue's {@code timeout-ms} bounds the whole attempt, not each request.
 */
final class SendBudget {

    /** How BoundedHttp names the options in its reasons. */
    static final String OPTION_PREFIX = FcmNotifierFactory.OPTION_PREFIX + "--";

    private final CloseableHttpClient client;
    private final ScheduledExecutorService deadlines;
    private final int connectTimeoutMs;
    private final int timeoutMs;
    private final long endNanos;

    SendBudget(
            CloseableHttpClient client,
            ScheduledExecutorService deadlines,
            int connectTimeoutMs,
            int timeoutMs) {
        this.client = client;
        this.deadlines = deadlines;
        this.connectTimeoutMs = connectTimeoutMs;
        this.timeoutMs = timeoutMs;
        this.endNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    }

    /** Milliseconds left, 0 when the attempt is out of time. */
    long leftMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
    }

    /** One POST within what is left; "no answer" when nothing is. */
    BoundedHttp.Answer post(URI url, Map<String, String> headers, byte[] body, String type) {
        int left = (int) Math.min(leftMillis(), timeoutMs);
        if (left < 1) {
            return new BoundedHttp.Answer(-1, Map.of(), new byte[0], outOfTime());
        }
        return new BoundedHttp(
                        client, deadlines, Math.min(connectTimeoutMs, left), left, OPTION_PREFIX)
                .post(url, headers, body, type);
    }

    String outOfTime() {
        return "the attempt ran out of its " + OPTION_PREFIX + "timeout-ms=" + timeoutMs;
    }
}
