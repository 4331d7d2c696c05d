package io.approvalguard.testkit.fakes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.GroupProvider;
import org.keycloak.models.GroupProviderFactory;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.ModelDuplicateException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RealmProvider;
import org.keycloak.models.RoleContainerModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserLoginFailureProvider;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserProvider;
import org.keycloak.services.managers.BruteForceProtector;

/**
 * A realm's directory for unit tests of governed changes: users (email, enabled flag, attributes,
 * required actions, credentials of any type, role mappings, group memberships), realm and client
 * roles, clients, nested groups, brute-force lock-outs, and the realm settings a change looks at
 * (SMTP, duplicate emails, email as username). Every fake is a {@link StrictProxy}: a method the
 * fake was not written for throws, naming it.
 *
 * <p>Every change a session makes to the directory counts in {@link #writes()}, so a test shows
 * that something (a parse, a precheck) changed nothing at all. There are no transactions: a change
 * is visible at once, and {@link #session()} hands out sessions over the same directory.
 */
public final class FakeDirectory {

    public static final String REALM_ID = "realm-gov";
    public static final String REALM_NAME = "ag-gov";

    private final AtomicInteger writes = new AtomicInteger();
    private final Map<String, Person> users = new LinkedHashMap<>();
    private final Map<String, RoleModel> roles = new LinkedHashMap<>();
    private final Map<String, Map<String, RoleModel>> clientRoles = new LinkedHashMap<>();
    private final Map<String, ClientModel> clients = new LinkedHashMap<>();
    private final Map<String, GroupModel> groups = new LinkedHashMap<>();
    private final Map<String, String> groupParents = new LinkedHashMap<>();
    private final Set<String> temporarilyLocked = new LinkedHashSet<>();
    private final Set<String> permanentlyLocked = new LinkedHashSet<>();
    private final List<String> loginFailuresRemoved = new ArrayList<>();
    private volatile boolean smtp = true;
    private volatile boolean duplicateEmails;
    private volatile boolean emailAsUsername;
    private int ids;

    private final RealmModel realm =
            StrictProxy.of(RealmModel.class, REALM_NAME)
                    .on("getId()", a -> REALM_ID)
                    .on("getName()", a -> REALM_NAME)
                    .on(
                            "getSmtpConfig()",
                            a ->
                                    smtp
                                            ? Map.of("host", "127.0.0.1", "from", "kc@example.org")
                                            : Map.of())
                    .on("isDuplicateEmailsAllowed()", a -> duplicateEmails)
                    .on("isRegistrationEmailAsUsername()", a -> emailAsUsername)
                    .on("getClientByClientId(String)", a -> clients.get((String) a[0]))
                    .on("getRole(String)", a -> realmRole((String) a[0]))
                    .on("getRoleById(String)", a -> roles.get((String) a[0]))
                    .build();

    private final BruteForceProtector bruteForce =
            StrictProxy.of(BruteForceProtector.class, "brute-force protector")
                    .on(
                            "isTemporarilyDisabled(KeycloakSession,RealmModel,UserModel)",
                            a -> temporarilyLocked.contains(((UserModel) a[2]).getId()))
                    .on(
                            "isPermanentlyLockedOut(KeycloakSession,RealmModel,UserModel)",
                            a -> permanentlyLocked.contains(((UserModel) a[2]).getId()))
                    .onCall(
                            "cleanUpPermanentLockout(KeycloakSession,RealmModel,UserModel)",
                            a -> {
                                write();
                                permanentlyLocked.remove(((UserModel) a[2]).getId());
                            })
                    .build();

    private final UserLoginFailureProvider loginFailures =
            StrictProxy.of(UserLoginFailureProvider.class, "login failures")
                    .onCall(
                            "removeUserLoginFailure(RealmModel,String)",
                            a -> {
                                write();
                                String id = (String) a[1];
                                loginFailuresRemoved.add(id);
                                temporarilyLocked.remove(id);
                            })
                    .build();

    private final UserProvider userProvider =
            StrictProxy.of(UserProvider.class, "users")
                    .on(
                            "getUserById(RealmModel,String)",
                            a -> {
                                Person p = a[0] == realm ? users.get((String) a[1]) : null;
                                return p == null ? null : p.model;
                            })
                    .on(
                            "getUserByEmail(RealmModel,String)",
                            a -> {
                                List<Person> holders =
                                        users.values().stream()
                                                .filter(p -> a[1].equals(p.email))
                                                .toList();
                                if (holders.size() > 1) {
                                    throw new ModelDuplicateException("several users have " + a[1]);
                                }
                                return holders.isEmpty() ? null : holders.get(0).model;
                            })
                    .build();

