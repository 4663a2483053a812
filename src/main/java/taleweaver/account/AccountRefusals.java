package taleweaver.account;

import taleweaver.Refusal;

/** The refusals of sign-up, login and the host's actions (SPEC §2, §13), each with its code. */
final class AccountRefusals {
    private AccountRefusals() {}

    static Refusal nameTaken() { return new Refusal(409, "name_taken", "that name is taken"); }

    static Refusal emailTaken() { return new Refusal(410, "email_registered", "that email is already registered"); }

    static Refusal unknownPlayer(String name) {
        return new Refusal(404, "unknown_player", "no player is called " + name);
    }

    /** A banned player's login: 403 with a reason and how long the ban still lasts. */
    static Refusal banned(long millisLeft) {
        long minutes = minutesLeft(millisLeft);
        return new Refusal(403, "banned", "this account is banned for " + minutes + " more min")
                .with("reason", "banned by the host for " + minutes + " more minutes").with("minutes", minutes);
    }

    /** The lockout refusal; {@code minutes} (rounded up) tells clients how long it lasts. */
    static Refusal locked(long millisLeft) {
        long minutes = minutesLeft(millisLeft);
        return new Refusal(429, "locked", "too many wrong passwords; try again in " + minutes + " min").with("minutes", minutes);
    }

    /** Whole minutes, rounded up, so "1 min" is never said of a few seconds too many. */
    private static long minutesLeft(long millis) {
        return (millis + 59_999) / 60_000;
    }
}
