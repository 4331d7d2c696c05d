package io.approvalguard.testkit.fakes;

import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.KeycloakTransaction;
import org.keycloak.models.KeycloakTransactionManager;

/**
 * The transaction of one simulated request, ended by the test with {@link #commit()} or {@link
 * #rollback()}. As in Keycloak's {@code DefaultKeycloakTransactionManager}: prepare transactions
 * commit first, then the enlisted ones, then the after-completion ones, each list in the order
 * enlisted; a failure before the after-completion phase rolls everything back. A transaction
 * enlisted while the manager is active is begun at once.
 */
public final class FakeTransactionManager implements KeycloakTransactionManager {

    private final List<KeycloakTransaction> prepare = new ArrayList<>();
    private final List<KeycloakTransaction> transactions = new ArrayList<>();
    private final List<KeycloakTransaction> afterCompletion = new ArrayList<>();
    private boolean active;
    private boolean ended;
    private boolean rollbackOnly;

    @Override
    public void begin() {
        if (active || ended) {
            throw new IllegalStateException("the request's transaction was already begun");
        }
        active = true;
        for (List<KeycloakTransaction> list : List.of(prepare, transactions, afterCompletion)) {
            list.stream().filter(t -> !t.isActive()).forEach(KeycloakTransaction::begin);
        }
    }

    @Override
    public void enlist(KeycloakTransaction transaction) {
        add(transactions, transaction);
    }

    @Override
    public void enlistAfterCompletion(KeycloakTransaction transaction) {
        add(afterCompletion, transaction);
    }

    @Override
    public void enlistPrepare(KeycloakTransaction transaction) {
        add(prepare, transaction);
    }

    private void add(List<KeycloakTransaction> list, KeycloakTransaction transaction) {
        if (ended) {
            throw new IllegalStateException("work enlisted after the request's transaction ended");
        }
        if (active && !transaction.isActive()) {
            transaction.begin();
        }
        list.add(transaction);
    }

    @Override
    public void commit() {
        if (rollbackOnly) {
            rollback();
            throw new IllegalStateException(
                    "the transaction was marked rollback-only, so it was rolled back");
        }
        end();
        try {
            prepare.forEach(KeycloakTransaction::commit);
            transactions.forEach(KeycloakTransaction::commit);
        } catch (RuntimeException e) {
            rollbackAll();
            throw e;
        }
        afterCompletion.forEach(KeycloakTransaction::commit);
    }

    @Override
    public void rollback() {
        end();
        rollbackAll();
    }

    private void rollbackAll() {
        prepare.stream()
                .filter(KeycloakTransaction::isActive)
                .forEach(KeycloakTransaction::rollback);
        transactions.stream()
                .filter(KeycloakTransaction::isActive)
                .forEach(KeycloakTransaction::rollback);
        afterCompletion.forEach(KeycloakTransaction::rollback);
    }

    private void end() {
        if (!active || ended) {
            throw new IllegalStateException("the request's transaction is not active");
        }
        ended = true;
        active = false;
    }

    @Override
    public void setRollbackOnly() {
        rollbackOnly = true;
    }

    @Override
    public boolean getRollbackOnly() {
        return rollbackOnly;
    }

    @Override
    public boolean isActive() {
        return active;
    }

    @Override
    public JTAPolicy getJTAPolicy() {
        throw new UnsupportedOperationException("the fake transaction manager has no JTA");
    }

    @Override
    public void setJTAPolicy(JTAPolicy policy) {
        throw new UnsupportedOperationException("the fake transaction manager has no JTA");
    }
}
