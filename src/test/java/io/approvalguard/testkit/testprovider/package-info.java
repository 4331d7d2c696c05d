/**
 * A Keycloak provider that exists only for the integration tests: it mounts {@code
 * /realms/{realm}/approval-guard-testing} so a test can shift the server's clock.
 *
 * <p>These classes live in the test sources and are never part of the product JAR. {@link
 * io.approvalguard.testkit.TestingProviderJar} packs exactly this package (plus a service file
 * naming {@link io.approvalguard.testkit.testprovider.TestingResourceProviderFactory}) into {@code
 * approval-guard-testing.jar}, and {@link io.approvalguard.testkit.KeycloakServer} copies that JAR
 * into the test server's {@code providers/}. Because only this package is packed, its classes must
 * not use anything from {@code io.approvalguard.testkit} or the test libraries: the server has only
 * Keycloak's own classes (and the product JAR) to offer.
 */
package io.approvalguard.testkit.testprovider;
