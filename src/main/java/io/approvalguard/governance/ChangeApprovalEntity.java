package io.approvalguard.governance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One approver's signed answer on a request, as counted: who, with which device, over which hash.
 * The table's unique keys hold "one person once" and "one device once" even against a race.
 */
@Entity
@Table(name = "AG_GOV_APPROVAL")
public class ChangeApprovalEntity {

    /** An approval that counts towards the quorum, or a break-glass change's later review. */
    public enum Role {
        APPROVAL,
        REVIEW
    }

    @Id
    @Column(name = "ID", length = 36)
    String id;

    @Column(name = "REQUEST_ID", length = 36, nullable = false)
    String requestId;

    @Column(name = "ROLE", length = 16, nullable = false)
    String role;

    @Column(name = "APPROVER_ID", length = 255, nullable = false)
    String approverId;

    @Column(name = "DEVICE_ID", length = 36, nullable = false)
    String deviceId;

    /** The device key's RFC 7638 thumbprint: one key counts once, whoever it is enrolled for. */
    @Column(name = "DEVICE_JKT", length = 64, nullable = false)
    String deviceJkt;

    @Column(name = "CHALLENGE_ID", length = 36, nullable = false)
    String challengeId;

    @Column(name = "DECISION", length = 16, nullable = false)
    String decision;

    @Column(name = "CONTEXT_HASH", length = 64, nullable = false)
    String contextHash;

    @Column(name = "DECIDED_AT", nullable = false)
    long decidedAt;
}
