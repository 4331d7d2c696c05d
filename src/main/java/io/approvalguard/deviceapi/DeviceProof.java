package io.approvalguard.deviceapi;

import java.util.Map;

/** A Device-Proof JWS split into its parts, structurally valid but not yet verified. */
record DeviceProof(
        Map<String, Object> header,
        Map<String, Object> claims,
        String signingInput,
        byte[] signature) {

    String keyId() {
        return header.get("kid") instanceof String s ? s : null;
    }

    String subject() {
        return claims.get("sub") instanceof String s ? s : null;
    }

    String jti() {
        return (String) claims.get("jti");
    }
}
