package taleweaver.db;

import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.RowMapperFactory;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.jdbi.v3.core.statement.StatementContext;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rows into records, each component from the column of the same name ({@code player_id} fills {@code playerId}).
 * JDBI's {@link ConstructorMapper} matched names to parameters anew for every query and read each parameter's
 * annotations to do it (the most a road event allocated); here a record's constructor is found once and the match of
 * its components to a query's columns is kept per query. A record with a component of another type than these simple
 * ones is left to {@link ConstructorMapper}.
 */
final class RecordRows implements RowMapperFactory {
    private static final Set<Class<?>> SIMPLE = Set.of(long.class, Long.class, int.class, Integer.class, boolean.class, Boolean.class,
            double.class, Double.class, String.class, byte[].class);

    private final Map<Class<?>, RowMapper<?>> mappers = new ConcurrentHashMap<>();

    @Override
    public Optional<RowMapper<?>> build(Type type, ConfigRegistry config) {
        if (!(type instanceof Class<?> c) || !c.isRecord()) return Optional.empty();
        return Optional.of(mappers.computeIfAbsent(c, RecordRows::mapperOf));
    }

    private static RowMapper<?> mapperOf(Class<?> record) {
        RecordComponent[] parts = record.getRecordComponents();
        for (RecordComponent p : parts) if (!SIMPLE.contains(p.getType())) return ConstructorMapper.of(record);
        return new Mapper<>(record, parts);
    }

    /** A record's rows; the columns each component comes from, per query (the SQL of a DAO's query is a constant). */
    static final class Mapper<T> implements RowMapper<T> {
        private static final int MAX_QUERIES = 256; // past this, the match is made per query (a query built on the fly)
        private final Constructor<T> constructor;
        private final RecordComponent[] parts;
        private final Map<String, int[]> columnsBySql = new ConcurrentHashMap<>();

        Mapper(Class<T> record, RecordComponent[] parts) {
            this.parts = parts;
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) types[i] = parts[i].getType();
            try {
                this.constructor = record.getDeclaredConstructor(types);
                this.constructor.setAccessible(true);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException("a record without its canonical constructor: " + record, e);
            }
        }

        @Override
        public T map(ResultSet rs, StatementContext ctx) throws SQLException {
            return specialize(rs, ctx).map(rs, ctx);
        }

        @Override
        public RowMapper<T> specialize(ResultSet rs, StatementContext ctx) throws SQLException {
            String sql = ctx.getRawSql();
            int[] columns = sql == null ? null : columnsBySql.get(sql);
            if (columns == null) {
                columns = match(rs.getMetaData());
                if (sql != null && columnsBySql.size() < MAX_QUERIES) columnsBySql.put(sql, columns);
            }
            int[] from = columns;
            return (row, c) -> row(row, from);
        }

        /** For each component, the column (1-based) whose name is the component's in snake_case or as it is. */
        private int[] match(ResultSetMetaData meta) throws SQLException {
            int[] columns = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String want = plain(parts[i].getName());
                for (int col = 1; col <= meta.getColumnCount() && columns[i] == 0; col++) {
                    if (plain(meta.getColumnLabel(col)).equals(want)) columns[i] = col;
                }
                if (columns[i] == 0) {
                    throw new IllegalArgumentException("no column for " + parts[i].getName() + " of " + constructor.getDeclaringClass().getSimpleName());
                }
            }
            return columns;
        }

        private static String plain(String name) {
            return name.replace("_", "").toLowerCase(Locale.ROOT);
        }

        private T row(ResultSet rs, int[] columns) throws SQLException {
            Object[] args = new Object[parts.length];
            for (int i = 0; i < parts.length; i++) args[i] = read(rs, columns[i], parts[i].getType());
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A primitive from NULL is its zero, as JDBI's own column mappers give; a boxed one is null. */
        private static Object read(ResultSet rs, int col, Class<?> type) throws SQLException {
            if (type == String.class) return rs.getString(col);
            if (type == byte[].class) return rs.getBytes(col);
            Object value;
            if (type == long.class || type == Long.class) value = rs.getLong(col);
            else if (type == int.class || type == Integer.class) value = rs.getInt(col);
            else if (type == boolean.class || type == Boolean.class) value = rs.getBoolean(col);
            else value = rs.getDouble(col);
            return !type.isPrimitive() && rs.wasNull() ? null : value;
        }
    }
}
