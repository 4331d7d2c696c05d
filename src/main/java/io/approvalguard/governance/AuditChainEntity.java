package io.approvalguard.governance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The head of a realm's audit chain. Appending locks this row, so records of one realm are chained
 * one after another on every node.
 */
@Entity
@Table(name = "AG_GOV_CHAIN")
public class AuditChainEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    String realmId;

    @Column(name = "SEQ", nullable = false)
    long seq;

    @Column(name = "HEAD_HASH", length = 64, nullable = false)
    String headHash;
}
