package io.approvalguard.notify.fcm;

import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import io.approvalguard.support.http.RetryAfter;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.keycloak.util.JsonSerialization;

/**
 * What an FCM HTTP v1 answer means for the address and the message. FCM's errors carry a gRPC
 * {@code status} and, in {@code details}, an {@code FcmError}'s {@code errorCode} and a {@code
 * BadRequest}'s {@code fieldViolations}; only those names go into reasons (FCM's {@code message}
 * text is left out).
 */
final class FcmAnswers {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{1,64}");

    private FcmAnswers() {}

    /**
     * @param outcome what the send came to
     * @param tokenRejected FCM refused the access token (401): refresh it and try once more
     */
    record Verdict(PushOutcome outcome, boolean tokenRejected) {}

    /** The parts of an FCM error answer that decide. */
    record FcmError(String status, String errorCode, List<String> fields) {
        String describe(int httpStatus) {
            StringBuilder text = new StringBuilder("FCM answered ").append(httpStatus);
            if (status != null) {
                text.append(' ').append(status);
            }
            if (errorCode != null && !errorCode.equals(status)) {
                text.append(" (").append(errorCode).append(')');
            }
            if (!fields.isEmpty()) {
                text.append(" about ").append(String.join(", ", fields));
            }
            return text.toString();
        }
    }

    static Verdict of(BoundedHttp.Answer answer, Instant now) {
        if (!answer.answered()) {
            return settled(PushOutcome.retry("no answer from FCM: " + answer.error()));
        }
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return new Verdict(PushOutcome.delivered(), false);
        }
        FcmError error = error(answer.body());
        String why = error.describe(status);
        // Only FCM's own word for it: a bare 404 (a wrong project or endpoint) would otherwise
        // remove every device's address at once.
        if ("UNREGISTERED".equals(error.errorCode())) {
            return settled(PushOutcome.gone(why + ": the registration token is no longer valid"));
        }
        if (status == 400 && aboutToken(error)) {
            return settled(PushOutcome.gone(why + ": not a valid registration token"));
        }
        if (status == 403 && "SENDER_ID_MISMATCH".equals(error.errorCode())) {
            return settled(
                    PushOutcome.gone(why + ": the token belongs to another Firebase project"));
        }
        if (status == 401 && !"THIRD_PARTY_AUTH_ERROR".equals(error.errorCode())) {
            return new Verdict(PushOutcome.failed(why + ": the access token was refused"), true);
        }
        if (status == 429 || status >= 500) {
            long wait = RetryAfter.seconds(answer.header("retry-after"), now);
            return settled(PushOutcome.retryAfter(wait, why));
        }
        // our request, key or project is wrong (a 401 THIRD_PARTY_AUTH_ERROR: the APNs or Web
        // Push credentials in the Firebase console): sending again would not help
        return settled(PushOutcome.failed(why));
    }

    /** INVALID_ARGUMENT can also be about the payload; only one naming the token means gone. */
    private static boolean aboutToken(FcmError error) {
        return ("INVALID_ARGUMENT".equals(error.status())
                        || "INVALID_ARGUMENT".equals(error.errorCode()))
                && error.fields().contains("message.token");
    }

    private static Verdict settled(PushOutcome outcome) {
        return new Verdict(outcome, false);
    }

    static FcmError error(byte[] body) {
        Map<?, ?> root;
        try {
            root = JsonSerialization.readValue(body, Map.class);
        } catch (IOException | RuntimeException e) {
            return new FcmError(null, null, List.of());
        }
        if (root == null || !(root.get("error") instanceof Map<?, ?> error)) {
            return new FcmError(null, null, List.of());
        }
        String status = name(error.get("status"));
        String errorCode = null;
        List<String> fields = new ArrayList<>();
        if (error.get("details") instanceof List<?> details) {
            for (Object detail : details) {
                if (!(detail instanceof Map<?, ?> d)) {
                    continue;
                }
                if (errorCode == null && name(d.get("errorCode")) != null) {
                    errorCode = name(d.get("errorCode"));
                }
                if (d.get("fieldViolations") instanceof List<?> violations) {
                    for (Object violation : violations) {
                        if (violation instanceof Map<?, ?> v
                                && name(v.get("field")) != null
                                && fields.size() < 5) {
                            fields.add(name(v.get("field")));
                        }
                    }
                }
            }
        }
        return new FcmError(status, errorCode, List.copyOf(fields));
    }

    /** An identifier-like string, or null: nothing else from the answer reaches a reason. */
    private static String name(Object value) {
        return value instanceof String s && NAME.matcher(s).matches() ? s : null;
    }
}
