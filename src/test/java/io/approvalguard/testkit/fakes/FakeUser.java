package io.approvalguard.testkit.fakes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.credential.CredentialModel;
import org.keycloak.models.SubjectCredentialManager;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A user of the fake realm: an enabled flag, single-valued attributes (the cooling-off record of
 * {@code CoolingOff}) and stored credentials (approver devices, written by the product's own {@code
 * DeviceRegistry}). Credential and attribute changes are immediate, not transactional: the tests
 * change them between requests, never inside one that is rolled back.
 */
public final class FakeUser {

    private final String id;
    private final String username;
    private final Map<String, CredentialModel> credentials = new LinkedHashMap<>();
    private final Map<String, String> attributes = new ConcurrentHashMap<>();
    private volatile boolean enabled = true;
    private final UserModel model;

    FakeUser(String id, String username) {
        this.id = id;
        this.username = username;
        SubjectCredentialManager credentialManager = credentialManager();
        this.model =
                StrictProxy.of(UserModel.class, "user " + username)
                        .on("getId()", a -> id)
                        .on("getUsername()", a -> username)
                        .on("isEnabled()", a -> enabled)
                        .on("credentialManager()", a -> credentialManager)
                        .on("getFirstAttribute(String)", a -> attributes.get((String) a[0]))
                        .onCall(
                                "setSingleAttribute(String,String)",
                                a -> attributes.put((String) a[0], (String) a[1]))
                        .onCall("removeAttribute(String)", a -> attributes.remove((String) a[0]))
                        .build();
    }

    public String id() {
        return id;
    }

    public UserModel model() {
        return model;
    }

    public void setEnabled(boolean value) {
        enabled = value;
    }

    private SubjectCredentialManager credentialManager() {
        return StrictProxy.of(SubjectCredentialManager.class, "credentials of " + username)
                .on(
                        "getStoredCredentialsByTypeStream(String)",
                        a -> {
                            synchronized (credentials) {
                                return credentials.values().stream()
                                        .filter(c -> a[0].equals(c.getType()))
                                        .map(FakeUser::copy)
                                        .toList()
                                        .stream();
                            }
                        })
                .on(
                        "getStoredCredentialById(String)",
                        a -> {
                            synchronized (credentials) {
                                CredentialModel stored = credentials.get((String) a[0]);
                                return stored == null ? null : copy(stored);
                            }
                        })
                .on(
                        "createStoredCredential(CredentialModel)",
                        a -> {
                            CredentialModel created = copy((CredentialModel) a[0]);
                            if (created.getId() == null) {
                                created.setId(KeycloakModelUtils.generateId());
                            }
                            synchronized (credentials) {
                                credentials.put(created.getId(), created);
                            }
                            return copy(created);
                        })
                .onCall(
                        "updateStoredCredential(CredentialModel)",
                        a -> {
                            CredentialModel updated = copy((CredentialModel) a[0]);
                            synchronized (credentials) {
                                if (credentials.replace(updated.getId(), updated) == null) {
                                    throw new IllegalStateException(
                                            "no stored credential " + updated.getId());
                                }
                            }
                        })
                .on(
                        "removeStoredCredentialById(String)",
                        a -> {
                            synchronized (credentials) {
                                return credentials.remove((String) a[0]) != null;
                            }
                        })
                .build();
    }

    /** What the database would hand back: a copy, never the caller's object. */
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
