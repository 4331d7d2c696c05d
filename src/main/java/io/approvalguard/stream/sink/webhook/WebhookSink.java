package io.approvalguard.stream.sink.webhook;

import io.approvalguard.stream.sink.DeliveryOutcome;
import io.approvalguard.stream.sink.SinkProvider;
import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.support.http.RetryAfter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.http.impl.client.CloseableHttpClient;
import org.jboss.logging.Logger;

/**
 * POSTs each record to the webhook URL as a CloudEvents structured-mode request, signed the
 * Standard Webhooks way, one request per record, in order.
 *
 * <p>Every request has a hard deadline ({@code timeout-ms}): a timer aborts it, whatever the
 * receiver is doing (not answering, or trickling bytes), so one delivery pass never takes longer
 * than {@code batch-size} times that. At most {@value BoundedHttp#MAX_ANSWER_BYTES} bytes of an
 * answer are read, and thrown away.
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

    private static final Logger LOG = Logger.getLogger(WebhookSink.class);

    private final BoundedHttp http;
    private final WebhookSettings settings;
    private final Clock clock;
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
        this.http =
                new BoundedHttp(
                        client, deadlines, settings.connectTimeoutMs(), settings.timeoutMs(), "");
        this.settings = settings;
        this.clock = clock;
        this.origin = WebhookSettings.origin(settings.url());
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
        BoundedHttp.Answer answer =
                http.post(
                        settings.url(),
                        settings.signer().headers(id, timestamp, body),
                        body,
                        CONTENT_TYPE);
        if (!answer.answered()) {
            LOG.debugf("Approval Guard: webhook delivery of %s failed: %s", id, answer.error());
            return new Attempt(DeliveryOutcome.retry(answer.error()), true);
        }
        return answered(id, answer.status(), answer.header("Retry-After"));
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
