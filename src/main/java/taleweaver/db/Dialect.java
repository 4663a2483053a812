package taleweaver.db;

import org.jdbi.v3.core.Handle;

/**
 * What differs between the two databases, named once. SQLite is one file that one instance owns (one writer at a
 * time, kept in this process); PostgreSQL may be shared by several instances, so what an instance keeps in memory
 * (presence, budgets, parked waits) must also reach the others through the database, and a rule that reads before it
 * writes locks what it read.
 */
public enum Dialect {
    SQLITE, POSTGRESQL;

    /** The migrations' folder and the name {@code /health} gives. */
    public String label() { return name().toLowerCase(); }

    /** Several instances may share this database: what one keeps in memory must reach the others through it. */
    public boolean shared() { return this == POSTGRESQL; }

    /** Ends a select that a rule decides on: locks its rows to the transaction's end (SQLite's one writer already does). */
    public String lockingRead() { return this == POSTGRESQL ? " for update" : ""; }

    /**
     * Two writes as one statement where a data-modifying {@code WITH} exists (PostgreSQL: one round trip), else one
     * after the other on the same handle. Returns the second's count of rows.
     */
    public int writeBoth(Handle h, String first, Object[] firstArgs, String then, Object... thenArgs) {
        if (this == POSTGRESQL) {
            Object[] all = java.util.Arrays.copyOf(firstArgs, firstArgs.length + thenArgs.length);
            System.arraycopy(thenArgs, 0, all, firstArgs.length, thenArgs.length);
            return h.execute("with earlier as (" + first + ") " + then, all);
        }
        h.execute(first, firstArgs);
        return h.execute(then, thenArgs);
    }
}
