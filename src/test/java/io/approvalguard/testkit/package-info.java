/**
 * The integration-test kit of Approval Guard.
 *
 * <ul>
 *   <li>{@link io.approvalguard.testkit.KeycloakServer}: one Keycloak (start-dev, fresh H2, our
 *       provider, realms from {@code src/test/resources/realms}) for the whole failsafe run.</li>
 *   <li>{@link io.approvalguard.testkit.AdminClient}: users, credentials, sessions, events.</li>
 *   <li>{@link io.approvalguard.testkit.BrowserFlow}: a login in a scripted, cookie-keeping
 *       browser without JavaScript, with helpers for the wait and enrolment pages.</li>
 *   <li>{@link io.approvalguard.testkit.DeviceClient}: the reference device of
 *       {@code docs/device-api.md}; {@link io.approvalguard.testkit.ProofSpec} bends its proofs
 *       for attack tests.</li>
 *   <li>{@link io.approvalguard.testkit.Chromium}: real headless Chromium for pages that need
 *       JavaScript (the web approver, the wait page's polling).</li>
 * </ul>
 *
 * <p>A typical IT:
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
