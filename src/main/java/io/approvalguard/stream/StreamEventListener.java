package io.approvalguard.stream;

import java.util.Set;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;

/**
 * Writes the events the stream carries to the outbox. Keycloak calls it in the transaction of a
 * successful change, and in a transaction of its own for a failure, so the record commits exactly
 * when the event is stored. Anonymous failures beyond their budget are counted instead ({@link
 * AnonymousFailures}). Nothing else happens on the request thread.
 */
final class StreamEventListener implements EventListenerProvider {

    /** Admin changes a security team must see: the user, its credentials, roles and groups. */
    private static final Set<ResourceType> STREAMED_ADMIN_RESOURCES =
            Set.of(
                    ResourceType.USER,
                    ResourceType.REALM_ROLE_MAPPING,
                    ResourceType.CLIENT_ROLE_MAPPING,
                    ResourceType.GROUP_MEMBERSHIP,
                    ResourceType.USER_SESSION);

    private final KeycloakSession session;
    private final Outbox outbox;
    private final AnonymousFailures anonymousFailures;

    StreamEventListener(
            KeycloakSession session, Outbox outbox, AnonymousFailures anonymousFailures) {
        this.session = session;
        this.outbox = outbox;
        this.anonymousFailures = anonymousFailures;
    }

    @Override
    public void onEvent(Event event) {
        if (!CloudEvents.isStreamed(event.getType()) || outbox.sinkIds().isEmpty()) {
            return;
        }
        String source = CloudEvents.source(session, event.getRealmName(), event.getRealmId());
        if (AnonymousFailures.isAnonymousFailure(event)
                && !anonymousFailures.countAndAdmit(event, source)) {
            return; // counted: its window's record will say so
        }
        outbox.append(session, CloudEvents.of(event, source));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (event.getResourceType() != null
                && STREAMED_ADMIN_RESOURCES.contains(event.getResourceType())) {
            outbox.append(
                    session,
                    CloudEvents.of(
                            event,
                            CloudEvents.source(session, event.getRealmName(), event.getRealmId())));
        }
    }

    @Override
    public void close() {}
}
