package taleweaver.account;

/** Who a request acts for: the account's id and its name as registered. */
public record Player(long id, String name) {}
