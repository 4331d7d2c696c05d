package io.approvalguard.governance.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.stream.sink.StreamEvent;
import io.approvalguard.testkit.fakes.FakeDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.models.GroupModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RoleModel;
import org.keycloak.util.JsonSerialization;

/** When a time-bound grant ends: what is removed, what is only closed, and what is raised. */
class TimedGrantsTest {

    private static final long T0 = 1_764_640_000L;

    private final FakeDirectory directory = new FakeDirectory();
    private final FakeDirectory.Person alice = directory.addUser("alice", "alice@example.org");
    private final MemoryGrants memory = new MemoryGrants();
    private final RoleModel auditor = directory.addRealmRole("auditor");
    private final GroupModel ops = directory.addGroup(null, "ops");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(StreamEvent event) {
        try {
            return JsonSerialization.readValue(event.json(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(StreamEvent event) {
        return (Map<String, Object>) json(event).get("data");
    }

    private TimedGrantEntity granted(String kind, String targetId, long seconds) {
        KeycloakSession session = directory.session();
        return memory.grants.record(
                session, directory.realm(), alice.model(), kind, targetId, "req-1", T0, seconds);
    }

    @Test
    void aDueRoleGrantIsRemovedClosedAndRaisedOnce() {
        alice.grant(auditor);
        TimedGrantEntity grant = granted(TimedGrantEntity.ROLE, auditor.getId(), 3600);

        assertEquals(
                Optional.empty(),
                memory.grants.close(directory.session(), grant.getId(), T0 + 3599));
        assertTrue(alice.hasRole(auditor), "not due a second before its end");
        assertNull(grant.getRevokedAt());

        Optional<TimedGrants.Closed> closed =
                memory.grants.close(directory.session(), grant.getId(), T0 + 3600);
        assertTrue(closed.isPresent());
        assertTrue(closed.get().removed());
        assertFalse(alice.hasRole(auditor));
        assertEquals(T0 + 3600, grant.getRevokedAt());
        assertEquals("expired", grant.getRevokeReason());

        assertEquals(1, memory.events.size());
        StreamEvent event = memory.events.get(0);
        assertEquals("io.approvalguard.governance.grant_expired", event.type());
        assertEquals(alice.id(), event.userId());
        assertEquals((T0 + 3600) * 1000, event.timeMillis());
        Map<String, Object> envelope = json(event);
        assertEquals("urn:keycloak:realm:" + FakeDirectory.REALM_NAME, envelope.get("source"));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) envelope.get("data");
        assertEquals(grant.getId(), data.get("grant_id"));
        assertEquals(alice.id(), data.get("user_id"));
        assertEquals("role", data.get("kind"));
        assertEquals(auditor.getId(), data.get("target_id"));
        assertEquals("req-1", data.get("request_id"));
        assertEquals(T0 + 3600, ((Number) data.get("expires_at")).longValue());
        assertEquals("expired", data.get("outcome"));
        assertEquals(true, data.get("removed"));

        // a second node, or a second run, finds it closed
        assertEquals(
                Optional.empty(),
                memory.grants.close(directory.session(), grant.getId(), T0 + 7200));
        assertEquals(1, memory.events.size());
    }

    @Test
    void aDueGroupGrantEndsTheMembership() {
        alice.join(ops);
        TimedGrantEntity grant = granted(TimedGrantEntity.GROUP, ops.getId(), 60);
        assertTrue(
                memory.grants
                        .close(directory.session(), grant.getId(), T0 + 61)
                        .orElseThrow()
                        .removed());
        assertFalse(alice.isMember(ops));
        assertEquals("expired", grant.getRevokeReason());
    }

    @Test
    void aGrantWhoseAccessWasRemovedOtherwiseIsOnlyClosed() {
        alice.grant(auditor);
        alice.join(ops);
        TimedGrantEntity role = granted(TimedGrantEntity.ROLE, auditor.getId(), 60);
        TimedGrantEntity group = granted(TimedGrantEntity.GROUP, ops.getId(), 60);
        alice.revoke(auditor);
        alice.leave(ops);
        int writes = directory.writes();

        assertEquals(
                "already_removed",
                memory.grants
                        .close(directory.session(), role.getId(), T0 + 60)
                        .orElseThrow()
                        .outcome());
        assertEquals(
                "already_removed",
                memory.grants
                        .close(directory.session(), group.getId(), T0 + 60)
                        .orElseThrow()
                        .outcome());
        assertEquals(writes, directory.writes(), "nothing removed");
        assertEquals(T0 + 60, role.getRevokedAt());
        assertEquals(
                List.of(false, false),
                memory.events.stream().map(e -> data(e).get("removed")).toList());
    }

    @Test
    void grantsOfDeletedUsersRolesAndGroupsAreClosed() {
        alice.grant(auditor);
        alice.join(ops);
        TimedGrantEntity role = granted(TimedGrantEntity.ROLE, auditor.getId(), 60);
        TimedGrantEntity group = granted(TimedGrantEntity.GROUP, ops.getId(), 60);
        directory.deleteRole(auditor);
        directory.deleteGroup(ops);
        assertEquals(
                "target_gone",
                memory.grants
                        .close(directory.session(), role.getId(), T0 + 60)
                        .orElseThrow()
                        .outcome());
        assertEquals(
                "target_gone",
                memory.grants
                        .close(directory.session(), group.getId(), T0 + 60)
                        .orElseThrow()
                        .outcome());

        RoleModel other = directory.addRealmRole("other");
        alice.grant(other);
        TimedGrantEntity orphan = granted(TimedGrantEntity.ROLE, other.getId(), 60);
        alice.delete();
        assertEquals(
                "subject_gone",
                memory.grants
                        .close(directory.session(), orphan.getId(), T0 + 60)
                        .orElseThrow()
                        .outcome());
        assertEquals(3, memory.events.size());
    }

    @Test
    void aRunClosesEveryDueGrantEachInItsOwnTransactionAndLeavesTheRest() {
        RoleModel second = directory.addRealmRole("second");
        RoleModel later = directory.addRealmRole("later");
        alice.grant(auditor);
        alice.grant(second);
        alice.grant(later);
        TimedGrantEntity a = granted(TimedGrantEntity.ROLE, auditor.getId(), 60);
        TimedGrantEntity b = granted(TimedGrantEntity.ROLE, second.getId(), 120);
        TimedGrantEntity c = granted(TimedGrantEntity.ROLE, later.getId(), 3600);

        List<TimedGrants.Closed> closed = memory.grants.expireDue(directory.factory(), T0 + 120);
        assertEquals(
                List.of(a.getId(), b.getId()),
                closed.stream().map(x -> x.grant().getId()).toList());
        assertFalse(alice.hasRole(auditor));
        assertFalse(alice.hasRole(second));
        assertTrue(alice.hasRole(later));
        assertNull(c.getRevokedAt());
        assertEquals(
                List.of(c.getId()),
                memory.grants.open(directory.session(), directory.realm(), alice.model()).stream()
                        .map(TimedGrantEntity::getId)
                        .toList());

        assertEquals(
                List.of(), memory.grants.expireDue(directory.factory(), T0 + 120), "nothing twice");
        assertEquals(1, memory.grants.expireDue(directory.factory(), T0 + 3600).size());
        assertFalse(alice.hasRole(later));
    }

    @Test
    void eventIdsArePerGrantSoARetriedCloseIsTheSameEvent() {
        alice.grant(auditor);
        TimedGrantEntity grant = granted(TimedGrantEntity.ROLE, auditor.getId(), 60);
        memory.grants.close(directory.session(), grant.getId(), T0 + 60);
        String first = memory.events.get(0).id();
        grant.setRevokedAt(null); // as if the first close had rolled back
        alice.grant(auditor);
        memory.grants.close(directory.session(), grant.getId(), T0 + 61);
        assertEquals(first, memory.events.get(1).id());
    }
}
