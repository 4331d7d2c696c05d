package io.approvalguard.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Where a push service reaches one device, as the device registered it (docs/device-api.md, "Push
 * address"). Stored with the device credential; the notifier named by {@code provider} checked it
 * before it was stored.
 *
 * @param provider the notifier that delivers to it: {@code fcm}, {@code webpush} or {@code webhook}
 * @param token an FCM registration token or the operator gateway's token (fcm, webhook)
 * @param endpoint the Web Push subscription's endpoint URL (webpush)
 * @param p256dh the subscription's public key, base64url (webpush)
 * @param auth the subscription's authentication secret, base64url (webpush)
 * @param registeredAt when the device registered it, epoch seconds
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PushAddress(
        @JsonProperty("provider") String provider,
        @JsonProperty("token") String token,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("p256dh") String p256dh,
        @JsonProperty("auth") String auth,
        @JsonProperty("registeredAt") long registeredAt) {

    public static PushAddress token(String provider, String token, long registeredAt) {
        return new PushAddress(provider, token, null, null, null, registeredAt);
    }

    public static PushAddress webPush(String endpoint, String p256dh, String auth, long at) {
        return new PushAddress("webpush", null, endpoint, p256dh, auth, at);
    }

    /** The same address, whenever it was registered: a re-registration does not make it new. */
    public boolean sameAs(PushAddress other) {
        return other != null
                && Objects.equals(provider, other.provider)
                && Objects.equals(token, other.token)
                && Objects.equals(endpoint, other.endpoint)
                && Objects.equals(p256dh, other.p256dh)
                && Objects.equals(auth, other.auth);
    }

    /** Never the token, endpoint or keys: a push address is a bearer credential for a device. */
    @Override
    public String toString() {
        return "PushAddress[" + provider + "]";
    }
}
