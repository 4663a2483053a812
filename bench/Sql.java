import java.sql.DriverManager;

/** Prints the rows of one query, tab-separated: java -cp target/server.jar bench/Sql.java JDBC_URL USER QUERY (the bench's look behind the server). */
public class Sql {
    public static void main(String[] args) throws Exception {
        try (var c = DriverManager.getConnection(args[0], args[1], ""); var rs = c.createStatement().executeQuery(args[2])) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= n; i++) row.append(i > 1 ? "\t" : "").append(rs.getString(i));
                System.out.println(row);
            }
        }
    }
}
