package taleweaver.db;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.generic.GenericTypes;
import org.jdbi.v3.core.result.ResultIterable;
import org.jdbi.v3.core.statement.SqlStatement;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.SingleValue;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The game's DAO interfaces ({@code @SqlQuery} and {@code @SqlUpdate} methods) run on a handle. What each method does
 * is read from its annotations once per interface; a call then only creates its statement, binds and maps. JDBI's own
 * SQL objects redid that work on every attach and every call (a copy of the handle's configuration, the binders'
 * warming, the parameters' annotations read again): at 7,500 players they made half of everything the server
 * allocated.
 *
 * <p>What a method may use: parameters bound by position ({@code ?}), by {@code @Bind("name")} or their own name when
 * the statement has {@code :name}, a record by {@code @BindMethods}, a list by {@code @BindList}; a query returns a
 * {@code List}, an {@code Optional} or one value (the first row's, null when none); an update returns nothing, its
 * count ({@code int}), or with {@code @GetGeneratedKeys} the new row's key. Anything else fails when the interface is
 * first used, not at some later call.
 */
public final class Daos {
    private Daos() {}

    private static final ClassValue<Map<Method, Plan>> PLANS = new ClassValue<>() {
        @Override
        protected Map<Method, Plan> computeValue(Class<?> dao) {
            onlyRead(dao, Set.of());
            var plans = new HashMap<Method, Plan>();
            for (Method m : dao.getMethods()) {
                if (Modifier.isStatic(m.getModifiers()) || m.isDefault()) continue;
                plans.put(m, Plan.of(m));
            }
            return Map.copyOf(plans);
        }
    };

    /** {@code dao} on {@code h}: its methods run their statements on this handle (inside its transaction, if any). */
    public static <T> T on(Handle h, Class<T> dao) {
        Map<Method, Plan> plans = PLANS.get(dao);
        InvocationHandler calls = (proxy, method, args) -> {
            Plan plan = plans.get(method);
            if (plan != null) return plan.run(h, args);
            if (method.isDefault()) return InvocationHandler.invokeDefault(proxy, method, args);
            return switch (method.getName()) {
                case "toString" -> dao.getSimpleName() + " on " + h;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.toString());
            };
        };
        return dao.cast(Proxy.newProxyInstance(dao.getClassLoader(), new Class<?>[]{dao}, calls));
    }

    private static final Set<Class<?>> METHOD_ANNOTATIONS = Set.of(SqlQuery.class, SqlUpdate.class, GetGeneratedKeys.class, SingleValue.class);
    private static final Set<Class<?>> PARAMETER_ANNOTATIONS = Set.of(Bind.class, BindList.class, BindMethods.class);

    /** A JDBI annotation this class does not read (a mapper registered on a DAO, say) is refused, not silently ignored. */
    private static void onlyRead(AnnotatedElement element, Set<Class<?>> read) {
        for (Annotation a : element.getAnnotations()) {
            if (a.annotationType().getName().startsWith("org.jdbi.") && !read.contains(a.annotationType())) {
                throw new IllegalStateException(element + ": @" + a.annotationType().getSimpleName() + " is not read by Daos");
            }
        }
    }

    /** How one parameter reaches the statement. */
    private interface Binder {
        void bind(SqlStatement<?> statement, Object value);
    }

    private enum Returns { NOTHING, COUNT, KEY, LIST, OPTIONAL, ONE }

    /** {@code element}: the type each row (or the generated key) is mapped to, boxed; null for other updates. */
    private record Plan(String sql, boolean query, Binder[] binders, Returns returns, Type element) {
        static Plan of(Method m) {
            onlyRead(m, METHOD_ANNOTATIONS);
            SqlQuery q = m.getAnnotation(SqlQuery.class);
            SqlUpdate u = m.getAnnotation(SqlUpdate.class);
            if ((q == null) == (u == null)) throw new IllegalStateException(m + ": neither @SqlQuery nor @SqlUpdate (or both)");
            String sql = q != null ? q.value() : u.value();
            Parameter[] params = m.getParameters();
            var binders = new Binder[params.length];
            for (int i = 0; i < params.length; i++) {
                onlyRead(params[i], PARAMETER_ANNOTATIONS);
                binders[i] = binder(sql, params[i], i);
            }
            Type type = m.getGenericReturnType();
            if (u != null) {
                Returns r = m.isAnnotationPresent(GetGeneratedKeys.class) ? Returns.KEY
                        : m.getReturnType() == void.class ? Returns.NOTHING : Returns.COUNT;
                if (r == Returns.COUNT && m.getReturnType() != int.class) throw new IllegalStateException(m + ": an update returns void or int");
                return new Plan(sql, false, binders, r, r == Returns.KEY ? GenericTypes.box(type) : null);
            }
            Class<?> raw = GenericTypes.getErasedType(type);
            if (raw == List.class) return new Plan(sql, true, binders, Returns.LIST, element(m, type));
            if (raw == Optional.class) return new Plan(sql, true, binders, Returns.OPTIONAL, element(m, type));
            if (raw == void.class) throw new IllegalStateException(m + ": a query returns something");
            return new Plan(sql, true, binders, Returns.ONE, GenericTypes.box(type)); // byte[] too: one value, never rows of bytes
        }

        private static Type element(Method m, Type container) {
            return GenericTypes.findGenericParameter(container, GenericTypes.getErasedType(container)).map(GenericTypes::box)
                    .orElseThrow(() -> new IllegalStateException(m + ": the element type is not named"));
        }

        private static Binder binder(String sql, Parameter p, int index) {
            Type type = p.getParameterizedType(); // bound by its declared type, as JDBI's SQL objects did
            String name = boundName(sql, p);
            if (name != null) return (st, v) -> st.bindByType(name, v, type);
            BindList list = p.getAnnotation(BindList.class);
            if (list != null) {
                String listName = list.value().isEmpty() ? p.getName() : list.value();
                return (st, v) -> st.bindList(listName, (List<?>) v);
            }
            if (p.isAnnotationPresent(BindMethods.class)) return (st, v) -> st.bindMethods(v);
            return (st, v) -> st.bindByType(index, v, type);
        }

        /** The name {@code p} is bound by: its {@code @Bind}'s, or its own when the statement has {@code :name}; else null. */
        private static String boundName(String sql, Parameter p) {
            Bind bind = p.getAnnotation(Bind.class);
            if (bind != null) return bind.value().isEmpty() ? p.getName() : bind.value();
            if (p.isAnnotationPresent(BindList.class) || p.isAnnotationPresent(BindMethods.class) || !p.isNamePresent()) return null;
            return Pattern.compile(":" + Pattern.quote(p.getName()) + "\\b").matcher(sql).find() ? p.getName() : null;
        }

        Object run(Handle h, Object[] args) {
            SqlStatement<?> statement = query ? h.createQuery(sql) : h.createUpdate(sql);
            for (int i = 0; i < binders.length; i++) binders[i].bind(statement, args[i]);
            if (!query) {
                var update = (org.jdbi.v3.core.statement.Update) statement;
                return switch (returns) {
                    case NOTHING -> {
                        update.execute();
                        yield null;
                    }
                    case KEY -> update.executeAndReturnGeneratedKeys().mapTo(element).one();
                    default -> update.execute();
                };
            }
            ResultIterable<?> rows = ((org.jdbi.v3.core.statement.Query) statement).mapTo(element);
            if (returns == Returns.LIST) return rows.list();
            Object first;
            try (var it = rows.iterator()) { // the first row, or null when there is none (a row may be null itself)
                first = it.hasNext() ? it.next() : null;
            }
            return returns == Returns.OPTIONAL ? Optional.ofNullable(first) : first;
        }
    }
}
