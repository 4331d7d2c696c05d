package io.approvalguard.testkit.oidc;

import io.approvalguard.testkit.Json;
import java.util.List;
import java.util.Map;

/**
 * Status, body and headers of an HTTP answer, as the admin client and the scripted browser see it.
 */
public record HttpResult(int status, String body, Map<String, List<String>> headers) {

    /**
     * Fails the test unless the status is {@code expected} (the body is the message); returns this.
     */
    public HttpResult expect(int expected) {
        org.junit.jupiter.api.Assertions.assertEquals(expected, status, body);
        return this;
    }

    /**
     * Fails the test unless this is a JSON error answer: the status, the {@code error} code and a
     * description.
     */
    public void assertError(int expected, String error) {
        expect(expected);
        org.junit.jupiter.api.Assertions.assertEquals(error, jsonMap().get("error"), body);
        org.junit.jupiter.api.Assertions.assertNotNull(jsonMap().get("error_description"), body);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body parsed as JSON (map, list, string, number, ...). */
    public Object json() {
        return body == null || body.isBlank() ? null : Json.read(body);
    }

    public Map<String, Object> jsonMap() {
        return Json.readMap(body);
    }

    public List<Map<String, Object>> jsonList() {
        return Json.readList(body);
    }

    public String header(String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
                return entry.getValue().get(0);
            }
        }
        return null;
    }
}
