package taleweaver.account;

/** A players row without its avatar. */
public record Account(long id, String name, String email, String passwordHash, String callback,
                      String loginAddress, boolean addressActive, long bannedUntil) {
    public Player player() { return new Player(id, name); }

    public boolean banned(long now) { return bannedUntil > now; }

    /** After a login from {@code address}; a null callback keeps the one there was. */
    public Account loggedIn(String newCallback, String address) {
        return new Account(id, name, email, passwordHash, newCallback != null ? newCallback : callback, address, true, bannedUntil);
    }
}
