package taleweaver.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import taleweaver.Config;
import taleweaver.Refusal;
import taleweaver.account.AccountDao;
import taleweaver.account.AccountService;
import taleweaver.db.Backups;
import taleweaver.db.Database;
import taleweaver.narrator.TokenDao;
import taleweaver.pvp.Presence;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The host's actions (SPEC §13): the player list, password reset, ban, kick, backup, server figures; each audited. */
public final class AdminService {
    private static final Logger audit = LoggerFactory.getLogger("taleweaver.audit");

    public record PlayerRow(String username, String email, int level, boolean online, long lastSeen, long bannedUntil, int tokensToday) {}
    public record Players(List<PlayerRow> players, int total) {}
    public record Status(int playersOnline, String narrator, long modelTokensToday, long databaseBytes, long uptimeSeconds, String version) {}
    public record BackupMade(String file) {}

    private final Database db;
    private final Config.Storage storage;
    private final AccountService accounts;
    private final Presence presence;
    private final Supplier<String> narratorState;
    private final long startedAt = System.currentTimeMillis();

    public AdminService(Database db, Config.Storage storage, AccountService accounts, Presence presence, Supplier<String> narratorState) {
        this.db = db;
        this.storage = storage;
        this.accounts = accounts;
        this.presence = presence;
        this.narratorState = narratorState;
    }

    /** Online players first, then by name; a page of them. */
    public Players players(boolean onlineOnly, int offset, int limit) {
        Map<Long, Integer> tokens = tokensToday();
        List<PlayerRow> all = accounts.listed().stream()
                .map(a -> row(a, tokens.getOrDefault(a.id(), 0)))
                .filter(r -> !onlineOnly || r.online())
                .sorted(Comparator.comparing((PlayerRow r) -> !r.online()).thenComparing(PlayerRow::username))
                .toList();
        int from = Math.min(Math.max(0, offset), all.size());
        return new Players(all.subList(from, Math.min(all.size(), from + Math.max(0, Math.min(limit, 500)))), all.size());
    }

    private PlayerRow row(AccountDao.Listed a, int tokens) {
        long seen = Math.max(a.lastSeen(), presence.lastSeen(a.id()));
        return new PlayerRow(a.name(), a.email(), a.level(), presence.online(a.id()), seen, a.bannedUntil(), tokens);
    }

    public CompletableFuture<Boolean> password(String username, String password) {
        return accounts.resetPassword(username, password);
    }

    public void ban(String username, int minutes) {
        accounts.ban(username, minutes);
    }

    public void kick(String username) {
        accounts.kick(username);
    }

    /** An online backup now, in storage.backup_dir. */
    public BackupMade backup() {
        if (storage.postgres()) throw new Refusal(501, "backup_elsewhere", Backups.ON_POSTGRES).with("reason", Backups.ON_POSTGRES);
        try {
            return new BackupMade(Backups.make(storage.database(), Backups.newFile(Path.of(storage.backupDir()))).toString());
        } catch (IOException | SQLException e) {
            throw new Refusal(500, "backup_failed", "the backup failed: " + e.getMessage());
        }
    }

    /** The scheduled backup: one now, then only the newest storage.backups_kept remain. */
    public void scheduledBackup() {
        if (storage.postgres()) return;
        try {
            backup();
            Backups.prune(Path.of(storage.backupDir()), storage.backupsKept());
        } catch (RuntimeException | IOException e) {
            LoggerFactory.getLogger(AdminService.class).error("scheduled backup failed: {}", e.getMessage());
        }
    }

    public Status status() {
        long tokens = tokensToday().values().stream().mapToLong(Integer::longValue).sum();
        long size = db.sizeBytes();
        String version = AdminService.class.getPackage().getImplementationVersion();
        return new Status(presence.onlineCount(), narratorState.get(), tokens, size, (System.currentTimeMillis() - startedAt) / 1000,
                version == null ? "dev" : version);
    }

    /** One line of the audit log, in the table and the log (who, what, never a password). */
    public void audit(String address, String action, String target, String detail) {
        db.write(h -> {
            AdminDao.audit(h, System.currentTimeMillis(), address, action, target, detail);
            return null;
        });
        audit.info("admin from {}: {} {} {}", address, action, target == null ? "" : target, detail == null ? "" : detail);
    }

    private Map<Long, Integer> tokensToday() {
        String day = LocalDate.now(ZoneOffset.UTC).toString();
        return db.read(h -> TokenDao.spent(h, day));
    }
}
