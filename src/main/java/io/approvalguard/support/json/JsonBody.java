package io.approvalguard.support.json;

import io.approvalguard.support.http.ApiError;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** A bounded JSON request body, read before anything else is looked at; every problem is a 4xx. */
public final class JsonBody {

    private JsonBody() {}

    /** The raw bytes of an {@code application/json} body of at most {@code maxBytes}. */
    public static byte[] read(HttpHeaders headers, InputStream in, int maxBytes) {
        return read(headers.getMediaType(), in, maxBytes);
    }

    /**
     * Like {@link #read(HttpHeaders, InputStream, int)} for the request's content type: JSON,
     * without a {@code charset} or with {@code charset=utf-8} (JSON has no other encoding).
     */
    static byte[] read(MediaType type, InputStream in, int maxBytes) {
        if (type == null
                || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || type.isWildcardType()
                || type.isWildcardSubtype()) {
            throw new ApiError(
                    Response.Status.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    "the body must be application/json");
        }
        type.getParameters()
                .forEach(
                        (name, value) -> {
                            if ("charset".equalsIgnoreCase(name)
                                    && !"utf-8".equalsIgnoreCase(value)) {
                                throw new ApiError(
                                        Response.Status.UNSUPPORTED_MEDIA_TYPE,
                                        "unsupported_media_type",
                                        "the body must be UTF-8: send no charset or charset=utf-8");
                            }
                        });
        try {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ApiError(
                        Response.Status.REQUEST_ENTITY_TOO_LARGE,
                        "request_too_large",
                        "the body is larger than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw ApiError.invalidRequest("the body could not be read");
        }
    }

    /** The body as one JSON object without duplicate members. */
    public static Map<String, Object> object(byte[] body) {
        if (body.length == 0) {
            throw ApiError.invalidRequest("the body is empty");
        }
        try {
            return StrictJson.readObject(body);
        } catch (StrictJson.NotUtf8Exception e) {
            throw ApiError.invalidRequest("the body is not UTF-8: " + e.getMessage());
        } catch (IOException e) {
            throw ApiError.invalidRequest("the body is not a single JSON object");
        }
    }
}
