package io.approvalguard.support.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.approvalguard.testkit.JsonTrees;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * CanonicalJson on whatever StrictJson reads from arbitrary bytes, and on arbitrary doubles. The
 * outcome is the canonical text or an {@link IllegalArgumentException} for a value it documents as
 * having no canonical form (a number beyond long that is not a double, NaN, an infinity). The
 * canonical text must be a fixed point, the listing form must hash to it, and within the numbers a
 * device reads exactly it must be what the independent reference client writes.
 */
class CanonicalJsonFuzzTest {

    private static final long MAX_EXACT_INTEGER = 1L << 53;

    @FuzzTest
    void canonicalForm(byte[] json) throws IOException {
        Object value = readObjectOrArray(json);
        if (value == null) {
            return;
        }
        String canonical;
        try {
            canonical = CanonicalJson.canonicalize(value);
        } catch (IllegalArgumentException refused) {
            assertTrue(
                    JsonTrees.anyMatch(value, CanonicalJsonFuzzTest::hasNoCanonicalForm),
                    "refused a value that has a canonical form: " + refused.getMessage());
            return;
        }
        assertEquals(
                CanonicalJson.sha256Base64Url(canonical.getBytes(StandardCharsets.UTF_8)),
                CanonicalJson.hash(value));
        // Read back, the canonical text is its own canonical form. An integer beyond long in it
        // can only have been written for a double, so it is read back as one, as JSON.parse does.
        assertEquals(
                canonical, CanonicalJson.canonicalize(readBack(canonical)), "not a fixed point");
        // What a device is shown (members in their order) reads back to the same canonical form, so
        // to the same hash.
        assertEquals(
                canonical,
                CanonicalJson.canonicalize(readBack(CanonicalJson.writeInOrder(value))),
                "listing hashes differently");
        if (!JsonTrees.anyMatch(value, CanonicalJsonFuzzTest::isBeyondExactIntegers)) {
            assertEquals(
                    io.approvalguard.testkit.CanonicalJson.of(value),
                    canonical,
                    "differs from the reference client");
        }
    }

    /**
     * Eight bytes as a double: the number form against the reference client's, and read back
     * exactly.
     */
    @FuzzTest
    void number(byte[] bits) {
        if (bits.length < Double.BYTES) {
            return;
        }
        double value = ByteBuffer.wrap(bits).getDouble();
        String written;
        try {
            written = CanonicalJson.number(value);
        } catch (IllegalArgumentException refused) {
            assertTrue(
                    Double.isNaN(value) || Double.isInfinite(value), "refused the finite " + value);
            return;
        }
        assertEquals(
                value == 0 ? 0.0 : value,
                Double.parseDouble(written),
                "does not read back: " + written);
        assertEquals(
                io.approvalguard.testkit.CanonicalJson.number(value),
                written,
                "differs from the reference client");
    }

    private static Object readObjectOrArray(byte[] json) {
        try {
            return StrictJson.readObject(json);
        } catch (IOException notAnObject) {
            try {
                return StrictJson.readArray(json);
            } catch (IOException notAnArray) {
                return null;
            }
        }
    }

    private static Object readBack(String text) throws IOException {
        return JsonTrees.bigIntegersAsDoubles(
                readObjectOrArrayOrFail(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Object readObjectOrArrayOrFail(byte[] json) throws IOException {
        Object value = readObjectOrArray(json);
        if (value == null) {
            throw new AssertionError(
                    "canonical text that StrictJson does not read: "
                            + new String(json, StandardCharsets.UTF_8));
        }
        return value;
    }

    private static boolean hasNoCanonicalForm(Object value) {
        return value instanceof BigInteger
                || value instanceof BigDecimal
                || (value instanceof Double d && (d.isNaN() || d.isInfinite()));
    }

    /**
     * An integer a device's double cannot hold exactly: the server writes its digits, a device its
     * nearest double.
     */
    private static boolean isBeyondExactIntegers(Object value) {
        return value instanceof Long l && (l > MAX_EXACT_INTEGER || l < -MAX_EXACT_INTEGER);
    }
}
