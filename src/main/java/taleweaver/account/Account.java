package taleweaver.account;

/** A players row without its avatar. */
public record Account(long id, String name, String email, String passwordHash, String callback,
                      String loginAddress, boolean addressActive) {
    public Player player() { return new Player(id, name); }
}
