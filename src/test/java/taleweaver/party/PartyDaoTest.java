package taleweaver.party;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the party's rows are read, on the database the run uses (SQLite, or PostgreSQL with -Dtaleweaver.test.db). */
class PartyDaoTest {
    /**
     * A round's scene and every /party_status read the quest's newest told rounds. Between them lie the party's chat and
     * declarations, as many as its members wrote: the rounds are found through their own index, not by reading those.
     */
    @Test
    void theNewestToldRoundsAreFoundWithoutReadingTheChatBetweenThem(@TempDir Path dir) {
        try (var db = TestConfig.database(dir)) {
            List<String> plan = db.write(h -> {
                String explain = TestConfig.postgres() ? "explain " : "explain query plan ";
                if (TestConfig.postgres()) h.execute("set local enable_seqscan = off"); // an empty table is otherwise read whole
                return h.createQuery(explain + PartyDao.RECENT_RESOLVED).bind(0, "p").bind(1, 3)
                        .map((rs, ctx) -> rs.getString(TestConfig.postgres() ? 1 : 4)).list();
            });
            assertTrue(String.join("\n", plan).contains("party_events_resolved"), "the plan: " + plan);
        }
    }
}
