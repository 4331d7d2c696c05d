package io.approvalguard.stream.sink;

import java.util.List;
import org.keycloak.provider.Provider;

/**
 * Delivers stream records somewhere (a log, a webhook, Kafka, the in-process risk scorer). Created
 * by the relay for one delivery pass, in a session of its own, never on a request thread.
 */
public interface SinkProvider extends Provider {

    /**
     * Delivers the records, in order, and answers one outcome per record, in the same order. A
     * failure of one record is an outcome, not an exception; an exception counts as a retryable
     * failure of every record of the call.
     */
    List<DeliveryOutcome> deliver(List<StreamEvent> events);

    @Override
    default void close() {}
}
