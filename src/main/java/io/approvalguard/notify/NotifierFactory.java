package io.approvalguard.notify;

import io.approvalguard.device.PushAddress;
import java.util.Map;
import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderFactory;

/**
 * A push service's configuration and long-lived state (its HTTP client, keys, token cache, queue).
 * Its id is the {@code provider} a device names when it registers a push address.
 */
public interface NotifierFactory extends ProviderFactory<Notifier> {

    /**
     * Null when this provider can send. Otherwise why it cannot, naming the option to set: a device
     * that registers an address for it is told so ({@code 409 push_unavailable}).
     */
    String unavailableReason();

    /**
     * Checks a device's registration (the request's JSON object) and makes the address to store.
     *
     * @throws IllegalArgumentException saying what is wrong, in words for the device's developer
     */
    PushAddress parseAddress(Map<String, Object> json, long now);

    /** What a device needs to register, public: for Web Push, the application server key. */
    default Map<String, Object> deviceConfig(KeycloakSession session) {
        return Map.of();
    }

    /** The queue that sends this provider's notifications. */
    PushQueue queue();
}
