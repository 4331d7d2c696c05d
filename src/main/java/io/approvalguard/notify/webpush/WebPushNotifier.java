package io.approvalguard.notify.webpush;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.support.http.RetryAfter;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** Sends one Web Push message (RFC 8030): encrypted, VAPID-signed, one POST to the endpoint. */
final class WebPushNotifier implements Notifier {

    /**
     * Every message replaces the one before it at the push service (RFC 8030, 5.4): a device that
     * was offline gets only the newest "a challenge waits", not a backlog.
     */
    static final String TOPIC = "approval-guard-challenge";

    private final WebPushEncryption encryption;
    private final Vapid vapid;
    private final AllowedEndpoints allowed;
    private final BoundedHttp http;
    private final LongSupplier nowSeconds;

    WebPushNotifier(
            WebPushEncryption encryption,
            Vapid vapid,
            AllowedEndpoints allowed,
            BoundedHttp http,
            LongSupplier nowSeconds) {
        this.encryption = encryption;
        this.vapid = vapid;
        this.allowed = allowed;
        this.http = http;
        this.nowSeconds = nowSeconds;
    }

    @Override
    public PushOutcome send(PushMessage message, PushAddress address) {
        URI endpoint;
        byte[] body;
        try {
            endpoint = new URI(address.endpoint());
            body =
                    encryption.encrypt(
                            message.payloadJson(),
                            P256.fromBase64Url(address.p256dh()),
                            P256.fromBase64Url(address.auth()));
        } catch (Exception e) {
            // checked at registration; an address stored otherwise is of no use
            return PushOutcome.gone("not a usable Web Push subscription");
        }
        String origin = AllowedEndpoints.origin(endpoint);
        if (!allowed.allows(endpoint)) {
            // allowed-endpoints was narrowed since the device registered: not ours to reach now
            return PushOutcome.failed(origin + " is not in allowed-endpoints");
        }
        long now = nowSeconds.getAsLong();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("TTL", Integer.toString(message.secondsLeft(now)));
        headers.put("Urgency", "high");
        headers.put("Topic", TOPIC);
        headers.put("Content-Encoding", "aes128gcm");
        headers.put("Authorization", vapid.authorization(endpoint));
        BoundedHttp.Answer answer = http.post(endpoint, headers, body, "application/octet-stream");
        return outcome(answer, origin, Instant.now());
    }

    /** {@code now}: real time, as a push service's Retry-After date is. */
    static PushOutcome outcome(BoundedHttp.Answer answer, String origin, Instant now) {
        if (!answer.answered()) {
            return PushOutcome.retry(answer.error());
        }
        int status = answer.status();
        String said = "push service " + origin + " answered " + status;
        if (status == 200 || status == 201 || status == 202) {
            return PushOutcome.delivered();
        }
        if (status == 404 || status == 410) {
            return PushOutcome.gone(said + ": the subscription has expired or was removed");
        }
        if (status == 401 || status == 403) {
            return PushOutcome.gone(said + ": subscription made for another VAPID key");
        }
        if (status == 429 || status >= 500) {
            long wait = RetryAfter.seconds(answer.header("retry-after"), now);
            return wait > 0 ? PushOutcome.retryAfter(wait, said) : PushOutcome.retry(said);
        }
        return PushOutcome.failed(said);
    }
}
