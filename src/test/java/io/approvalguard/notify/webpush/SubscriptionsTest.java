package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.device.PushAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {

    private static final AllowedEndpoints ALLOWED = AllowedEndpoints.of(AllowedEndpoints.DEFAULTS);
    private static final String ENDPOINT = "https://fcm.googleapis.com/fcm/send/dX1:APA91bE";

    private static Map<String, Object> registration(String endpoint, String p256dh, String auth) {
        Map<String, Object> keys = new HashMap<>();
        keys.put("p256dh", p256dh);
        keys.put("auth", auth);
        Map<String, Object> subscription = new HashMap<>();
        subscription.put("endpoint", endpoint);
        subscription.put("expirationTime", null);
        subscription.put("keys", keys);
        return Map.of("subscription", subscription);
    }

    private static String refusal(Map<String, Object> json) {
        return assertThrows(
                        IllegalArgumentException.class,
                        () -> Subscriptions.parse(json, ALLOWED, 100))
                .getMessage();
    }

    @Test
    void aBrowsersSubscriptionBecomesTheAddressInOneSpelling() {
        PushAddress address =
                Subscriptions.parse(
                        registration(ENDPOINT, Rfc8291.UA_PUBLIC + "=", Rfc8291.AUTH + "=="),
                        ALLOWED,
                        100);

        assertEquals(PushAddress.webPush(ENDPOINT, Rfc8291.UA_PUBLIC, Rfc8291.AUTH, 100), address);
    }

    @Test
    void refusesWhatIsNotAUsableSubscription() {
        assertTrue(refusal(Map.of()).contains("subscription must be an object"));
        assertTrue(refusal(Map.of("subscription", Map.of("endpoint", ENDPOINT))).contains("keys"));
        assertTrue(
                refusal(registration("https://evil.example/x", Rfc8291.UA_PUBLIC, Rfc8291.AUTH))
                        .contains("https://evil.example is not one this server sends to"));
        assertTrue(
                refusal(
                                registration(
                                        "http://fcm.googleapis.com/x",
                                        Rfc8291.UA_PUBLIC,
                                        Rfc8291.AUTH))
                        .contains("allowed-endpoints"));
        assertTrue(
                refusal(registration("/fcm/send/x", Rfc8291.UA_PUBLIC, Rfc8291.AUTH))
                        .contains("absolute"));
        assertTrue(
                refusal(registration(ENDPOINT + "x".repeat(2048), Rfc8291.UA_PUBLIC, Rfc8291.AUTH))
                        .contains("longer"));
        assertTrue(refusal(registration(ENDPOINT, Rfc8291.AUTH, Rfc8291.AUTH)).contains("p256dh"));
        String offCurve = Rfc8291.UA_PUBLIC.substring(0, 80) + "AAAAAAA";
        assertTrue(refusal(registration(ENDPOINT, offCurve, Rfc8291.AUTH)).contains("p256dh"));
        assertTrue(refusal(registration(ENDPOINT, Rfc8291.UA_PUBLIC, "AAAA")).contains("16 bytes"));
        assertTrue(refusal(registration(ENDPOINT, Rfc8291.UA_PUBLIC, "*?")).contains("base64url"));
        assertTrue(
                refusal(registration(ENDPOINT, Rfc8291.UA_PUBLIC, List.of("x").toString()))
                        .contains("auth"));
    }
}