    private final GroupProvider groupProvider =
            StrictProxy.of(GroupProvider.class, "groups")
                    .on("getGroupById(RealmModel,String)", a -> groups.get((String) a[1]))
                    .on(
                            "getGroupByName(RealmModel,GroupModel,String)",
                            a -> {
                                String parentId = a[1] == null ? null : ((GroupModel) a[1]).getId();
                                return groups.values().stream()
                                        .filter(g -> g.getName().equals(a[2]))
                                        .filter(
                                                g ->
                                                        java.util.Objects.equals(
                                                                groupParents.get(g.getId()),
                                                                parentId))
                                        .findFirst()
                                        .orElse(null);
                            })
                    .build();

    private final RealmProvider realms =
            StrictProxy.of(RealmProvider.class, "realms")
                    .on("getRealm(String)", a -> REALM_ID.equals(a[0]) ? realm : null)
                    .build();

    private final GroupProviderFactory groupFactory =
            StrictProxy.of(GroupProviderFactory.class, "group provider factory")
                    .on("escapeSlashesInGroupPath()", a -> false)
                    .build();

    private final KeycloakSessionFactory factory =
            StrictProxy.of(KeycloakSessionFactory.class, "session factory")
                    .on("create()", a -> newSession(new FakeTransactionManager()))
                    .on(
                            "getProviderFactory(Class)",
                            a -> {
                                if (a[0] == GroupProvider.class) {
                                    return groupFactory;
                                }
                                throw new UnsupportedOperationException(
                                        "no provider factory " + a[0] + " in the fake directory");
                            })
                    .build();

    /** A session over this directory: users, groups, brute-force protection, login failures. */
    public KeycloakSession session() {
        return newSession(null);
    }

