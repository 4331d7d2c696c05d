package io.approvalguard.support.tx;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.KeycloakSessionTask;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Work tied to the end of the caller's Keycloak transaction, written once: what must only happen
 * when the change is real (wake waiters, notify devices, send mail), what undoes an immediate claim
 * when the change is not, and what runs at the end either way.
 */
public final class AfterTransaction {

    private AfterTransaction() {}

    /**
     * Runs {@code task} after the transaction commits, on the calling thread; nothing on rollback.
     */
    public static void onCommit(KeycloakSession session, Runnable task) {
        enlist(session, task, null);
    }

    /**
     * After the transaction commits, runs {@code job} off the request thread on the named Keycloak
     * executor, in a session and transaction of its own; nothing on rollback. A failing job goes to
     * {@code onFailure}, never to the request that has already been answered.
     */
    public static void onCommitInBackground(
            KeycloakSession session,
            String executor,
            KeycloakSessionTask job,
            Consumer<RuntimeException> onFailure) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        Executor pool = session.getProvider(ExecutorsProvider.class).getExecutor(executor);
        onCommit(
                session,
                () ->
                        pool.execute(
                                () -> {
                                    try {
                                        KeycloakModelUtils.runJobInTransaction(factory, job);
                                    } catch (RuntimeException e) {
                                        onFailure.accept(e);
                                    }
                                }));
    }

    /** Runs {@code undo} when the transaction rolls back instead of committing. */
    public static void onRollback(KeycloakSession session, Runnable undo) {
        enlist(session, null, undo);
    }

    /** Runs {@code task} once the transaction has ended, committed or rolled back. */
    public static void whenEnded(KeycloakSession session, Runnable task) {
        enlist(session, task, task);
    }

    /**
     * Runs {@code task} in the transaction's prepare phase: after the caller's own work, before
     * anything is committed, so that it sees every change the transaction made.
     */
    public static void beforeCommit(KeycloakSession session, Runnable task) {
        session.getTransactionManager().enlistPrepare(transaction(task, null));
    }

    private static void enlist(KeycloakSession session, Runnable onCommit, Runnable onRollback) {
        session.getTransactionManager().enlistAfterCompletion(transaction(onCommit, onRollback));
    }

    private static AbstractKeycloakTransaction transaction(Runnable onCommit, Runnable onRollback) {
        return new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                if (onCommit != null) {
                    onCommit.run();
                }
            }

            @Override
            protected void rollbackImpl() {
                if (onRollback != null) {
                    onRollback.run();
                }
            }
        };
    }
}
