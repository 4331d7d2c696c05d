package io.approvalguard.notify.webpush;

import jakarta.persistence.EntityManager;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * The generated VAPID key pair in the database: read it, or make and insert it when there is none.
 * Two nodes starting together both try to insert; the primary key lets one win and the other reads
 * the winner's pair, so every node ends up signing with the same key.
 */
final class VapidKeyStore {

    /** The one row; an id leaves room for a rotation that keeps an old pair readable. */
    static final String ROW_ID = "default";

    private static final Logger LOG = Logger.getLogger(VapidKeyStore.class);

    /** The row's storage; each call in a transaction of its own. */
    interface Table {
        /** The stored pair, or null. */
        VapidKeys read();

        /** Inserts the pair; throws when a row is there already (the primary key). */
        void insert(VapidKeys keys);
    }

    private VapidKeyStore() {}

    static VapidKeys loadOrCreate(KeycloakSessionFactory factory) {
        return loadOrCreate(new JpaTable(factory));
    }

    static VapidKeys loadOrCreate(Table table) {
        VapidKeys stored = table.read();
        if (stored != null) {
            return stored;
        }
        VapidKeys fresh = VapidKeys.generate();
        try {
            table.insert(fresh);
        } catch (RuntimeException lostRace) {
            // another node inserted first (or the database failed): only a stored pair will do
            VapidKeys winner = table.read();
            if (winner == null) {
                throw new IllegalStateException(
                        "Approval Guard: cannot store the generated VAPID key pair in AG_PUSH_VAPID",
                        lostRace);
            }
            return winner;
        }
        LOG.info(
                "Approval Guard: generated the Web Push VAPID key pair and stored it in table AG_PUSH_VAPID");
        return fresh;
    }

    /** Separate transactions, so that a lost insert never spoils the caller's. */
    private record JpaTable(KeycloakSessionFactory factory) implements Table {

        @Override
        public VapidKeys read() {
            return KeycloakModelUtils.runJobInTransactionWithResult(
                    factory,
                    session -> {
                        VapidKeyEntity row = em(session).find(VapidKeyEntity.class, ROW_ID);
                        return row == null
                                ? null
                                : VapidKeys.of(row.getPrivateKey(), row.getPublicKey());
                    });
        }

        @Override
        public void insert(VapidKeys keys) {
            KeycloakModelUtils.runJobInTransaction(
                    factory,
                    session -> {
                        VapidKeyEntity row = new VapidKeyEntity();
                        row.setId(ROW_ID);
                        row.setPrivateKey(keys.privateKeyBase64Url());
                        row.setPublicKey(keys.publicKeyBase64Url());
                        row.setCreatedAt(System.currentTimeMillis());
                        EntityManager em = em(session);
                        em.persist(row);
                        em.flush();
                    });
        }

        private static EntityManager em(KeycloakSession session) {
            return session.getProvider(JpaConnectionProvider.class).getEntityManager();
        }
    }
}
