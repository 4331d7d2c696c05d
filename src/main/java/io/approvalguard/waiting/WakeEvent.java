package io.approvalguard.waiting;

import java.util.Objects;
import org.keycloak.cluster.ClusterEvent;

/**
 * "Something a waiter waits for has happened": sent to every node of the cluster through Keycloak's
 * {@code ClusterProvider}. It names what changed and, for a challenge, its new state; it carries
 * nothing secret, and a woken browser still has every gate re-checked when it goes on.
 *
 * @param key what changed (see {@link Wakes})
 * @param state the new state shown to a waiting browser, or empty
 */
public record WakeEvent(String key, String state) implements ClusterEvent {

    public WakeEvent {
        Objects.requireNonNull(key, "key");
        state = state == null ? "" : state;
    }
}
