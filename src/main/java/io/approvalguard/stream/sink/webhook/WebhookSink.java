package io.approvalguard.stream.sink.webhook;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.StreamEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.http.Header;
import org.apache.http.HttpEntity;
import org.apache.http.NoHttpResponseException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.apache.http.conn.HttpHostConnectException;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;

/**
 * POSTs each record to the webhook URL as a CloudEvents structured-mode request, signed the
 * Standard Webhooks way, one request per record, in order.
 *
 * <p>Every request has a hard deadline ({@code timeout-ms}): a timer aborts it, whatever the
 * receiver is doing (not answering, or trickling bytes), so one delivery pass never takes longer
 * than {@code batch-size} times that. At most {@value #MAX_RESPONSE_BYTES} bytes of an answer are
 * read, and thrown away.
 *
 * <p>Outcomes: 2xx delivered; 410 the sink is gone (the rest of the batch is not attempted and is
 * answered gone as well); anything else, or no answer, is retried, honouring {@code Retry-After}.
 * When the failure is the receiver's as a whole (no connection or answer, 408, 429, 502, 503, 504,
 * or any {@code Retry-After}) the rest of the batch is not attempted and answered "retry" with the
 * same wait, so a receiver that asked for a pause or is down gets no further requests in this pass;
 * after other failures (a 500 or a 4xx, which may be about that one record) the next records are
 * still tried.
 */
final class WebhookSink implements SinkProvider {

    static final String CONTENT_TYPE = "application/cloudevents+json; charset=utf-8";

    /** The most bytes of an answer read (to let a short answer free its connection for reuse). */
    static final int MAX_RESPONSE_BYTES = 4 * 1024;

    private static final Logger LOG = Logger.getLogger(WebhookSink.class);

    private final CloseableHttpClient client;
    private final WebhookSettings settings;
    private final ScheduledExecutorService deadlines;
    private final Clock clock;
    private final RequestConfig requestConfig;
    private final String origin;

    /**
     * @param client Keycloak's shared client (never closed here), or a test's own
     * @param deadlines runs the timers that abort requests past {@code timeout-ms}
     * @param clock the source of {@code webhook-timestamp}
     */
    WebhookSink(
            CloseableHttpClient client,
            WebhookSettings settings,
            ScheduledExecutorService deadlines,
            Clock clock) {
        if (!settings.active()) {
            throw new IllegalArgumentException("the webhook sink has no URL");
        }
        this.client = client;
        this.settings = settings;
        this.deadlines = deadlines;
        this.clock = clock;
        this.origin = WebhookSettings.origin(settings.url());
        // replaces the client's defaults for these requests: every field is set on purpose
        this.requestConfig =
                RequestConfig.custom()
                        .setConnectTimeout(settings.connectTimeoutMs())
                        .setConnectionRequestTimeout(settings.connectTimeoutMs())
                        .setSocketTimeout(settings.timeoutMs())
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setExpectContinueEnabled(false)
                        .build();
    }

    @Override
    public List<DeliveryOutcome> deliver(List<StreamEvent> events) {
        List<DeliveryOutcome> outcomes = new ArrayList<>(events.size());
        DeliveryOutcome rest = null;
        for (StreamEvent event : events) {
            if (rest == null && Thread.currentThread().isInterrupted()) {
                rest = DeliveryOutcome.retry("not attempted: the relay is stopping");
            }
            if (rest != null) {
                outcomes.add(rest);
                continue;
            }
            Attempt attempt = attempt(event);
            outcomes.add(attempt.outcome());
            if (attempt.stopsBatch()) {
                DeliveryOutcome first = attempt.outcome();
                String error = "not attempted: " + first.error();
                rest =
                        first.kind() == DeliveryOutcome.Kind.SINK_GONE
                                ? DeliveryOutcome.gone(error)
                                : DeliveryOutcome.retryAfter(first.retryAfterSeconds(), error);
            }
        }
        return outcomes;
    }

