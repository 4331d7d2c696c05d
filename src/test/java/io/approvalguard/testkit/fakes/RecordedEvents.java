package io.approvalguard.testkit.fakes;

import io.approvalguard.support.events.ApprovalGuardEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;

/**
 * The fake realm's only event listener: every event an {@code EventBuilder} sends is kept, in
 * order, for the test to read. (Events are not stored: the realm has saving turned off.)
 */
public final class RecordedEvents {

    static final String LISTENER_ID = "approval-guard-test-recorder";

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final EventListenerProvider listener =
            StrictProxy.of(EventListenerProvider.class, "event recorder")
                    .onCall("onEvent(Event)", a -> events.add(((Event) a[0]).clone()))
                    .onCall("close()", a -> {})
                    .build();
    private final EventListenerProviderFactory factory =
            StrictProxy.of(EventListenerProviderFactory.class, "event recorder")
                    .on("getId()", a -> LISTENER_ID)
                    .on("isGlobal()", a -> false)
                    .build();

    EventListenerProviderFactory factory() {
        return factory;
    }

    EventListenerProvider listener() {
        return listener;
    }

    public List<Event> all() {
        return List.copyOf(events);
    }

    /**
     * Approval Guard's events in the order sent, by their detail value ({@code challenge_sent},
     * ...).
     */
    public List<String> approvalGuardEvents() {
        return events.stream()
                .map(
                        e ->
                                e.getDetails() == null
                                        ? null
                                        : e.getDetails().get(ApprovalGuardEvent.DETAIL))
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    public void clear() {
        events.clear();
    }
}
