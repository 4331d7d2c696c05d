package io.approvalguard.admin;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.managers.RealmManager;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * Who may use the admin API beyond Keycloak's own roles. The dedicated role {@value #RISK_ROLE}
 * lets an external scorer use the risk API (which users it may act on is Keycloak's user
 * permission, checked separately); realm administrators get it through their composite role.
 * Server-wide operations (the event stream's sinks serve every realm) need a server administrator.
 */
public final class ApprovalGuardRoles {

    public static final String RISK_ROLE = "approval-guard-risk";

    private ApprovalGuardRoles() {}

    /**
     * Creates the role where it is missing: in the realm's realm-management client and, for master
     * admins, in master's {@code <realm>-realm} client (for the master realm itself: {@code
     * master-realm}, which is where master keeps its own admin roles).
     */
    public static void ensure(KeycloakSession session, RealmModel realm) {
        ensureIn(
                realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID),
                AdminRoles.REALM_ADMIN);
        ensureIn(realm.getMasterAdminClient(), AdminRoles.ADMIN);
    }

    private static void ensureIn(ClientModel client, String adminRoleName) {
        if (client == null || client.getRole(RISK_ROLE) != null) {
            return;
        }
        RoleModel role = client.addRole(RISK_ROLE);
        role.setDescription("${role_" + RISK_ROLE + "}");
        RoleModel admin = client.getRealm().getRole(adminRoleName);
        if (admin == null) {
            admin = client.getRole(adminRoleName);
        }
        if (admin != null) {
            admin.addCompositeRole(role);
        }
    }

    /**
     * Whether the caller holds the role for the evaluator's realm, looked up where Keycloak looks
     * up admin roles: the realm's {@code realm-management} client for its own principals, master's
     * {@code <realm>-realm} client for master's (master's own admin client for the master realm).
     */
    public static boolean hasRiskRole(AdminPermissionEvaluator auth) {
        return auth.hasOneAdminRole(RISK_ROLE);
    }

    /**
     * Whether the caller is a server administrator: signed in to the master realm and holding its
     * {@code admin} role.
     */
    public static boolean isServerAdmin(AdminAuth auth) {
        return RealmManager.isAdministrationRealm(auth.getRealm())
                && auth.hasRealmRole(AdminRoles.ADMIN);
    }
}
