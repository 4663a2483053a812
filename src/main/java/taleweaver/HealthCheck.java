package taleweaver;

import taleweaver.db.Database;
import taleweaver.narrator.ModelClient;

/** /health (SPEC §8): the database's answer to a probe, asked at most once a second (load balancers poll it), and the narrator's state. */
final class HealthCheck {
    private final Database db;
    private final ModelClient model;
    private final String provider;
    private volatile boolean dbOk = true;
    private volatile long dbCheckedAt = System.nanoTime() - 2_000_000_000L;

    HealthCheck(Database db, ModelClient model, String provider) {
        this.db = db;
        this.model = model;
        this.provider = provider;
    }

    boolean dbHealthy() {
        long now = System.nanoTime();
        if (now - dbCheckedAt > 1_000_000_000L) {
            dbOk = db.healthy();
            dbCheckedAt = now;
        }
        return dbOk;
    }

    String narratorState() {
        return model != null && model.down() ? "openai (down)" : provider;
    }
}
