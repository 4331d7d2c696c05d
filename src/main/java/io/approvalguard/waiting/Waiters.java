package io.approvalguard.waiting;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The requests this node holds open, by what they wait for. Caps protect the node: a total, and a
 * number per browser or device; a refused request is told to retry later. A slot is freed the
 * moment its request ends, whatever ends it, and before its answer goes out. Node-local by design:
 * each node holds its own clients' connections, and {@link WakeEvent}s reach every node.
 */
public final class Waiters {

    private static final Logger LOG = Logger.getLogger(Waiters.class);

    /** Why a request was not admitted. */
    public enum Refusal {
        NODE_FULL,
        TOO_MANY_FOR_SESSION
    }

    private final WaitSettings settings;
    private final ConcurrentHashMap<String, Set<Waiter<?>>> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> byOwner = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    public Waiters(WaitSettings settings) {
        this.settings = settings;
    }

    public WaitSettings settings() {
        return settings;
    }

    /** Requests held open now. */
    public int size() {
        return total.get();
    }

    /**
     * Admits and suspends {@code waiter} for at most {@code seconds}; returns null when admitted,
     * else why not (the caller answers the request itself). Admit before reading the state waited
     * on, so that a change between the two is not missed.
     */
    public Refusal admit(Waiter<?> waiter, int seconds) {
        if (total.incrementAndGet() > settings.maxWaiters()) {
            total.decrementAndGet();
            return Refusal.NODE_FULL;
        }
        boolean[] admitted = {false};
        byOwner.compute(
                waiter.owner(),
                (owner, count) -> {
                    int current = count == null ? 0 : count;
                    if (current >= settings.maxWaitersPerSession()) {
                        return count;
                    }
                    admitted[0] = true;
                    return current + 1;
                });
        if (!admitted[0]) {
            total.decrementAndGet();
            return Refusal.TOO_MANY_FOR_SESSION;
        }
        waiter.attach(this);
        byKey.computeIfAbsent(waiter.key(), k -> ConcurrentHashMap.newKeySet()).add(waiter);
        waiter.holdFor(seconds);
        return null;
    }

    /** Wakes every waiter of {@code event}'s key on this node. */
    public void wake(WakeEvent event) {
        Set<Waiter<?>> waiting = byKey.get(event.key());
        if (waiting == null) {
            return;
        }
        for (Waiter<?> waiter : List.copyOf(waiting)) {
            try {
                waiter.wake(event.state());
            } catch (RuntimeException e) {
                LOG.warnf("Approval Guard: answering a woken request failed: %s", e.toString());
            }
        }
    }

    /**
     * The node is closing: every held request answers "still pending" and is asked again elsewhere.
     */
    public void releaseAll() {
        byKey.values().forEach(set -> List.copyOf(set).forEach(Waiter::answerPending));
    }

    void remove(Waiter<?> waiter) {
        byKey.computeIfPresent(
                waiter.key(),
                (k, set) -> {
                    set.remove(waiter);
                    return set.isEmpty() ? null : set;
                });
        byOwner.computeIfPresent(waiter.owner(), (owner, count) -> count <= 1 ? null : count - 1);
        total.decrementAndGet();
    }
}
