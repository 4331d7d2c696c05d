package io.approvalguard.governance.kinds;

import io.approvalguard.stream.sink.StreamEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grant table in memory, and the stream events raised: a {@link TimedGrants} for unit tests.
 * {@link #lock} hands out the stored row itself, as a managed JPA entity would be.
 */
final class MemoryGrants implements GrantStore {

    final Map<String, TimedGrantEntity> rows = new LinkedHashMap<>();
    final List<StreamEvent> events = new ArrayList<>();
    final TimedGrants grants = new TimedGrants(s -> this, (s, e) -> events.add(e));

    @Override
    public void insert(TimedGrantEntity grant) {
        if (rows.putIfAbsent(grant.getId(), grant) != null) {
            throw new IllegalStateException("duplicate grant id " + grant.getId());
        }
    }

    @Override
    public List<String> dueIds(long now, int max) {
        return rows.values().stream()
                .filter(g -> g.getRevokedAt() == null && g.getExpiresAt() <= now)
                .sorted(
                        Comparator.comparingLong(TimedGrantEntity::getExpiresAt)
                                .thenComparing(TimedGrantEntity::getId))
                .limit(max)
                .map(TimedGrantEntity::getId)
                .toList();
    }

    @Override
    public TimedGrantEntity lock(String id) {
        return rows.get(id);
    }

    @Override
    public List<TimedGrantEntity> open(String realmId, String userId) {
        return rows.values().stream()
                .filter(g -> g.getRevokedAt() == null)
                .filter(g -> g.getRealmId().equals(realmId) && g.getUserId().equals(userId))
                .sorted(Comparator.comparingLong(TimedGrantEntity::getExpiresAt))
                .toList();
    }

    TimedGrantEntity only() {
        if (rows.size() != 1) {
            throw new IllegalStateException("grants: " + rows.keySet());
        }
        return rows.values().iterator().next();
    }
}
