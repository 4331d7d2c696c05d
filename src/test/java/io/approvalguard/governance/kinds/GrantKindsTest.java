package io.approvalguard.governance.kinds;

import static io.approvalguard.governance.kinds.KindFixtures.BY;
import static io.approvalguard.governance.kinds.KindFixtures.change;
import static io.approvalguard.governance.kinds.KindFixtures.parsed;
import static io.approvalguard.governance.kinds.KindFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.fakes.FakeDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.GroupModel;
import org.keycloak.models.RoleModel;

/** {@code grant_role} and {@code grant_group}. */
class GrantKindsTest {

    private final FakeDirectory directory = new FakeDirectory();
    private final FakeDirectory.Person alice = directory.addUser("alice", "alice@example.org");
    private final MemoryGrants memory = new MemoryGrants();
    private final GrantRole grantRole = new GrantRole(memory.grants);
    private final GrantGroup grantGroup = new GrantGroup(memory.grants);
    private final RoleModel auditor = directory.addRealmRole("auditor");
    private final RoleModel manageUsers =
            directory.addClientRole("realm-management", "manage-users");
    private final GroupModel ops = directory.addGroup(null, "ops");
    private final GroupModel oncall = directory.addGroup(ops, "oncall");

    @Test
    void aRealmRoleByNameOrId() throws ChangeInvalid {
        Map<String, Object> expected =
                Map.of(
                        "role_id",
                        auditor.getId(),
                        "role_name",
                        "auditor",
                        "duration_seconds",
                        3600L);
        Map<String, Object> byName =
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role", "auditor", "duration_seconds", 3600));
        assertEquals(expected, byName);
        assertEquals(
                List.of("role_id", "role_name", "duration_seconds"), List.copyOf(byName.keySet()));
        assertEquals(
                expected,
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role_id", auditor.getId(), "duration_seconds", 3600L)));
        assertFalse(grantRole.endsSessions());
    }

    @Test
    void aClientRoleNamesItsClient() throws ChangeInvalid {
        Map<String, Object> expected =
                Map.of(
                        "role_id",
                        manageUsers.getId(),
                        "role_name",
                        "manage-users",
                        "client_id",
                        "realm-management",
                        "duration_seconds",
                        60L);
        assertEquals(
                expected,
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change(
                                "role", "manage-users",
                                "client_id", "realm-management",
                                "duration_seconds", 60)));
        // by id, the client follows from the role
        assertEquals(
                expected,
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role_id", manageUsers.getId(), "duration_seconds", 60)));
    }

    @Test
    void aRoleGrantIsRecordedAndEndsOnTime() throws ChangeInvalid {
        Map<String, Object> normalised =
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role", "auditor", "duration_seconds", 600));
        long now = Time.currentTime();
        Map<String, Object> done =
                grantRole.apply(
                        directory.session(), directory.realm(), alice.model(), normalised, BY);
        assertTrue(alice.hasRole(auditor));
        TimedGrantEntity grant = memory.only();
        assertEquals(TimedGrantEntity.ROLE, grant.getKind());
        assertEquals(auditor.getId(), grant.getTargetId());
        assertEquals(alice.id(), grant.getUserId());
        assertEquals(FakeDirectory.REALM_ID, grant.getRealmId());
        assertEquals("req-1", grant.getRequestId());
        assertEquals(600, grant.getExpiresAt() - grant.getGrantedAt());
        assertTrue(grant.getGrantedAt() >= now && grant.getGrantedAt() <= now + 1);
        assertNull(grant.getRevokedAt());
        assertEquals(grant.getId(), done.get("grant_id"));
        assertEquals(grant.getExpiresAt(), done.get("expires_at"));
        assertEquals(600L, done.get("duration_seconds"));
        assertFalse(done.containsKey("duration_capped_from"));
        // once granted, the same request is no longer applicable
        assertEquals(
                Optional.of("the user already has the role"),
                grantRole.precheck(
                        directory.session(), directory.realm(), alice.model(), normalised));
    }

    @Test
    void breakGlassGrantsForTheCapAtMost() throws ChangeInvalid {
        Map<String, Object> normalised =
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role", "auditor", "duration_seconds", 86_400));
        Map<String, Object> done =
                grantRole.apply(
                        directory.session(),
                        directory.realm(),
                        alice.model(),
                        normalised,
                        new AppliedBy("req-bg", "user-hank", true, 3600));
        assertEquals(3600L, done.get("duration_seconds"));
        assertEquals(86_400L, done.get("duration_capped_from"));
        TimedGrantEntity grant = memory.only();
        assertEquals(3600, grant.getExpiresAt() - grant.getGrantedAt());
        assertEquals("req-bg", grant.getRequestId());
    }

    @Test
    void roleRequestsThatAreWrongAreRefused() {
        alice.grant(directory.addRealmRole("already"));
        refused(
                directory,
                grantRole,
                alice,
                change("duration_seconds", 600),
                "role (a role name) or role_id is required");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "auditor"),
                "duration_seconds is required");
        for (Object bad : List.of(59, 2_592_001, 0, -60, 600.5, "600", false)) {
            refused(
                    directory,
                    grantRole,
                    alice,
                    change("role", "auditor", "duration_seconds", bad),
                    "duration_seconds must be a whole number from 60 to 2592000");
        }
        refused(
                directory,
                grantRole,
                alice,
                change("role", "nope", "duration_seconds", 600),
                "the realm has no role of that name");
        refused(
                directory,
                grantRole,
                alice,
                change("role_id", "nope", "duration_seconds", 600),
                "role_id names no role of the realm");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "manage-users", "duration_seconds", 600),
                "the realm has no role of that name");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "manage-users", "client_id", "nope", "duration_seconds", 600),
                "client_id names no client of the realm");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "auditor", "client_id", "realm-management", "duration_seconds", 600),
                "the client has no role of that name");
        refused(
                directory,
                grantRole,
                alice,
                change(
                        "role_id",
                        auditor.getId(),
                        "client_id",
                        "realm-management",
                        "duration_seconds",
                        600),
                "the role is not a role of client_id");
        refused(
                directory,
                grantRole,
                alice,
                change("role_id", auditor.getId(), "role_name", "admin", "duration_seconds", 600),
                "role_id and the role's name do not match");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "auditor", "role_name", "admin", "duration_seconds", 600),
                "role and role_name name different roles");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "already", "duration_seconds", 600),
                "the user already has the role");
        refused(
                directory,
                grantRole,
                alice,
                change("role", "auditor", "duration_seconds", 600, "forever", true),
                "unknown member(s) [forever]");
        for (Object bad : KindFixtures.badValues()) {
            refused(
                    directory,
                    grantRole,
                    alice,
                    change("role", bad, "duration_seconds", 600),
                    "role must be a string");
        }
        assertTrue(memory.rows.isEmpty());
    }

    @Test
    void aRoleDeletedMeanwhileIsNoLongerApplicable() throws ChangeInvalid {
        Map<String, Object> normalised =
                parsed(
                        directory,
                        grantRole,
                        alice,
                        change("role", "auditor", "duration_seconds", 600));
        directory.deleteRole(auditor);
        assertEquals(
                Optional.of("the role no longer exists"),
                grantRole.precheck(
                        directory.session(), directory.realm(), alice.model(), normalised));
    }

    @Test
    void aGroupByPathOrId() throws ChangeInvalid {
        Map<String, Object> expected =
                Map.of(
                        "group_id",
                        oncall.getId(),
                        "group_path",
                        "/ops/oncall",
                        "duration_seconds",
                        7200L);
        Map<String, Object> byPath =
                parsed(
                        directory,
                        grantGroup,
                        alice,
                        change("group", "/ops/oncall", "duration_seconds", 7200));
        assertEquals(expected, byPath);
        assertEquals(
                List.of("group_id", "group_path", "duration_seconds"),
                List.copyOf(byPath.keySet()));
        assertEquals(
                expected,
                parsed(
                        directory,
                        grantGroup,
                        alice,
                        change("group_id", oncall.getId(), "duration_seconds", 7200)));
        assertFalse(grantGroup.endsSessions());
    }

    @Test
    void aGroupGrantIsRecorded() throws ChangeInvalid {
        Map<String, Object> normalised =
                parsed(
                        directory,
                        grantGroup,
                        alice,
                        change("group", "/ops", "duration_seconds", 120));
        Map<String, Object> done =
                grantGroup.apply(
                        directory.session(), directory.realm(), alice.model(), normalised, BY);
        assertTrue(alice.isMember(ops));
        TimedGrantEntity grant = memory.only();
        assertEquals(TimedGrantEntity.GROUP, grant.getKind());
        assertEquals(ops.getId(), grant.getTargetId());
        assertEquals(120, grant.getExpiresAt() - grant.getGrantedAt());
        assertEquals("/ops", done.get("group_path"));
        assertEquals(
                Optional.of("the user is already a member of the group"),
                grantGroup.precheck(
                        directory.session(), directory.realm(), alice.model(), normalised));
    }

    @Test
    void groupRequestsThatAreWrongAreRefused() {
        alice.join(oncall);
        refused(
                directory,
                grantGroup,
                alice,
                change("duration_seconds", 600),
                "group (a group path such as /ops) or group_id is required");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/ops"),
                "duration_seconds is required");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "ops", "duration_seconds", 600),
                "must be a group path starting with /");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/nope", "duration_seconds", 600),
                "the realm has no group at that path");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/ops/nope", "duration_seconds", 600),
                "the realm has no group at that path");
        refused(
                directory,
                grantGroup,
                alice,
                change("group_id", "nope", "duration_seconds", 600),
                "group_id names no group of the realm");
        refused(
                directory,
                grantGroup,
                alice,
                change(
                        "group_id",
                        ops.getId(),
                        "group_path",
                        "/ops/oncall",
                        "duration_seconds",
                        600),
                "group_id and the group's path do not match");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/ops/oncall", "duration_seconds", 600),
                "already a member of the group");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/ops", "duration_seconds", 30),
                "from 60 to 2592000");
        refused(
                directory,
                grantGroup,
                alice,
                change("group", "/ops", "duration_seconds", 600, "role", "x"),
                "unknown member(s) [role]");
        assertTrue(memory.rows.isEmpty());
    }
}
