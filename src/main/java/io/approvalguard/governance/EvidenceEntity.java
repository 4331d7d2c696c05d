package io.approvalguard.governance;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * The bytes of one piece of evidence filed with a request. Its name, type, size and SHA-256 are in
 * the request's body, so approvers sign what was attached; the bytes are never changed.
 */
@Entity
@Table(name = "AG_GOV_EVIDENCE")
public class EvidenceEntity {

    @Id
    @Column(name = "ID", length = 36, updatable = false)
    String id;

    @Column(name = "REQUEST_ID", length = 36, nullable = false, updatable = false)
    String requestId;

    @Column(name = "MEDIA_TYPE", length = 100, nullable = false, updatable = false)
    String mediaType;

    @Lob
    @Column(name = "CONTENT", nullable = false, updatable = false)
    byte[] content;
}
