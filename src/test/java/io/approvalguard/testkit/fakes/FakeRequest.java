package io.approvalguard.testkit.fakes;

import java.util.HashMap;
import java.util.Map;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * One simulated HTTP request to a {@link FakeKeycloak}: a session and its one transaction, which
 * the test ends with {@link #commit()} or {@link #rollback()}. Two requests that are both open are
 * two transactions running at once over the shared store.
 */
public final class FakeRequest {

    private final FakeKeycloak keycloak;
    private final FakeTransactionManager transaction = new FakeTransactionManager();
    private final KeycloakSession session;
    private DeferringSingleUseStore singleUseObjects;

    /** A request the server has begun, as for an incoming HTTP request. */
    FakeRequest(FakeKeycloak keycloak) {
        this(keycloak, true);
    }

    /**
     * @param begun false for a session as {@code KeycloakSessionFactory.create()} hands it out,
     *     whose caller begins the transaction and ends it by closing the session (Keycloak's {@code
     *     runJobInTransaction}, which sends error events at once in a transaction of their own)
     */
    FakeRequest(FakeKeycloak keycloak, boolean begun) {
        this.keycloak = keycloak;
        if (begun) {
            transaction.begin();
        }
        RealmModel[] contextRealm = {keycloak.realm()};
        KeycloakContext context =
                StrictProxy.of(KeycloakContext.class, "request context")
                        .on("getRealm()", a -> contextRealm[0])
                        .onCall("setRealm(RealmModel)", a -> contextRealm[0] = (RealmModel) a[0])
                        // the engine never reads the context's client; a job copying the context
                        // finds none
                        .on("getClient()", a -> null)
                        .on("getConnection()", a -> keycloak.connection())
                        // no HTTP request behind a unit test; only ever handed to the fake
                        // brute-force protector
                        .on("getUri()", a -> null)
                        .build();
        Map<String, Object> attributes = new HashMap<>();
        this.session =
                StrictProxy.of(KeycloakSession.class, "request session")
                        .on("getContext()", a -> context)
                        .on("getTransactionManager()", a -> transaction)
                        .on("getKeycloakSessionFactory()", a -> keycloak.factory())
                        .on("singleUseObjects()", a -> singleUseObjects())
                        .on("realms()", a -> keycloak.realms())
                        .on("users()", a -> keycloak.users())
                        .on("getProvider(Class)", a -> keycloak.provider((Class<?>) a[0]))
                        .on(
                                "getProvider(Class,String)",
                                a -> keycloak.provider((Class<?>) a[0], (String) a[1]))
                        .on("getAttribute(String)", a -> attributes.get((String) a[0]))
                        .onCall(
                                "setAttribute(String,Object)",
                                a -> attributes.put((String) a[0], a[1]))
                        .onCall("close()", a -> close())
                        .build();
    }

    public KeycloakSession session() {
        return session;
    }

    /** An event builder for this request, as Keycloak's endpoints make one. */
    public EventBuilder event() {
        return new EventBuilder(keycloak.realm(), session, keycloak.connection());
    }

    public void commit() {
        transaction.commit();
    }

    public void rollback() {
        transaction.rollback();
    }

    /**
     * As Keycloak's session does when closed: a transaction still open is committed, or rolled back
     * when marked so.
     */
    private void close() {
        if (transaction.isActive()) {
            if (transaction.getRollbackOnly()) {
                transaction.rollback();
            } else {
                transaction.commit();
            }
        }
    }

    /**
     * As Keycloak's Infinispan store does, the session's store enlists its transaction (the
     * deferred puts) after completion when first used: it is written before any after-completion
     * work enlisted later, and dropped on rollback before that work's rollback side runs.
     */
    private SingleUseObjectProvider singleUseObjects() {
        if (singleUseObjects == null) {
            DeferringSingleUseStore store = keycloak.store().begin();
            transaction.enlistAfterCompletion(
                    new AbstractKeycloakTransaction() {
                        @Override
                        protected void commitImpl() {
                            store.commit();
                        }

                        @Override
                        protected void rollbackImpl() {
                            store.rollback();
                        }
                    });
            singleUseObjects = store;
        }
        return singleUseObjects;
    }
}
