package io.approvalguard.governance.kinds;

import static io.approvalguard.governance.kinds.KindFixtures.BY;
import static io.approvalguard.governance.kinds.KindFixtures.change;
import static io.approvalguard.governance.kinds.KindFixtures.parsed;
import static io.approvalguard.governance.kinds.KindFixtures.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.approvalguard.testkit.fakes.FakeDirectory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code reset_password}, {@code change_email} and {@code unlock_user}. */
class AccountKindsTest {

    private final FakeDirectory directory = new FakeDirectory();
    private final FakeDirectory.Person alice = directory.addUser("alice", "alice@example.org");

    // reset_password

    @Test
    void aPasswordResetLinkLivesFifteenMinutesUnlessAsked() throws ChangeInvalid {
        ResetPassword kind = new ResetPassword();
        assertEquals(
                Map.of("link_lifetime_seconds", 900L), parsed(directory, kind, alice, Map.of()));
        assertEquals(
                Map.of("link_lifetime_seconds", 300L),
                parsed(directory, kind, alice, change("link_lifetime_seconds", 300)));
        assertEquals(
                Map.of("link_lifetime_seconds", 3600L),
                parsed(directory, kind, alice, change("link_lifetime_seconds", 3600.0)));
        assertTrue(kind.endsSessions());
    }

    @Test
    void aPasswordResetRefusesBadLifetimesAndPasswords() {
        ResetPassword kind = new ResetPassword();
        for (Object bad : List.of(299, 3601, -1, 0, 900.5, "900", true, List.of(900))) {
            refused(
                    directory,
                    kind,
                    alice,
                    change("link_lifetime_seconds", bad),
                    "link_lifetime_seconds must be a whole number from 300 to 3600");
        }
        refused(
                directory,
                kind,
                alice,
                change("link_lifetime_seconds", null),
                "link_lifetime_seconds is required");
        refused(
                directory,
                kind,
                alice,
                change("password", "hunter2"),
                "unknown member(s) [password]");
        refused(directory, kind, alice, change("temporary", true), "unknown member(s) [temporary]");
    }

    @Test
    void aPasswordResetNeedsAnAddressAnSmtpServerAndAnEnabledUser() throws ChangeInvalid {
        ResetPassword kind = new ResetPassword();
        FakeDirectory.Person nomail = directory.addUser("nomail", null);
        refused(directory, kind, nomail, Map.of(), "the user has no email address");
        directory.setSmtp(false);
        refused(directory, kind, alice, Map.of(), "the realm has no SMTP server");
        directory.setSmtp(true);
        alice.setEnabled(false);
        refused(directory, kind, alice, Map.of(), "the user is disabled");
        alice.setEnabled(true);
        Map<String, Object> normalised = parsed(directory, kind, alice, Map.of());
        alice.setEmail(null);
        assertEquals(
                Optional.of("the user has no email address to send the reset link to"),
                kind.precheck(directory.session(), directory.realm(), alice.model(), normalised));
    }

    // change_email

    @Test
    void anEmailChangeNamesBothAddressesAndNeedsVerification() throws ChangeInvalid {
        ChangeEmail kind = new ChangeEmail();
        Map<String, Object> normalised =
                parsed(directory, kind, alice, change("new_email", "  Alice.New@Example.org "));
        assertEquals(List.of("old_email", "new_email"), List.copyOf(normalised.keySet()), "order");
        assertEquals(
                Map.of("old_email", "alice@example.org", "new_email", "alice.new@example.org"),
                normalised);

        Map<String, Object> done =
                kind.apply(directory.session(), directory.realm(), alice.model(), normalised, BY);
        assertEquals("alice.new@example.org", alice.email());
        assertFalse(alice.emailVerified());
        assertTrue(alice.requiredActions().contains("VERIFY_EMAIL"));
        assertEquals(false, done.get("email_verified"));
        assertEquals(
                Optional.of("the user's email address has changed since the request was filed"),
                kind.precheck(directory.session(), directory.realm(), alice.model(), normalised));
    }

    @Test
    void aUserWithoutAnAddressGetsOne() throws ChangeInvalid {
        FakeDirectory.Person nomail = directory.addUser("nomail", null);
        assertEquals(
                Map.of("new_email", "n@example.org"),
                parsed(directory, new ChangeEmail(), nomail, change("new_email", "n@example.org")));
    }

