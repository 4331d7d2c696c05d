package io.approvalguard.testkit.fakes;

import io.approvalguard.challenge.Binding;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.keycloak.models.RealmModel;
import org.keycloak.sessions.AuthenticationSessionModel;
import org.keycloak.sessions.RootAuthenticationSessionModel;

/**
 * One browser tab of a login: a tab of a root authentication session, with its notes. Notes are
 * written at once, not at commit: no test rolls back a request that writes them.
 */
public final class FakeAuthSession {

    private final String rootId;
    private final String tabId;
    private final Map<String, String> authNotes = new ConcurrentHashMap<>();
    private final Map<String, String> clientNotes = new ConcurrentHashMap<>();
    private final Map<String, String> userSessionNotes = new ConcurrentHashMap<>();
    private final AuthenticationSessionModel model;

    FakeAuthSession(RealmModel realm, String rootId, String tabId) {
        this.rootId = rootId;
        this.tabId = tabId;
        RootAuthenticationSessionModel root =
                StrictProxy.of(RootAuthenticationSessionModel.class, "root " + rootId)
                        .on("getId()", a -> rootId)
                        .build();
        this.model =
                StrictProxy.of(AuthenticationSessionModel.class, "tab " + tabId + " of " + rootId)
                        .on("getRealm()", a -> realm)
                        .on("getTabId()", a -> tabId)
                        .on("getParentSession()", a -> root)
                        .on("getAuthNote(String)", a -> authNotes.get((String) a[0]))
                        .onCall(
                                "setAuthNote(String,String)",
                                a -> authNotes.put((String) a[0], (String) a[1]))
                        .onCall("removeAuthNote(String)", a -> authNotes.remove((String) a[0]))
                        .on("getClientNote(String)", a -> clientNotes.get((String) a[0]))
                        .onCall(
                                "setClientNote(String,String)",
                                a -> clientNotes.put((String) a[0], (String) a[1]))
                        .onCall("removeClientNote(String)", a -> clientNotes.remove((String) a[0]))
                        .onCall(
                                "setUserSessionNote(String,String)",
                                a -> userSessionNotes.put((String) a[0], (String) a[1]))
                        .build();
    }

    public AuthenticationSessionModel model() {
        return model;
    }

    /** What a challenge opened from this tab is bound to. */
    public Binding binding() {
        return new Binding(rootId, tabId);
    }

    public Map<String, String> authNotes() {
        return Map.copyOf(authNotes);
    }

    public Map<String, String> clientNotes() {
        return Map.copyOf(clientNotes);
    }

    public Map<String, String> userSessionNotes() {
        return Map.copyOf(userSessionNotes);
    }
}
