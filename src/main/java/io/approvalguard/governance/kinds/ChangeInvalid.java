package io.approvalguard.governance.kinds;

/**
 * A change a kind refuses: its message is safe to show a client (it becomes the {@code
 * error_description} of a 400) and says what is wrong with the request, never anything about other
 * users beyond what the requester already named.
 */
public final class ChangeInvalid extends Exception {

    private static final long serialVersionUID = 1L;

    public ChangeInvalid(String message) {
        super(message, null, false, false);
    }
}
