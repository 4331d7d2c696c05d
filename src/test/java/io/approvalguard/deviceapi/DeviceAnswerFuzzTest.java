package io.approvalguard.deviceapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.approvalguard.challenge.ChallengeStatus;
import io.approvalguard.challenge.DeviceAnswer;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.json.JsonBody;
import java.util.Map;

/**
 * A device's answer body as {@code POST /device/challenges/{id}/answer} reads it before anything
 * else ({@link JsonBody#object}, then {@link DeviceResource.Answer#from}): a {@code 400} or an
 * answer of one of the three decisions, a 43-character context hash and at most a digit code.
 */
class DeviceAnswerFuzzTest {

    private static final Map<String, ChallengeStatus> DECISIONS =
            Map.of(
                    "approve",
                    ChallengeStatus.APPROVED,
                    "deny",
                    ChallengeStatus.DENIED,
                    "fraud",
                    ChallengeStatus.FRAUD);

    @FuzzTest
    void answer(byte[] body) {
        Map<String, Object> json;
        DeviceAnswer answer;
        try {
            json = JsonBody.object(body);
            answer = DeviceResource.answerOf(json);
        } catch (ApiError refused) {
            assertEquals(400, refused.status(), refused.getMessage());
            assertEquals("invalid_request", refused.error());
            return;
        }
        assertEquals(DECISIONS.get(json.get("decision")), answer.decision());
        assertEquals(json.get("context_hash"), answer.contextHash());
        assertEquals(43, answer.contextHash().length());
        assertEquals(json.get("code"), answer.code());
        assertTrue(
                answer.code() == null || answer.code().matches("[0-9]{1,16}"),
                "code " + answer.code());
    }
}
