package io.approvalguard.bench.server;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * BENCHMARK ONLY. Mounts {@code /realms/{realm}/approval-guard-bench} ({@link
 * ListenerBenchResource}). Packed into {@code approval-guard-bench.jar} by {@code
 * src/bench/listener-latency.sh}; never part of the product JAR, never deployed anywhere but the
 * benchmark's throw-away copy of Keycloak.
 */
public final class ListenerBenchProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "approval-guard-bench";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new ListenerBenchResource(session);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
