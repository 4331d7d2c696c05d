package io.approvalguard.testkit.fakes;

import io.approvalguard.challenge.location.LocationProvider;
import io.approvalguard.challenge.location.RequestLocation;
import io.approvalguard.notify.Notifier;
import io.approvalguard.stream.sink.SinkProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.common.ClientConnection;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderEvent;
import org.keycloak.services.managers.BruteForceProtector;
import org.keycloak.tracing.NoopTracingProvider;
import org.keycloak.tracing.TracingProvider;

/**
 * A Keycloak server for unit tests, holding exactly what the approval engine and its collaborators
 * use: one realm (brute-force protection on, events sent only to {@link RecordedEvents}) with one
 * client, its users, the cluster-wide single-use store ({@link DeferringSingleUseStore}), the risk
 * table ({@link FakeRiskStates}), a brute-force protector whose lock-outs the test sets, an
 * executor that records background jobs instead of running them, and the provider events published.
 * Every simulated HTTP request is a {@link FakeRequest}: a session and one transaction; a session
 * the server code creates itself (as Keycloak sends error events) is one too. No risk sink is
 * deployed (decisions are not scored) and there is no cluster to wake.
 */
public final class FakeKeycloak {

    public static final String REALM_ID = "realm-1";
    public static final String REALM_NAME = "ag-test";
    public static final String CLIENT_UUID = "client-uuid-1";
    public static final String CLIENT_ID = "app";

    /** Where every simulated request comes from. */
    public static final String REMOTE_ADDRESS = "192.0.2.10";

    private final DeferringSingleUseStore.Shared store = new DeferringSingleUseStore.Shared();
    private final Map<String, FakeUser> users = new ConcurrentHashMap<>();
    private final FakeRiskStates risk = new FakeRiskStates();
    private final RecordedEvents events = new RecordedEvents();
    private final Set<String> lockedOut = ConcurrentHashMap.newKeySet();
    private final List<String> failedLogins = new CopyOnWriteArrayList<>();
    private final List<ProviderEvent> published = new CopyOnWriteArrayList<>();
    private final List<String> backgroundJobs = new CopyOnWriteArrayList<>();

    private final ClientModel client =
            StrictProxy.of(ClientModel.class, CLIENT_ID)
                    .on("getId()", a -> CLIENT_UUID)
                    .on("getClientId()", a -> CLIENT_ID)
                    .build();
    private final RealmModel realm =
            StrictProxy.of(RealmModel.class, REALM_NAME)
                    .on("getId()", a -> REALM_ID)
                    .on("getName()", a -> REALM_NAME)
                    .on("isBruteForceProtected()", a -> true)
                    .on("isEventsEnabled()", a -> false)
                    .on("getEventsListenersStream()", a -> Stream.of(RecordedEvents.LISTENER_ID))
                    .on("getEnabledEventTypesStream()", a -> Stream.empty())
                    .on("getClientById(String)", a -> CLIENT_UUID.equals(a[0]) ? client : null)
                    // no realm attributes: the risk settings are at their defaults
                    .on("getAttribute(String)", a -> null)
                    .build();
    private final ClientConnection connection =
            StrictProxy.of(ClientConnection.class, REMOTE_ADDRESS)
                    .on("getRemoteAddr()", a -> REMOTE_ADDRESS)
                    .on("getRemoteHost()", a -> REMOTE_ADDRESS)
                    .build();
    private final RealmProvider realms =
            StrictProxy.of(RealmProvider.class, "realms")
                    .on("getRealm(String)", a -> REALM_ID.equals(a[0]) ? realm : null)
                    .build();
    private final UserProvider userProvider =
            StrictProxy.of(UserProvider.class, "users")
                    .on(
                            "getUserById(RealmModel,String)",
                            a -> {
                                FakeUser user = a[0] == realm ? users.get((String) a[1]) : null;
                                return user == null ? null : user.model();
                            })
                    .build();
    private final BruteForceProtector bruteForce =
            StrictProxy.of(BruteForceProtector.class, "brute-force protector")
                    .on(
                            "isTemporarilyDisabled(KeycloakSession,RealmModel,UserModel)",
                            a -> lockedOut.contains(((UserModel) a[2]).getId()))
                    .on("isPermanentlyLockedOut(KeycloakSession,RealmModel,UserModel)", a -> false)
                    .onCall(
                            "failedLogin(RealmModel,UserModel,ClientConnection,UriInfo,Set)",
                            a -> failedLogins.add(((UserModel) a[1]).getId()))
                    .build();
    private final ExecutorsProvider executors =
            StrictProxy.of(ExecutorsProvider.class, "executors")
                    .on("getExecutor(String)", a -> recordingExecutor((String) a[0]))
                    .build();
    private final LocationProvider location =
            StrictProxy.of(LocationProvider.class, "location")
                    .on("locate(String)", a -> RequestLocation.UNKNOWN)
                    .build();
    private final TracingProvider tracing = new NoopTracingProvider();
    private final KeycloakSessionFactory factory =
            StrictProxy.of(KeycloakSessionFactory.class, "session factory")
                    .onCall("publish(ProviderEvent)", a -> published.add((ProviderEvent) a[0]))
                    .on("create()", a -> new FakeRequest(this, false).session())
                    .on(
                            "getProviderFactory(Class,String)",
                            a -> {
                                if (a[0] == SinkProvider.class) {
                                    return null; // no risk sink deployed: decisions are not scored
                                }
                                if (a[0] == Notifier.class) {
                                    // no push provider deployed: the offer is what a test sees
                                    backgroundJobs.add("approval-guard-notify:" + a[1]);
                                    return null;
                                }
                                throw new UnsupportedOperationException(
                                        "no provider factory "
                                                + a[0]
                                                + "/"
                                                + a[1]
                                                + " in the fake server");
                            })
                    .on(
                            "getProviderFactoriesStream(Class)",
                            a -> {
                                if (a[0] == EventListenerProvider.class) {
                                    return Stream.of(events.factory());
                                }
                                throw new UnsupportedOperationException(
                                        "no provider factories of " + a[0] + " in the fake server");
                            })
                    .build();

