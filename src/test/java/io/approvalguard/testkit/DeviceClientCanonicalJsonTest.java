package io.approvalguard.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical JSON of docs/device-api.md, checked against what JSON.stringify would print. */
class DeviceClientCanonicalJsonTest {

    @Test
    void sortsMembersByName() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("username", "alice");
        context.put("client_id", "account-console");
        context.put("reason", "sign-in");
        context.put("ip_address", "203.0.113.7");

        assertEquals(
                "{\"client_id\":\"account-console\",\"ip_address\":\"203.0.113.7\","
                        + "\"reason\":\"sign-in\",\"username\":\"alice\"}",
                DeviceClient.canonicalJson(context));
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

        assertEquals(
                "{\"B\":4,\"b\":3,\"\uD83D\uDE00\":2,\"\uFF21\":1}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharactersLikeJsonStringify() {
        Map<String, Object> context = Map.of("s", "q\" b\\ \b\f\n\r\t \u0000\u0001\u001f \u007f /");

        assertEquals(
                "{\"s\":\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0000\\u0001\\u001f \u007f /\"}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void usesLowerCaseHexForControlEscapes() {
        assertEquals(
                "{\"s\":\"\\u001b\\u000b\"}",
                DeviceClient.canonicalJson(Map.of("s", "\u001b\u000b")));
    }

    @Test
    void keepsNonAsciiLiteral() {
        Map<String, Object> context = Map.of("user_agent", "Zoë’s phone \u2028 \uD83D\uDE00 日本");

        assertEquals(
                "{\"user_agent\":\"Zoë’s phone \u2028 \uD83D\uDE00 日本\"}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void escapesLoneSurrogatesAsWellFormedJsonStringifyDoes() {
        assertEquals(
                "{\"s\":\"\\ud800x\\udc00\"}",
                DeviceClient.canonicalJson(Map.of("s", "\uD800x\uDC00")));
    }

    @Test
    void writesIntegersPlain() {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("requested_at", 1763800000L);
        context.put("zero", 0);
        context.put("negative", -42);
        context.put("big", 9007199254740991L);

        assertEquals(
                "{\"big\":9007199254740991,\"negative\":-42,\"requested_at\":1763800000,\"zero\":0}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void writesNumbersAsEcmaScriptDoesWithTheExamplesOfRfc8785() {
        // RFC 8785 section 3.2.2.3 and the examples its authors publish; each checked with Node's
        // JSON.stringify.
        assertEquals("0", CanonicalJson.number(0.0));
        assertEquals("0", CanonicalJson.number(-0.0));
        assertEquals("1e+21", CanonicalJson.number(1e21));
        assertEquals("1e-7", CanonicalJson.number(1e-7));
        assertEquals("123456789012345680000", CanonicalJson.number(123456789012345680000.0));
        assertEquals("4.5", CanonicalJson.number(4.50));
        assertEquals("0.002", CanonicalJson.number(2e-3));
        assertEquals("0.000001", CanonicalJson.number(0.000001));
        assertEquals("5e-324", CanonicalJson.number(5e-324));
        assertEquals("1.7976931348623157e+308", CanonicalJson.number(1.7976931348623157e308));
        assertEquals("-1.7976931348623157e+308", CanonicalJson.number(-1.7976931348623157e308));
        assertEquals("333333333.3333333", CanonicalJson.number(333333333.3333333));
        assertEquals("12.5", CanonicalJson.number(12.5));
        assertEquals("1.5e-7", CanonicalJson.number(1.5e-7));
        assertEquals("-0.0000033333333333333333", CanonicalJson.number(-3.3333333333333333e-6));
        assertEquals("1424953923781206.2", CanonicalJson.number(1424953923781206.2));
    }

    @Test
    void writesTheRfc8785AppendixBValuesFromTheirBits() {
        String[][] vectors = {
            {"0000000000000000", "0"},
            {"8000000000000000", "0"},
            {"0000000000000001", "5e-324"},
            {"8000000000000001", "-5e-324"},
            {"7fefffffffffffff", "1.7976931348623157e+308"},
            {"ffefffffffffffff", "-1.7976931348623157e+308"},
            {"4340000000000000", "9007199254740992"},
            {"c340000000000000", "-9007199254740992"},
            {"4430000000000000", "295147905179352830000"},
            {"44b52d02c7e14af5", "9.999999999999997e+22"},
            {"44b52d02c7e14af6", "1e+23"},
            {"44b52d02c7e14af7", "1.0000000000000001e+23"},
            {"444b1ae4d6e2ef4e", "999999999999999700000"},
            {"444b1ae4d6e2ef4f", "999999999999999900000"},
            {"444b1ae4d6e2ef50", "1e+21"},
            {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
            {"3eb0c6f7a0b5ed8d", "0.000001"},
            {"3e7ad7f29abcaf47", "9.999999999999998e-8"},
            {"3e7ad7f29abcaf48", "1e-7"},
            {"41b3de4355555553", "333333333.3333332"},
            {"41b3de4355555554", "333333333.33333325"},
            {"41b3de4355555555", "333333333.3333333"},
            {"41b3de4355555556", "333333333.3333334"},
            {"41b3de4355555557", "333333333.33333343"},
            {"becbf647612f3696", "-0.0000033333333333333333"},
            {"43143ff3c1cb0959", "1424953923781206.2"},
        };
        for (String[] vector : vectors) {
            double value = Double.longBitsToDouble(Long.parseUnsignedLong(vector[0], 16));
            assertEquals(vector[1], CanonicalJson.number(value), vector[0]);
        }
    }

    @Test
    void findsTheShortestDigitsWhereJava17DoubleToStringDoesNot() {
        // Java 17 prints 2.0E-3 fine but not these: Double.toString(2e23) is
        // "2.0000000000000002E23"
        // on JDKs before 19, and at a power of two the nearest 16-digit decimal does not read back
        // while its neighbour does (2^-24 is 5.9604644775390625e-8 exactly).
        assertEquals("2e+23", CanonicalJson.number(2e23));
        assertEquals("5.960464477539063e-8", CanonicalJson.number(Math.scalb(1.0, -24)));
        assertEquals("5.684341886080802e-14", CanonicalJson.number(Math.scalb(1.0, -44)));
        assertEquals("6.189700196426902e+26", CanonicalJson.number(Math.scalb(1.0, 89)));
    }

    @Test
    void switchesToExponentsAt1e21And1eMinus7() {
        assertEquals("100000000000000000000", CanonicalJson.number(1e20));
        assertEquals("999999999999999900000", CanonicalJson.number(999999999999999900000.0));
        assertEquals("1e+22", CanonicalJson.number(1e22));
        assertEquals("0.00000123", CanonicalJson.number(1.23e-6));
        assertEquals("1.23e-7", CanonicalJson.number(1.23e-7));
        assertEquals("9.999999999999998e-8", CanonicalJson.number(Math.nextDown(1e-7)));
        assertEquals("-1e-7", CanonicalJson.number(-1e-7));
        assertEquals("0.1", CanonicalJson.number(0.1));
        assertEquals("0.30000000000000004", CanonicalJson.number(0.1 + 0.2));
    }

    @Test
    void refusesNaNAndInfinities() {
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceClient.canonicalJson(Map.of("x", Double.NaN)));
        assertThrows(
                IllegalArgumentException.class,
                () -> DeviceClient.canonicalJson(Map.of("x", Double.POSITIVE_INFINITY)));
        assertThrows(
                IllegalArgumentException.class,
                () -> CanonicalJson.number(Double.NEGATIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.of(Float.NaN));
    }

    @Test
    void writesEveryNumberTypeAsTheDoubleItDenotes() {
        assertEquals(
                "[1.5,0.1,12.5,12.5,9007199254740992,9007199254740992,123456789012345680000,1e+21]",
                CanonicalJson.of(
                        Arrays.asList(
                                1.5f,
                                0.1,
                                new BigDecimal("12.50"),
                                12.5,
                                1L << 53,
                                9007199254740993L,
                                new BigInteger("123456789012345678901"),
                                new BigInteger("1000000000000000000000"))));
        // Up to 2^53 an integer is its own double and is written in full.
        assertEquals(
                "[-9007199254740992,9007199254740991,0,-1]",
                CanonicalJson.of(List.of(-(1L << 53), (1L << 53) - 1, 0, (byte) -1)));
    }

    @Test
    void canonicalisesNestedValuesRecursively() {
        Map<String, Object> amount = new LinkedHashMap<>();
        amount.put("currency", "EUR");
        amount.put("amount", 12.5);
        Map<String, Object> payment = new LinkedHashMap<>();
        payment.put("type", "payment_initiation");
        payment.put("instructedAmount", amount);
        payment.put("creditorName", "Merchant A");
        payment.put("creditorAccount", Map.of("iban", "DE02100100109307118603"));
        payment.put("remittanceInformationUnstructured", "Ref Number Merchant");
        List<Object> list = new ArrayList<>();
        list.add(null);
        list.add(true);
        list.add(false);
        list.add(List.of());
        list.add(Map.of());
        list.add("a!");
        payment.put("z", list);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a!", 1);
        nested.put("a", Map.of("b", List.of(Map.of("d", 2, "c", 1))));
        payment.put("nested", nested);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("username", "alice");
        context.put(
                "authorization_details", List.of(payment, Map.of("type", "account_information")));
        context.put("binding_message", "A1B2");

        assertEquals(
                "{\"authorization_details\":[{\"creditorAccount\":{\"iban\":\"DE02100100109307118603\"},"
                        + "\"creditorName\":\"Merchant A\",\"instructedAmount\":{\"amount\":12.5,\"currency\":\"EUR\"},"
                        + "\"nested\":{\"a\":{\"b\":[{\"c\":1,\"d\":2}]},\"a!\":1},"
                        + "\"remittanceInformationUnstructured\":\"Ref Number Merchant\",\"type\":\"payment_initiation\","
                        + "\"z\":[null,true,false,[],{},\"a!\"]},{\"type\":\"account_information\"}],"
                        + "\"binding_message\":\"A1B2\",\"username\":\"alice\"}",
                DeviceClient.canonicalJson(context));
    }

    @Test
    void canonicalisesTheRfc8785Example() {
        // RFC 8785 section 3.2.3, read with the test kit's JSON parser (numbers become doubles).
        Object parsed =
                Json.read(
                        "{\n  \"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n"
                                + "  \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
                                + "  \"literals\": [null, true, false]\n}");

        assertEquals(
                "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                        + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}",
                CanonicalJson.of(parsed));
    }

    @Test
    void hashIsBase64UrlOfSha256OfUtf8CanonicalJson() throws Exception {
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("username", "zoë");
        context.put("requested_at", 1763800000);
        String canonical = "{\"requested_at\":1763800000,\"username\":\"zoë\"}";
        String expected =
                Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(
                                MessageDigest.getInstance("SHA-256")
                                        .digest(canonical.getBytes(StandardCharsets.UTF_8)));

        String hash = DeviceClient.computeContextHash(context);

        assertEquals(expected, hash);
        assertEquals(43, hash.length());
    }

    @Test
    void emptyContext() {
        assertEquals("{}", DeviceClient.canonicalJson(Map.of()));
        // SHA-256 of "{}"
        assertEquals(
                "RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o",
                DeviceClient.computeContextHash(Map.of()));
    }
}
