package io.approvalguard.governance;

import io.approvalguard.governance.kinds.AppliedBy;
import io.approvalguard.governance.kinds.ChangeInvalid;
import io.approvalguard.governance.kinds.ChangeKind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Changing the governance policy is itself a governed change: the new policy, whole, is what the
 * approvers sign. Its subject is the administrator who will own the change (any user other than the
 * requester); no session ends.
 */
final class PolicyChange implements ChangeKind {

    static final String NAME = "policy_change";

    @Override
    public String wireName() {
        return NAME;
    }

    @Override
    public boolean endsSessions() {
        return false;
    }

    @Override
    public Map<String, Object> parse(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change)
            throws ChangeInvalid {
        if (!change.keySet().equals(java.util.Set.of("policy"))
                || !(change.get("policy") instanceof Map<?, ?>)) {
            throw new ChangeInvalid("a policy_change has one member, policy: the new policy");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> asked = (Map<String, Object>) change.get("policy");
        try {
            Map<String, Object> normalised = new LinkedHashMap<>();
            normalised.put("policy", GovernancePolicy.fromJson(asked).toJson());
            return normalised;
        } catch (GovernancePolicy.Invalid invalid) {
            throw new ChangeInvalid("policy: " + invalid.getMessage());
        }
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        try {
            policyOf(change);
            return Optional.empty();
        } catch (GovernancePolicy.Invalid invalid) {
            return Optional.of("the new policy is no longer valid: " + invalid.getMessage());
        }
    }

    @Override
    public Map<String, Object> apply(
            KeycloakSession s,
            RealmModel realm,
            UserModel subject,
            Map<String, Object> change,
            AppliedBy by) {
        try {
            policyOf(change)
                    .forEach(
                            (name, value) ->
                                    realm.setAttribute(GovernancePolicy.PREFIX + name, value));
        } catch (GovernancePolicy.Invalid invalid) {
            throw new IllegalStateException(invalid.getMessage());
        }
        return Map.of("policy", "replaced");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> policyOf(Map<String, Object> change)
            throws GovernancePolicy.Invalid {
        return GovernancePolicy.rawOf((Map<String, Object>) change.get("policy"));
    }
}
