package io.approvalguard.admin;

import org.keycloak.models.AdminRoles;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.services.resources.admin.AdminAuth;

/**
 * The dedicated role {@value #RISK_ROLE} of every realm's management client: it lets an external
 * scorer (a service account with only this role) read risk state and apply responses. Realm
 * administrators get it through their composite role.
 */
public final class ApprovalGuardRoles {

    public static final String RISK_ROLE = "approval-guard-risk";

    private ApprovalGuardRoles() {
    }

    /** Creates the role where it is missing: in the realm's realm-management client and, for master admins, in master's {@code <realm>-realm} client. */
    public static void ensure(KeycloakSession session, RealmModel realm) {
        ensureIn(realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID), AdminRoles.REALM_ADMIN);
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

    /** Whether the caller's token carries the role for this realm. */
    public static boolean hasRiskRole(AdminAuth auth, RealmModel realm) {
        ClientModel client = auth.getRealm().getId().equals(realm.getId())
                ? realm.getClientByClientId(Constants.REALM_MANAGEMENT_CLIENT_ID)
                : realm.getMasterAdminClient();
        return client != null && auth.getRealm().getId().equals(client.getRealm().getId()) && auth.hasAppRole(client, RISK_ROLE);
    }
}