    public FakeUser addUser(String username) {
        FakeUser user = new FakeUser("id-" + username, username);
        if (users.putIfAbsent(user.id(), user) != null) {
            throw new IllegalArgumentException("user exists: " + username);
        }
        return user;
    }

    /** A browser tab of a login in this realm. */
    public FakeAuthSession newTab(String rootSessionId, String tabId) {
        return new FakeAuthSession(realm, rootSessionId, tabId);
    }

    /** A new request: a session whose transaction the caller ends. */
    public FakeRequest request() {
        return new FakeRequest(this);
    }

    /** One whole request: committed when {@code work} returns, rolled back when it throws. */
    public <T> T call(Function<FakeRequest, T> work) {
        FakeRequest request = request();
        T result;
        try {
            result = work.apply(request);
        } catch (RuntimeException | Error e) {
            request.rollback();
            throw e;
        }
        request.commit();
        return result;
    }

    public void run(Consumer<FakeRequest> work) {
        call(
                request -> {
                    work.accept(request);
                    return null;
                });
    }

    public RealmModel realm() {
        return realm;
    }

    public ClientModel client() {
        return client;
    }

    public FakeRiskStates risk() {
        return risk;
    }

    public RecordedEvents events() {
        return events;
    }

    /** Brute-force protection has (or no longer has) the user locked out. */
    public void setLockedOut(FakeUser user, boolean locked) {
        if (locked) {
            lockedOut.add(user.id());
        } else {
            lockedOut.remove(user.id());
        }
    }

    /** Failures reported to brute-force protection, by user id, in order. */
    public List<String> failedLogins() {
        return List.copyOf(failedLogins);
    }

    /** Provider events published (through the session factory), of one type, in order. */
    public <E extends ProviderEvent> List<E> published(Class<E> type) {
        return published.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The executors background jobs were handed to, in order; the jobs themselves are not run. */
    public List<String> backgroundJobs() {
        return List.copyOf(backgroundJobs);
    }

    DeferringSingleUseStore.Shared store() {
        return store;
    }

    ClientConnection connection() {
        return connection;
    }

    RealmProvider realms() {
        return realms;
    }

    UserProvider users() {
        return userProvider;
    }

    KeycloakSessionFactory factory() {
        return factory;
    }

    Provider provider(Class<?> type) {
        if (type == BruteForceProtector.class) {
            return bruteForce;
        }
        if (type == ExecutorsProvider.class) {
            return executors;
        }
        if (type == LocationProvider.class) {
            return location;
        }
        if (type == JpaConnectionProvider.class) {
            return risk.connection();
        }
        if (type == TracingProvider.class) {
            return tracing;
        }
        if (type == ClusterProvider.class) {
            return null; // a single node: nobody to wake elsewhere
        }
        throw new UnsupportedOperationException(
                "the fake server has no provider " + type.getName());
    }

    Provider provider(Class<?> type, String id) {
        if (type == EventListenerProvider.class && RecordedEvents.LISTENER_ID.equals(id)) {
            return events.listener();
        }
        throw new UnsupportedOperationException(
                "the fake server has no provider " + type.getName() + "/" + id);
    }

    private ExecutorService recordingExecutor(String name) {
        return StrictProxy.of(ExecutorService.class, "executor " + name)
                .onCall("execute(Runnable)", a -> backgroundJobs.add(name))
                .build();
    }
}
