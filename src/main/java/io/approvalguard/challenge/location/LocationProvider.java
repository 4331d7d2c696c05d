package io.approvalguard.challenge.location;

import org.keycloak.provider.Provider;

/** Turns a request's IP address (and, for a trusted proxy, its headers) into a rough location. */
public interface LocationProvider extends Provider {

    /** Never null; {@link RequestLocation#UNKNOWN} when nothing is known. */
    RequestLocation locate(String ipAddress);

    @Override
    default void close() {}
}
