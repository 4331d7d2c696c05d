package io.approvalguard.risk;

import java.util.List;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Adds the risk state and audit tables to Keycloak's database. */
public final class RiskJpaEntityProviderFactory implements JpaEntityProviderFactory {

    /** Short on purpose: Keycloak names the changelog table after the first ten characters. */
    public static final String PROVIDER_ID = "ag-risk";

    private static final JpaEntityProvider ENTITIES = new JpaEntityProvider() {
        @Override
        public List<Class<?>> getEntities() {
            return List.of(RiskStateEntity.class, RiskActionEntity.class);
        }

        @Override
        public String getChangelogLocation() {
            return "META-INF/approval-guard/risk-changelog.xml";
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
