package io.approvalguard.web;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.approvalguard.deviceapi.DeviceResource;
import io.approvalguard.deviceapi.WebApproverResource;
import io.approvalguard.push.LoginStatusResource;
import io.approvalguard.support.http.ApiError;
import io.approvalguard.support.http.RequestHeaderLimits;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.junit.jupiter.api.Test;

/**
 * What our locators refuse before RESTEasy routes a request: wrong methods, unknown paths, header
 * limits.
 */
class ResourceRoutesTest {

    @Test
    void theDeviceApiTakesEachPathWithItsOwnMethodsOnly() {
        ResourceRoutes device = ResourceRoutes.of(DeviceResource.class);
        assertDoesNotThrow(() -> device.check("POST", "enrol"));
        assertDoesNotThrow(() -> device.check("GET", "challenges"));
        assertDoesNotThrow(() -> device.check("GET", "challenges/"));
        assertDoesNotThrow(() -> device.check("HEAD", "challenges"));
        assertDoesNotThrow(() -> device.check("POST", "challenges/b0f5e1f4/answer"));
        assertDoesNotThrow(() -> device.check("DELETE", ""));
        assertDoesNotThrow(() -> device.check("OPTIONS", "enrol"));

        assertNotAllowed(device, "GET", "enrol", "POST");
        assertNotAllowed(device, "PUT", "challenges", "GET, HEAD");
        // RESTEasy answers these with 404: the class takes POST and DELETE on other paths.
        assertNotAllowed(device, "POST", "challenges", "GET, HEAD");
        assertNotAllowed(device, "DELETE", "challenges", "GET, HEAD");
        assertNotAllowed(device, "GET", "", "DELETE");
        assertNotAllowed(device, "PATCH", "challenges/x/answer", "POST");
        assertNotAllowed(device, "HEAD", "enrol", "POST");

        ApiError unknown = assertThrows(ApiError.class, () -> device.check("GET", "nothing"));
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.error());
        assertThrows(ApiError.class, () -> device.check("POST", "challenges/x/y/answer"));
    }

    @Test
    void theLoginStatusAndTheWebApproverAreReadOnly() {
        assertDoesNotThrow(
                () -> ResourceRoutes.of(LoginStatusResource.class).check("GET", "status"));
        assertNotAllowed(
                ResourceRoutes.of(LoginStatusResource.class), "POST", "status", "GET, HEAD");
        ResourceRoutes app = ResourceRoutes.of(WebApproverResource.class);
        assertDoesNotThrow(() -> app.check("GET", ""));
        assertDoesNotThrow(() -> app.check("HEAD", ""));
        assertDoesNotThrow(() -> app.check("GET", "app.js"));
        assertNotAllowed(app, "POST", "", "GET, HEAD");
        assertNotAllowed(app, "PUT", "app.js", "GET, HEAD");
    }

    @Test
    void templatesMatchOneSegmentPerVariable() {
        assertEquals(
                true,
                ResourceRoutes.pattern("challenges/{id}/answer")
                        .matcher("challenges/a.b-c/answer")
                        .matches());
        assertEquals(
                false,
                ResourceRoutes.pattern("challenges/{id}/answer")
                        .matcher("challenges/a/b/answer")
                        .matches());
        assertEquals(true, ResourceRoutes.pattern("/x/{n: [0-9]{2}}").matcher("x/42").matches());
        assertEquals(false, ResourceRoutes.pattern("/x/{n: [0-9]{2}}").matcher("x/4").matches());
        assertEquals(true, ResourceRoutes.pattern("a.b").matcher("a.b").matches());
        assertEquals(false, ResourceRoutes.pattern("a.b").matcher("axb").matches());
    }

    @Test
    void headersOverEightKibOrAHundredFieldsAreRefused() {
        MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
        headers.add("Device-Proof", "x".repeat(4096));
        headers.add("Host", "login.example.com");
        assertDoesNotThrow(() -> RequestHeaderLimits.check(headers));
        headers.add("X-Pad", "x".repeat(RequestHeaderLimits.MAX_BYTES - 4096));
        assertHeadersTooLarge(headers);

        MultivaluedMap<String, String> many = new MultivaluedHashMap<>();
        for (int i = 0; i < RequestHeaderLimits.MAX_FIELDS; i++) {
            many.add("X-H" + i, "v");
        }
        assertDoesNotThrow(() -> RequestHeaderLimits.check(many));
        many.add("X-H", "v");
        assertHeadersTooLarge(many);
    }

    private static void assertHeadersTooLarge(MultivaluedMap<String, String> headers) {
        ApiError error = assertThrows(ApiError.class, () -> RequestHeaderLimits.check(headers));
        assertEquals(431, error.status());
        assertEquals("request_headers_too_large", error.error());
    }

    private static void assertNotAllowed(
            ResourceRoutes routes, String method, String path, String allow) {
        ApiError error =
                assertThrows(ApiError.class, () -> routes.check(method, path), method + " " + path);
        assertEquals(405, error.status());
        assertEquals("method_not_allowed", error.error());
        // The same list goes into the Allow header (checked against the server by
        // DeviceApiAttackIT).
        assertEquals(true, error.getMessage().endsWith("it takes " + allow), error.getMessage());
    }
}
