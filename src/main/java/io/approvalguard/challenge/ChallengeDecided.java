package io.approvalguard.challenge;

import org.keycloak.models.KeycloakSession;
import org.keycloak.provider.ProviderEvent;

/**
 * Published in the deciding transaction, the moment a challenge has left PENDING (answered,
 * expired, superseded or cancelled), through Keycloak's provider events: a package above the engine
 * that reacts to a decision (the CIBA channel completing its request) registers for it, so the
 * engine needs to know none of them. The risk scorer, below the engine, is called by the engine
 * itself. A listener that throws fails the deciding transaction, and with it the decision.
 */
public record ChallengeDecided(KeycloakSession session, Challenge challenge)
        implements ProviderEvent {

    /**
     * Decided by a device's signed answer (approve, deny, "this wasn't me", a wrong code), not by
     * time or the browser.
     */
    public boolean byDevice() {
        return challenge.deciderDeviceId() != null;
    }
}
