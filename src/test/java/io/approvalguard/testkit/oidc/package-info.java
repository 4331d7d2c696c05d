/**
 * The generic half of the test kit: an OIDC relying party and browser over plain HTTP, which know
 * OIDC and Keycloak's own login pages but nothing of Approval Guard's.
 *
 * <ul>
 *   <li>{@link io.approvalguard.testkit.oidc.OidcBrowser}: the scripted authorization-code login
 *       (redirects followed by hand up to the client's {@code redirect_uri}, forms submitted as a
 *       browser would, the code exchanged for tokens).
 *   <li>{@link io.approvalguard.testkit.oidc.CookieJar}: the browser's cookies, kept as browsers
 *       keep them (also {@code Secure} cookies on loopback http).
 *   <li>{@link io.approvalguard.testkit.oidc.OidcClient}: token endpoint calls of a relying party
 *       (refresh, client credentials, password grant) and bearer-token API calls.
 *   <li>{@link io.approvalguard.testkit.oidc.HttpResult}: status, body and headers of an answer, as
 *       every client of the kit returns them.
 * </ul>
 *
 * <p>What knows our pages is in {@link io.approvalguard.testkit.pages}.
 */
package io.approvalguard.testkit.oidc;
