package taleweaver.account;

import org.jdbi.v3.sqlobject.SingleValue;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;

public interface AccountDao {
    String COLUMNS = "id, name, email, password_hash, callback, login_address, address_active, banned_until";

    @SqlQuery("select " + COLUMNS + " from players where name_key = ?")
    Optional<Account> byNameKey(String nameKey);

    @SqlQuery("select " + COLUMNS + " from players where id = ?")
    Optional<Account> byId(long id);

    @SqlQuery("select " + COLUMNS + " from players where email = ?")
    Optional<Account> byEmail(String email);

    @SqlUpdate("insert into players(name, name_key, email, password_hash, callback, login_address, address_active, avatar, created_at) "
            + "values (?, ?, ?, ?, ?, ?, 1, ?, ?)")
    @GetGeneratedKeys
    long insert(String name, String nameKey, String email, String passwordHash, String callback, String loginAddress,
                byte[] avatar, long createdAt);

    @SqlUpdate("update players set callback = coalesce(?, callback), login_address = ?, address_active = 1 where id = ?")
    void loggedIn(String callback, String loginAddress, long id);

    @SqlUpdate("update players set address_active = 0 where id = ?")
    void loggedOut(long id);

    /** A player's avatar, by id. */
    record Avatar(long id, byte[] avatar) {}

    @SqlQuery("select id, avatar from players where id in (<ids>)")
    List<Avatar> avatars(@BindList("ids") List<Long> ids);

    @SqlQuery("select avatar from players where id = ?")
    @SingleValue
    byte[] avatar(long id);

    @SqlUpdate("insert into sessions(token_hash, player_id, created_at) values (?, ?, ?)")
    void addSession(String tokenHash, long playerId, long createdAt);

    @SqlQuery("select player_id from sessions where token_hash = ?")
    Optional<Long> sessionPlayer(String tokenHash);

    @SqlUpdate("delete from sessions where token_hash = ?")
    void endSession(String tokenHash);

    @SqlUpdate("delete from sessions where player_id = :id and token_hash not in "
            + "(select token_hash from sessions where player_id = :id order by created_at desc limit :keep)")
    void keepNewestSessions(@org.jdbi.v3.sqlobject.customizer.Bind("id") long playerId, @org.jdbi.v3.sqlobject.customizer.Bind("keep") int keep);

    @SqlUpdate("delete from sessions where player_id = ?")
    void endAllSessions(long playerId);

    @SqlUpdate("update players set password_hash = ?, address_active = 0 where id = ?")
    void setPassword(String hash, long id);

    @SqlUpdate("update players set banned_until = ?, address_active = 0 where id = ?")
    void ban(long until, long id);

    @SqlUpdate("update players set address_active = 0, last_seen = ? where id = ?")
    void kicked(long at, long id);

    @SqlUpdate("update players set last_seen = ? where id = ?")
    void seen(long at, long id);

    /** Offline on every instance at once (several instances share who is online through this table). */
    @SqlUpdate("delete from presence where player_id = ?")
    void notPresent(long id);

    /** A row of the host's player list. */
    record Listed(long id, String name, String email, int level, long lastSeen, long bannedUntil) {}

    @SqlQuery("select p.id, p.name, p.email, coalesce(c.level, 1) as level, p.last_seen, p.banned_until "
            + "from players p left join characters c on c.player_id = p.id order by p.name")
    List<Listed> listed();

    @SqlQuery("select token_hash from sessions where player_id = ?")
    List<String> sessionHashes(long playerId);

    /** Login attempts counted under a key ({@code a:} an account, {@code ip:} an address), and when they last grew. */
    record Failures(int failures, long lastAt) {}

    /**
     * One attempt more, in one statement that returns the new count: a count older than {@code lockoutMillis} starts
     * again; once past {@code limit} the time stays (attempts while locked do not lengthen the lock).
     */
    static Failures countAttempt(org.jdbi.v3.core.Handle h, String key, long now, long lockoutMillis, int limit) {
        return h.createQuery("insert into login_failures(key, failures, last_at) values (?, 1, ?) on conflict(key) do update set "
                        + "failures = case when ? - login_failures.last_at > ? then 1 else login_failures.failures + 1 end, "
                        + "last_at = case when ? - login_failures.last_at > ? or login_failures.failures < ? then ? else login_failures.last_at end "
                        + "returning failures, last_at")
                .bind(0, key).bind(1, now).bind(2, now).bind(3, lockoutMillis).bind(4, now).bind(5, lockoutMillis).bind(6, limit).bind(7, now)
                .map((rs, ctx) -> new Failures(rs.getInt(1), rs.getLong(2))).one();
    }

    static Optional<Failures> failures(org.jdbi.v3.core.Handle h, String key) {
        return h.createQuery("select failures, last_at from login_failures where key = ?").bind(0, key)
                .map((rs, ctx) -> new Failures(rs.getInt(1), rs.getLong(2))).findOne();
    }

    static void forgetAttempts(org.jdbi.v3.core.Handle h, String key) {
        h.execute("delete from login_failures where key = ?", key);
    }

    static void takeBackAttempt(org.jdbi.v3.core.Handle h, String key) {
        h.execute("update login_failures set failures = failures - 1 where key = ? and failures > 0", key);
    }

    static void forgetAttemptsBefore(org.jdbi.v3.core.Handle h, long before) {
        h.execute("delete from login_failures where last_at < ?", before);
    }
}
