package io.approvalguard.waiting;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One held request: a sign-in page or a device waiting for {@link #key()}. No thread is held: the
 * endpoint returns {@link #answer()}, and the request ends exactly once, when that completes: by a
 * wake, its time limit, or the node closing; a client that disconnects cancels it. Whatever ends it
 * frees its slot, and an answer only after its slot is free: a client that asks again the moment
 * its answer arrives (as the wait page does) must not find its own old request counted.
 *
 * @param <T> the answer (a JAX-RS response)
 */
public final class Waiter<T> {

    private final String key;
    private final String owner;
    private final Consumer<Waiter<T>> onWake;
    private final Supplier<T> onTimeout;
    private final CompletableFuture<T> answer = new CompletableFuture<>();
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Waiters registry;
    private volatile String wokenState;

    /**
     * @param key what it waits for (see {@link Wakes})
     * @param owner whose slot it takes: an auth session or a device
     * @param onWake answers once woken: reads {@link #wokenState()} and ends with {@link
     *     #answer(Object)}
     * @param onTimeout the answer when nothing happened in time: "still pending"
     */
    public Waiter(String key, String owner, Consumer<Waiter<T>> onWake, Supplier<T> onTimeout) {
        this.key = key;
        this.owner = owner;
        this.onWake = onWake;
        this.onTimeout = onTimeout;
    }

    public String key() {
        return key;
    }

    public String owner() {
        return owner;
    }

    public String wokenState() {
        return wokenState;
    }

    /** What the endpoint returns; Keycloak's REST layer cancels it when the client goes away. */
    public CompletionStage<T> answer() {
        return answer;
    }

    /** Ends the request with {@code value}, unless it has ended already. */
    public void answer(T value) {
        end(value);
    }

    /** Ends the request with its "still pending" answer: its client asks again. */
    public void answerPending() {
        if (!answer.isDone()) {
            end(onTimeout.get());
        }
    }

    /**
     * Counted in {@code registry} from now on: however the request ends, its slot is freed there.
     * An answer frees it first ({@link #end}); a cancel (the client went away) frees it here, as
     * nobody is left to receive an answer.
     */
    void attach(Waiters registry) {
        this.registry = registry;
        answer.whenComplete((value, failure) -> release());
    }

    /** Holds the request for at most {@code seconds}; an earlier answer drops the timer. */
    void holdFor(int seconds) {
        T pending = onTimeout.get();
        CompletableFuture<Void> limit =
                new CompletableFuture<Void>().completeOnTimeout(null, seconds, TimeUnit.SECONDS);
        limit.thenRun(() -> end(pending));
        answer.whenComplete((value, failure) -> limit.cancel(false));
    }

    /**
     * Frees the slot, then completes the answer. Not the other way round: completing runs the REST
     * layer's callback, which sends the answer, before any callback registered earlier.
     */
    private void end(T value) {
        release();
        answer.complete(value);
    }

    private void release() {
        Waiters from = registry;
        if (from != null && released.compareAndSet(false, true)) {
            from.remove(this);
        }
    }

    /** Something it waits for happened. */
    void wake(String state) {
        if (!answer.isDone()) {
            wokenState = state;
            onWake.accept(this);
        }
    }
}
