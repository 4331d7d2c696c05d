package io.approvalguard.governance.watch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.AuthDetails;
import org.keycloak.models.KeycloakSession;

/**
 * Turns each sensitive change that an admin event records into an {@value WatchRecorder#TYPE}
 * record of the governance audit (and the stream event {@code
 * io.approvalguard.governance.unapproved_sensitive_change}).
 *
 * <p><b>Everything this listener sees is unapproved by definition.</b> Keycloak raises an admin
 * event only from its admin REST resources: {@code AdminEventBuilder.success()} is called by the
 * resources under {@code /admin/realms/{realm}/...} (and by admin extensions such as ours, whose
 * paths {@code approval-guard/...} the recogniser ignores). Changing a user through the model
 * ({@code UserModel.grantRole}, {@code joinGroup}, {@code
 * credentialManager().removeStoredCredentialById}, {@code setEmail}, {@code setEnabled},
 * login-failure removal), as the governed path does when it applies an approved change in-process,
 * raises none: those model calls build no {@code AdminEventBuilder}. Checked against the Keycloak
 * 26.7.0 artifacts: the only classes that construct one are {@code RealmsAdminResource} and {@code
 * RealmAdminResource} (the admin REST roots, whose builder every admin resource and admin extension
 * receives), {@code ProtectionService} (UMA resource registration: authorization resources only)
 * and {@code ScimRealmResource} (the SCIM API, a preview feature off by default, whose paths this
 * watch does not parse). So the governed path must keep applying its changes through the model,
 * never by calling Keycloak's admin resources, and must never raise admin events of its own for
 * them.
 *
 * <p>The representation is read even when the realm does not store it ({@code
 * includeRepresentation} false): only named, non-secret members, never the whole, and nothing of it
 * is stored unless it becomes one of those members.
 */
final class AdminChangeWatch implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(AdminChangeWatch.class);

    /** The user as the database held them before the request: a lookup in its own transaction. */
    @FunctionalInterface
    interface PriorStates {
        Optional<PriorUserState> before(KeycloakSession session, String realmId, String userId);
    }

    private final KeycloakSession session;
    private final WatchRecorder recorder;
    private final PriorStates priorStates;

    AdminChangeWatch(KeycloakSession session, WatchRecorder recorder, PriorStates priorStates) {
        this.session = session;
        this.recorder = recorder;
        this.priorStates = priorStates;
    }

    @Override
    public void onEvent(Event event) {
        // user events: not the watch's business (sign-ins, the user's own account changes)
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        List<SensitiveChange> changes = AdminChangeRecogniser.recognise(event);
        if (changes.isEmpty()) {
            return;
        }
        if (AdminChangeRecogniser.needsPriorState(changes)) {
            String userId = changes.get(0).subjectUserId();
            Optional<PriorUserState> prior;
            try {
                prior = priorStates.before(session, event.getRealmId(), userId);
            } catch (RuntimeException e) {
                LOG.debugf(e, "Approval Guard: no state before the update of user %s", userId);
                prior = Optional.empty();
            }
            changes = AdminChangeRecogniser.refine(changes, prior);
        }
        for (SensitiveChange change : changes) {
            AuthDetails auth = event.getAuthDetails();
            recorder.record(
                    session,
                    event.getRealmId(),
                    auth == null ? null : auth.getUserId(),
                    change.subjectUserId(),
                    data(event, change));
        }
    }

    /** The audit record's data: who, what, when, where, and the change's own details. */
    static Map<String, Object> data(AdminEvent event, SensitiveChange change) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("what", change.what());
        putIfPresent(data, "governed_kind", change.governedKind());
        putIfPresent(data, "subject_user_id", change.subjectUserId());
        data.put("resource_path", event.getResourcePath());
        putIfPresent(data, "resource_type", event.getResourceTypeAsString());
        data.put("operation", event.getOperationType().name());
        putIfPresent(data, "admin_event_id", event.getId());
        AuthDetails auth = event.getAuthDetails();
        if (auth != null) {
            putIfPresent(data, "admin_user_id", auth.getUserId());
            putIfPresent(data, "admin_realm_id", auth.getRealmId());
            putIfPresent(data, "admin_client_id", auth.getClientId());
            putIfPresent(data, "ip_address", auth.getIpAddress());
        }
        data.put("at", event.getTime());
        change.details().forEach(data::putIfAbsent);
        return data;
    }

    private static void putIfPresent(Map<String, Object> data, String name, Object value) {
        if (value != null) {
            data.put(name, value);
        }
    }

    @Override
    public void close() {}
}
