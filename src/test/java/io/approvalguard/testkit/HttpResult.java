package io.approvalguard.testkit;

import java.util.List;
import java.util.Map;

/** Status, body and headers of an HTTP answer, as the admin client and the scripted browser see it. */
public record HttpResult(int status, String body, Map<String, List<String>> headers) {

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
