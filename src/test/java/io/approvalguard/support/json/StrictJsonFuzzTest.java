package io.approvalguard.support.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.testkit.JsonTrees;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * StrictJson and JsonBody on arbitrary bytes, as a device or browser may send them: the outcome is
 * a parsed value or a declared refusal ({@link IOException}, an {@link ApiError} with a 4xx
 * status); anything else escaping is a finding. Without JAZZER_FUZZ the inputs committed under
 * src/test/resources/.../StrictJsonFuzzTestInputs/ are replayed (docs/testing.md).
 */
class StrictJsonFuzzTest {

    /** DeviceRequest.MAX_BODY_BYTES: the device API's bound (package-private there). */
    private static final int DEVICE_BODY_LIMIT = 16 * 1024;

    private static final int MAX_DEPTH = 16;
    private static final int MAX_STRING_LENGTH = 16 * 1024;
    private static final JsonFactory LENIENT = new JsonFactory();

    @FuzzTest
    void readObject(byte[] bytes) throws IOException {
        Map<String, Object> value;
        try {
            value = StrictJson.readObject(bytes);
        } catch (IOException refused) {
            return;
        }
        assertReadFaithfully(bytes, value);
    }

    @FuzzTest
    void readArray(byte[] bytes) throws IOException {
        Object value;
        try {
            value = StrictJson.readArray(bytes);
        } catch (IOException refused) {
            return;
        }
        assertReadFaithfully(bytes, value);
    }

    /**
     * Strict decoding accepts exactly the bytes that survive a round trip through a lenient
     * decoder, BOM aside.
     */
    @FuzzTest
    void utf8(byte[] bytes) {
        boolean wellFormed =
                Arrays.equals(
                        bytes,
                        new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        boolean startsWithBom =
                bytes.length >= 3
                        && (bytes[0] & 0xff) == 0xEF
                        && (bytes[1] & 0xff) == 0xBB
                        && (bytes[2] & 0xff) == 0xBF;
        try {
            String text = StrictJson.utf8(bytes);
            assertTrue(wellFormed && !startsWithBom, "accepted bytes that are not BOM-less UTF-8");
            assertArrayEquals(bytes, text.getBytes(StandardCharsets.UTF_8));
        } catch (StrictJson.NotUtf8Exception refused) {
            assertFalse(
                    wellFormed && !startsWithBom,
                    "refused well-formed UTF-8: " + refused.getMessage());
        }
    }

    /** A device request body end to end: bounded read, then one JSON object, each problem a 4xx. */
    @FuzzTest
    void deviceBody(byte[] bytes) {
        try {
            byte[] body =
                    JsonBody.read(
                            MediaType.APPLICATION_JSON_TYPE,
                            new ByteArrayInputStream(bytes),
                            DEVICE_BODY_LIMIT);
            assertTrue(body.length <= DEVICE_BODY_LIMIT);
            assertArrayEquals(bytes, body);
            JsonBody.object(body);
        } catch (ApiError refused) {
            assertClientError(refused);
            if (refused.status() == 413) {
                assertTrue(bytes.length > DEVICE_BODY_LIMIT);
            }
        }
    }

    /** The Content-Type check: JSON, with no charset or charset=utf-8; anything else a 415. */
    @FuzzTest
    void contentType(FuzzedDataProvider data) {
        String type = data.consumeBoolean() ? null : data.consumeString(20);
        String subtype = data.consumeBoolean() ? null : data.consumeString(20);
        Map<String, String> parameters = new java.util.HashMap<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            parameters.put(
                    data.consumeBoolean() ? "charset" : data.consumeString(10),
                    data.consumeString(20));
        }
        MediaType mediaType =
                data.consumeBoolean() ? null : new MediaType(type, subtype, parameters);
        byte[] body = data.consumeRemainingAsBytes();
        try {
            JsonBody.read(mediaType, new ByteArrayInputStream(body), DEVICE_BODY_LIMIT);
            assertTrue(
                    mediaType != null
                            && "application".equalsIgnoreCase(mediaType.getType())
                            && "json".equalsIgnoreCase(mediaType.getSubtype()),
                    "accepted " + type + "/" + subtype);
            String charset = mediaType.getParameters().get("charset");
            assertTrue(
                    charset == null || "utf-8".equalsIgnoreCase(charset),
                    "accepted charset " + charset);
        } catch (ApiError refused) {
            assertClientError(refused);
        }
    }

    private static void assertClientError(ApiError error) {
        assertTrue(
                error.status() >= 400 && error.status() < 500,
                "status " + error.status() + ": " + error.getMessage());
    }

    /**
     * What was read is what the bytes say: they are UTF-8 without a BOM, the tree holds only JSON
     * values within the bounds, and no member was lost to a duplicate (a lenient parser sees as
     * many member names as the tree has members).
     */
    private static void assertReadFaithfully(byte[] bytes, Object value) throws IOException {
        assertArrayEquals(
                bytes,
                new String(bytes, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8),
                "read bytes that are not UTF-8");
        assertFalse(
                bytes.length >= 3
                        && (bytes[0] & 0xff) == 0xEF
                        && (bytes[1] & 0xff) == 0xBB
                        && (bytes[2] & 0xff) == 0xBF,
                "read bytes after a BOM");
        assertTrue(JsonTrees.depth(value) <= MAX_DEPTH, "nested deeper than " + MAX_DEPTH);
        assertFalse(
                JsonTrees.anyMatch(value, v -> !JsonTrees.isJsonValue(v)),
                "holds something that is not a JSON value");
        assertFalse(
                JsonTrees.anyMatch(
                        value, v -> v instanceof String s && s.length() > MAX_STRING_LENGTH),
                "holds a string longer than the bound");
        assertEquals(
                memberNames(bytes),
                JsonTrees.memberCount(value),
                "a duplicate member was merged away");
    }

    /**
     * Member names as a lenient parser of the same text sees them. Text rather than bytes, as
     * StrictJson reads it: Jackson's byte parser refuses an escaped lone surrogate in a name (a
     * finding of this test's first fuzzing run, kept as an input), which its text parser, like JSON
     * itself, allows.
     */
    private static int memberNames(byte[] bytes) throws IOException {
        int names = 0;
        try (JsonParser parser = LENIENT.createParser(new String(bytes, StandardCharsets.UTF_8))) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME) {
                    names++;
                }
            }
        }
        return names;
    }
}