    /** One record, one request. */
    Attempt attempt(StreamEvent event) {
        String id = event.id();
        if (!usableAsHeader(id)) {
            return new Attempt(
                    DeliveryOutcome.retry("the record's id cannot be sent as webhook-id"), false);
        }
        byte[] body = event.json().getBytes(StandardCharsets.UTF_8);
        long timestamp = Math.floorDiv(clock.millis(), 1000L);

        HttpPost post = new HttpPost(settings.url());
        post.setConfig(requestConfig);
        post.setHeader("webhook-id", id);
        post.setHeader("webhook-timestamp", Long.toString(timestamp));
        post.setHeader("webhook-signature", settings.signer().signatureHeader(id, timestamp, body));
        ByteArrayEntity entity = new ByteArrayEntity(body);
        entity.setContentType(CONTENT_TYPE);
        post.setEntity(entity);

        AtomicBoolean deadlinePassed = new AtomicBoolean();
        ScheduledFuture<?> deadline;
        try {
            deadline =
                    deadlines.schedule(
                            () -> {
                                deadlinePassed.set(true);
                                post.abort();
                            },
                            settings.timeoutMs(),
                            TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the factory was closed: Keycloak is stopping; never send without a deadline
            return new Attempt(
                    DeliveryOutcome.retry("not attempted: the server is stopping"), true);
        }
        try {
            CloseableHttpResponse response;
            try {
                response = client.execute(post);
            } catch (IOException | RuntimeException e) {
                String error =
                        deadlinePassed.get()
                                ? "no complete answer from "
                                        + origin
                                        + " within "
                                        + WebhookSettings.TIMEOUT_MS.name()
                                        + "="
                                        + settings.timeoutMs()
                                : describe(e);
                LOG.debugf("Approval Guard: webhook delivery of %s failed: %s", id, error);
                return new Attempt(DeliveryOutcome.retry(error), true);
            }
            try {
                int status = response.getStatusLine().getStatusCode();
                Header retryAfter = response.getFirstHeader("Retry-After");
                discardBody(response.getEntity());
                return answered(id, status, retryAfter == null ? null : retryAfter.getValue());
            } finally {
                closeQuietly(response);
            }
        } finally {
            deadline.cancel(false);
        }
    }

    private Attempt answered(String id, int status, String retryAfter) {
        if (status >= 200 && status < 300) {
            return new Attempt(DeliveryOutcome.delivered(), false);
        }
        if (status == 410) {
            LOG.debugf("Approval Guard: webhook receiver %s answered 410 Gone for %s", origin, id);
            return new Attempt(DeliveryOutcome.gone("receiver answered 410 Gone"), true);
        }
        long wait = RetryAfter.seconds(retryAfter, clock.instant());
        String error =
                "receiver answered "
                        + status
                        + (status >= 300 && status < 400 ? " (redirects are not followed)" : "")
                        + (wait > 0 ? ", Retry-After " + wait + " s" : "");
        LOG.debugf("Approval Guard: webhook delivery of %s to %s: %s", id, origin, error);
        boolean receiverWide =
                wait > 0
                        || status == 408
                        || status == 429
                        || status == 502
                        || status == 503
                        || status == 504;
        return new Attempt(DeliveryOutcome.retryAfter(wait, error), receiverWide);
    }

    /**
     * Reads at most {@link #MAX_RESPONSE_BYTES}. A shorter answer ends the stream, which returns
     * the connection to the pool; a longer one is cut off by closing the response, which drops the
     * connection instead of reading on (closing the stream itself would read to the end).
     */
    private static void discardBody(HttpEntity entity) {
        if (entity == null) {
            return;
        }
        try {
            InputStream in = entity.getContent();
            byte[] buffer = new byte[1024];
            int left = MAX_RESPONSE_BYTES;
            while (left > 0) {
                int n = in.read(buffer, 0, Math.min(buffer.length, left));
                if (n < 0) {
                    return;
                }
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // the status is what counts; the body is discarded anyway
        }
    }

    private static void closeQuietly(CloseableHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // nothing to do: the connection is dropped
        }
    }

    /** A short reason without payload, secrets, path or query. */
    private String describe(Exception e) {
        int connect = settings.connectTimeoutMs();
        if (e instanceof ConnectionPoolTimeoutException) {
            return "no free connection in the HTTP client's pool within "
                    + WebhookSettings.CONNECT_TIMEOUT_MS.name()
                    + "="
                    + connect;
        }
        if (e instanceof ConnectTimeoutException) {
            return "connecting to "
                    + origin
                    + " timed out ("
                    + WebhookSettings.CONNECT_TIMEOUT_MS.name()
                    + "="
                    + connect
                    + ")";
        }
        if (e instanceof HttpHostConnectException || e instanceof ConnectException) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "cannot connect to " + origin + ": " + scrub(cause.getMessage());
        }
        if (e instanceof UnknownHostException) {
            return "cannot resolve " + settings.url().getHost();
        }
        if (e instanceof SocketTimeoutException) {
            return "no data from "
                    + origin
                    + " for "
                    + WebhookSettings.TIMEOUT_MS.name()
                    + "="
                    + settings.timeoutMs();
        }
        if (e instanceof NoHttpResponseException) {
            return origin + " closed the connection without answering";
        }
        if (e instanceof SSLException) {
            return "TLS with " + origin + " failed: " + scrub(e.getMessage());
        }
        return e.getClass().getSimpleName()
                + " talking to "
                + origin
                + ": "
                + scrub(e.getMessage());
    }

    private String scrub(String message) {
        if (message == null || message.isBlank()) {
            return "no detail";
        }
        URI url = settings.url();
        String text = message.replace(url.toString(), origin);
        if (url.getRawQuery() != null) {
            text = text.replace(url.getRawQuery(), "(query not shown)");
        }
        if (url.getRawPath() != null && url.getRawPath().length() > 1) {
            text = text.replace(url.getRawPath(), "(path not shown)");
        }
        text = text.replaceAll("\\s+", " ");
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    /** Visible ASCII only: nothing that could split a header or change what is signed. */
    private static boolean usableAsHeader(String id) {
        if (id == null || id.isEmpty() || id.length() > 255) {
            return false;
        }
        return id.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }

    /** The outcome for the record, and whether the records after it are not tried in this pass. */
    record Attempt(DeliveryOutcome outcome, boolean stopsBatch) {}
}
