package io.approvalguard.governance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * One record of the governance audit. Append-only: each record carries the hash of the one before
 * it in its realm, so an export shows a record changed, removed or inserted.
 */
@Entity
@Table(name = "AG_GOV_AUDIT")
public class AuditRecordEntity {

    @Id
    @Column(name = "ID", length = 36, updatable = false)
    String id;

    @Column(name = "REALM_ID", length = 36, nullable = false, updatable = false)
    String realmId;

    @Column(name = "SEQ", nullable = false, updatable = false)
    long seq;

    @Column(name = "REQUEST_ID", length = 36, updatable = false)
    String requestId;

    @Column(name = "TYPE", length = 64, nullable = false, updatable = false)
    String type;

    @Column(name = "ACTOR", length = 255, updatable = false)
    String actor;

    @Column(name = "AT_MILLIS", nullable = false, updatable = false)
    long atMillis;

    @Lob
    @Column(name = "DATA", nullable = false, updatable = false)
    String data;

    @Column(name = "PREV_HASH", length = 64, nullable = false, updatable = false)
    String prevHash;

    @Column(name = "HASH", length = 64, nullable = false, updatable = false)
    String hash;
}
