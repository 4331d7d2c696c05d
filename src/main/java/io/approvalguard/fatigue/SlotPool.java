package io.approvalguard.fatigue;

import java.util.Map;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * A limit of {@code capacity} events per {@code lifespan} seconds as that many keys in the
 * single-use store: taking one is an atomic {@code putIfAbsent}, immediately visible on every node,
 * and each key frees itself {@code lifespan} seconds after it was taken. So the limit holds over
 * any window of that length (a sliding window, not one aligned to the clock), and nothing has to be
 * released or counted afterwards.
 *
 * <p>A slot kept for good is then stamped with the time it was taken (a {@code put}, visible after
 * commit), only to tell a refused caller when the first slot frees. A slot that may still be given
 * back is not stamped yet: a deferred {@code put} would bring it back at commit.
 */
final class SlotPool {

    private static final String TAKEN_AT = "at";

    private final SingleUseObjectProvider store;
    private final String prefix;
    private final int capacity;
    private final long lifespanSeconds;

    SlotPool(SingleUseObjectProvider store, String prefix, int capacity, long lifespanSeconds) {
        this.store = store;
        this.prefix = prefix;
        this.capacity = capacity;
        this.lifespanSeconds = lifespanSeconds;
    }

    /** Takes a free slot; returns its index, or -1 when all are taken. */
    int take() {
        for (int slot = 0; slot < capacity; slot++) {
            if (store.putIfAbsent(prefix + slot, lifespanSeconds)) {
                return slot;
            }
        }
        return -1;
    }

    /** Keeps a taken slot: records when it was taken, for {@link #secondsUntilOneFrees}. */
    void keep(int slot, long now) {
        store.put(prefix + slot, lifespanSeconds, Map.of(TAKEN_AT, Long.toString(now)));
    }

    /** How many slots are taken now: the events of the last {@code lifespan} seconds. */
    int taken() {
        int taken = 0;
        for (int slot = 0; slot < capacity; slot++) {
            if (store.contains(prefix + slot)) {
                taken++;
            }
        }
        return taken;
    }

    /** Gives back a slot this caller took, when what it was taken for did not happen. */
    void giveBack(int slot) {
        store.remove(prefix + slot);
    }

    /**
     * Seconds until the first taken slot frees, as far as the store tells; the whole lifespan when
     * it cannot.
     */
    long secondsUntilOneFrees(long now) {
        long earliest = lifespanSeconds;
        for (int slot = 0; slot < capacity; slot++) {
            Map<String, String> notes = store.get(prefix + slot);
            String takenAt = notes == null ? null : notes.get(TAKEN_AT);
            if (takenAt != null) {
                // taken in that whole second, so free at the latest a second after takenAt +
                // lifespan
                earliest =
                        Math.min(
                                earliest,
                                Math.max(1, Long.parseLong(takenAt) + lifespanSeconds + 1 - now));
            }
        }
        return earliest;
    }
}
