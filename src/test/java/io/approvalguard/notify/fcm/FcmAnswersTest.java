package io.approvalguard.notify.fcm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.notify.PushOutcome;
import io.approvalguard.support.http.BoundedHttp;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FCM HTTP v1 answers, as documented, and what each means for the address. */
class FcmAnswersTest {

    static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

    @Test
    void successIsDelivered() {
        assertEquals(PushOutcome.delivered(), outcome(200, "{\"name\":\"projects/p/messages/1\"}"));
    }

    @Test
    void aBareNotFoundIsNoReasonToForgetTheToken() {
        // a wrong project id or endpoint answers 404 for every device: none is removed
        PushOutcome outcome = outcome(404, "<html>Not Found</html>");
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind());
        assertTrue(outcome.error().contains("404"), outcome.error());
    }

    @Test
    void notFoundWithUnregisteredIsGone() {
        assertEquals(
                PushOutcome.Kind.GONE,
                outcome(404, error(404, "NOT_FOUND", "UNREGISTERED", null)).kind());
    }

    @Test
    void unregisteredIsGoneWhateverTheStatus() {
        PushOutcome outcome = outcome(400, error(400, "INVALID_ARGUMENT", "UNREGISTERED", null));
        assertEquals(PushOutcome.Kind.GONE, outcome.kind());
    }

    @Test
    void invalidArgumentIsGoneOnlyWhenItNamesTheToken() {
        assertEquals(
                PushOutcome.Kind.GONE,
                outcome(400, error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "message.token"))
                        .kind());
        assertEquals(
                PushOutcome.Kind.FAILED,
                outcome(
                                400,
                                error(
                                        400,
                                        "INVALID_ARGUMENT",
                                        "INVALID_ARGUMENT",
                                        "message.android.ttl"))
                        .kind());
        assertEquals(
                PushOutcome.Kind.FAILED,
                outcome(400, error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", null)).kind());
    }

    @Test
    void senderIdMismatchIsGoneOtherForbiddenFails() {
        assertEquals(
                PushOutcome.Kind.GONE,
                outcome(403, error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", null)).kind());
        PushOutcome denied = outcome(403, error(403, "PERMISSION_DENIED", null, null));
        assertEquals(PushOutcome.Kind.FAILED, denied.kind());
        assertEquals("FCM answered 403 PERMISSION_DENIED", denied.error());
    }

    @Test
    void unauthenticatedAsksForAFreshTokenButNotForApnsCredentials() {
        FcmAnswers.Verdict refused =
                verdict(401, error(401, "UNAUTHENTICATED", null, null), Map.of());
        assertTrue(refused.tokenRejected());
        FcmAnswers.Verdict apns =
                verdict(
                        401,
                        error(401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR", null),
                        Map.of());
        assertFalse(apns.tokenRejected());
        assertEquals(PushOutcome.Kind.FAILED, apns.outcome().kind());
    }

    @Test
    void overloadAndServerErrorsAreRetriedHonouringRetryAfter() {
        assertEquals(
                PushOutcome.retryAfter(12, "FCM answered 429 RESOURCE_EXHAUSTED (QUOTA_EXCEEDED)"),
                verdict(
                                429,
                                error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", null),
                                Map.of("retry-after", "12"))
                        .outcome());
        assertEquals(PushOutcome.Kind.RETRY, outcome(500, "").kind());
        assertEquals(PushOutcome.Kind.RETRY, outcome(502, "<html>bad gateway</html>").kind());
        PushOutcome dated =
                verdict(503, "", Map.of("retry-after", "Wed, 02 Dec 2026 06:01:00 GMT")).outcome();
        assertEquals(60, dated.retryAfterSeconds());
    }

    @Test
    void noAnswerIsRetried() {
        PushOutcome outcome =
                FcmAnswers.of(
                                new BoundedHttp.Answer(
                                        -1, Map.of(), new byte[0], "connection refused"),
                                NOW)
                        .outcome();
        assertEquals(PushOutcome.retry("no answer from FCM: connection refused"), outcome);
    }

    @Test
    void otherClientErrorsFail() {
        assertEquals(PushOutcome.Kind.FAILED, outcome(413, "").kind());
        assertEquals(PushOutcome.Kind.FAILED, outcome(302, "").kind());
    }

    @Test
    void reasonsCarryOnlyNamesNeverFcmsText() {
        String hostile =
                "{\"error\":{\"code\":400,\"message\":\"token abc.def leaked\",\"status\":\"bad status with spaces\","
                        + "\"details\":[{\"errorCode\":\"<script>\"},{\"fieldViolations\":[{\"field\":\"message.token\"}]}]}}";
        PushOutcome outcome = outcome(400, hostile);
        assertFalse(outcome.error().contains("abc.def"), outcome.error());
        assertFalse(outcome.error().contains("script"), outcome.error());
        assertFalse(outcome.error().contains("spaces"), outcome.error());
        assertEquals(PushOutcome.Kind.FAILED, outcome.kind()); // no INVALID_ARGUMENT named
    }

    private static PushOutcome outcome(int status, String body) {
        return verdict(status, body, Map.of()).outcome();
    }

    private static FcmAnswers.Verdict verdict(
            int status, String body, Map<String, String> headers) {
        return FcmAnswers.of(
                new BoundedHttp.Answer(
                        status, headers, body.getBytes(StandardCharsets.UTF_8), null),
                NOW);
    }

    static String error(int code, String status, String errorCode, String field) {
        StringBuilder details = new StringBuilder();
        if (errorCode != null) {
            details.append(
                            "{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\",\"errorCode\":\"")
                    .append(errorCode)
                    .append("\"}");
        }
        if (field != null) {
            if (details.length() > 0) {
                details.append(',');
            }
            details.append(
                            "{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"field\":\"")
                    .append(field)
                    .append("\",\"description\":\"Invalid registration token\"}]}");
        }
        return "{\"error\":{\"code\":"
                + code
                + ",\"message\":\"some text\",\"status\":\""
                + status
                + "\",\"details\":["
                + details
                + "]}}";
    }
}
