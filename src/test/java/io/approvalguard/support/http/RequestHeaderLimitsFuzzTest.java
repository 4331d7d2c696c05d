package io.approvalguard.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import java.nio.charset.StandardCharsets;

/**
 * {@link RequestHeaderLimits#check} on any header block (one {@code name: value} a line, as on the
 * wire): a {@code 431} exactly when there are more than 100 fields or more than 8 KiB of them,
 * counted here from the text itself; never anything else.
 */
class RequestHeaderLimitsFuzzTest {

    @FuzzTest
    void check(byte[] headerBlock) {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        int fields = 0;
        long wireBytes = 0;
        for (String line : new String(headerBlock, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String field = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            int colon = field.indexOf(':');
            String name = colon < 0 ? field : field.substring(0, colon);
            String value = colon < 0 ? "" : field.substring(colon + 1).stripLeading();
            headers.add(name, value);
            fields++;
            wireBytes +=
                    (name + ": " + value + "\r\n").getBytes(StandardCharsets.ISO_8859_1).length;
        }
        boolean withinLimits =
                fields <= RequestHeaderLimits.MAX_FIELDS
                        && wireBytes <= RequestHeaderLimits.MAX_BYTES;
        try {
            RequestHeaderLimits.check(headers);
            assertTrue(
                    withinLimits, "let " + fields + " fields of " + wireBytes + " bytes through");
        } catch (ApiError refused) {
            assertEquals(431, refused.status());
            assertEquals("request_headers_too_large", refused.error());
            assertTrue(
                    !withinLimits,
                    "refused "
                            + fields
                            + " fields of "
                            + wireBytes
                            + " bytes: "
                            + refused.getMessage());
        }
    }
}
