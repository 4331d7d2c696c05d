package io.approvalguard.governance;

import java.util.Locale;

/** Where a change request stands: pending until its quorum, then applied once, or closed. */
public enum RequestState {
    PENDING,
    /** The quorum is reached; the system applies it in the same transaction. */
    APPROVED,
    APPLIED,
    DENIED,
    EXPIRED,
    CANCELLED,
    /** Approved, but the change could no longer be made (its role was deleted, for example). */
    FAILED;

    public boolean isOpen() {
        return this == PENDING;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
