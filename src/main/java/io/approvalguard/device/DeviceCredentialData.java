package io.approvalguard.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The non-secret part of a device credential: its public key and the algorithm pinned at enrolment.
 * A device holds no shared secret, so the credential's secret data is empty.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceCredentialData(
        @JsonProperty("publicKey") Map<String, String> publicKey,
        @JsonProperty("algorithm") String algorithm,
        @JsonProperty("thumbprint") String thumbprint,
        @JsonProperty("suspended") boolean suspended,
        @JsonProperty("lastUsedAt") long lastUsedAt) {

    DeviceCredentialData withSuspended(boolean value) {
        return new DeviceCredentialData(publicKey, algorithm, thumbprint, value, lastUsedAt);
    }

    DeviceCredentialData withLastUsedAt(long at) {
        return new DeviceCredentialData(publicKey, algorithm, thumbprint, suspended, at);
    }
}
