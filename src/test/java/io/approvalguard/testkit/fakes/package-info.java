/**
 * A fake Keycloak for unit tests of server-side code, with no Keycloak running.
 *
 * <ul>
 *   <li>{@link io.approvalguard.testkit.fakes.FakeKeycloak}: one realm with one client, its users
 *       ({@link io.approvalguard.testkit.fakes.FakeUser}, devices stored as credentials), browser
 *       tabs ({@link io.approvalguard.testkit.fakes.FakeAuthSession}), the risk table, brute-force
 *       lock-outs, and what the code under test sent: events ({@link
 *       io.approvalguard.testkit.fakes.RecordedEvents}), provider events, background jobs.
 *   <li>{@link io.approvalguard.testkit.fakes.FakeRequest}: one HTTP request, a session and its one
 *       transaction ({@link io.approvalguard.testkit.fakes.FakeTransactionManager}), which the test
 *       commits or rolls back; two open requests are two transactions at once.
 *   <li>{@link io.approvalguard.testkit.fakes.DeferringSingleUseStore}: Keycloak's single-use store
 *       as Infinispan behaves: {@code put} at commit, claims and removals at once.
 *   <li>{@link io.approvalguard.testkit.fakes.StrictProxy}: every Keycloak interface is faked with
 *       a proxy that answers only what it was written for and throws {@code
 *       UnsupportedOperationException} naming any other method, so a fake never answers a question
 *       it was not meant to.
 * </ul>
 *
 * <p>A test of the approval engine:
 *
 * <pre>{@code
 * FakeKeycloak keycloak = new FakeKeycloak();
 * FakeUser alice = keycloak.addUser("alice");
 * Opening opening = keycloak.call(request -> new ApprovalEngine(request.session())
 *         .open(tab.binding(), keycloak.client(), alice.model(), ip, context, purpose, policy, request.event()));
 * }</pre>
 *
 * Keycloak's clock is moved with {@code Time.setOffset}; reset it after each test.
 */
package io.approvalguard.testkit.fakes;
