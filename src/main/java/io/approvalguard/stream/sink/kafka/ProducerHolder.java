package io.approvalguard.stream.sink.kafka;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * The node's one producer: made on first use (so a broker that is down when Keycloak starts neither
 * delays nor fails the start), shared by every delivery pass, replaced when it is broken, closed
 * with the factory. Thread-safe.
 */
final class ProducerHolder {

    private static final Logger LOG = Logger.getLogger(ProducerHolder.class);

    private final Supplier<Producer<String, String>> factory;
    private Producer<String, String> producer;

    /** When the current producer was made or last delivered a record (System.nanoTime). */
    private long lastProgressNanos;

    private boolean closed;

    ProducerHolder(Supplier<Producer<String, String>> factory) {
        this.factory = factory;
    }

    /**
     * The producer, made now if there is none. Throws when it cannot be made or the holder is
     * closed.
     */
    synchronized Producer<String, String> get() {
        if (closed) {
            throw new IllegalStateException("the Kafka sink is closed");
        }
        if (producer == null) {
            producer = factory.get();
            lastProgressNanos = System.nanoTime();
        }
        return producer;
    }

    /** The producer delivered something: it works. */
    synchronized void delivered(Producer<String, String> used) {
        if (used == producer) {
            lastProgressNanos = System.nanoTime();
        }
    }

    /**
     * How long the producer has gone without delivering anything (since it was made), in ms; 0 if
     * it is not current.
     */
    synchronized long millisWithoutProgress(Producer<String, String> used) {
        return used == producer ? (System.nanoTime() - lastProgressNanos) / 1_000_000 : 0;
    }

    /**
     * Drops the producer so the next pass makes a new one, and closes it at once (what it still
     * holds is failed; those records are retried by the relay). A no-op if it was already replaced.
     */
    void discard(Producer<String, String> broken, String reason) {
        synchronized (this) {
            if (broken != producer) {
                return;
            }
            producer = null;
        }
        LOG.warnf("Approval Guard: the Kafka sink replaces its producer: %s", reason);
        closeQuietly(broken, Duration.ZERO);
    }

    /** Closes the producer, waiting at most {@code timeout} for records it still holds. */
    void close(Duration timeout) {
        Producer<String, String> current;
        synchronized (this) {
            closed = true;
            current = producer;
            producer = null;
        }
        if (current != null) {
            closeQuietly(current, timeout);
        }
    }

    synchronized boolean isOpen() {
        return producer != null;
    }

    private static void closeQuietly(Producer<String, String> producer, Duration timeout) {
        try {
            producer.close(timeout);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Approval Guard: closing a Kafka producer failed");
        }
    }
}
