package taleweaver.party;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import taleweaver.TestConfig;

import java.nio.file.Path;

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
            String plan = TestConfig.plan(db, PartyDao.RECENT_RESOLVED, "p", 3);
            assertTrue(plan.contains("party_events_resolved"), plan);
        }
    }
}
