package io.approvalguard.waiting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.approvalguard.support.http.ApiError;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The {@code ?wait=<seconds>} of a device's or browser's request, read from the raw query by {@link
 * WaitingRequests#holdSecondsOf}: a {@code 400 invalid_request} or a hold within the node's bound,
 * and no hold at all without a {@code wait}.
 */
class WaitQueryFuzzTest {

    private static final int MAX_WAIT_SECONDS = 25;
    private static final WaitingRequests WAITING =
            new WaitingRequests(new WaitSettings(10, 2, MAX_WAIT_SECONDS));

    @FuzzTest
    void holdSecondsOf(byte[] query) {
        String rawQuery = new String(query, StandardCharsets.ISO_8859_1);
        URI uri;
        try {
            uri =
                    URI.create(
                            "https://login.example.com/realms/demo/approval-guard/device/challenges?"
                                    + rawQuery);
        } catch (IllegalArgumentException notAUri) {
            return; // the HTTP server hands over no such request
        }
        int seconds;
        try {
            seconds = WAITING.holdSecondsOf(uri);
        } catch (ApiError refused) {
            assertEquals(400, refused.status());
            assertEquals("invalid_request", refused.error());
            return;
        }
        assertTrue(seconds >= 0 && seconds <= MAX_WAIT_SECONDS, seconds + " s");
        if (!rawQuery.contains("wait") && !rawQuery.contains("%")) {
            assertEquals(0, seconds, "held a request that asked for no wait");
        }
    }
}
