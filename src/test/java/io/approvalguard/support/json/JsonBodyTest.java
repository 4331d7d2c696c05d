package io.approvalguard.support.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decoding rules of a JSON request body: UTF-8 only, as docs/device-api.md says. */
class JsonBodyTest {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    @Test
    void utf8IsReadIncludingCharactersOutsideTheBmp() {
        Map<String, Object> json =
                JsonBody.object(utf8("{\"device_name\":\"Alice \uD83D\uDCF1 Ærø\"}"));
        assertEquals("Alice \uD83D\uDCF1 Ærø", json.get("device_name"));
    }

    @Test
    void aUtf8ByteOrderMarkIsRefused() {
        assertNotUtf8(concat(BOM, utf8("{\"a\":1}")));
    }

    @Test
    void utf16AndUtf32AreRefusedWithOrWithoutAByteOrderMark() {
        String text = "{\"a\":\"b\"}";
        assertNotUtf8(text.getBytes(StandardCharsets.UTF_16)); // big-endian with BOM FE FF
        assertNotUtf8(
                concat(
                        new byte[] {(byte) 0xFF, (byte) 0xFE},
                        text.getBytes(StandardCharsets.UTF_16LE)));
        assertRefused(text.getBytes(StandardCharsets.UTF_16LE)); // no BOM: NUL bytes between ASCII
        assertRefused(text.getBytes(StandardCharsets.UTF_16BE));
        assertRefused(text.getBytes(java.nio.charset.Charset.forName("UTF-32LE")));
    }

    @Test
    void overlongEncodedSurrogatesAndOutOfRangeSequencesAreRefused() {
        // "/" as the overlong two-byte C0 AF and three-byte E0 80 AF
        assertNotUtf8(
                concat(utf8("{\"a\":\""), new byte[] {(byte) 0xC0, (byte) 0xAF}, utf8("\"}")));
        assertNotUtf8(
                concat(
                        utf8("{\"a\":\""),
                        new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                        utf8("\"}")));
        // the quote itself, overlong: would end the string early for a lenient decoder
        assertNotUtf8(
                concat(
                        utf8("{\"a\":\"x"),
                        new byte[] {(byte) 0xC0, (byte) 0xA2},
                        utf8(",\"b\":1}")));
        // U+D800 encoded directly (CESU-8 style), U+110000, a truncated sequence, a lone
        // continuation byte
        assertNotUtf8(
                concat(
                        utf8("{\"a\":\""),
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        utf8("\"}")));
        assertNotUtf8(
                concat(
                        utf8("{\"a\":\""),
                        new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                        utf8("\"}")));
        assertNotUtf8(
                concat(utf8("{\"a\":\""), new byte[] {(byte) 0xE2, (byte) 0x82}, utf8("\"}")));
        assertNotUtf8(concat(utf8("{\"a\":\""), new byte[] {(byte) 0x80}, utf8("\"}")));
        // Latin-1 "é" is not UTF-8
        assertNotUtf8(concat(utf8("{\"a\":\""), new byte[] {(byte) 0xE9}, utf8("\"}")));
    }

    @Test
    void aCharsetOtherThanUtf8IsAnUnsupportedMediaType() {
        byte[] body = utf8("{}");
        assertEquals(
                body.length,
                JsonBody.read(MediaType.APPLICATION_JSON_TYPE, new ByteArrayInputStream(body), 100)
                        .length);
        assertEquals(
                body.length,
                JsonBody.read(json("UTF-8"), new ByteArrayInputStream(body), 100).length);
        for (String charset : new String[] {"utf-16", "UTF-16LE", "iso-8859-1", "utf8"}) {
            ApiError error =
                    assertThrows(
                            ApiError.class,
                            () ->
                                    JsonBody.read(
                                            json(charset), new ByteArrayInputStream(body), 100));
            assertEquals(415, error.status(), charset);
            assertEquals("unsupported_media_type", error.error());
        }
        ApiError wildcard =
                assertThrows(
                        ApiError.class,
                        () ->
                                JsonBody.read(
                                        MediaType.WILDCARD_TYPE,
                                        new ByteArrayInputStream(body),
                                        100));
        assertEquals(415, wildcard.status());
    }

    private static MediaType json(String charset) {
        return new MediaType("application", "json", Map.of("charset", charset));
    }

    private static void assertNotUtf8(byte[] body) {
        ApiError error = assertThrows(ApiError.class, () -> JsonBody.object(body));
        assertEquals(400, error.status());
        assertEquals("invalid_request", error.error());
        assertEquals(
                true, error.getMessage().startsWith("the body is not UTF-8"), error.getMessage());
    }

    private static void assertRefused(byte[] body) {
        ApiError error = assertThrows(ApiError.class, () -> JsonBody.object(body));
        assertEquals(400, error.status());
        assertEquals("invalid_request", error.error());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
