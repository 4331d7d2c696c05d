package io.approvalguard.support.tx;

import java.util.function.Consumer;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.scheduled.ClusterAwareScheduledTaskRunner;
import org.keycloak.timer.ScheduledTask;
import org.keycloak.timer.TimerProvider;

/**
 * Work that the cluster does every so often on one node at a time: Keycloak's timer on every node,
 * and its cluster-aware runner so that per interval only the node that wins the interval's lock
 * runs it, in a transaction of its own.
 */
public final class ClusterTasks {

    private ClusterTasks() {}

    public static void schedule(
            KeycloakSessionFactory factory,
            String name,
            long intervalMillis,
            Consumer<KeycloakSession> work) {
        ScheduledTask task =
                new ScheduledTask() {
                    @Override
                    public void run(KeycloakSession session) {
                        work.accept(session);
                    }

                    @Override
                    public String getTaskName() {
                        return name;
                    }
                };
        try (KeycloakSession session = factory.create()) {
            session.getProvider(TimerProvider.class)
                    .schedule(
                            new ClusterAwareScheduledTaskRunner(factory, task, intervalMillis),
                            intervalMillis,
                            name);
        }
    }
}
