namespace EdgeAgent.Common;

using Microsoft.Data.Sqlite;

/// <summary>The agent's SQLite files (outbox, records): opened once, in WAL mode, with their schema.</summary>
public static class SqliteFile
{
    /// <summary>
    /// Opens (and creates) a database file and applies the schema. <paramref name="synchronous"/> is
    /// SQLite's durability level: FULL where a commit must survive a power cut, NORMAL where a crash
    /// may lose the last commits but never corrupts. A file that cannot be opened is a configuration
    /// error naming <paramref name="configurationKey"/>.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="synchronous">SQLite's durability level.</param>
    /// <param name="schema">Statements that create what is missing.</param>
    /// <param name="configurationKey">The key that names the file, for errors.</param>
    /// <param name="lockTimeout">How long a statement waits for another writer's lock before it fails (default 30 s).</param>
    public static SqliteConnection Open(string path, string synchronous, string schema, string configurationKey, TimeSpan? lockTimeout = null)
    {
        var timeout = lockTimeout ?? TimeSpan.FromSeconds(30);
        var fullPath = Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false, DefaultTimeout = (int)Math.Ceiling(timeout.TotalSeconds) }.ToString());
            connection.Open();
            var busy = (int)Math.Min(5000, timeout.TotalMilliseconds);
            using var command = connection.Command($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = {busy}; {schema}");
            command.ExecuteNonQuery();
            return connection;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new ConfigurationException($"{configurationKey} {fullPath}: cannot open the database: {e.Message}", e);
        }
    }

    /// <summary>Adds a column that databases of earlier versions lack (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    public static void AddColumnIfMissing(this SqliteConnection connection, string table, string column, string type)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!connection.HasColumn(table, column))
        {
            using var add = connection.Command($"ALTER TABLE {table} ADD COLUMN {column} {type}");
            add.ExecuteNonQuery();
        }
    }

    /// <summary>Whether a table has a column (false when there is no such table).</summary>
    public static bool HasColumn(this SqliteConnection connection, string table, string column)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var columns = connection.Command("SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column");
        columns.Parameters.AddWithValue("$table", table);
        columns.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(columns.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>A read-only connection to a database another connection writes (pooled: pages open one per request).</summary>
    public static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 5 }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>A command with its text, in a transaction when given.</summary>
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Runs a query and reads each of its rows with <paramref name="read"/>.</summary>
    public static List<T> Rows<T>(this SqliteCommand command, Func<SqliteDataReader, T> read)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(read);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>A text column's value, or null where it is NULL.</summary>
    public static string? StringOrNull(this SqliteDataReader reader, int column)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.IsDBNull(column) ? null : reader.GetString(column);
    }
}
