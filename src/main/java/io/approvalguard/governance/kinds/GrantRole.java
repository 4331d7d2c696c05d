package io.approvalguard.governance.kinds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;

/**
 * {@code grant_role}: grants a realm role, or a client's role, for {@code duration_seconds} (60 s
 * to 30 days); the expiry task takes it away at its end ({@link TimedGrants}). Asked for by {@code
 * role} (name) or {@code role_id}, with {@code client_id} (the client's clientId) for a client
 * role. Refused when the subject already has the role directly. A break-glass change grants for at
 * most {@link AppliedBy#maxGrantSeconds()}. Change: {@code {"role_id", "role_name", "client_id"
 * (absent for a realm role), "duration_seconds"}}.
 */
public final class GrantRole implements ChangeKind {

    public static final String NAME = "grant_role";
    static final String ROLE = "role";
    static final String ROLE_ID = "role_id";
    static final String ROLE_NAME = "role_name";
    static final String CLIENT_ID = "client_id";
    static final String DURATION = "duration_seconds";
    static final long MIN_DURATION = 60;
    static final long MAX_DURATION = 30L * 86_400;

    private final TimedGrants grants;

    public GrantRole() {
        this(TimedGrants.standard());
    }

    GrantRole(TimedGrants grants) {
        this.grants = grants;
    }

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
        Map<String, Object> in =
                Inputs.only(change, Set.of(ROLE, ROLE_ID, ROLE_NAME, CLIENT_ID, DURATION));
        String name = Inputs.text(in, ROLE);
        String shownName = Inputs.text(in, ROLE_NAME);
        String id = Inputs.text(in, ROLE_ID);
        String clientId = Inputs.text(in, CLIENT_ID);
        long duration = Inputs.wholeNumber(in, DURATION, null, MIN_DURATION, MAX_DURATION);
        if (name != null && shownName != null && !name.equals(shownName)) {
            throw new ChangeInvalid("role and role_name name different roles");
        }
        if (name == null) {
            name = shownName;
        }
        if (name == null && id == null) {
            throw new ChangeInvalid("role (a role name) or role_id is required");
        }
        ClientModel client = null;
        if (clientId != null) {
            client = realm.getClientByClientId(clientId);
            if (client == null) {
                throw new ChangeInvalid("client_id names no client of the realm");
            }
        }
        RoleModel role;
        if (id != null) {
            role = realm.getRoleById(id);
            if (role == null) {
                throw new ChangeInvalid("role_id names no role of the realm");
            }
            if (name != null && !name.equals(role.getName())) {
                throw new ChangeInvalid("role_id and the role's name do not match");
            }
        } else {
            role = client != null ? client.getRole(name) : realm.getRole(name);
            if (role == null) {
                throw new ChangeInvalid(
                        client != null
                                ? "the client has no role of that name"
                                : "the realm has no role of that name");
            }
        }
        RoleContainerModel container = role.getContainer();
        ClientModel owner = role.isClientRole() ? (ClientModel) container : null;
        if (owner == null && !realm.getId().equals(container.getId())) {
            throw new ChangeInvalid("role_id names no role of the realm");
        }
        if (client != null && (owner == null || !owner.getId().equals(client.getId()))) {
            throw new ChangeInvalid("the role is not a role of client_id");
        }
        if (client == null && id == null && owner != null) {
            throw new ChangeInvalid("client_id is required for a client role");
        }
        Map<String, Object> normalised = new LinkedHashMap<>();
        normalised.put(ROLE_ID, role.getId());
        normalised.put(ROLE_NAME, role.getName());
        if (owner != null) {
            normalised.put(CLIENT_ID, owner.getClientId());
        }
        normalised.put(DURATION, duration);
        Optional<String> refused = precheck(s, realm, subject, normalised);
        if (refused.isPresent()) {
            throw new ChangeInvalid(refused.get());
        }
        return normalised;
    }

    @Override
    public Optional<String> precheck(
            KeycloakSession s, RealmModel realm, UserModel subject, Map<String, Object> change) {
        RoleModel role = realm.getRoleById((String) change.get(ROLE_ID));
        if (role == null) {
            return Optional.of("the role no longer exists");
        }
        if (subject.hasDirectRole(role)) {
            return Optional.of("the user already has the role");
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Object> apply(
            KeycloakSession s,
            RealmModel realm,
            UserModel subject,
            Map<String, Object> change,
            AppliedBy by) {
        RoleModel role = realm.getRoleById((String) change.get(ROLE_ID));
        if (role == null) {
            throw new IllegalStateException("role " + change.get(ROLE_ID) + " no longer exists");
        }
        long requested = ((Number) change.get(DURATION)).longValue();
        long duration = by.grantSeconds(requested);
        long now = Time.currentTime();
        subject.grantRole(role);
        TimedGrantEntity grant =
                grants.record(
                        s,
                        realm,
                        subject,
                        TimedGrantEntity.ROLE,
                        role.getId(),
                        by.requestId(),
                        now,
                        duration);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put(ROLE_ID, role.getId());
        done.put(ROLE_NAME, role.getName());
        if (change.get(CLIENT_ID) != null) {
            done.put(CLIENT_ID, change.get(CLIENT_ID));
        }
        done.put(DURATION, duration);
        if (duration != requested) {
            done.put("duration_capped_from", requested);
        }
        done.put("grant_id", grant.getId());
        done.put("expires_at", grant.getExpiresAt());
        return done;
    }
}
