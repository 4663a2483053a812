package taleweaver.account;

/** A players row without its avatar. */
public record Account(long id, String name, String email, String passwordHash, String callback,
                      String loginAddress, boolean addressActive) {
    public Player player() { return new Player(id, name); }

    /** After a login from {@code address}; a null callback keeps the one there was. */
    public Account loggedIn(String newCallback, String address) {
        return new Account(id, name, email, passwordHash, newCallback != null ? newCallback : callback, address, true);
    }

    /** After /logout: address-based access ends. */
    public Account loggedOut() {
        return new Account(id, name, email, passwordHash, callback, loginAddress, false);
    }
}
