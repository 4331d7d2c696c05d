package io.approvalguard.notify.fcm;

import io.approvalguard.device.PushAddress;
import io.approvalguard.notify.Notifier;
import io.approvalguard.notify.PushMessage;
import io.approvalguard.notify.PushOutcome;
import org.apache.http.impl.client.CloseableHttpClient;
import org.keycloak.models.KeycloakSession;

/**
 * The fcm notifier of one session: the factory's sender and credentials, Keycloak's HTTP client.
 */
final class FcmNotifier implements Notifier {

    private final KeycloakSession session;
    private final CloseableHttpClient client;
    private final FcmSender sender;
    private final FcmCredentials credentials;

    FcmNotifier(
            KeycloakSession session,
            CloseableHttpClient client,
            FcmSender sender,
            FcmCredentials credentials) {
        this.session = session;
        this.client = client;
        this.sender = sender;
        this.credentials = credentials;
    }

    @Override
    public PushOutcome send(PushMessage message, PushAddress address) {
        FcmCredentials.Resolved resolved = credentials.tokensFor(session, message);
        if (resolved.failure() != null) {
            return resolved.failure();
        }
        return sender.send(client, resolved.tokens(), message, address);
    }
}
