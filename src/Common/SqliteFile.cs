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
    public static SqliteConnection Open(string path, string synchronous, string schema, string configurationKey)
    {
        var fullPath = Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = fullPath, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.Command($"PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 5000; {schema}");
            command.ExecuteNonQuery();
            return connection;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new ConfigurationException($"{configurationKey} {fullPath}: cannot open the database: {e.Message}", e);
        }
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
}
