package io.approvalguard.admin;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.utils.PostMigrationEvent;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProviderFactory;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * The admin API {@code /admin/realms/{realm}/approval-guard}: risk state and responses for an
 * external scorer ({@code risk/...}) and the event stream's dead letters and sinks ({@code
 * stream/...}). Also gives every realm the dedicated {@value ApprovalGuardRoles#RISK_ROLE} role.
 */
public final class ApprovalGuardAdminResourceFactory implements AdminRealmResourceProviderFactory {

    public static final String PROVIDER_ID = "approval-guard";

    @Override
    public AdminRealmResourceProvider create(KeycloakSession session) {
        return new AdminRealmResourceProvider() {
            @Override
            public Object getResource(
                    KeycloakSession session,
                    RealmModel realm,
                    AdminPermissionEvaluator auth,
                    AdminEventBuilder adminEvent) {
                return new ApprovalGuardAdminResource(session, realm, auth, adminEvent);
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(
                event -> {
                    if (event instanceof RealmModel.RealmPostCreateEvent created) {
                        ApprovalGuardRoles.ensure(
                                created.getKeycloakSession(), created.getCreatedRealm());
                    } else if (event instanceof PostMigrationEvent) {
                        KeycloakModelUtils.runJobInTransaction(
                                factory,
                                session ->
                                        session.realms()
                                                .getRealmsStream()
                                                .forEach(
                                                        realm ->
                                                                ApprovalGuardRoles.ensure(
                                                                        session, realm)));
                    }
                });
    }

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
