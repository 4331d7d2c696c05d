package io.approvalguard.support.persistence;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Tables a capability adds to Keycloak's database: its JPA entities and the Liquibase changelog
 * Keycloak runs for them at start. The factory id names the changelog table, from its first ten
 * characters, so ids are short and distinct.
 */
public abstract class JpaTables implements JpaEntityProviderFactory {

    private final String id;
    private final JpaEntityProvider provider;

    protected JpaTables(String id, String changelogLocation, List<Class<?>> entities) {
        this.id = id;
        this.provider =
                new JpaEntityProvider() {
                    @Override
                    public List<Class<?>> getEntities() {
                        return entities;
                    }

                    @Override
                    public String getChangelogLocation() {
                        return changelogLocation;
                    }

                    @Override
                    public String getFactoryId() {
                        return id;
                    }

                    @Override
                    public void close() {}
                };
    }

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return provider;
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return id;
    }
}
