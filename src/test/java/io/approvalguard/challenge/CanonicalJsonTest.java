package io.approvalguard.challenge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void sortsMembersByUtf16CodeUnitsWhateverTheInsertionOrder() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("b", 1);
        first.put("a!", 2);
        first.put("a", 3);
        first.put("\u00e9", 4);
        first.put("\uD83D\uDE00", 5);
        first.put("\uFB01", 6);
        Map<String, Object> reversed = new LinkedHashMap<>();
        List.of("\uFB01", "\uD83D\uDE00", "\u00e9", "a", "a!", "b").forEach(k -> reversed.put(k, first.get(k)));

        String expected = "{\"a\":3,\"a!\":2,\"b\":1,\"\u00e9\":4,\"\uD83D\uDE00\":5,\"\uFB01\":6}";
        assertEquals(expected, CanonicalJson.canonicalize(first));
        assertEquals(expected, CanonicalJson.canonicalize(reversed));
    }

    @Test
    void escapesLikeJsonStringify() {
        assertEquals("\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f/\u2028\u00fc\"",
                CanonicalJson.canonicalize("q\"b\\n\n\r\t\b\f\u0001\u001f/\u2028\u00fc"));
    }

    @Test
    void escapesLoneSurrogatesAndKeepsPairs() {
        assertEquals("\"\\ud800x\"", CanonicalJson.canonicalize("\uD800x"));
        assertEquals("\"\uD83D\uDE00\"", CanonicalJson.canonicalize("\uD83D\uDE00"));
    }

    @Test
    void writesIntegersPlainlyAndRefusesFractions() {
        assertEquals("[0,-7,1763800000,true,null]",
                CanonicalJson.canonicalize(java.util.Arrays.asList(0, -7L, 1763800000L, true, null)));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.canonicalize(1.5));
    }

    @Test
    void encodingTricksDoNotCollide() {
        // A value that looks like two members must not hash like two members.
        String oneMember = CanonicalJson.hash(Map.of("a", "1\",\"b\":\"2"));
        String twoMembers = CanonicalJson.hash(Map.of("a", "1", "b", "2"));
        assertNotEquals(oneMember, twoMembers);
        // Different Unicode normalisations are different contexts.
        assertNotEquals(CanonicalJson.hash(Map.of("n", "\u00e9")), CanonicalJson.hash(Map.of("n", "e\u0301")));
        // A number and its string spelling differ.
        assertNotEquals(CanonicalJson.hash(Map.of("t", 1)), CanonicalJson.hash(Map.of("t", "1")));
    }

    @Test
    void hashIsBase64UrlSha256OfTheCanonicalBytes() {
        // SHA-256("{}") = 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
        assertEquals("RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o", CanonicalJson.hash(Map.of()));
    }
}
