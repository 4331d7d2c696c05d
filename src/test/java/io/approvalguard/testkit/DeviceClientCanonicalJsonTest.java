package io.approvalguard.testkit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The canonical JSON of docs/device-api.md, checked against what JSON.stringify would print. */
class DeviceClientCanonicalJsonTest {

    @Test
    void sortsMembersByName() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("username", "alice");
        context.put("client_id", "account-console");
        context.put("reason", "sign-in");
        context.put("ip_address", "203.0.113.7");

        assertEquals("{\"client_id\":\"account-console\",\"ip_address\":\"203.0.113.7\","
                + "\"reason\":\"sign-in\",\"username\":\"alice\"}", DeviceClient.canonicalJson(context));
    }

    @Test
    void sortsByUtf16CodeUnitsNotByCodePoints() {
        // U+FF21 (one code unit) sorts after U+1F600 (surrogates D83D DE00) in UTF-16 order,
        // although its code point is smaller; upper case sorts before lower case.
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("\uFF21", 1);
        context.put("\uD83D\uDE00", 2);
        context.put("b", 3);
        context.put("B", 4);

        assertEquals("{\"B\":4,\"b\":3,\"\uD83D\uDE00\":2,\"\uFF21\":1}", DeviceClient.canonicalJson(context));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersLikeJsonStringify() {
        Map<String, Object> context = Map.of("s", "q\" b\\ \b\f\n\r\t \u0000\u0001\u001f \u007f /");

        assertEquals("{\"s\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000\\u0001\\u001f \u007f /\"}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void usesLowerCaseHexForControlEscapes() {
        assertEquals("{\"s\":\"\\u001b\\u000b\"}", DeviceClient.canonicalJson(Map.of("s", "\u001b\u000b")));
    }

    @Test
    void keepsNonAsciiLiteral() {
        Map<String, Object> context = Map.of("user_agent", "Zoë’s phone \u2028 \uD83D\uDE00 日本");

        assertEquals("{\"user_agent\":\"Zoë’s phone \u2028 \uD83D\uDE00 日本\"}", DeviceClient.canonicalJson(context));
    }

    @Test
    void escapesLoneSurrogatesAsWellFormedJsonStringifyDoes() {
        assertEquals("{\"s\":\"\\ud800x\\udc00\"}", DeviceClient.canonicalJson(Map.of("s", "\uD800x\uDC00")));
    }

    @Test
    void writesIntegersPlain() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("requested_at", 1763800000L);
        context.put("zero", 0);
        context.put("negative", -42);
        context.put("big", 9007199254740991L);

        assertEquals("{\"big\":9007199254740991,\"negative\":-42,\"requested_at\":1763800000,\"zero\":0}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void refusesFractions() {
        assertThrows(IllegalArgumentException.class, () -> DeviceClient.canonicalJson(Map.of("x", 1.5)));
    }

    @Test
    void hashIsBase64UrlOfSha256OfUtf8CanonicalJson() throws Exception {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("username", "zoë");
        context.put("requested_at", 1763800000);
        String canonical = "{\"requested_at\":1763800000,\"username\":\"zoë\"}";
        String expected = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));

        String hash = DeviceClient.computeContextHash(context);

        assertEquals(expected, hash);
        assertEquals(43, hash.length());
    }

    @Test
    void emptyContext() {
        assertEquals("{}", DeviceClient.canonicalJson(Map.of()));
        // SHA-256 of "{}"
        assertEquals("RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o", DeviceClient.computeContextHash(Map.of()));
    }
}