    @Test
    void anEmailChangeRefusesBadTakenAndUnchangedAddresses() {
        ChangeEmail kind = new ChangeEmail();
        directory.addUser("bob", "bob@example.org");
        refused(directory, kind, alice, Map.of(), "new_email is required");
        for (String bad : List.of("not-an-address", "a@", "@example.org", "a b@example.org")) {
            refused(directory, kind, alice, change("new_email", bad), "not a valid email address");
        }
        refused(directory, kind, alice, change("new_email", 7), "new_email must be a string");
        refused(
                directory,
                kind,
                alice,
                change("new_email", "x@example.org\n"),
                "must not contain control characters");
        refused(
                directory,
                kind,
                alice,
                change("new_email", "ALICE@example.org"),
                "already the user's email address");
        refused(
                directory,
                kind,
                alice,
                change("new_email", "Bob@example.org"),
                "belongs to another user");
        refused(
                directory,
                kind,
                alice,
                change("new_email", "n@example.org", "old_email", "other@example.org"),
                "old_email is not the user's current email address");
        refused(
                directory,
                kind,
                alice,
                change("new_email", "n@example.org", "email_verified", true),
                "unknown member(s) [email_verified]");
        directory.setEmailAsUsername(true);
        refused(
                directory,
                kind,
                alice,
                change("new_email", "n@example.org"),
                "uses the email address as username");
    }

    @Test
    void duplicateAddressesAreAcceptedWhereTheRealmAllowsThem() throws ChangeInvalid {
        directory.addUser("bob", "bob@example.org");
        directory.setDuplicateEmailsAllowed(true);
        assertEquals(
                "bob@example.org",
                parsed(directory, new ChangeEmail(), alice, change("new_email", "bob@example.org"))
                        .get("new_email"));
    }

    // unlock_user

    @Test
    void unlockEnablesAndClearsLockOuts() throws ChangeInvalid {
        UnlockUser kind = new UnlockUser();
        alice.setEnabled(false);
        directory.setLockedOut(alice, true, true);
        Map<String, Object> normalised = parsed(directory, kind, alice, Map.of());
        assertEquals(Map.of("enable", true, "unlock", true), normalised);

        Map<String, Object> done =
                kind.apply(directory.session(), directory.realm(), alice.model(), normalised, BY);
        assertEquals(Map.of("enabled", true, "unlocked", true), done);
        assertTrue(alice.enabled());
        assertFalse(directory.isLockedOut(alice));
        assertEquals(List.of(alice.id()), directory.loginFailuresRemoved());
        assertFalse(kind.endsSessions());
        assertEquals(
                Optional.of("the user is neither disabled nor locked out"),
                kind.precheck(directory.session(), directory.realm(), alice.model(), normalised));
    }

    @Test
    void unlockOfAUserWhoIsOnlyLockedOrOnlyDisabled() throws ChangeInvalid {
        UnlockUser kind = new UnlockUser();
        directory.setLockedOut(alice, true, false);
        Map<String, Object> normalised = parsed(directory, kind, alice, change("enable", true));
        assertEquals(
                Map.of("enabled", false, "unlocked", true),
                kind.apply(directory.session(), directory.realm(), alice.model(), normalised, BY));

        FakeDirectory.Person bob = directory.addUser("bob", "bob@example.org");
        bob.setEnabled(false);
        assertEquals(
                Map.of("enabled", true, "unlocked", false),
                kind.apply(
                        directory.session(),
                        directory.realm(),
                        bob.model(),
                        parsed(directory, kind, bob, Map.of()),
                        BY));
    }

    @Test
    void unlockRefusesAUserWhoNeedsNoneAndOtherMembers() {
        UnlockUser kind = new UnlockUser();
        refused(directory, kind, alice, Map.of(), "neither disabled nor locked out");
        alice.setEnabled(false);
        refused(directory, kind, alice, change("enable", false), "may only be true");
        refused(directory, kind, alice, change("unlock", "yes"), "unlock must be true or false");
        refused(directory, kind, alice, change("unlock", null), "unlock must be true or false");
        refused(directory, kind, alice, change("reset", true), "unknown member(s) [reset]");
    }
}
