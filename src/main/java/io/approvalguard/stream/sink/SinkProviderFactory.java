package io.approvalguard.stream.sink;

import org.keycloak.provider.ProviderFactory;

/**
 * A sink of the event stream. Every active sink gets its own copy of each record in the outbox, and
 * its own relay worker, so a slow or dead sink never delays another.
 */
public interface SinkProviderFactory extends ProviderFactory<SinkProvider> {

    /**
     * Whether records are written for this sink: it is enabled and configured (decided at start).
     */
    boolean isActive();

    /**
     * Whether records of this CloudEvents type are written for this sink. Every sink takes every
     * streamed type unless it handles some of them elsewhere (the risk scorer scores devices'
     * decisions as they are made).
     */
    default boolean takes(String eventType) {
        return true;
    }

    /** The most records handed to one {@link SinkProvider#deliver} call. */
    default int batchSize() {
        return 50;
    }

    /**
     * True when delivering writes only to Keycloak's own database (the risk scorer): the relay then
     * delivers one record per transaction and marks it delivered in that same transaction, so the
     * effect happens exactly once.
     */
    default boolean isTransactional() {
        return false;
    }

    /**
     * The longest one {@link SinkProvider#deliver} call may take, in milliseconds; the relay holds
     * the records' lease for at least this long.
     */
    default long deliveryTimeoutMillis() {
        return 30_000;
    }
}