    /**
     * Sessions the code under test makes itself ({@code KeycloakSessionFactory.create()}, as {@code
     * runJobInTransaction} does) have a transaction, begun and ended by their caller.
     */
    private KeycloakSession newSession(FakeTransactionManager transaction) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        RealmModel[] contextRealm = {realm};
        KeycloakContext context =
                StrictProxy.of(KeycloakContext.class, "directory context")
                        .on("getRealm()", a -> contextRealm[0])
                        .onCall("setRealm(RealmModel)", a -> contextRealm[0] = (RealmModel) a[0])
                        // no HTTP request behind a unit test
                        .on("getUri()", a -> null)
                        .build();
        StrictProxy<KeycloakSession> session =
                StrictProxy.of(KeycloakSession.class, "directory session")
                        .on("getContext()", a -> context)
                        .on("getAttribute(String)", a -> attributes.get((String) a[0]))
                        .onCall(
                                "setAttribute(String,Object)",
                                a -> attributes.put((String) a[0], a[1]));
        if (transaction != null) {
            session.on("getTransactionManager()", a -> transaction)
                    .onCall(
                            "close()",
                            a -> {
                                if (transaction.isActive()) {
                                    transaction.commit();
                                }
                            });
        }
        return session.on("users()", a -> userProvider)
                .on("groups()", a -> groupProvider)
                .on("realms()", a -> realms)
                .on("loginFailures()", a -> loginFailures)
                .on("getKeycloakSessionFactory()", a -> factory)
                .on(
                        "getProvider(Class)",
                        a -> {
                            if (a[0] == BruteForceProtector.class) {
                                return bruteForce;
                            }
                            throw new UnsupportedOperationException(
                                    "the fake directory has no provider " + a[0]);
                        })
                .build();
    }

    public RealmModel realm() {
        return realm;
    }

    /** Creates sessions over this directory, each with a transaction of its own. */
    public KeycloakSessionFactory factory() {
        return factory;
    }

    /** Changes made through the fakes so far (not the test's own set-up). */
    public int writes() {
        return writes.get();
    }

    public void setSmtp(boolean configured) {
        smtp = configured;
    }

    public void setDuplicateEmailsAllowed(boolean allowed) {
        duplicateEmails = allowed;
    }

    public void setEmailAsUsername(boolean value) {
        emailAsUsername = value;
    }

    public void setLockedOut(Person user, boolean temporarily, boolean permanently) {
        if (temporarily) {
            temporarilyLocked.add(user.id);
        } else {
            temporarilyLocked.remove(user.id);
        }
        if (permanently) {
            permanentlyLocked.add(user.id);
        } else {
            permanentlyLocked.remove(user.id);
        }
    }

    public boolean isLockedOut(Person user) {
        return temporarilyLocked.contains(user.id) || permanentlyLocked.contains(user.id);
    }

    public List<String> loginFailuresRemoved() {
        return List.copyOf(loginFailuresRemoved);
    }

    public Person addUser(String username, String email) {
        Person person = new Person("user-" + username, username, email);
        users.put(person.id, person);
        return person;
    }

    public RoleModel addRealmRole(String name) {
        String id = nextId("role");
        RoleModel role = role(id, name, null);
        roles.put(id, role);
        return role;
    }

    public ClientModel addClient(String clientId) {
        String uuid = nextId("client");
        Map<String, RoleModel> own = new LinkedHashMap<>();
        ClientModel client =
                StrictProxy.of(ClientModel.class, "client " + clientId)
                        .on("getId()", a -> uuid)
                        .on("getClientId()", a -> clientId)
                        .on("isEnabled()", a -> true)
                        .on("getRole(String)", a -> own.get((String) a[0]))
                        .build();
        clients.put(clientId, client);
        clientRoles.put(clientId, own);
        return client;
    }

    public RoleModel addClientRole(String clientId, String name) {
        ClientModel client =
                clients.containsKey(clientId) ? clients.get(clientId) : addClient(clientId);
        String id = nextId("role");
        RoleModel role = role(id, name, client);
        roles.put(id, role);
        clientRoles.get(clientId).put(name, role);
        return role;
    }

    /** Deletes a role, as an administrator might meanwhile. */
    public void deleteRole(RoleModel role) {
        roles.remove(role.getId());
        clientRoles.values().forEach(m -> m.values().removeIf(r -> r.getId().equals(role.getId())));
        users.values().forEach(p -> p.roleIds.remove(role.getId()));
    }

    public GroupModel addGroup(GroupModel parent, String name) {
        String id = nextId("group");
        GroupModel[] self = new GroupModel[1];
        self[0] =
                StrictProxy.of(GroupModel.class, "group " + name)
                        .on("getId()", a -> id)
                        .on("getName()", a -> name)
                        .on("getParent()", a -> parent)
                        .on("getParentId()", a -> parent == null ? null : parent.getId())
                        .on("escapeSlashesInGroupPath()", a -> false)
                        .on("getType()", a -> GroupModel.Type.REALM)
                        .on("getOrganization()", a -> null)
                        .build();
        groups.put(id, self[0]);
        groupParents.put(id, parent == null ? null : parent.getId());
        return self[0];
    }

    public void deleteGroup(GroupModel group) {
        groups.remove(group.getId());
        users.values().forEach(p -> p.groupIds.remove(group.getId()));
    }

    private RoleModel realmRole(String name) {
        return roles.values().stream()
                .filter(r -> !r.isClientRole() && r.getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    private RoleModel role(String id, String name, ClientModel client) {
        RoleContainerModel container = client != null ? client : realm;
        return StrictProxy.of(RoleModel.class, "role " + name)
                .on("getId()", a -> id)
                .on("getName()", a -> name)
                .on("isClientRole()", a -> client != null)
                .on("getContainer()", a -> container)
                .on("getContainerId()", a -> client != null ? client.getId() : REALM_ID)
                .build();
    }

    private synchronized String nextId(String prefix) {
        return prefix + "-" + (++ids);
    }

    private void write() {
        writes.incrementAndGet();
    }

    /** A user of the directory. */
    public final class Person {

        private final String id;
        private final String username;
        private volatile String email;
        private volatile boolean emailVerified = true;
        private volatile boolean enabled = true;
        private final Map<String, List<String>> attributes = new LinkedHashMap<>();
        private final Set<String> requiredActions = new LinkedHashSet<>();
        private final Map<String, CredentialModel> credentials = new LinkedHashMap<>();
        private final Set<String> roleIds = new LinkedHashSet<>();
        private final Set<String> groupIds = new LinkedHashSet<>();
        private final UserModel model;

        private Person(String id, String username, String email) {
            this.id = id;
            this.username = username;
            this.email = email;
            SubjectCredentialManager credentialManager = credentialManager();
            this.model =
                    StrictProxy.of(UserModel.class, "user " + username)
                            .on("getId()", a -> id)
                            .on("getUsername()", a -> username)
                            .on("getEmail()", a -> this.email)
                            .onCall(
                                    "setEmail(String)",
                                    a -> {
                                        write();
                                        this.email = (String) a[0];
                                    })
                            .on("isEmailVerified()", a -> emailVerified)
                            .onCall(
                                    "setEmailVerified(boolean)",
                                    a -> {
                                        write();
                                        emailVerified = (Boolean) a[0];
                                    })
                            .on("isEnabled()", a -> enabled)
                            .onCall(
                                    "setEnabled(boolean)",
                                    a -> {
                                        write();
                                        enabled = (Boolean) a[0];
                                    })
                            .on(
                                    "getFirstAttribute(String)",
                                    a -> {
                                        List<String> values = attributes.get((String) a[0]);
                                        return values == null || values.isEmpty()
                                                ? null
                                                : values.get(0);
                                    })
                            .onCall(
                                    "setSingleAttribute(String,String)",
                                    a -> {
                                        write();
                                        attributes.put((String) a[0], List.of((String) a[1]));
                                    })
                            .on(
                                    "getRequiredActionsStream()",
                                    a -> List.copyOf(requiredActions).stream())
                            .onCall(
                                    "addRequiredAction(String)",
                                    a -> {
                                        write();
                                        requiredActions.add((String) a[0]);
                                    })
                            .on("credentialManager()", a -> credentialManager)
                            .on(
                                    "hasDirectRole(RoleModel)",
                                    a -> roleIds.contains(((RoleModel) a[0]).getId()))
                            .onCall(
                                    "grantRole(RoleModel)",
                                    a -> {
                                        write();
                                        roleIds.add(((RoleModel) a[0]).getId());
                                    })
                            .onCall(
                                    "deleteRoleMapping(RoleModel)",
                                    a -> {
                                        write();
                                        roleIds.remove(((RoleModel) a[0]).getId());
                                    })
                            .on(
                                    "getGroupsStream()",
                                    a ->
                                            groupIds.stream()
                                                    .map(groups::get)
                                                    .filter(java.util.Objects::nonNull)
                                                    .toList()
                                                    .stream())
                            .onCall(
                                    "joinGroup(GroupModel)",
                                    a -> {
                                        write();
                                        groupIds.add(((GroupModel) a[0]).getId());
                                    })
                            .onCall(
                                    "leaveGroup(GroupModel)",
                                    a -> {
                                        write();
                                        groupIds.remove(((GroupModel) a[0]).getId());
                                    })
                            .build();
        }

        public String id() {
            return id;
        }

        public UserModel model() {
            return model;
        }

        public String email() {
            return email;
        }

        public boolean emailVerified() {
            return emailVerified;
        }

        public boolean enabled() {
            return enabled;
        }

        public void setEnabled(boolean value) {
            enabled = value;
        }

        public void setEmail(String value) {
            email = value;
        }

        public Set<String> requiredActions() {
            return Set.copyOf(requiredActions);
        }

        public void addRequiredAction(String action) {
            requiredActions.add(action);
        }

        public String attribute(String name) {
            List<String> values = attributes.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public void setAttribute(String name, String value) {
            attributes.put(name, List.of(value));
        }

        public Map<String, List<String>> attributes() {
            return Map.copyOf(attributes);
        }

        /** Stores a credential as the test sets it up; answers its id. */
        public String addCredential(CredentialModel credential) {
            CredentialModel stored = copy(credential);
            if (stored.getId() == null) {
                stored.setId(nextId("cred"));
            }
            credentials.put(stored.getId(), stored);
            return stored.getId();
        }

        public String addCredential(String type, String label) {
            CredentialModel credential = new CredentialModel();
            credential.setType(type);
            credential.setUserLabel(label);
            credential.setCreatedDate(0L);
            credential.setSecretData("{}");
            credential.setCredentialData("{}");
            return addCredential(credential);
        }

        public List<String> credentialTypes() {
            return credentials.values().stream().map(CredentialModel::getType).toList();
        }

        public boolean hasRole(RoleModel role) {
            return roleIds.contains(role.getId());
        }

        public void grant(RoleModel role) {
            roleIds.add(role.getId());
        }

        public void revoke(RoleModel role) {
            roleIds.remove(role.getId());
        }

        public boolean isMember(GroupModel group) {
            return groupIds.contains(group.getId());
        }

        public void join(GroupModel group) {
            groupIds.add(group.getId());
        }

        public void leave(GroupModel group) {
            groupIds.remove(group.getId());
        }

        /** Deletes the user, as an administrator might meanwhile. */
        public void delete() {
            users.remove(id);
        }

        private SubjectCredentialManager credentialManager() {
            return StrictProxy.of(SubjectCredentialManager.class, "credentials of " + username)
                    .on(
                            "getStoredCredentialsByTypeStream(String)",
                            a ->
                                    credentials.values().stream()
                                            .filter(c -> a[0].equals(c.getType()))
                                            .map(FakeDirectory::copy)
                                            .toList()
                                            .stream())
                    .on(
                            "getStoredCredentialById(String)",
                            a -> {
                                CredentialModel stored = credentials.get((String) a[0]);
                                return stored == null ? null : copy(stored);
                            })
                    .on(
                            "removeStoredCredentialById(String)",
                            a -> {
                                write();
                                return credentials.remove((String) a[0]) != null;
                            })
                    .build();
        }
    }

    private static CredentialModel copy(CredentialModel source) {
        CredentialModel copy = new CredentialModel();
        copy.setId(source.getId());
        copy.setType(source.getType());
        copy.setUserLabel(source.getUserLabel());
        copy.setCreatedDate(source.getCreatedDate());
        copy.setSecretData(source.getSecretData());
        copy.setCredentialData(source.getCredentialData());
        return copy;
    }
}
