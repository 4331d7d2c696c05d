package io.approvalguard.support.http;

import jakarta.ws.rs.core.MultivaluedMap;
import java.util.List;
import java.util.Map;

/**
 * The request-header limits docs/device-api.md promises a device: at most {@value #MAX_FIELDS}
 * header fields and {@value #MAX_BYTES} bytes in total, counted as on the wire (name, ": ", value,
 * CRLF). Keycloak's own HTTP server allows 64 KiB and answers a larger request with a bare 431
 * before any of our code runs.
 */
public final class RequestHeaderLimits {

    public static final int MAX_BYTES = 8 * 1024;
    public static final int MAX_FIELDS = 100;
    private static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;

    private RequestHeaderLimits() {}

    public static void check(MultivaluedMap<String, String> headers) {
        int fields = 0;
        long bytes = 0;
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            for (String value : header.getValue()) {
                fields++;
                bytes += header.getKey().length() + 2 + (value == null ? 0 : value.length()) + 2;
            }
        }
        if (fields > MAX_FIELDS) {
            throw tooLarge(
                    "the request has "
                            + fields
                            + " header fields; at most "
                            + MAX_FIELDS
                            + " are accepted");
        }
        if (bytes > MAX_BYTES) {
            throw tooLarge(
                    "the request headers have "
                            + bytes
                            + " bytes; at most "
                            + MAX_BYTES
                            + " are accepted");
        }
    }

    private static ApiError tooLarge(String description) {
        return new ApiError(
                REQUEST_HEADER_FIELDS_TOO_LARGE, "request_headers_too_large", description);
    }
}
