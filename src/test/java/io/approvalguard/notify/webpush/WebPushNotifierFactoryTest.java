package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.MapScope;
import io.approvalguard.testkit.PushServiceStandIn;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebPushNotifierFactoryTest {

    @Test
    void unavailableUntilTheSubjectIsSetNamingIt() {
        WebPushNotifierFactory factory = new WebPushNotifierFactory();
        factory.init(new MapScope(Map.of()));
        try {
            assertTrue(
                    factory.unavailableReason()
                            .contains("--spi-approval-guard-notifier--webpush--vapid-subject"),
                    factory.unavailableReason());
        } finally {
            factory.close();
        }
    }

    @Test
    void configuredKeysAreWhatDevicesSubscribeWithAndTheirSubscriptionsAreChecked() {
        WebPushNotifierFactory factory = new WebPushNotifierFactory();
        factory.init(
                new MapScope(
                        Map.of(
                                "vapid-subject",
                                "mailto:ops@example.com",
                                "vapid-private-key",
                                Rfc8291.AS_PRIVATE,
                                "vapid-public-key",
                                Rfc8291.AS_PUBLIC,
                                "allowed-endpoints",
                                "http://127.0.0.1:8097")));
        try {
            assertNull(factory.unavailableReason());
            // configured keys need no database: no session is used
            assertEquals(
                    Map.of("application_server_key", Rfc8291.AS_PUBLIC),
                    factory.deviceConfig(null));
            PushServiceStandIn.Subscription s = new PushServiceStandIn(8097).newSubscription();
            assertEquals(s.endpoint(), factory.parseAddress(s.registration(), 5).endpoint());
            assertThrows(
                    IllegalArgumentException.class,
                    () ->
                            factory.parseAddress(
                                    Map.of(
                                            "subscription",
                                            Map.of(
                                                    "endpoint",
                                                    "https://fcm.googleapis.com/x",
                                                    "keys",
                                                    Map.of(
                                                            "p256dh",
                                                            s.p256dh(),
                                                            "auth",
                                                            s.auth()))),
                                    5));
        } finally {
            factory.close();
        }
    }
}
