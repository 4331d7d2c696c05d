package io.approvalguard.testkit.fakes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * A single-use store that behaves like Keycloak's Infinispan one where it matters for races: {@code
 * put} is deferred to the commit of the caller's transaction (visible to that transaction at once),
 * while {@code putIfAbsent}, {@code remove}, {@code replace} and {@code contains} act on the shared
 * store immediately. Entries expire by Keycloak's clock. One instance is one transaction over a
 * shared {@link Shared} store.
 */
public final class DeferringSingleUseStore implements SingleUseObjectProvider {

    /** The store every transaction sees once committed. */
    public static final class Shared {
        private final Map<String, Entry> entries = new ConcurrentHashMap<>();

        public DeferringSingleUseStore begin() {
            return new DeferringSingleUseStore(this);
        }

        private Entry live(String key) {
            Entry entry = entries.get(key);
            if (entry != null && entry.expiresAt <= Time.currentTime()) {
                entries.remove(key, entry);
                return null;
            }
            return entry;
        }
    }

    private record Entry(Map<String, String> notes, long expiresAt) {}

    private final Shared shared;
    private final Map<String, Entry> pending = new HashMap<>();
    private final List<Runnable> afterCompletion = new ArrayList<>();
    private boolean ended;

    private DeferringSingleUseStore(Shared shared) {
        this.shared = shared;
    }

    /** Work the code under test asked to run once this transaction has ended. */
    public void afterCompletion(Runnable task) {
        afterCompletion.add(task);
    }

    /** Makes the deferred puts visible, then runs the after-completion work. */
    public void commit() {
        end();
        pending.forEach(shared.entries::put);
        pending.clear();
        runAfterCompletion();
    }

    /**
     * Drops the deferred puts (the immediate operations stay done, as in Keycloak), then runs the
     * after-completion work.
     */
    public void rollback() {
        end();
        pending.clear();
        runAfterCompletion();
    }

    private void end() {
        if (ended) {
            throw new IllegalStateException("this transaction has already ended");
        }
        ended = true;
    }

    private void runAfterCompletion() {
        afterCompletion.forEach(Runnable::run);
        afterCompletion.clear();
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        pending.put(key, new Entry(Map.copyOf(notes), Time.currentTime() + lifespanSeconds));
    }

    @Override
    public Map<String, String> get(String key) {
        Entry entry = pending.containsKey(key) ? pending.get(key) : shared.live(key);
        return entry == null ? null : entry.notes;
    }

    @Override
    public Map<String, String> remove(String key) {
        Entry entry = shared.live(key);
        shared.entries.remove(key);
        return entry == null ? null : entry.notes;
    }

    @Override
    public boolean replace(String key, Map<String, String> notes) {
        Entry entry = shared.live(key);
        return entry != null
                && shared.entries.replace(
                        key, entry, new Entry(Map.copyOf(notes), entry.expiresAt));
    }

    @Override
    public boolean putIfAbsent(String key, long lifespanInSeconds) {
        shared.live(key);
        return shared.entries.putIfAbsent(
                        key, new Entry(Map.of(), Time.currentTime() + lifespanInSeconds))
                == null;
    }

    @Override
    public boolean contains(String key) {
        return shared.live(key) != null;
    }

    @Override
    public void close() {}
}
