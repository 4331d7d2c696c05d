package io.approvalguard.risk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Ends every session of a user, the one rule for it: not-before is set first (so refresh and access
 * tokens issued until now stop working on every node), then every online and every offline session
 * is logged out through Keycloak's back-channel logout (clients with a back-channel logout URL are
 * told). What was ended is returned as a {@link Receipt} for the audit.
 *
 * <p>In-progress sign-ins (pending push challenges) are not sessions; the approval engine cancels
 * those.
 */
public final class SessionRevocation {

    /** One session that was ended, as it was just before. */
    public record EndedSession(
            String sessionId,
            long started,
            long lastAccess,
            String ip,
            List<String> clients,
            boolean offline) {

        public EndedSession {
            clients = List.copyOf(clients);
        }

        /**
         * The JSON form of the audit: {@code session_id, started, last_access, ip, clients,
         * offline}.
         */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("session_id", sessionId);
            json.put("started", started);
            json.put("last_access", lastAccess);
            if (ip != null) {
                json.put("ip", ip);
            }
            json.put("clients", clients);
            json.put("offline", offline);
            return json;
        }
    }

    /**
     * What a revocation did.
     *
     * @param notBefore the user's new not-before (Keycloak time, seconds): every token issued
     *     before it is refused
     * @param sessions the sessions ended, online ones first
     */
    public record Receipt(long notBefore, List<EndedSession> sessions) {

        public Receipt {
            sessions = List.copyOf(sessions);
        }

        public int count() {
            return sessions.size();
        }

        /** The JSON form of the audit: {@code not_before, sessions: [...]}. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("not_before", notBefore);
            json.put("sessions", sessions.stream().map(EndedSession::toJson).toList());
            return json;
        }
    }

    private SessionRevocation() {}

    /** Ends every online and offline session of {@code user}, in the caller's transaction. */
    public static Receipt revoke(KeycloakSession session, RealmModel realm, UserModel user) {
        long notBefore = Time.currentTime();
        session.users().setNotBeforeForUser(realm, user, (int) notBefore);
        List<UserSessionModel> online =
                session.sessions().getUserSessionsStream(realm, user).toList();
        List<UserSessionModel> offline =
                session.sessions().getOfflineUserSessionsStream(realm, user).toList();
        List<EndedSession> ended = new ArrayList<>();
        online.forEach(s -> ended.add(describe(s, false)));
        offline.forEach(s -> ended.add(describe(s, true)));
        KeycloakContext context = session.getContext();
        online.forEach(
                s ->
                        AuthenticationManager.backchannelLogout(
                                session,
                                realm,
                                s,
                                context.getUri(),
                                context.getConnection(),
                                context.getRequestHeaders(),
                                true));
        offline.forEach(
                s ->
                        AuthenticationManager.backchannelLogout(
                                session,
                                realm,
                                s,
                                context.getUri(),
                                context.getConnection(),
                                context.getRequestHeaders(),
                                true,
                                true));
        return new Receipt(notBefore, ended);
    }

    private static EndedSession describe(UserSessionModel s, boolean offline) {
        Map<String, AuthenticatedClientSessionModel> clientSessions =
                s.getAuthenticatedClientSessions();
        List<String> clients =
                clientSessions == null
                        ? List.of()
                        : clientSessions.values().stream()
                                .map(AuthenticatedClientSessionModel::getClient)
                                .filter(Objects::nonNull)
                                .map(ClientModel::getClientId)
                                .sorted()
                                .toList();
        return new EndedSession(
                s.getId(),
                s.getStarted(),
                s.getLastSessionRefresh(),
                s.getIpAddress(),
                clients,
                offline);
    }
}
