package io.approvalguard.testkit.fakes;

import io.approvalguard.risk.RiskStates;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.jpa.entities.CredentialEntity;

/**
 * The risk table ({@code AG_RISK_STATE}) as far as a sign-in reads it: the one query {@code
 * RiskStates.standing} makes, answered from rows the test sets. No row is a user the scorer never
 * saw (normal standing). Any other JPA use is refused, so a new query in the product shows up here
 * as a failure rather than as a silent "no row".
 */
public final class FakeRiskStates {

    /** The query of {@code RiskStates.standing}, word for word. */
    static final String STANDING_QUERY =
            "select s.score, s.scoredAt, s.pushSuspendedUntil from RiskStateEntity s where s.id = :id";

    private record Row(double score, long scoredAt, long pushSuspendedUntil) {}

    private final Map<String, Row> rows = new ConcurrentHashMap<>();

    /** Push suspended for the user until {@code untilMillis} (Keycloak time), with a zero score. */
    public void suspendPush(String realmId, String userId, long untilMillis) {
        rows.put(id(realmId, userId), new Row(0, 0, untilMillis));
    }

    /** The scorer forgets the user: normal standing again. */
    public void forget(String realmId, String userId) {
        rows.remove(id(realmId, userId));
    }

    JpaConnectionProvider connection() {
        EntityManager em =
                StrictProxy.of(EntityManager.class, "risk tables")
                        .on(
                                "createQuery(String,Class)",
                                a -> {
                                    if (!STANDING_QUERY.equals(a[0]) || a[1] != Object[].class) {
                                        throw new UnsupportedOperationException(
                                                "the fake risk table answers only the standing query, not: "
                                                        + a[0]);
                                    }
                                    return standingQuery();
                                })
                        // credentials live with the fake users, not in these tables: the device
                        // registry then reads them as usual
                        .on(
                                "find(Class,Object)",
                                a -> {
                                    if (a[0] != CredentialEntity.class) {
                                        throw new UnsupportedOperationException(
                                                "the fake risk table finds no " + a[0]);
                                    }
                                    return null;
                                })
                        .build();
        return StrictProxy.of(JpaConnectionProvider.class, "risk tables")
                .on("getEntityManager()", a -> em)
                .onCall("close()", a -> {})
                .build();
    }

    @SuppressWarnings("unchecked")
    private TypedQuery<Object[]> standingQuery() {
        String[] id = new String[1];
        TypedQuery<Object[]>[] self = new TypedQuery[1];
        self[0] =
                StrictProxy.of(TypedQuery.class, "standing query")
                        .on(
                                "setParameter(String,Object)",
                                a -> {
                                    if (!"id".equals(a[0])) {
                                        throw new UnsupportedOperationException(
                                                "the standing query has no parameter " + a[0]);
                                    }
                                    id[0] = (String) a[1];
                                    return self[0];
                                })
                        .on(
                                "getResultStream()",
                                a -> {
                                    Row row = id[0] == null ? null : rows.get(id[0]);
                                    return row == null
                                            ? Stream.empty()
                                            : Stream.<Object[]>of(
                                                    new Object[] {
                                                        row.score,
                                                        row.scoredAt,
                                                        row.pushSuspendedUntil
                                                    });
                                })
                        .build();
        return self[0];
    }

    private static String id(String realmId, String userId) {
        return realmId + "/" + RiskStates.userSubject(userId);
    }
}
