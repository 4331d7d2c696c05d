package io.approvalguard.governance.kinds;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.keycloak.common.util.Time;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * {@code grant_group}: makes the subject a member of a group for {@code duration_seconds} (60 s to
 * 30 days); the expiry task ends the membership at its end ({@link TimedGrants}). Asked for by
 * {@code group} (its path, {@code /ops/oncall}) or {@code group_id}. Refused when the subject is
 * already a direct member. A break-glass change grants for at most {@link
 * AppliedBy#maxGrantSeconds()}. Change: {@code {"group_id", "group_path", "duration_seconds"}}.
 */
public final class GrantGroup implements ChangeKind {

    public static final String NAME = "grant_group";
    static final String GROUP = "group";
    static final String GROUP_ID = "group_id";
    static final String GROUP_PATH = "group_path";
    static final String DURATION = GrantRole.DURATION;

    private final TimedGrants grants;

    public GrantGroup() {
        this(TimedGrants.standard());
    }

    GrantGroup(TimedGrants grants) {
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
        Map<String, Object> in = Inputs.only(change, Set.of(GROUP, GROUP_ID, GROUP_PATH, DURATION));
        String path = Inputs.text(in, GROUP);
        String shownPath = Inputs.text(in, GROUP_PATH);
        String id = Inputs.text(in, GROUP_ID);
        long duration =
                Inputs.wholeNumber(
                        in, DURATION, null, GrantRole.MIN_DURATION, GrantRole.MAX_DURATION);
        if (path != null && shownPath != null && !path.equals(shownPath)) {
            throw new ChangeInvalid("group and group_path name different groups");
        }
        if (path == null) {
            path = shownPath;
        }
        if (path == null && id == null) {
            throw new ChangeInvalid("group (a group path such as /ops) or group_id is required");
        }
        GroupModel group;
        if (id != null) {
            group = s.groups().getGroupById(realm, id);
            if (group == null) {
                throw new ChangeInvalid("group_id names no group of the realm");
            }
            if (path != null && !path.equals(KeycloakModelUtils.buildGroupPath(group))) {
                throw new ChangeInvalid("group_id and the group's path do not match");
            }
        } else {
            if (!path.startsWith("/")) {
                throw new ChangeInvalid("group must be a group path starting with /");
            }
            group = KeycloakModelUtils.findGroupByPath(s, realm, path);
            if (group == null) {
                throw new ChangeInvalid("the realm has no group at that path");
            }
        }
        Map<String, Object> normalised = new LinkedHashMap<>();
        normalised.put(GROUP_ID, group.getId());
        normalised.put(GROUP_PATH, KeycloakModelUtils.buildGroupPath(group));
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
        String id = (String) change.get(GROUP_ID);
        GroupModel group = s.groups().getGroupById(realm, id);
        if (group == null) {
            return Optional.of("the group no longer exists");
        }
        if (subject.getGroupsStream().anyMatch(g -> g.getId().equals(id))) {
            return Optional.of("the user is already a member of the group");
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
        String id = (String) change.get(GROUP_ID);
        GroupModel group = s.groups().getGroupById(realm, id);
        if (group == null) {
            throw new IllegalStateException("group " + id + " no longer exists");
        }
        long requested = ((Number) change.get(DURATION)).longValue();
        long duration = by.grantSeconds(requested);
        long now = Time.currentTime();
        subject.joinGroup(group);
        TimedGrantEntity grant =
                grants.record(
                        s,
                        realm,
                        subject,
                        TimedGrantEntity.GROUP,
                        group.getId(),
                        by.requestId(),
                        now,
                        duration);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put(GROUP_ID, group.getId());
        done.put(GROUP_PATH, KeycloakModelUtils.buildGroupPath(group));
        done.put(DURATION, duration);
        if (duration != requested) {
            done.put("duration_capped_from", requested);
        }
        done.put("grant_id", grant.getId());
        done.put("expires_at", grant.getExpiresAt());
        return done;
    }
}
