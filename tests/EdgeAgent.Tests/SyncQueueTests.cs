namespace EdgeAgent.Tests;

using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Common;
using EdgeAgent.Recording;
using EdgeAgent.Sync;
using EdgeAgent.Testing;

/// <summary>The local queue of records to ship, in a real SQLite file: what is queued, when, and what it keeps from being deleted.</summary>
public sealed class SyncQueueTests
{
    [Fact]
    public void Records_already_there_are_queued_once_then_every_commit_and_every_change_that_travels()
    {
        using var folder = new TempFolder();
        var path = folder.File("agent.db");
        using var db = SqliteFile.Open(path, "FULL", RecordSchema.Tables + OutboxTable.Schema, "Database:Path");
        RecordSchema.Migrate(db);
        Execute(db, Detection(1));
        Execute(db, "INSERT INTO outbox (id, channel, state, next_attempt_at, created_at, alert, picture) VALUES ('a1', 'email', 'pending', 0, 0, '{}', x'FFD8FFD9')");

        using var queue = new SyncQueue(path, TimeSpan.FromSeconds(5));
        Assert.Equal(2, queue.Install(pictures: true));
        Assert.Equal(0, queue.Install(pictures: true));
        Assert.Equal(["a1"], queue.WaitingPictures().Select(p => p.AlertId));

        Execute(db, Detection(2));
        Execute(db, "UPDATE outbox SET state = 'sent', sent_at = 5 WHERE id = 'a1'");
        Execute(db, "INSERT INTO suppressed (source_id, captured_at, reason, label, category, confidence) VALUES ('CT-07', '2026-11-01T00:00:00Z', 'band', 'car', 'vehicle', 0.5)");
        var queued = queue.Peek(100);
        Assert.Equal(["detection", "alert", "detection", "alert", "suppressed"], queued.Select(q => q.Kind));
        Assert.Equal(5, queue.Backlog().Records);

        // Read as the rows are now: the alert once, delivered.
        var alerts = queue.Read(SyncedTables.All.Single(t => t.Kind == "alert"), queued.Where(q => q.Kind == "alert").Select(q => q.Row));
        Assert.Equal("sent", Assert.Single(alerts)[2]);

        // The outbox's pruning leaves a delivered alert the server does not have yet.
        Execute(db, "DELETE FROM outbox");
        Assert.Equal(1L, Scalar(db, "SELECT COUNT(*) FROM outbox"));
        queue.Acknowledge(queued[^1].Seq);
        queue.PictureShipped("a1", new DateOnly(2026, 11, 1), 4);
        Assert.Equal(4, queue.PictureBytesOn(new DateOnly(2026, 11, 1)));
        Execute(db, "DELETE FROM outbox");
        Assert.Equal(0L, Scalar(db, "SELECT COUNT(*) FROM outbox"));
        Assert.Equal(0, queue.Backlog().Records);

        // Shipping turned off: nothing queues any more; on again, everything is queued anew.
        queue.Uninstall();
        Execute(db, Detection(3));
        Assert.Equal(0, queue.Backlog().Records);
        Assert.Equal(4, queue.Install(pictures: false));
    }

    private static string Detection(int id) =>
        $"INSERT INTO detections (id, source_id, captured_at, label, category, confidence, x, y, width, height) VALUES ({id}, 'CT-07', '2026-11-01T00:00:0{id}Z', 'zebra', 'animal', 0.9, 0, 0, 1, 1)";

    private static void Execute(Microsoft.Data.Sqlite.SqliteConnection db, string sql)
    {
        using var command = db.Command(sql);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(Microsoft.Data.Sqlite.SqliteConnection db, string sql)
    {
        using var command = db.Command(sql);
        return command.ExecuteScalar();
    }
}
