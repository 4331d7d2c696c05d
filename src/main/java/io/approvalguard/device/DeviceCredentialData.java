package io.approvalguard.device;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The non-secret part of a device credential: its public key and the algorithm pinned at enrolment.
 * A device holds no shared secret, so the credential's secret data is empty. Its push address, when
 * it registered one, is here too: it is not a secret of the account, and the device can replace it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceCredentialData(
        @JsonProperty("publicKey") Map<String, String> publicKey,
        @JsonProperty("algorithm") String algorithm,
        @JsonProperty("thumbprint") String thumbprint,
        @JsonProperty("suspended") boolean suspended,
        @JsonProperty("lastUsedAt") long lastUsedAt,
        @JsonProperty("push") @JsonInclude(JsonInclude.Include.NON_NULL) PushAddress push) {

    DeviceCredentialData withSuspended(boolean value) {
        return new DeviceCredentialData(publicKey, algorithm, thumbprint, value, lastUsedAt, push);
    }

    DeviceCredentialData withLastUsedAt(long at) {
        return new DeviceCredentialData(publicKey, algorithm, thumbprint, suspended, at, push);
    }

    DeviceCredentialData withPush(PushAddress address) {
        return new DeviceCredentialData(
                publicKey, algorithm, thumbprint, suspended, lastUsedAt, address);
    }
}
