package io.approvalguard.stream;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Adds the outbox tables to Keycloak's database, created and migrated by Keycloak's Liquibase run. */
public final class StreamJpaEntityProviderFactory implements JpaEntityProviderFactory {

    /** Short on purpose: Keycloak names the changelog table after the first ten characters. */
    public static final String PROVIDER_ID = "ag-stream";

    private static final JpaEntityProvider ENTITIES = new JpaEntityProvider() {
        @Override
        public List<Class<?>> getEntities() {
            return List.of(OutboxRecordEntity.class, SinkStateEntity.class);
        }

        @Override
        public String getChangelogLocation() {
            return "META-INF/approval-guard/stream-changelog.xml";
        }

        @Override
        public String getFactoryId() {
            return PROVIDER_ID;
        }

        @Override
        public void close() {
        }
    };

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return ENTITIES;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
