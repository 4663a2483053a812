package taleweaver.account;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.character.CharacterService;
import taleweaver.db.Daos;
import taleweaver.db.Database;
import taleweaver.db.Signals;
import taleweaver.images.Png;
import taleweaver.images.ProceduralImages;
import taleweaver.pvp.Presence;

import static taleweaver.account.AccountRefusals.banned;
import static taleweaver.account.AccountRefusals.emailTaken;
import static taleweaver.account.AccountRefusals.locked;
import static taleweaver.account.AccountRefusals.nameTaken;
import static taleweaver.account.AccountRefusals.unknownPlayer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * Sign-up, login, logout and sessions (SPEC §2), and the host's actions on them (SPEC §13). Every change is written
 * first, then told to the {@link AccountCache}; wrong passwords are counted by the {@link LoginGuard} before hashing.
 */
public final class AccountService {
    public static final int AVATAR_MAX_BYTES = 256 * 1024;
    /** Sessions a player keeps at once (devices); a login past that ends the oldest. */
    static final int SESSIONS_KEPT = 5;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");

    public record SignupReply(String token) {}
    public record LoginReply(String username, String token) {}

    /** What a client sent to /signup; {@code address} is the remote address the request came from. */
    public record Signup(String email, String username, String password, String ip, String imageData, String address) {}

    private final Database db;
    private final Passwords passwords;
    private final NameRules names;
    private final CharacterService characters;
    private final Presence presence;
    private final LoginGuard guard;
    private final AccountCache cache = new AccountCache();
    /** Where account writes run after bcrypt: never on the low-priority hashing threads. */
    private final Executor writes;

    private final Signals signals;
    /** Told when a player's sessions end (logout, kick, ban, reset): their party lets them go (SPEC §16). */
    private final List<java.util.function.Consumer<Player>> departures = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void onDeparture(java.util.function.Consumer<Player> listener) {
        departures.add(listener);
    }

    /** Told when a player has joined (their signup committed): the ladder gains a row. */
    private final List<Runnable> joinings = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void onJoined(Runnable listener) {
        joinings.add(listener);
    }

    private void departed(Player player) {
        for (var listener : departures) {
            try {
                listener.accept(player);
            } catch (RuntimeException e) { // the sessions have ended whatever a listener makes of it
                org.slf4j.LoggerFactory.getLogger(AccountService.class).warn("after {} left: {}", player.name(), e.toString());
            }
        }
    }

    public AccountService(Config.Auth config, Database db, Passwords passwords, NameRules names,
                          CharacterService characters, Presence presence, Executor writes, Signals signals) {
        this.writes = writes;
        this.signals = signals;
        this.db = db;
        this.passwords = passwords;
        this.names = names;
        this.characters = characters;
        this.presence = presence;
        this.guard = new LoginGuard(db, config.maxFailedLogins(), config.lockoutMinutes());
    }

