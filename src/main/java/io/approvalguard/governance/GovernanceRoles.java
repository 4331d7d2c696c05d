package io.approvalguard.governance;

import java.util.List;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * The realm roles of governance, created in every realm (they grant nothing until assigned). Each
 * is checked for the calling user in the request's realm, directly, through a composite or through
 * a group.
 */
public enum GovernanceRoles {
    /** Files change requests and cancels their own. */
    REQUESTER("approval-guard-requester", "May file change requests for other users"),
    /** Approves or denies requests with their own enrolled device. */
    APPROVER("approval-guard-approver", "May approve change requests with an enrolled device"),
    /** Files break-glass requests: one approval or none, a short grant, a mandatory review. */
    BREAK_GLASS("approval-guard-break-glass", "May file break-glass change requests"),
    /** Reads every request and the whole audit, and verifies its chain. */
    AUDITOR("approval-guard-auditor", "May read every change request and the audit");

    private final String roleName;
    private final String description;

    GovernanceRoles(String roleName, String description) {
        this.roleName = roleName;
        this.description = description;
    }

    public String roleName() {
        return roleName;
    }

    public boolean heldBy(RealmModel realm, UserModel user) {
        RoleModel role = realm.getRole(roleName);
        return role != null && user.hasRole(role);
    }

    /** Whether the user holds any governance role: they may see requests and their state. */
    public static boolean anyHeldBy(RealmModel realm, UserModel user) {
        return List.of(values()).stream().anyMatch(r -> r.heldBy(realm, user));
    }

    /** Creates the roles where they are missing. */
    public static void ensure(RealmModel realm) {
        for (GovernanceRoles role : values()) {
            if (realm.getRole(role.roleName) == null) {
                realm.addRole(role.roleName).setDescription(role.description);
            }
        }
    }
}
