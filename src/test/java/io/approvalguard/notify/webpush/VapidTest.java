package io.approvalguard.notify.webpush;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.WebPushDecryption;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.keycloak.util.JsonSerialization;

class VapidTest {

    private static final Pattern HEADER =
            Pattern.compile(
                    "vapid t=([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]+), k=([A-Za-z0-9_-]+)");

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T06:00:00Z"));
    private final VapidKeys keys = VapidKeys.of(Rfc8291.AS_PRIVATE, Rfc8291.AS_PUBLIC);
    private final Vapid vapid = new Vapid(keys, "mailto:ops@example.com", clock);

    @Test
    void signsAnEs256JwtForThePushServicesOriginThatItsKeyVerifies() throws Exception {
        String header =
                vapid.authorization(URI.create("https://fcm.googleapis.com/fcm/send/abc?x=1"));

        Matcher m = HEADER.matcher(header);
        assertTrue(m.matches(), "vapid t=<jwt>, k=<key>");
        assertEquals(Rfc8291.AS_PUBLIC, m.group(4));
        Map<?, ?> jose = JsonSerialization.readValue(WebPushDecryption.b64(m.group(1)), Map.class);
        assertEquals(Map.of("typ", "JWT", "alg", "ES256"), jose);
        Map<?, ?> claims =
                JsonSerialization.readValue(WebPushDecryption.b64(m.group(2)), Map.class);
        assertEquals("https://fcm.googleapis.com", claims.get("aud"));
        assertEquals("mailto:ops@example.com", claims.get("sub"));
        long exp = ((Number) claims.get("exp")).longValue();
        assertEquals(clock.instant().getEpochSecond() + 12 * 3600, exp);

        Signature verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(WebPushDecryption.publicKey(WebPushDecryption.b64(m.group(4))));
        verifier.update((m.group(1) + "." + m.group(2)).getBytes(StandardCharsets.US_ASCII));
        byte[] signature = WebPushDecryption.b64(m.group(3));
        assertEquals(64, signature.length);
        assertTrue(verifier.verify(signature));
    }

    @Test
    void reusesAJwtPerOriginUntilAnHourBeforeItExpires() {
        URI one = URI.create("https://web.push.apple.com/QGuQyavXutnMcRBtlt7j");
        URI two = URI.create("https://web.push.apple.com/another");
        URI other = URI.create("https://updates.push.services.mozilla.com/wpush/v2/x");

        String first = vapid.authorization(one);
        assertEquals(first, vapid.authorization(two));
        assertNotEquals(first, vapid.authorization(other));

        clock.advance(Duration.ofHours(10).plusMinutes(59));
        assertEquals(first, vapid.authorization(one));
        clock.advance(Duration.ofMinutes(2));
        assertNotEquals(first, vapid.authorization(one));
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
