package io.approvalguard.testkit.testprovider;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * TEST ONLY. Mounts {@code /realms/{realm}/approval-guard-testing} ({@link TestingResource}) on the
 * integration-test server. Never packaged in the product JAR; see the package documentation.
 */
public final class TestingResourceProviderFactory implements RealmResourceProviderFactory {

    public static final String PROVIDER_ID = "approval-guard-testing";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new RealmResourceProvider() {
            @Override
            public Object getResource() {
                return new TestingResource(session);
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
