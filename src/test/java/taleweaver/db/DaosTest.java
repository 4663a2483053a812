package taleweaver.db;

import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;
import taleweaver.account.Account;
import taleweaver.account.AccountDao;
import taleweaver.character.CharacterDao;
import taleweaver.character.Sheet;
import taleweaver.pvp.PvpDao;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The game's own DAOs run through {@link Daos} on both databases: every way a method binds and returns. */
class DaosTest {
    interface Scratch {
        @SqlQuery("select ? + 1")
        int next(int n);

        default int plusTwo(int n) {
            return next(next(n));
        }
    }

    interface Broken {
        int noSql(int n);
    }

    @Test
    void keysOptionalsListsOneValueBytesNamedMethodsAndListsBindAsJdbisSqlObjectsDid(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            long ann = db.write(h -> Daos.on(h, AccountDao.class).insert("Ann", "ann", "ann@x.y", "hash", null, "10.0.0.1:1", new byte[] {1, 2, 3}, 5));
            long bob = db.write(h -> Daos.on(h, AccountDao.class).insert("Bob", "bob", "bob@x.y", "hash", "http://cb", "10.0.0.2:1", new byte[] {9}, 6));
            assertTrue(ann > 0 && bob > ann, "the generated keys: " + ann + ", " + bob);

            Account a = db.read(AccountDao.class, dao -> dao.byId(ann)).orElseThrow();
            assertEquals("Ann", a.name());
            assertNull(a.callback(), "a null String bound by its declared type");
            assertEquals(Optional.empty(), db.read(AccountDao.class, dao -> dao.byNameKey("nobody")));
            assertArrayEquals(new byte[] {1, 2, 3}, db.read(AccountDao.class, dao -> dao.avatar(ann)), "byte[]: one value, not rows");
            assertNull(db.read(AccountDao.class, dao -> dao.avatar(999_999)), "one value of no row is null");
            assertEquals(List.of(ann, bob), db.read(AccountDao.class, dao -> dao.avatars(List.of(bob, ann))).stream()
                    .map(AccountDao.Avatar::id).sorted().toList(), "a bound list");

            db.write(h -> {
                var dao = Daos.on(h, AccountDao.class);
                dao.loggedIn(null, "10.0.0.9:2", bob); // coalesce(null, callback) keeps the callback
                for (int i = 0; i < 4; i++) dao.addSession("s" + i, ann, 100 + i);
                dao.keepNewestSessions(ann, 2); // named parameters, one of them used twice
                return null;
            });
            assertEquals("http://cb", db.read(AccountDao.class, dao -> dao.byId(bob)).orElseThrow().callback());
            assertEquals(List.of("s2", "s3"), db.read(AccountDao.class, dao -> dao.sessionHashes(ann)).stream().sorted().toList());
            assertEquals(Optional.of(ann), db.read(AccountDao.class, dao -> dao.sessionPlayer("s3")));

            var sheet = new Sheet(ann, 2, 3, 4, 5, 6, 7, 8, 9, 10);
            db.write(h -> {
                Daos.on(h, CharacterDao.class).insert(sheet); // a record's accessors by name
                return null;
            });
            assertEquals(Optional.of(sheet), db.read(CharacterDao.class, dao -> dao.sheet(ann)));

            int none = db.read(PvpDao.class, dao -> dao.activeBattlesOf(ann, ann)); // positional, a count
            assertEquals(0, none);
            assertEquals(0, (int) db.write(h -> Daos.on(h, PvpDao.class).answer("accepted", 1, "no-such-challenge")), "an update's count");

            assertEquals(6, (int) db.read(Scratch.class, s -> s.plusTwo(4)), "a default method calls the others");
            assertTrue(db.read(Scratch.class, Object::toString).startsWith("Scratch on "));
        }
    }

    @Test
    void aMethodWithoutSqlIsRefusedWhenTheInterfaceIsFirstUsed(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            var e = assertThrows(IllegalStateException.class, () -> db.read(Broken.class, b -> b.noSql(1)));
            assertTrue(e.getMessage().contains("noSql"), e.getMessage());
        }
    }

    interface WrongUpdate {
        @SqlUpdate("delete from sessions where token_hash = ?")
        String gone(String hash);
    }

    interface Unread {
        @SqlQuery("select <column> from accounts")
        List<String> column(@org.jdbi.v3.sqlobject.customizer.Define("column") String column);
    }

    @Test
    void aJdbiAnnotationDaosDoesNotReadIsRefusedRatherThanIgnored(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            var e = assertThrows(IllegalStateException.class, () -> db.read(Unread.class, u -> u.column("name")));
            assertTrue(e.getMessage().contains("@Define"), e.getMessage());
        }
    }

    @Test
    void anUpdateReturningSomethingElseThanItsCountIsRefused(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            assertThrows(IllegalStateException.class, () -> db.read(WrongUpdate.class, w -> w.gone("x")));
        }
    }
}
