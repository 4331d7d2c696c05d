package io.approvalguard.stream;

import io.approvalguard.stream.sink.SinkProviderFactory;
import java.util.List;
import java.util.UUID;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * Delivers the outbox on this node: one worker thread per active sink, so a dead receiver holds up
 * only its own records. Workers lease records in the database, so with several nodes each record is
 * delivered by one of them.
 */
public final class Relay {

    private final List<SinkWorker> workers;

    public Relay(
            KeycloakSessionFactory sessionFactory,
            RelaySettings settings,
            List<SinkProviderFactory> sinks) {
        String nodeId = UUID.randomUUID().toString().substring(0, 8);
        RetryPolicy policy = new RetryPolicy(settings);
        this.workers =
                sinks.stream()
                        .map(sink -> new SinkWorker(sessionFactory, sink, settings, policy, nodeId))
                        .toList();
    }

    public void start() {
        workers.forEach(SinkWorker::start);
    }

    public void wake() {
        workers.forEach(SinkWorker::wake);
    }

    public void stop() {
        workers.forEach(SinkWorker::stop);
    }
}
