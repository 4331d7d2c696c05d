package io.approvalguard.notify.fcm;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.http.impl.client.CloseableHttpClient;

/**
 * One send attempt to FCM HTTP v1: an access token (cached or exchanged), the message, and, when
 * FCM refuses the token, one more time with a fresh one, all within the queue's {@code timeout-ms}.
 */
final class FcmSender {

    static final String JSON = "application/json; charset=UTF-8";

    private final String endpoint;
    private final ScheduledExecutorService deadlines;
    private final int connectTimeoutMs;
    private final int timeoutMs;
    private final Clock clock;

    /**
     * @param endpoint FCM's origin, {@code https://fcm.googleapis.com} unless testing
     * @param deadlines runs the timers that abort requests
     */
    FcmSender(
            URI endpoint,
            ScheduledExecutorService deadlines,
            int connectTimeoutMs,
            int timeoutMs,
            Clock clock) {
        String text = endpoint.toString();
        this.endpoint = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.deadlines = deadlines;
        this.connectTimeoutMs = connectTimeoutMs;
        this.timeoutMs = timeoutMs;
        this.clock = clock;
    }

    Clock clock() {
        return clock;
    }

    URI sendUrl(String projectId) {
        return URI.create(endpoint + "/v1/projects/" + projectId + "/messages:send");
    }

    PushOutcome send(
            CloseableHttpClient client,
            AccessTokens tokens,
            PushMessage message,
            PushAddress address) {
        int secondsLeft = message.secondsLeft(clock.instant().getEpochSecond());
        if (secondsLeft < 1) {
            return PushOutcome.failed("the challenge expired before it could be sent");
        }
        if (address.token() == null) {
            return PushOutcome.failed("the device's push address has no FCM registration token");
        }
        SendBudget budget = new SendBudget(client, deadlines, connectTimeoutMs, timeoutMs);
        URI url = sendUrl(tokens.account().projectId());
        byte[] body = FcmMessage.body(message, address.token(), secondsLeft);
        for (int round = 1; ; round++) {
            AccessTokens.Grant grant = tokens.get(budget);
            if (!grant.ok()) {
                return grant.failure();
            }
            BoundedHttp.Answer answer =
                    budget.post(
                            url,
                            Map.of("Authorization", "Bearer " + grant.accessToken()),
                            body,
                            JSON);
            FcmAnswers.Verdict verdict = FcmAnswers.of(answer, clock.instant());
            if (!verdict.tokenRejected()) {
                return verdict.outcome();
            }
            // revoked, or expired early: the next get() exchanges again
            tokens.invalidate(grant.accessToken());
            if (round == 2) {
                return verdict.outcome();
            }
        }
    }
}