    public CompletableFuture<SignupReply> signup(Signup s) {
        String email = s.email().toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(email).matches() || email.length() > 254) throw new Refusal(400, "bad_email", "that is not an email address");
        if (s.password().isEmpty()) throw new Refusal(400, "empty_password", "the password is empty");
        if (!Callback.valid(s.ip())) throw new Refusal(400, "bad_ip", "ip must be host:port");
        names.nameProblem(s.username()).ifPresent(reason -> {
            throw new Refusal(422, "name_not_allowed", reason).with("reason", reason);
        });
        if (byName(s.username()).isPresent()) throw nameTaken();
        if (db.read(AccountDao.class, dao -> dao.byEmail(email)).isPresent()) throw emailTaken();
        byte[] sent = Png.decode(s.imageData(), AVATAR_MAX_BYTES);
        byte[] avatar = sent != null ? sent : ProceduralImages.portrait(s.username());
        return passwords.hash(s.password()).thenApplyAsync(hash -> {
            String token = Passwords.newToken();
            long now = System.currentTimeMillis();
            long since = cache.now();
            long id;
            try {
                id = db.write(h -> {
                    var dao = Daos.on(h, AccountDao.class);
                    if (dao.byNameKey(NameRules.key(s.username())).isPresent()) throw nameTaken();
                    if (dao.byEmail(email).isPresent()) throw emailTaken();
                    long newId = dao.insert(s.username(), NameRules.key(s.username()), email, hash, s.ip(), s.address(), avatar, now);
                    dao.addSession(Passwords.tokenHash(token), newId, now);
                    characters.create(h, newId);
                    if (db.dialect().shared()) Presence.shareNow(h, newId, now); // online on every instance at once
                    joinings.forEach(h::afterCommit);
                    return newId;
                });
            } catch (UnableToExecuteStatementException e) { // a unique index caught a race the checks above did not
                String which = String.valueOf(e.getMessage()); // the index's name as SQLite and PostgreSQL say it
                throw which.contains("players.email") || which.contains("players_email_key") ? emailTaken() : nameTaken();
            }
            cache.session(Passwords.tokenHash(token), id, since);
            Account account = new Account(id, s.username(), email, hash, s.ip(), s.address(), true, 0);
            cache.account(NameRules.key(s.username()), account, since);
            presence.seen(account.player());
            return new SignupReply(token);
        }, writes);
    }

    public CompletableFuture<LoginReply> login(String email, String password, String ip, String address) {
        long now = System.currentTimeMillis();
        if (ip != null && !Callback.valid(ip)) throw new Refusal(400, "bad_ip", "ip must be host:port");
        long addressWait = guard.addressLocked(address, now);
        if (addressWait > 0) throw locked(addressWait);
        Account account = db.read(AccountDao.class, dao -> dao.byEmail(email.toLowerCase(Locale.ROOT)))
                .orElseThrow(() -> new Refusal(404, "not_registered", "no account has that email"));
        if (account.banned(now)) throw banned(account.bannedUntil() - now);
        long wait = guard.attempt(account.id(), address, now); // counted before hashing: parallel guesses see each other
        if (wait > 0) throw locked(wait);
        return passwords.matches(password, account.passwordHash()).thenApplyAsync(ok -> {
            if (!ok) throw new Refusal(401, "wrong_password", "wrong password");
            guard.succeeded(account.id(), address);
            String token = Passwords.newToken();
            long since = cache.now();
            List<String> dropped = db.write(h -> {
                var dao = Daos.on(h, AccountDao.class);
                dao.loggedIn(ip, address, account.id());
                dao.seen(System.currentTimeMillis(), account.id());
                dao.addSession(Passwords.tokenHash(token), account.id(), System.currentTimeMillis());
                if (db.dialect().shared()) Presence.shareNow(h, account.id(), System.currentTimeMillis()); // online on every instance at once
                var before = new ArrayList<>(dao.sessionHashes(account.id()));
                dao.keepNewestSessions(account.id(), SESSIONS_KEPT);
                before.removeAll(dao.sessionHashes(account.id()));
                signals.send(h, Signals.Kind.ACCOUNT, String.valueOf(account.id())); // its callback, address, sessions
                return before;
            });
            dropped.forEach(cache::sessionEnded); // the oldest device's token, when this login was one too many
            cache.session(Passwords.tokenHash(token), account.id(), since);
            Account fresh = account.loggedIn(ip, address);
            cache.account(NameRules.key(account.name()), fresh, since);
            presence.seen(fresh.player());
            return new LoginReply(account.name(), token);
        }, writes);
    }

    /** Ends the session: the token used (or every token, when none was sent) and address-based access. */
    public void logout(Player player, String token) {
        List<String> ended = db.write(h -> {
            var dao = Daos.on(h, AccountDao.class);
            List<String> hashes = token != null ? List.of(Passwords.tokenHash(token)) : dao.sessionHashes(player.id());
            if (token != null) dao.endSession(hashes.get(0)); else dao.endAllSessions(player.id());
            dao.loggedOut(player.id());
            dao.seen(System.currentTimeMillis(), player.id());
            dao.notPresent(player.id());
            signals.send(h, Signals.Kind.OFFLINE, String.valueOf(player.id()));
            return hashes;
        });
        cache.changed(player.id());
        ended.forEach(cache::sessionEnded);
        presence.offline(player);
        departed(player);
    }

    public Optional<Account> byName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) return Optional.empty();
        String key = NameRules.key(name);
        return Optional.ofNullable(cache.account(key, k -> db.read(AccountDao.class, dao -> dao.byNameKey(k)).orElse(null)));
    }

    public Optional<Account> byId(long id) {
        return db.read(AccountDao.class, dao -> dao.byId(id));
    }

    /** A player's name by id (names never change, so they are kept once read). */
    public String nameOf(long id) {
        String name = cache.name(id, key -> byId(key).map(Account::name).orElse(null));
        return name == null ? "?" : name;
    }

    public boolean tokenBelongsTo(String token, long playerId) {
        if (token == null || token.isEmpty() || token.length() > 128) return false;
        String hash = Passwords.tokenHash(token);
        Long owner = cache.sessionOwner(hash, k -> db.read(AccountDao.class, dao -> dao.sessionPlayer(k)).orElse(null));
        return owner != null && owner == playerId;
    }

    /** Avatars of {@code ids} in one query, by id (missing ids are absent). */
    public java.util.Map<Long, byte[]> avatars(List<Long> ids) {
        if (ids.isEmpty()) return java.util.Map.of();
        var out = new java.util.HashMap<Long, byte[]>();
        db.read(AccountDao.class, dao -> dao.avatars(ids)).forEach(a -> out.put(a.id(), a.avatar()));
        return out;
    }

    public byte[] avatar(long playerId) {
        return db.read(AccountDao.class, dao -> dao.avatar(playerId));
    }

    /** Another instance changed this player's account or sessions: what is cached of them is read again when needed. */
    public void forget(long playerId) {
        cache.changed(playerId);
    }

    /** The other instances' changes may have been missed: every cached account and session is read again. */
    public void forgetAll() {
        cache.changedAll();
    }

    public void sweep(long now) {
        guard.sweep(now);
    }

    // ------------------------------------------------------------------ the host's actions (SPEC §13)

    /** Sets a player's password (the client's hash, as at /signup) and ends their sessions. */
    public CompletableFuture<Boolean> resetPassword(String name, String password) {
        if (password == null || password.isEmpty()) throw new Refusal(400, "empty_password", "the password is empty");
        Account account = byName(name).orElseThrow(() -> unknownPlayer(name));
        return passwords.hash(password).thenApplyAsync(hash -> {
            endSessions(account, dao -> dao.setPassword(hash, account.id()));
            return true;
        }, writes);
    }

    /** Bans a player for {@code minutes} (0 lifts the ban) and ends their sessions. */
    public void ban(String name, int minutes) {
        Account account = byName(name).orElseThrow(() -> unknownPlayer(name));
        long until = minutes <= 0 ? 0 : System.currentTimeMillis() + minutes * 60_000L;
        endSessions(account, dao -> dao.ban(until, account.id()));
    }

    /** Ends a player's sessions and marks them offline. */
    public void kick(String name) {
        Account account = byName(name).orElseThrow(() -> unknownPlayer(name));
        endSessions(account, dao -> dao.kicked(System.currentTimeMillis(), account.id()));
    }

    private void endSessions(Account account, java.util.function.Consumer<AccountDao> change) {
        List<String> ended = db.write(h -> {
            var dao = Daos.on(h, AccountDao.class);
            List<String> hashes = dao.sessionHashes(account.id());
            dao.endAllSessions(account.id());
            change.accept(dao);
            dao.notPresent(account.id());
            signals.send(h, Signals.Kind.OFFLINE, String.valueOf(account.id()));
            return hashes;
        });
        cache.changed(account.id());
        ended.forEach(cache::sessionEnded);
        presence.offline(account.player());
        departed(account.player());
    }

    public List<AccountDao.Listed> listed() {
        return db.read(AccountDao.class, AccountDao::listed);
    }

}
