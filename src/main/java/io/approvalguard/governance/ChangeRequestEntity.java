package io.approvalguard.governance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A change request as stored: its immutable body (the canonical JSON that approvers sign the hash
 * of) and its state. Only {@link ChangeRequests} writes it, holding the row's lock.
 */
@Entity
@Table(name = "AG_GOV_REQUEST")
public class ChangeRequestEntity {

    @Id
    @Column(name = "ID", length = 36)
    String id;

    @Column(name = "REALM_ID", length = 36, nullable = false)
    String realmId;

    @Column(name = "KIND", length = 64, nullable = false)
    String kind;

    @Column(name = "SUBJECT_ID", length = 255, nullable = false)
    String subjectId;

    @Column(name = "REQUESTER_ID", length = 255, nullable = false)
    String requesterId;

    @Column(name = "REASON_CODE", length = 64, nullable = false)
    String reasonCode;

    @Column(name = "BREAK_GLASS", nullable = false)
    boolean breakGlass;

    /** The canonical JSON of the request (RFC 8785): never rewritten. */
    @Lob
    @Column(name = "BODY", nullable = false, updatable = false)
    String body;

    @Column(name = "REQUEST_HASH", length = 64, nullable = false, updatable = false)
    String requestHash;

    @Column(name = "STATE", length = 16, nullable = false)
    String state;

    @Column(name = "CREATED_AT", nullable = false)
    long createdAt;

    @Column(name = "EXPIRES_AT", nullable = false)
    long expiresAt;

    @Column(name = "CLOSED_AT")
    Long closedAt;

    /** What happened at the end: applied details, the failure, who cancelled (JSON). */
    @Lob
    @Column(name = "OUTCOME")
    String outcome;

    /** For break-glass: when the two reviews are due. */
    @Column(name = "REVIEW_DUE_AT")
    Long reviewDueAt;

    /** For break-glass: when the second review came in. */
    @Column(name = "REVIEWED_AT")
    Long reviewedAt;

    /** For break-glass: when an overdue review or an objection was escalated. */
    @Column(name = "ESCALATED_AT")
    Long escalatedAt;

    @Version
    @Column(name = "VERSION", nullable = false)
    int version;

    public String getId() {
        return id;
    }

    public String getRealmId() {
        return realmId;
    }

    public RequestState state() {
        return RequestState.valueOf(state);
    }
}
