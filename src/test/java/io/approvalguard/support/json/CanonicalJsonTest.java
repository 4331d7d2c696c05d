package io.approvalguard.support.json;

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
        List.of("\uFB01", "\uD83D\uDE00", "\u00e9", "a", "a!", "b")
                .forEach(k -> reversed.put(k, first.get(k)));

        String expected = "{\"a\":3,\"a!\":2,\"b\":1,\"\u00e9\":4,\"\uD83D\uDE00\":5,\"\uFB01\":6}";
        assertEquals(expected, CanonicalJson.canonicalize(first));
        assertEquals(expected, CanonicalJson.canonicalize(reversed));
    }

    @Test
    void theListingFormWritesEveryValueAsTheCanonicalFormDoesButKeepsMemberOrder()
            throws Exception {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("type", "payment");
        detail.put("big", 1e21);
        detail.put("small", 0.000001);
        detail.put("fee", 4.5);
        detail.put("count", 7);
        detail.put("note", "\uD83D\uDE00 \u00e9 \u0007 \"\\ \uDBFF");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("reason", "sign-in");
        context.put("authorization_details", List.of(detail));

        String listed = CanonicalJson.writeInOrder(context);
        assertEquals(
                "{\"reason\":\"sign-in\",\"authorization_details\":[{\"type\":\"payment\",\"big\":1e+21,"
                        + "\"small\":0.000001,\"fee\":4.5,\"count\":7,\"note\":\"\uD83D\uDE00 \u00e9 \\u0007 \\\"\\\\ \\udbff\"}]}",
                listed);
        // Read back as a device reads it, the canonical form (and so the hash) is the server's.
        Map<String, Object> read =
                io.approvalguard.support.json.StrictJson.readObject(
                        listed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(CanonicalJson.canonicalize(context), CanonicalJson.canonicalize(read));
        assertEquals(CanonicalJson.hash(context), CanonicalJson.hash(read));
    }

    @Test
    void agreesWithTheReferenceClientOnEveryPowerOfTwoAndRandomDoubles() {
        java.util.Random random = new java.util.Random(8785);
        for (int exponent = -1074; exponent <= 1023; exponent++) {
            double power = Math.scalb(1.0, exponent);
            for (double value : new double[] {power, Math.nextUp(power), Math.nextDown(power)}) {
                assertEquals(
                        io.approvalguard.testkit.CanonicalJson.number(value),
                        CanonicalJson.number(value),
                        Double.toString(value));
            }
        }
        for (int i = 0; i < 20000; i++) {
            double value = Double.longBitsToDouble(random.nextLong());
            if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                assertEquals(
                        io.approvalguard.testkit.CanonicalJson.number(value),
                        CanonicalJson.number(value),
                        Double.toString(value));
            }
        }
    }

    @Test
    void escapesLikeJsonStringify() {
        assertEquals(
                "\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f/\u2028\u00fc\"",
                CanonicalJson.canonicalize("q\"b\\n\n\r\t\b\f\u0001\u001f/\u2028\u00fc"));
    }

    @Test
    void escapesLoneSurrogatesAndKeepsPairs() {
        assertEquals("\"\\ud800x\"", CanonicalJson.canonicalize("\uD800x"));
        assertEquals("\"\uD83D\uDE00\"", CanonicalJson.canonicalize("\uD83D\uDE00"));
    }

    @Test
    void writesIntegersPlainly() {
        assertEquals(
                "[0,-7,1763800000,true,null]",
                CanonicalJson.canonicalize(
                        java.util.Arrays.asList(0, -7L, 1763800000L, true, null)));
    }

    @Test
    void writesDoublesAsEcmaScriptDoes() {
        // RFC 8785 appendix B and ECMA-262 Number::toString.
        assertEquals("0", CanonicalJson.number(-0.0));
        assertEquals("4.5", CanonicalJson.number(4.50));
        assertEquals("0.002", CanonicalJson.number(2e-3));
        assertEquals("0.000001", CanonicalJson.number(0.000001));
        assertEquals("1e-7", CanonicalJson.number(1e-7));
        assertEquals("1e+21", CanonicalJson.number(1e21));
        assertEquals("123456789012345680000", CanonicalJson.number(123456789012345680000.0));
        assertEquals("5e-324", CanonicalJson.number(Double.MIN_VALUE));
        assertEquals("1.7976931348623157e+308", CanonicalJson.number(Double.MAX_VALUE));
        assertEquals("333333333.3333333", CanonicalJson.number(333333333.3333333));
        assertEquals("-1.5", CanonicalJson.number(-1.5));
        // Java 17's Double.toString says 2.0E-3 and 1.0E21; and 0.1 + 0.2 needs all 17 digits.
        assertEquals("0.30000000000000004", CanonicalJson.number(0.1 + 0.2));
        // Just above powers of two the nearest short decimal misses and its neighbour is the
        // answer.
        assertEquals("5.960464477539063e-8", CanonicalJson.number(Math.scalb(1.0, -24)));
        assertEquals("5.684341886080802e-14", CanonicalJson.number(Math.scalb(1.0, -44)));
        assertEquals("6.189700196426902e+26", CanonicalJson.number(Math.scalb(1.0, 89)));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> CanonicalJson.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void encodingTricksDoNotCollide() {
        // A value that looks like two members must not hash like two members.
        String oneMember = CanonicalJson.hash(Map.of("a", "1\",\"b\":\"2"));
        String twoMembers = CanonicalJson.hash(Map.of("a", "1", "b", "2"));
        assertNotEquals(oneMember, twoMembers);
        // Different Unicode normalisations are different contexts.
        assertNotEquals(
                CanonicalJson.hash(Map.of("n", "\u00e9")),
                CanonicalJson.hash(Map.of("n", "e\u0301")));
        // A number and its string spelling differ.
        assertNotEquals(CanonicalJson.hash(Map.of("t", 1)), CanonicalJson.hash(Map.of("t", "1")));
    }

    @Test
    void hashIsBase64UrlSha256OfTheCanonicalBytes() {
        // SHA-256("{}") = 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
        assertEquals("RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o", CanonicalJson.hash(Map.of()));
    }
}
