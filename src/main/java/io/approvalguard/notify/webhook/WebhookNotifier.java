package io.approvalguard.notify.webhook;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.support.http.RetryAfter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.common.util.Time;
import org.keycloak.util.JsonSerialization;

/**
 * One notification to the gateway: a JSON object with the challenge id, the device's id and token,
 * the realm and the expiry (no code, no context, no name), signed per Standard Webhooks. The {@code
 * webhook-id} is the same on every attempt, so the gateway can drop a repeat.
 *
 * <p>Answers: 2xx delivered; 410 the token is gone (the address is removed); 408, 429, 5xx or no
 * answer tried again; anything else failed.
 */
final class WebhookNotifier implements Notifier {

    static final String CONTENT_TYPE = "application/json; charset=utf-8";

    private final WebhookNotifierSettings settings;
    private final BoundedHttp http;

    WebhookNotifier(WebhookNotifierSettings settings, BoundedHttp http) {
        this.settings = settings;
        this.http = http;
    }

    @Override
    public PushOutcome send(PushMessage message, PushAddress address) {
        if (settings.url() == null) {
            return PushOutcome.failed("the webhook notifier is not configured");
        }
        String id = "ag-push-" + message.challengeId() + "-" + message.deviceId();
        byte[] body = body(message, address);
        long timestamp = Time.currentTimeMillis() / 1000;
        BoundedHttp.Answer answer =
                http.post(
                        settings.url(),
                        settings.signer().headers(id, timestamp, body),
                        body,
                        CONTENT_TYPE);
        if (!answer.answered()) {
            return PushOutcome.retry(answer.error());
        }
        int status = answer.status();
        if (answer.isSuccess()) {
            return PushOutcome.delivered();
        }
        String said = "the gateway answered " + status;
        if (status == 410) {
            return PushOutcome.gone(said + " Gone: the device's token is no longer valid");
        }
        if (status == 408 || status == 429 || status >= 500) {
            long wait = RetryAfter.seconds(answer.header("Retry-After"), Instant.now());
            return PushOutcome.retryAfter(wait, said);
        }
        return PushOutcome.failed(
                said + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
    }

    static byte[] body(PushMessage message, PushAddress address) {
        Map<String, Object> body = new LinkedHashMap<>(message.payload());
        body.put("device_id", message.deviceId());
        body.put("token", address.token());
        body.put("realm", message.realmName());
        body.put("expires_at", message.expiresAt());
        try {
            return JsonSerialization.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
