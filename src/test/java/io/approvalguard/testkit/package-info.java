/**
 * The integration-test kit of Approval Guard.
 *
 * <ul>
 *   <li>{@link io.approvalguard.testkit.KeycloakServer}: one Keycloak (start-dev, fresh H2, our
 *       provider, realms from {@code src/test/resources/realms}) for the whole failsafe run.
 *   <li>{@link io.approvalguard.testkit.AdminClient}: users, credentials, sessions, events.
 *   <li>{@link io.approvalguard.testkit.pages.BrowserFlow}: a login in a scripted, cookie-keeping
 *       browser without JavaScript, with helpers for the wait and enrolment pages. The generic
 *       part, which knows OIDC and Keycloak's own login pages but none of ours, is {@link
 *       io.approvalguard.testkit.oidc.OidcBrowser}, beside the other plain OIDC and HTTP pieces in
 *       {@code io.approvalguard.testkit.oidc} ({@code OidcClient}, {@code CookieJar}, {@code
 *       HttpResult}).
 *   <li>{@link io.approvalguard.testkit.DeviceClient}: the reference device of {@code
 *       docs/device-api.md}; {@link io.approvalguard.testkit.ProofSpec} bends its proofs for attack
 *       tests.
 *   <li>{@link io.approvalguard.testkit.Chromium}: real headless Chromium for pages that need
 *       JavaScript (the web approver, the wait page's polling).
 *   <li>{@link io.approvalguard.testkit.TimeOffset}: shifts the server's clock for one test and
 *       always resets it (see below).
 * </ul>
 *
 * <p><b>Shifting the server's clock.</b> Expiry and throttling tests need time to pass on the
 * server without waiting. {@code KeycloakServer} puts a second, test-only provider next to ours:
 * {@code approval-guard-testing.jar}, packed at start from the test classes of {@code
 * io.approvalguard.testkit.testprovider} (never part of the product JAR). It serves {@code PUT
 * /realms/{realm}/approval-guard-testing/time-offset} with {@code {"offset": seconds}} and {@code
 * GET} of the same URL, answering {@code {"offset": n}}; it calls Keycloak's {@code
 * Time.setOffset}, so every {@code Time.currentTime()} on the server (ours and Keycloak's: token
 * {@code iat}/{@code exp}, session timeouts, challenge and enrolment-token expiry) jumps. Only
 * loopback callers are served (403 otherwise); an offset that is not an integer within &plusmn;400
 * days gets 400 {@code invalid_request}. Use it through the extension:
 *
 * <pre>{@code
 * @ExtendWith(KeycloakServer.class)
 * class ChallengeExpiryIT {
 *     @RegisterExtension
 *     final TimeOffset time = new TimeOffset();
 *
 *     @Test
 *     void expiredChallengeIsRejected() {
 *         // ... create a challenge ...
 *         time.shift(Duration.ofMinutes(5));   // adds up; negative goes back; whole seconds
 *         // ... assert the expiry ...
 *     }                                        // reset to 0 after the test, even when it fails
 * }
 * }</pre>
 *
 * The server is shared by every IT of the run, so never leave it shifted: if you call {@link
 * io.approvalguard.testkit.KeycloakServer#setTimeOffset(int)} directly, call {@link
 * io.approvalguard.testkit.KeycloakServer#resetTimeOffset()} in a {@code finally} block (or
 * register {@code TimeOffset}, which resets unconditionally after each test). Only Keycloak's
 * {@code Time} moves: the test JVM's clock, direct {@code Instant.now()} calls and Infinispan
 * lifespans do not. {@link io.approvalguard.testkit.DeviceClient} stamps proofs with {@link
 * io.approvalguard.testkit.KeycloakServer#serverNow()}, like a device whose clock agrees with the
 * server; build hand-made {@code iat}s from {@code serverNow()} as well. {@link
 * io.approvalguard.testkit.AdminClient} logs in again once when a shift has expired its token (any
 * 401 is retried once with a fresh token).
 *
 * <p>A typical IT:
 *
 * <pre>{@code
 * @ExtendWith(KeycloakServer.class)
 * class PushLoginIT {
 *     static final String REALM = "ag-test";
 *     static final String CALLBACK = "http://127.0.0.1:8089/callback";
 *     final AdminClient admin = AdminClient.forTestServer();
 *
 *     @Test
 *     void approvedPushSignsIn() {
 *         String userId = admin.createUser(REALM, "alice-" + UUID.randomUUID(), "pw");
 *         // ... enrol a DeviceClient through the approval-guard-register required action ...
 *         BrowserFlow browser = BrowserFlow.forTestServer().start(REALM, "ag-test-client", CALLBACK)
 *                 .submitPassword(username, "pw");
 *         String code = browser.code();
 *         Map<String, Object> challenge = device.awaitChallenge(Duration.ofSeconds(5));
 *         assertEquals(200, device.answer(challenge, "approve", code).status());
 *         assertTrue(browser.pressWait("continue").isLoggedIn());
 *     }
 * }
 * }</pre>
 */
package io.approvalguard.testkit;
