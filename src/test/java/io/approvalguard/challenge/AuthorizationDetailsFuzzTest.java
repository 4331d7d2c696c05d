package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.approvalguard.support.json.CanonicalJson;
import io.approvalguard.support.json.StrictJson;
import io.approvalguard.testkit.JsonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.keycloak.util.JsonSerialization;

/**
 * {@code authorization_details} as any client may send them: {@link AuthorizationDetails.Invalid}
 * or details that are shown, hashed and granted faithfully. Accepted details hold no null, no
 * number a device's double cannot hold exactly, stay within the bounds, hash on a device as on the
 * server (the independent reference client agrees), and keep their canonical form through the
 * Jackson round trips that store a challenge and the approval record.
 */
class AuthorizationDetailsFuzzTest {

    private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    @FuzzTest
    void parse(byte[] parameter) throws Exception {
        // A request parameter reaches Keycloak as decoded text, so as a string that UTF-8 can
        // carry.
        String raw = new String(parameter, StandardCharsets.UTF_8);
        List<Object> details;
        try {
            details = AuthorizationDetails.parse(raw);
        } catch (AuthorizationDetails.Invalid refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        if (details == null) {
            assertTrue(raw.isBlank(), "no details for a non-blank parameter");
            return;
        }
        assertTrue(raw.length() <= AuthorizationDetails.MAX_CHARS);
        assertTrue(
                !details.isEmpty() && details.size() <= AuthorizationDetails.MAX_ENTRIES,
                details.size() + " entries");
        for (Object entry : details) {
            assertTrue(
                    entry instanceof Map<?, ?> object
                            && object.get("type") instanceof String type
                            && !type.isBlank(),
                    "an entry without a type");
        }
        assertTrue(
                JsonTrees.depth(details) <= AuthorizationDetails.MAX_DEPTH + 1, "nested too deep");
        assertFalse(JsonTrees.anyMatch(details, v -> v == null), "holds a null");
        assertFalse(
                JsonTrees.anyMatch(
                        details, v -> v instanceof Number && !isExactOnADevice((Number) v)),
                "holds a number a device cannot hold exactly");

        String canonical = CanonicalJson.canonicalize(details);
        assertEquals(
                io.approvalguard.testkit.CanonicalJson.of(details),
                canonical,
                "a device would hash other bytes");
        // What the device is shown (the listing) reads back to what the server hashed.
        Object listed =
                StrictJson.readArray(
                        CanonicalJson.writeInOrder(details).getBytes(StandardCharsets.UTF_8));
        assertEquals(
                canonical,
                io.approvalguard.testkit.CanonicalJson.of(listed),
                "the listing reads back differently");
        // Challenge.toNotes/fromNotes and LoginApproval's record keep them as Keycloak's Jackson
        // writes them.
        assertEquals(
                canonical,
                CanonicalJson.canonicalize(jacksonRoundTrip(details)),
                "changed by being stored");
    }

    private static boolean isExactOnADevice(Number number) {
        if (number instanceof Integer) {
            return true;
        }
        if (number instanceof Long l) {
            return l >= -MAX_SAFE_INTEGER && l <= MAX_SAFE_INTEGER;
        }
        return number instanceof Double d && Double.isFinite(d);
    }

    private static Object jacksonRoundTrip(List<Object> details) throws IOException {
        return JsonSerialization.readValue(
                JsonSerialization.writeValueAsString(details), List.class);
    }
}
