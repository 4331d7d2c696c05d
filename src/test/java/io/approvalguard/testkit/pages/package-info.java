/**
 * The test kit's page objects: what knows Approval Guard's own pages. {@link
 * io.approvalguard.testkit.pages.BrowserFlow} is the generic {@link
 * io.approvalguard.testkit.oidc.OidcBrowser} plus the push wait page, the enrolment page and the
 * status endpoint they poll; tests use it wherever a sign-in may reach one of them.
 *
 * <p>The web approver (real Chromium) is driven by the browser tests themselves ({@code
 * io.approvalguard.push.Browsers}).
 */
package io.approvalguard.testkit.pages;
