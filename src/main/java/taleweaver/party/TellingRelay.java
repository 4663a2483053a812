package taleweaver.party;

import taleweaver.Jobs;
import taleweaver.db.Database;
import taleweaver.db.Signals;

import java.util.function.Consumer;

/**
 * Where one round's telling goes as it is written (SPEC §16): to the members waiting on this instance at once, and on
 * PostgreSQL to the other instances in batches sent at most every {@link #BATCH_MILLIS} (a signal carrying the batch
 * and where it starts), so every member sees the same words at the same pace wherever they are connected.
 */
final class TellingRelay implements Consumer<String> {
    static final long BATCH_MILLIS = 200;

    private final String partyId;
    private final int round;
    private final long stamp;
    private final PartyWaits waits;
    private final Database db;
    private final Signals signals;
    private final Jobs jobs;
    private int offset;
    private final StringBuilder pending = new StringBuilder();
    private int pendingFrom;
    private boolean scheduled;

    TellingRelay(String partyId, int round, long stamp, PartyWaits waits, Database db, Signals signals, Jobs jobs) {
        this.partyId = partyId;
        this.round = round;
        this.stamp = stamp;
        this.waits = waits;
        this.db = db;
        this.signals = signals;
        this.jobs = jobs;
    }

    @Override
    public void accept(String piece) {
        if (piece == null || piece.isEmpty()) return;
        synchronized (this) {
            waits.told(partyId, stamp, offset, piece);
            if (db.dialect().shared()) {
                if (pending.isEmpty()) pendingFrom = offset;
                pending.append(piece);
                if (!scheduled) {
                    scheduled = true;
                    jobs.after(BATCH_MILLIS, this::flush);
                }
            }
            offset += piece.length();
        }
    }

    /** Sends what is pending to the other instances. */
    void flush() {
        String batch;
        int from;
        synchronized (this) {
            scheduled = false;
            if (pending.isEmpty()) return;
            batch = pending.toString();
            from = pendingFrom;
            pending.setLength(0);
        }
        try {
            db.write(h -> {
                signals.send(h, Signals.Kind.PARTY_TEXT, partyId + "\n" + stamp + "\n" + from + "\n" + batch);
                return null;
            });
        } catch (RuntimeException e) { // the resolution carries the whole text anyway
            org.slf4j.LoggerFactory.getLogger(TellingRelay.class).warn("party {} round {}: words not relayed: {}", partyId, round, e.toString());
        }
    }
}
