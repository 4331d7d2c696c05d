package io.approvalguard.admin;

import jakarta.ws.rs.Path;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/** Routes the admin API to its two parts. */
public final class ApprovalGuardAdminResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    ApprovalGuardAdminResource(
            KeycloakSession session,
            RealmModel realm,
            AdminPermissionEvaluator auth,
            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    @Path("risk")
    public RiskAdminResource risk() {
        return new RiskAdminResource(session, realm, auth, adminEvent);
    }

    @Path("stream")
    public StreamAdminResource stream() {
        return new StreamAdminResource(session, realm, auth, adminEvent);
    }
}
